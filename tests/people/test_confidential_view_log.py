"""Every read of a person's confidential file leaves one row (who, whom, when, what, from
where); administrators list the rows of their subtrees; nobody edits them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangvien.admission.models import Case, CaseAttachment
from dangvien.admission.services import case_open
from dangvien.people import views as people_views
from dangvien.people.models import FileView, FileViewKind, Person
from tests.append_only import assert_append_only
from tests.conftest import World, logged_in
from tests.people.factories import make_people, make_person


@pytest.fixture
def person(world: World) -> Person:
    return make_person(world.cell_1, "Nguyễn Thị Thu Hà")


def _case(world: World) -> Case:
    candidate = make_person(world.cell_1, "Đỗ Văn Ứng Viên", status="candidate")
    return case_open(acting_user=None, person=candidate, source="other", on=date(2026, 1, 5))


# --- writing --------------------------------------------------------------------------------


def test_viewing_a_persons_page_writes_one_row_with_who_whom_when_what_and_where(
    world: World, person: Person
) -> None:
    before = timezone.now()
    response = logged_in("bithu").get(f"/nguoi/{person.pk}/")
    assert response.status_code == 200
    row = FileView.objects.get()
    assert row.viewer == world.bithu
    assert row.person == person
    assert row.unit == world.cell_1
    assert row.kind == FileViewKind.PAGE
    assert row.detail == f"/nguoi/{person.pk}/"
    assert row.count == 1
    assert row.ip_address == "127.0.0.1"
    assert row.request_id == response.headers["X-Request-Id"]
    assert before <= row.at <= timezone.now()


def test_the_row_costs_one_insert_and_no_other_query(
    world: World, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = logged_in("bithu")
    url = f"/nguoi/{person.pk}/"
    client.get(url)  # the session and caches settle on the first request

    def page_queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return [q["sql"] for q in captured.captured_queries]

    logged = page_queries()
    monkeypatch.setattr(people_views, "file_view_record", lambda **kwargs: None)
    unlogged = page_queries()
    assert len(logged) == len(unlogged) + 1
    extra = [sql for sql in logged if "people_fileview" in sql]
    assert len(extra) == 1
    assert extra[0].startswith("INSERT")


def test_a_person_outside_the_scope_answers_404_and_writes_nothing(
    world: World, person: Person
) -> None:
    client = logged_in("ngoai")
    assert client.get(f"/nguoi/{person.pk}/").status_code == 404
    assert client.get(f"/nguoi/{person.pk}/sua/").status_code == 404
    assert not FileView.objects.exists()


def test_an_action_page_logs_its_get_but_not_a_refused_or_failed_post(
    world: World, person: Person
) -> None:
    client = logged_in("bithu")
    assert client.get(f"/nguoi/{person.pk}/sua/").status_code == 200
    # A form sent with errors shows the same file again: its GET was the logged read.
    assert client.post(f"/nguoi/{person.pk}/sua/", {"full_name": ""}).status_code == 200
    # The secretary may not record a change of status (403): nothing was shown.
    assert client.get(f"/nguoi/{person.pk}/tinh-trang/").status_code == 403
    assert list(FileView.objects.values_list("detail", flat=True)) == [f"/nguoi/{person.pk}/sua/"]


def test_the_case_page_its_filled_forms_and_its_files_are_logged(
    world: World, settings: Any, tmp_path: Path
) -> None:
    case = _case(world)
    settings.ATTACHMENT_ROOT = tmp_path
    (tmp_path / "don.pdf").write_bytes(b"%PDF-1.4\n")
    attachment = CaseAttachment.objects.create(
        event=case.events.get(), file="don.pdf", name="Đơn xin vào Đảng.pdf",
        content_type="application/pdf", size=9, sha256="0" * 64,
    )  # fmt: skip
    client = logged_in("bithu")
    assert client.get(f"/ket-nap/{case.pk}/").status_code == 200
    assert client.get(f"/ket-nap/{case.pk}/bieu-mau/2-KNĐ/docx/").status_code == 200
    assert client.get(f"/ket-nap/{case.pk}/tep/{attachment.pk}/").status_code == 200
    rows = FileView.objects.order_by("id")
    assert [(r.kind, r.person_id, r.unit_id) for r in rows] == [
        (kind, case.person_id, case.unit_id)
        for kind in (FileViewKind.CASE, FileViewKind.FORM, FileViewKind.ATTACHMENT)
    ]
    assert [r.detail for r in rows][1:] == ["2-KNĐ (docx)", "Đơn xin vào Đảng.pdf"]


def test_an_export_writes_one_row_with_its_count_and_filter(world: World) -> None:
    make_people(world.cell_1, ["Lê Thị An", "Trần Thị Bình"], sex="F")
    make_people(world.cell_2, ["Võ Thị Cúc"], sex="F")
    make_person(world.cell_2, "Phạm Văn Dũng", sex="M")
    query = f"don_vi={world.an_my.pk}&gioi_tinh=F"
    assert logged_in("xa").get(f"/nguoi/xuat/?{query}").status_code == 200
    row = FileView.objects.get()
    assert (row.kind, row.person, row.unit, row.count) == (
        FileViewKind.EXPORT,
        None,
        world.an_my,
        3,
    )
    assert row.detail == f"/nguoi/xuat/?{query}"


def test_the_register_writes_one_row_with_the_number_of_people_shown(world: World) -> None:
    make_people(world.cell_1, ["Lê Thị An", "Trần Thị Bình"])
    assert logged_in("xa").get(f"/nguoi/so/{world.cell_1.pk}/").status_code == 200
    row = FileView.objects.get()
    assert (row.kind, row.person, row.unit, row.count) == (
        FileViewKind.REGISTER,
        None,
        world.cell_1,
        2,
    )


def test_the_people_list_is_not_logged(world: World, person: Person) -> None:
    assert logged_in("bithu").get("/nguoi/").status_code == 200
    assert not FileView.objects.exists()


def test_the_log_is_append_only(world: World, person: Person) -> None:
    logged_in("bithu").get(f"/nguoi/{person.pk}/")
    assert_append_only(FileView.objects.get(), detail="sửa")


# --- the administrators' page ---------------------------------------------------------------

LOG = "/nguoi/nhat-ky-xem/"


def _row(world: World, person: Person, *, viewer: Any = None, at: datetime | None = None) -> None:
    FileView.objects.create(
        viewer=viewer or world.bithu,
        person=person,
        unit=person.unit,
        kind=FileViewKind.PAGE,
        detail=f"/nguoi/{person.pk}/",
        at=at or timezone.now(),
    )


def test_administrators_see_the_rows_of_their_subtree_only(world: World, person: Person) -> None:
    outsider_person = make_person(world.kb_school, "Hoàng Thị Ngoại Vi")
    _row(world, person)
    _row(world, outsider_person, viewer=world.ngoai)
    commune = logged_in("xa").get(LOG).content.decode()
    assert person.full_name in commune
    assert outsider_person.full_name not in commune
    sibling = logged_in("ngoai").get(LOG).content.decode()
    assert outsider_person.full_name in sibling
    assert person.full_name not in sibling


def test_an_editor_cannot_read_the_log(world: World, person: Person) -> None:
    _row(world, person)
    assert logged_in("bithu").get(LOG).status_code == 403


def test_the_log_filters_by_viewer_person_and_dates(world: World, person: Person) -> None:
    other = make_person(world.cell_2, "Trần Văn Khác")
    day = timezone.make_aware(datetime(2026, 3, 10, 9, 0))
    _row(world, person, at=day)
    _row(world, other, viewer=world.xa, at=day + timedelta(days=5))
    client = logged_in("tinh")

    def shown(query: str) -> set[str]:
        response = client.get(f"{LOG}?{query}")
        assert response.status_code == 200
        rows = response.context["page"].object_list
        return {row.person.full_name for row in rows}

    both = {person.full_name, other.full_name}
    assert shown("") == both
    assert shown("nguoi_xem=XA") == {other.full_name}
    assert shown("nguoi_xem=+xa+") == {other.full_name}  # spaces around a pasted name
    assert shown(f"ho_so={person.pk}") == {person.full_name}
    assert shown("tu_ngay=11/03/2026") == {other.full_name}
    assert shown("den_ngay=10/03/2026") == {person.full_name}
    assert shown("tu_ngay=10/03/2026&den_ngay=15/03/2026") == both
    assert shown("tu_ngay=16/03/2026&den_ngay=10/03/2026") == set()


def test_a_wrong_filter_says_which_field_and_shows_no_row(world: World, person: Person) -> None:
    _row(world, person)
    client = logged_in("xa")
    reversed_range = client.get(f"{LOG}?tu_ngay=16/03/2026&den_ngay=10/03/2026")
    assert not reversed_range.context["page"].object_list
    assert "“Từ ngày” phải trước hoặc bằng “Đến ngày”." in reversed_range.content.decode()
    not_a_date = client.get(f"{LOG}?den_ngay=31/02/2026")
    assert not not_a_date.context["page"].object_list
    assert "<li>Đến ngày: " in not_a_date.content.decode()


def test_filtering_by_a_person_outside_the_subtree_answers_404(
    world: World, person: Person
) -> None:
    _row(world, person)
    assert logged_in("ngoai").get(f"{LOG}?ho_so={person.pk}").status_code == 404


def test_the_page_keeps_the_filter_across_pages(world: World, person: Person) -> None:
    for _ in range(people_views.VIEW_LOG_PAGE_SIZE + 1):
        _row(world, person)
    page = logged_in("xa").get(f"{LOG}?nguoi_xem=bithu").content.decode()
    assert "?nguoi_xem=bithu&amp;trang=2" in page


def test_the_log_page_queries_do_not_grow_with_rows(
    world: World, person: Person, django_assert_num_queries: Any
) -> None:
    client = logged_in("xa")
    _row(world, person)
    with CaptureQueriesContext(connection) as few:
        assert client.get(LOG).status_code == 200
    people = make_people(world.cell_2, [f"Người Số {i}" for i in range(30)])
    for someone in people:
        _row(world, someone, viewer=world.xa)
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get(LOG).status_code == 200


def test_an_administrator_finds_who_read_a_file_from_its_page(world: World, person: Person) -> None:
    link = f"{LOG}?ho_so={person.pk}"
    assert link in logged_in("xa").get(f"/nguoi/{person.pk}/").content.decode()
    assert link not in logged_in("bithu").get(f"/nguoi/{person.pk}/").content.decode()
