from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from io import StringIO
from typing import Any
from unittest.mock import patch

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from dangvien.accounts.selectors import scope_q
from dangvien.admission.alerts import (
    alert_bands,
    alerts_for,
    alerts_page,
    band_of,
    urgent_count,
)
from dangvien.admission.models import Case, Source, Step
from dangvien.admission.services import case_open, case_record_step
from dangvien.people.models import Status, Transfer
from dangvien.people.services import transfer_request, transfer_send
from dangvien.tallies.models import CaseDue
from tests.admission.factories import set_deadline
from tests.conftest import World, logged_in
from tests.people.factories import make_person

TODAY = date(2026, 11, 23)


def _case(world: World, name: str, due: date, unit_name: str = "cell_1") -> Case:
    unit = getattr(world, unit_name)
    person = make_person(unit, name, status=Status.CANDIDATE)
    case = case_open(acting_user=None, person=person, source=Source.OTHER, on=date(2026, 1, 5))
    return set_deadline(case, due)


def test_alerts_are_scoped_and_banded(world: World) -> None:
    _case(world, "Lê Văn An", date(2026, 11, 1))  # overdue
    _case(world, "Trần Thị Ánh", date(2026, 11, 27))  # within 7 days
    _case(world, "Đỗ Văn Ân", date(2026, 12, 20))  # within 30 days
    _case(world, "Hoàng Văn Bảo", date(2027, 3, 1))  # later: not listed
    _case(world, "Vũ Thị Bình", date(2026, 11, 2), "cell_2")
    mine = alerts_for(world.bithu, TODAY)
    assert [a.person_name for a in mine] == ["Lê Văn An", "Trần Thị Ánh", "Đỗ Văn Ân"]
    assert [a.band(TODAY) for a in mine] == ["overdue", "soon", "later"]
    assert urgent_count(world.bithu, TODAY) == 2
    assert len(alerts_for(world.xa, TODAY)) == 4
    assert alerts_for(world.ngoai, TODAY) == []


