"""`dangvien check-integrity` finds what was broken on purpose, and nothing in a clean world."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from dangvien.orgs.models import Unit, UnitVersion
from dangvien.people.models import Person, Status
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.models import Metric, Tally
from tests.conftest import World
from tests.people.factories import make_people


def _run() -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("check_integrity", stdout=out)
    except SystemExit as exit:
        return int(exit.code or 0), out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def peopled(world: World) -> World:
    make_people(world.cell_1, ["An", "Bình"])
    make_people(world.kb_school, ["Chi"])
    return world


def test_a_clean_world_reports_nothing(peopled: World) -> None:
    assert check_integrity() == []
    code, out = _run()
    assert code == 0
    assert "Không thấy chỗ sai nào." in out


def test_a_broken_tally_is_listed_with_kept_and_actual(peopled: World) -> None:
    Tally.objects.filter(unit=peopled.tam_ky, metric=Metric.ADMITTED).update(total=5)
    Tally.objects.filter(unit=peopled.kinh_bac, metric=Metric.RECOGNISED).delete()
    code, out = _run()
    assert code == 1
    assert "QN.TK, tháng 03/2015, Kết nạp: đang lưu 5, tính lại được 2." in out
    assert "BN.KB, tháng 03/2016, Công nhận chính thức: đang lưu 0, tính lại được 1." in out
    assert "Có 2 chỗ sai." in out


def test_repair_recounts_the_tallies(peopled: World) -> None:
    Tally.objects.filter(unit=peopled.root).update(total=0)
    with pytest.raises(SystemExit):
        call_command("check_integrity", "--repair-tallies", stdout=StringIO())
    assert check_integrity() == []


def test_a_corrupted_path_is_caught(peopled: World) -> None:
    Unit.objects.filter(pk=peopled.cell_2.pk).update(path=peopled.kinh_bac.path + "zzzzzzz")
    found = [f for f in check_integrity() if f.check in ("path", "version")]
    messages = " ".join(f.message for f in found)
    assert "Đường dẫn cây sai: QN.TK.AM.2" in messages
    assert "Phiên bản hiện hành của QN.TK.AM.2 không khớp" in messages


def test_a_missing_version_is_caught(peopled: World) -> None:
    UnitVersion.objects.filter(unit=peopled.cell_1).update(valid_to=date(2020, 1, 1))
    messages = [f.message for f in check_integrity()]
    assert "QN.TK.AM.1 có 0 phiên bản đang hiệu lực (phải có đúng một)." in messages


def test_a_status_that_disagrees_with_its_events_is_caught(peopled: World) -> None:
    person = Person.objects.get(full_name="Chi")
    Person.objects.filter(pk=person.pk).update(status=Status.DECEASED)
    messages = [f.message for f in check_integrity()]
    assert any(m.startswith(f"Chi (#{person.pk}, BN.KB.TH) đang ghi “Từ trần”") for m in messages)


def test_members_left_in_a_dissolved_cell_are_orphans(peopled: World) -> None:
    Unit.objects.filter(pk=peopled.cell_1.pk).update(valid_to=date(2025, 7, 1))
    UnitVersion.objects.filter(unit=peopled.cell_1).update(valid_to=date(2025, 7, 1))
    messages = [f.message for f in check_integrity() if f.check == "orphan"]
    assert len(messages) == 2
    assert "đơn vị đã giải thể không có đơn vị kế thừa" in messages[0]


@pytest.mark.django_db
def test_the_demo_world_passes() -> None:
    """Slow (the whole demo): its loaders go through the services, so the hooks keep the
    counts; nothing else in it may be inconsistent either."""
    call_command("demo", stdout=StringIO())
    assert [f.message for f in check_integrity()] == []


def test_a_wrong_kept_certificate_date_is_caught(peopled: World) -> None:
    from dangvien.admission.models import Case, Source
    from dangvien.admission.services import case_open
    from dangvien.training.models import ClassKind
    from tests.training.factories import make_class, pass_class

    person = make_people(peopled.cell_1, ["Dung"], Status.CANDIDATE)[0]
    case = case_open(acting_user=None, person=person, source=Source.OTHER, on=date(2025, 1, 6))
    pass_class(
        make_class(peopled.an_my, ClassKind.AWARENESS, date(2025, 2, 3), date(2025, 2, 7)),
        person,
        date(2025, 2, 8),
    )
    case.refresh_from_db()
    assert case.certificate_issued == date(2025, 2, 8)  # kept by the class's service
    assert check_integrity() == []
    Case.objects.filter(pk=case.pk).update(certificate_issued=None)
    findings = check_integrity()
    assert [f.check for f in findings] == ["certificate"]
    assert "đang lưu ngày cấp giấy chứng nhận —, tính lại được 08/02/2025" in findings[0].message