def test_the_header_count_stops_past_its_cap_and_says_so(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dangvien.admission.alerts as alerts_module
    import dangvien.web.context_processors as navigation

    for i, name in enumerate(["Lê Văn An", "Trần Thị Ánh", "Đỗ Văn Ân", "Vũ Thị Bình"]):
        _case(world, name, date(2026, 11, 1 + i))
    assert urgent_count(world.bithu, TODAY) == 4
    monkeypatch.setattr(alerts_module, "URGENT_SHOWN", 2)
    monkeypatch.setattr(navigation, "URGENT_SHOWN", 2)
    # Counted up to one past the cap, whatever the number behind it.
    assert urgent_count(world.bithu, TODAY) == 3
    body = logged_in("bithu").get("/canh-bao/").content.decode()
    assert "2+ cảnh báo" in body


def test_the_page_groups_alerts_by_unit_and_the_header_counts_them(world: World) -> None:
    _case(world, "Lê Văn An", date(2026, 1, 1))
    body = logged_in("bithu").get("/canh-bao/").content.decode()
    assert "Chi bộ khu phố 1" in body
    assert "Lê Văn An" in body
    assert "Quá hạn" in body
    assert "1 cảnh báo" in body
    assert "Lê Văn An" not in logged_in("ngoai").get("/canh-bao/").content.decode()


def test_the_command_prints_the_same_list(world: World) -> None:
    _case(world, "Lê Văn An", date(2026, 1, 1))
    out = StringIO()
    call_command("alerts", unit=world.an_my.code, stdout=out)
    assert "Chi bộ khu phố 1" in out.getvalue()
    assert "Lê Văn An — Tổ chức lễ kết nạp" in out.getvalue()


@override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
def test_the_digest_mails_each_user_their_own_alerts(world: World) -> None:
    _case(world, "Lê Văn An", date(2026, 1, 1))
    world.bithu.email = "bithu@example.org"
    world.bithu.save(update_fields=["email"])
    world.ngoai.email = "ngoai@example.org"
    world.ngoai.save(update_fields=["email"])
    call_command("digest", stdout=StringIO())
    assert [m.to for m in mail.outbox] == [["bithu@example.org"]]
    assert "Lê Văn An" in mail.outbox[0].body


def _at_stage(case: Case, stage: str) -> None:
    Case.objects.filter(pk=case.pk).update(stage=stage)


def test_a_certificate_expiring_before_the_cell_votes_is_an_alert(world: World) -> None:
    from dangvien.training.models import ClassKind
    from tests.training.factories import make_class, pass_class

    # Recorded on the case: issued 10/12/2021, valid 60 months → expires 10/12/2026.
    person = make_person(world.cell_1, "Lê Văn An", status=Status.CANDIDATE)
    recorded = case_open(acting_user=None, person=person, source=Source.OTHER, on=date(2021, 11, 1))
    helper = make_person(world.cell_1, "Phạm Văn Cường")
    case_record_step(
        acting_user=None, case=recorded, step=Step.HELPER, on=date(2021, 11, 2), helper=helper
    )
    case_record_step(
        acting_user=None,
        case=recorded,
        step=Step.AWARENESS_CLASS,
        on=date(2021, 12, 10),
        data={"certificate_number": "GCN-9", "certificate_date": "2021-12-10"},
    )
    # In the class register only: issued 20/11/2021 → expired 20/11/2026.
    registered_person = make_person(world.cell_1, "Trần Thị Ánh", status=Status.CANDIDATE)
    registered = case_open(
        acting_user=None, person=registered_person, source=Source.OTHER, on=date(2021, 11, 1)
    )
    pass_class(
        make_class(world.an_my, ClassKind.AWARENESS, date(2021, 11, 15), date(2021, 11, 19)),
        registered_person,
        date(2021, 11, 20),
    )
    _at_stage(registered, Step.APPLICATION)
    # Past the cell's vote the certificate no longer matters.
    voted_person = make_person(world.cell_1, "Đỗ Văn Ân", status=Status.CANDIDATE)
    voted = case_open(
        acting_user=None, person=voted_person, source=Source.OTHER, on=date(2021, 11, 1)
    )
    pass_class(
        make_class(
            world.an_my, ClassKind.AWARENESS, date(2021, 11, 8), date(2021, 11, 12), "Khóa II"
        ),
        voted_person,
        date(2021, 11, 13),
    )
    _at_stage(voted, Step.CELL_RESOLUTION)

    alerts = [a for a in alerts_for(world.bithu, TODAY) if "Giấy chứng nhận" in a.what]
    assert [(a.person_name, a.due) for a in alerts] == [
        ("Trần Thị Ánh", date(2026, 11, 20)),
        ("Lê Văn An", date(2026, 12, 10)),
    ]
    assert "có giá trị 60 tháng kể từ ngày cấp" in alerts[0].what
    assert [a.band(TODAY) for a in alerts] == ["overdue", "later"]
    assert urgent_count(world.bithu, TODAY) == 1
    assert alerts_for(world.ngoai, TODAY) == []


def test_a_shorter_validity_in_a_later_rule_version_is_not_missed(world: World) -> None:
    from dangvien.rulebook.services import rule_version_add
    from dangvien.training.models import ClassKind
    from tests.training.factories import make_class, pass_class

    rule_version_add(
        acting_user=None,
        key="training.awareness_certificate_months",
        effective_from=date(2024, 1, 1),
        value=24,
        source="(thử) quy định rút ngắn",
    )
    person = make_person(world.cell_1, "Lê Văn An", status=Status.CANDIDATE)
    case = case_open(acting_user=None, person=person, source=Source.OTHER, on=date(2024, 11, 1))
    pass_class(
        make_class(world.an_my, ClassKind.AWARENESS, date(2024, 11, 25), date(2024, 11, 29)),
        person,
        date(2024, 12, 1),
    )
    Case.objects.filter(pk=case.pk).update(stage=Step.APPLICATION)
    # Issued under the 24-month version: expires 01/12/2026, within 30 days of TODAY.
    (alert,) = [a for a in alerts_for(world.bithu, TODAY) if "Giấy chứng nhận" in a.what]
    assert alert.due == date(2026, 12, 1)


def test_the_bands_are_counted_as_the_list_would_band_them(world: World) -> None:
    for day, name in enumerate(["An", "Ánh", "Ân", "Bảo", "Bình", "Cúc"], start=1):
        _case(world, f"Lê Văn {name}", TODAY + timedelta(days=day * 8 - 10))
    listed = alerts_for(world.xa, TODAY)
    expected = {
        band: sum(a.band(TODAY) == band for a in listed) for band in ("overdue", "soon", "later")
    }
    assert alert_bands(world.xa, TODAY) == expected
    assert sum(expected.values()) == len(listed) == 5  # the sixth is due beyond 30 days
    assert sum(alert_bands(world.ngoai, TODAY).values()) == 0


def test_pages_hold_every_alert_once_soonest_first(world: World) -> None:
    names = [f"Người {n:02d}" for n in range(7)]
    for n, name in enumerate(names):
        _case(world, name, date(2026, 11, 1 + (n % 3)))  # three days, ties broken by record
    seen = []
    for number in (1, 2, 3):
        page = alerts_page(world.xa, TODAY, number=number, per_page=3)
        assert (page.number, page.pages, page.total) == (number, 3, 7)
        seen += page.alerts
    assert sorted(a.person_name for a in seen) == names
    assert [a.due for a in seen] == sorted(a.due for a in seen)
    assert alerts_page(world.xa, TODAY, number=99, per_page=3).number == 3


def test_the_list_page_shows_one_page_and_links_the_next(world: World) -> None:
    for n in range(3):
        _case(world, f"Người {n}", date(2026, 11, 1 + n))
    client = logged_in("xa")
    with patch("dangvien.admission.alerts.PER_PAGE", 2):
        first = client.get("/canh-bao/").content.decode()
        second = client.get("/canh-bao/?trang=2").content.decode()
    assert "Người 0" in first
    assert "Người 2" not in first
    assert "Trang 1/2" in first
    assert "?trang=2" in first
    assert "Người 2" in second
    assert "Người 0" not in second


def test_the_list_page_costs_the_same_queries_for_more_alerts(world: World) -> None:
    client = logged_in("xa")
    _case(world, "Người đầu", date(2026, 11, 1))
    client.get("/canh-bao/")  # sessions and caches warmed
    with CaptureQueriesContext(connection) as few:
        client.get("/canh-bao/")
    for n in range(30):
        _case(world, f"Người {n}", date(2026, 11, 2), "cell_2" if n % 2 else "cell_1")
    with CaptureQueriesContext(connection) as many:
        body = client.get("/canh-bao/").content.decode()
    assert "Người 29" in body
    assert len(many) == len(few)


def test_kept_bands_and_header_count_equal_the_counts_over_the_cases(world: World) -> None:
    """The bands and the header's count read the kept due counts (`tallies.dues`): for
    several users and units they count what a count over the open cases counts."""
    cases = [
        _case(world, f"Người {n}", due, unit)
        for n, (unit, due) in enumerate(
            [
                ("cell_1", date(2026, 11, 1)),
                ("cell_1", date(2026, 11, 26)),
                ("cell_2", date(2026, 12, 10)),
                ("kb_school", date(2026, 11, 20)),
                ("kb_school", date(2026, 12, 22)),
                ("cell_2", date(2027, 2, 1)),  # beyond the month: in no band
            ]
        )
    ]
    asked = [
        (world.xa, None),
        (world.tinh, None),
        (world.tinh, world.an_my),
        (world.tinh, world.kinh_bac),  # outside the user's grant: nothing
        (None, world.bac_ninh),
        (None, None),
    ]

    def counted(user: Any, under: Any) -> Counter[str]:
        scope = Q() if user is None else scope_q(user, "unit__path")
        if under is not None:
            scope &= Q(unit__path__startswith=under.path)
        open_cases = Case.objects.filter(scope, state=Case.State.OPEN, due_on__isnull=False)
        limit = TODAY + timedelta(days=30)
        counts = Counter({"overdue": 0, "soon": 0, "later": 0})
        counts.update(
            band_of(due, TODAY)
            for due in open_cases.filter(due_on__lte=limit).values_list("due_on", flat=True)
            if due is not None
        )
        return counts

    assert [alert_bands(u, TODAY, under=x) for u, x in asked] == [counted(u, x) for u, x in asked]
    assert [sum(counted(u, x).values()) for u, x in asked] == [3, 3, 3, 0, 2, 5]
    # cell 1: due 01/11 and 26/11, within a week of TODAY
    assert [urgent_count(u, TODAY) for u in (world.bithu, world.xa, world.tinh)] == [2, 2, 2]
    # They are the kept rows: a row changed behind the services shows (nothing recounts).
    CaseDue.objects.filter(unit=world.an_my, day=date(2026, 11, 1)).update(total=5)
    assert alert_bands(world.xa, TODAY)["overdue"] == 5
    assert urgent_count(world.xa, TODAY) == 6
    CaseDue.objects.filter(unit=world.an_my, day=date(2026, 11, 1)).update(total=1)
    # A step that ends a case takes it out of the counts.
    case_record_step(acting_user=None, case=cases[1], step=Step.WITHDRAWN, on=TODAY)
    assert urgent_count(world.bithu, TODAY) == 1
    assert alert_bands(world.xa, TODAY) == counted(world.xa, None)


def _certificate_case(world: World, name: str, issued: date) -> Case:
    """An open case before the cell's vote whose certificate was issued on `issued`
    (recorded on the case)."""
    person = make_person(world.cell_1, name, status=Status.CANDIDATE)
    case = case_open(acting_user=None, person=person, source=Source.OTHER, on=issued)
    helper = make_person(world.cell_1, f"Người giúp đỡ {name}")
    case_record_step(acting_user=None, case=case, step=Step.HELPER, on=issued, helper=helper)
    case_record_step(
        acting_user=None,
        case=case,
        step=Step.AWARENESS_CLASS,
        on=issued,
        data={"certificate_number": f"GCN-{name}", "certificate_date": issued.isoformat()},
    )
    return case


def test_certificates_are_banded_and_counted_across_pages(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard's bands count certificates from their issue dates alone, as the list
    bands them; the header counts them page by page up to its cap."""
    import dangvien.admission.alerts as alerts_module

    # Valid 60 months: issued 60 months before the expiry wanted.
    for n, left in enumerate([-3, 1, 2, 4, 6, 20]):
        expires = TODAY + timedelta(days=left)
        _certificate_case(world, f"Người {n}", expires.replace(year=expires.year - 5))
    listed = [a for a in alerts_for(world.xa, TODAY) if "Giấy chứng nhận" in a.what]
    assert [a.band(TODAY) for a in listed] == ["overdue", *["soon"] * 4, "later"]
    assert alert_bands(world.xa, TODAY) == {"overdue": 1, "soon": 4, "later": 1}
    assert urgent_count(world.xa, TODAY) == 5
    monkeypatch.setattr(alerts_module, "CERTIFICATE_PAGE", 2)
    assert urgent_count(world.xa, TODAY) == 5
    monkeypatch.setattr(alerts_module, "URGENT_SHOWN", 2)
    assert urgent_count(world.xa, TODAY) == 3


def test_the_bands_count_the_transfers_the_list_shows_in_every_scope(world: World) -> None:
    """The counts (`alert_bands`, in SQL) and the list (`alerts_for`, through the ORM) agree
    for sent transfers inside one province, across two and out of the system, due in each
    band, whoever asks and below whichever unit."""
    due = {
        "Chuyển Một": (world.cell_2, TODAY - timedelta(days=3)),  # overdue, inside An Mỹ
        "Chuyển Hai": (world.kb_school, TODAY + timedelta(days=5)),  # soon, to Bắc Ninh
        "Chuyển Ba": (None, TODAY + timedelta(days=20)),  # later, out of the system
        "Chuyển Bốn": (world.kb_school, TODAY + timedelta(days=45)),  # beyond the horizon
    }
    for name, (to_unit, due_on) in due.items():
        person = make_person(world.cell_1, name)
        transfer = transfer_request(
            acting_user=None,
            person=person,
            to_unit=to_unit,
            to_outside="" if to_unit else "Đảng bộ Bộ Công an",
            on=date(2026, 9, 1),
        )
        transfer_send(acting_user=None, transfer=transfer, on=date(2026, 9, 2), document="9/GT")
        # The deadline itself is the services' (working days); here it is set on the day
        # each band needs.
        Transfer.objects.filter(pk=transfer.pk).update(due_on=due_on)
    asked = [
        (world.bithu, None),
        (world.xa, None),
        (world.xa, world.cell_2),
        (world.tinh, world.an_my),
        (world.ngoai, None),  # Bắc Ninh: receives one
        (world.ngoai, world.kinh_bac),
        (world.ngoai, world.an_my),  # outside the grant, but sends to it: the one
        (world.tinh, world.kinh_bac),  # the sender's province asks below the receiver
        (None, world.kb_school),
        (None, None),
    ]

    def listed(user: Any, under: Any) -> Counter[str]:
        counts = Counter({"overdue": 0, "soon": 0, "later": 0})
        counts.update(a.band(TODAY) for a in alerts_for(user, TODAY, under=under))
        return counts

    assert [alert_bands(u, TODAY, under=x) for u, x in asked] == [listed(u, x) for u, x in asked]
    assert [sum(listed(u, x).values()) for u, x in asked] == [3, 3, 1, 3, 1, 1, 1, 1, 1, 3]
    assert alert_bands(world.xa, TODAY) == Counter({"overdue": 1, "soon": 1, "later": 1})
