"""The admission pages: the board, the case page, recording steps through the web."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from pytest_django import DjangoAssertNumQueries

from dangvien.admission import views as admission_views
from dangvien.admission.models import Case, CaseEvent, Source, Step
from dangvien.admission.selectors import case_deadline
from dangvien.admission.services import case_open, case_record_step
from dangvien.lib.dates import PartialDate
from dangvien.lib.selectors import working_calendar
from dangvien.people.models import Status
from tests.admission.factories import candidate, cell_members, drive_case, open_case
from tests.conftest import World, logged_in
from tests.people.factories import category, make_person


def _post(client: Client, case: Case, step: str, **fields: Any) -> Any:
    data = {"step": step, "stage": case.stage, **fields}
    return client.post(f"/ket-nap/{case.pk}/ghi/", data)


# --- the board ---------------------------------------------------------------------------


def test_board_counts_cases_per_stage_and_marks_overdue(world: World) -> None:
    members = cell_members(world.cell_1)
    fresh = open_case(candidate(world.cell_1, "Lê Văn Mới"), on=date.today() - timedelta(days=3))
    late = drive_case(
        open_case(candidate(world.cell_1, "Trần Thị Trễ")), members, Step.CELL_RESOLUTION
    )
    response = logged_in("xa").get("/ket-nap/")
    assert response.status_code == 200
    body = response.content.decode()
    columns = {c.step: c for c in response.context["columns"]}
    assert len(columns[Step.LISTED].cards) == 1
    assert len(columns[Step.CELL_RESOLUTION].cards) == 1
    assert len(columns[Step.HELPER].cards) == 0
    card = columns[Step.CELL_RESOLUTION].cards[0]
    assert card.case.pk == late.pk
    assert card.overdue
    assert f'board-card overdue" data-case="{late.pk}"' in body
    assert f'board-card" data-case="{fresh.pk}"' in body
    assert "3 ngày ở bước này" in body
    assert f"/ket-nap/{fresh.pk}/ghi/?buoc=helper" in body


def test_board_filters_by_cell_and_source(world: World) -> None:
    open_case(candidate(world.cell_1))
    other = make_person(world.cell_2, "Phạm Văn Khác", status=Status.CANDIDATE)
    case_open(acting_user=None, person=other, source=Source.VETERANS, on=date(2024, 1, 15))
    client = logged_in("xa")
    body = client.get(f"/ket-nap/?chi_bo={world.cell_2.pk}").content.decode()
    assert "Phạm Văn Khác" in body
    assert "Nguyễn Thị Thu Hà" not in body
    body = client.get("/ket-nap/?nguon=youth_union").content.decode()
    assert "Phạm Văn Khác" not in body
    assert "Nguyễn Thị Thu Hà" in body


def test_a_long_column_shows_its_oldest_cards_and_counts_the_rest(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admission_views, "BOARD_CARDS", 2)
    monkeypatch.setattr(admission_views, "BOARD_PAGE", 2)
    opened = [
        open_case(candidate(world.cell_1, f"Quần Chúng {n}"), on=date(2024, 1, 10 + n))
        for n in range(5)
    ]
    client = logged_in("xa")
    response = client.get("/ket-nap/")
    listed = {c.step: c for c in response.context["columns"]}[Step.LISTED]
    # The two longest at the stage, and the column's own count of all five.
    assert [card.case.pk for card in listed.cards] == [c.pk for c in opened[:2]]
    assert listed.count == 5
    assert response.context["total"] == 5
    body = response.content.decode()
    assert '<span class="stage-count">5</span>' in body
    assert "?buoc=listed" in body
    assert "Xem cả 5 hồ sơ" in body
    # The stage alone, page by page: every case once, oldest first.
    seen = []
    for page in (1, 2, 3):
        response = client.get(f"/ket-nap/?buoc=listed&trang={page}")
        (column,) = response.context["columns"]
        assert column.step == Step.LISTED
        assert column.count == 5
        seen += [card.case.pk for card in column.cards]
    assert seen == [c.pk for c in opened]
    assert 'rel="prev"' in response.content.decode()


def test_a_unit_with_many_cells_links_the_units_below_instead_of_a_cell_chooser(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = logged_in("tinh")
    assert "chi_bo" in client.get("/ket-nap/").context["form"].fields
    monkeypatch.setattr(admission_views, "BOARD_CELL_CHOICES", 1)
    response = client.get("/ket-nap/")
    assert "chi_bo" not in response.context["form"].fields
    below = list(response.context["below"])
    assert below
    assert all(unit.parent_id == response.context["unit"].pk for unit in below)
    assert f"?don_vi={below[0].pk}" in response.content.decode()


def test_the_kept_deadline_agrees_with_the_selector(world: World) -> None:
    members = cell_members(world.cell_1)
    cases = [
        open_case(candidate(world.cell_1, "Người Một")),
        drive_case(open_case(candidate(world.cell_1, "Người Hai")), members, Step.CELL_RESOLUTION),
    ]
    calendar = working_calendar()
    for case in cases:
        case.refresh_from_db()
        expected = case_deadline(case, calendar)
        assert case.due_on == (expected.due if expected else None)
    assert cases[1].due_on is not None


def test_board_query_count_is_bounded(
    world: World, django_assert_max_num_queries: DjangoAssertNumQueries
) -> None:
    members = cell_members(world.cell_1)
    for n in range(20):
        case = open_case(candidate(world.cell_1, f"Quần Chúng {n}"))
        if n % 2:
            drive_case(case, members, Step.CELL_RESOLUTION)
    client = logged_in("xa")
    # About 14 whatever the number of cards (session, grants, cases, events, rules, calendar,
    # the header counts); a query per card would add 20.
    with django_assert_max_num_queries(16):
        response = client.get("/ket-nap/")
    assert response.context["total"] == 20


# --- the case page -----------------------------------------------------------------------


def test_case_page_shows_the_blocker_with_its_rule_before_recording(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.HELPER)
    response = logged_in("bithu").get(f"/ket-nap/{case.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    # The awareness class is next, and no certificate is known yet.
    assert "Chưa có giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng" in body
    assert "60 tháng" in body or "Quy định" in body
    assert f"/ket-nap/{case.pk}/ghi/?buoc=awareness_class" in body
    assert "Đảng viên Số 1" in body  # the helper


def test_case_page_lists_the_dossier_with_form_links(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.APPLICATION)
    body = logged_in("bithu").get(f"/ket-nap/{case.pk}/").content.decode()
    assert "CN-NTVĐ" in body
    assert "1-KNĐ" in body
    assert "còn hạn đến ngày 01/03/2029" in body
    assert f"/ket-nap/{case.pk}/bieu-mau/1-KN%C4%90/docx/" in body or (
        f"/ket-nap/{case.pk}/bieu-mau/1-KNĐ/docx/" in body
    )


def test_filled_form_downloads_with_the_persons_name(world: World) -> None:
    docx = pytest.importorskip("docx")
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.CELL_RESOLUTION)
    response = logged_in("bithu").get(f"/ket-nap/{case.pk}/bieu-mau/6-KNĐ/docx/")
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(BytesIO(response.content)).paragraphs)
    assert "Nguyễn Thị Thu Hà" in text
    assert logged_in("ngoai").get(f"/ket-nap/{case.pk}/bieu-mau/6-KNĐ/docx/").status_code == 404
    pdf = logged_in("bithu").get(f"/ket-nap/{case.pk}/bieu-mau/6-KNĐ/pdf/")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


# --- recording steps ---------------------------------------------------------------------


def test_recording_a_helper_through_the_web(world: World) -> None:
    members = cell_members(world.cell_1)
    case = open_case(candidate(world.cell_1))
    client = logged_in("bithu")
    form = client.get(f"/ket-nap/{case.pk}/ghi/?buoc=helper")
    assert form.status_code == 200
    assert "Đảng viên Số 4" in form.content.decode()
    response = _post(client, case, Step.HELPER, on="01/02/2024", helper=members[3].pk)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Step.HELPER
    assert case.helper == members[3]
    assert "Đã ghi bước" in client.get(response.url).content.decode()


def test_recording_the_awareness_class_with_its_certificate(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.HELPER)
    client = logged_in("bithu")
    response = _post(client, case, Step.AWARENESS_CLASS, on="01/03/2024")
    assert response.status_code == 200
    assert "Chưa có giấy chứng nhận" in response.content.decode()
    response = _post(
        client,
        case,
        Step.AWARENESS_CLASS,
        on="01/03/2024",
        certificate_number="CN 1/2024",
        certificate_date="01/03/2024",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Step.AWARENESS_CLASS


def test_recording_introducers_through_the_web(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.VERIFICATION)
    client = logged_in("bithu")
    response = _post(
        client,
        case,
        Step.INTRODUCTIONS,
        on="01/06/2024",
        intro1_member=members[1].pk,
        intro1_since=f"{date.today() - timedelta(days=60):%d/%m/%Y}",
        intro2_member=members[2].pk,
        intro2_since="01/05/2021",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.stage == Step.INTRODUCTIONS
    assert {i.member_id for i in case.introducers.all()} == {members[1].pk, members[2].pk}
    # The introducers are judged at the cell's vote: the case page says so before the click.
    case_record_step(acting_user=None, case=case, step=Step.OPINIONS, on=date(2024, 6, 10))
    body = logged_in("xa").get(f"/ket-nap/{case.pk}/").content.decode()
    assert "Đảng viên Số 2 chưa cùng công tác" in body


def test_a_youth_union_resolution_replaces_an_introducer(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.VERIFICATION)
    response = _post(
        logged_in("bithu"),
        case,
        Step.INTRODUCTIONS,
        on="01/06/2024",
        intro1_member=members[1].pk,
        intro1_since="01/01/2022",
        youth_union_document="12-NQ/ĐTN",
    )
    assert response.status_code == 302
    kinds = sorted(i.kind for i in case.introducers.all())
    assert kinds == ["member", "youth_union"]


def test_recording_a_vote_through_the_web(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.OPINIONS)
    client = logged_in("xa")
    form = client.get(f"/ket-nap/{case.pk}/ghi/?buoc=cell_resolution")
    assert form.status_code == 200
    assert 'name="official_members" value="9"' in form.content.decode()
    response = _post(
        client,
        case,
        Step.CELL_RESOLUTION,
        on="20/06/2024",
        document_number="05-NQ/CB",
        official_members=9,
        elsewhere=0,
        exempt_absent=0,
        present=9,
        votes_for=8,
        votes_against=1,
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, step=Step.CELL_RESOLUTION)
    assert event.outcome == CaseEvent.Outcome.PASSED
    assert event.document_number == "05-NQ/CB"
    body = client.get(f"/ket-nap/{case.pk}/").content.decode()
    assert "8 tán thành, 1 không tán thành" in body


def test_a_stale_form_is_refused_with_a_message(world: World) -> None:
    members = cell_members(world.cell_1)
    case = open_case(candidate(world.cell_1))
    client = logged_in("bithu")
    stale = case.stage
    drive_case(case, members, Step.HELPER)  # someone else records the helper meanwhile
    response = client.post(
        f"/ket-nap/{case.pk}/ghi/",
        {"step": Step.HELPER, "stage": stale, "on": "02/02/2024", "helper": members[4].pk},
    )
    assert response.status_code == 200
    assert "vừa được người khác cập nhật" in response.content.decode()
    assert CaseEvent.objects.filter(case=case, step=Step.HELPER).count() == 1


def test_the_secretary_may_not_record_a_vote(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.OPINIONS)
    client = logged_in("bithu")
    assert client.get(f"/ket-nap/{case.pk}/ghi/?buoc=cell_resolution").status_code == 403
    response = _post(client, case, Step.CELL_RESOLUTION, on="20/06/2024")
    assert response.status_code == 403
    page = client.get(f"/ket-nap/{case.pk}/").content.decode()
    assert "Bước này do cấp có thẩm quyền ghi." in page


def test_an_outsider_gets_404(world: World) -> None:
    case = open_case(candidate(world.cell_1))
    client = logged_in("ngoai")
    assert client.get(f"/ket-nap/{case.pk}/").status_code == 404
    assert client.get(f"/ket-nap/{case.pk}/ghi/?buoc=helper").status_code == 404
    assert client.get(f"/ket-nap/mo/{world.cell_1.pk}/").status_code == 404
    assert client.get(f"/ket-nap/?don_vi={world.an_my.pk}").status_code == 404


def test_opening_a_case_from_the_cell(world: World) -> None:
    person = candidate(world.cell_1)
    client = logged_in("bithu")
    form = client.get(f"/ket-nap/mo/{world.cell_1.pk}/")
    assert "Nguyễn Thị Thu Hà" in form.content.decode()
    response = client.post(
        f"/ket-nap/mo/{world.cell_1.pk}/",
        {"person": person.pk, "source": Source.GRADUATE, "on": "15/01/2024"},
    )
    assert response.status_code == 302
    case = Case.objects.get(person=person)
    assert case.stage == Step.LISTED
    assert case.source == Source.GRADUATE
    # A person with an open case is no longer offered.
    assert (
        "Nguyễn Thị Thu Hà"
        not in client.get(f"/ket-nap/mo/{world.cell_1.pk}/")
        .content.decode()
        .split('name="person"')[1]
        .split("</select>")[0]
    )


def test_an_overridable_blocker_offers_the_consent_document(world: World) -> None:
    members = cell_members(world.cell_1)
    elder = make_person(
        world.cell_1,
        "Trần Văn Cao Niên",
        status=Status.CANDIDATE,
        birth=PartialDate(1950, 1, 1),
        general_education=category("general_education", "12/12"),
    )
    case = drive_case(open_case(elder), members, Step.OPINIONS)
    client = logged_in("xa")
    form = client.get(f"/ket-nap/{case.pk}/ghi/?buoc=cell_resolution").content.decode()
    assert "Quá tuổi" in form
    assert 'name="override_document"' in form
    fields = {
        "on": "20/06/2024",
        "official_members": 9,
        "elsewhere": 0,
        "exempt_absent": 0,
        "present": 9,
        "votes_for": 9,
        "votes_against": 0,
    }
    refused = _post(client, case, Step.CELL_RESOLUTION, **fields)
    assert refused.status_code == 200
    assert "Quá tuổi" in refused.content.decode()
    response = _post(client, case, Step.CELL_RESOLUTION, override_document="45-CV/TU", **fields)
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, step=Step.CELL_RESOLUTION)
    assert event.override_document == "45-CV/TU"
    assert "45-CV/TU" in client.get(f"/ket-nap/{case.pk}/").content.decode()


def test_a_young_candidate_has_no_consent_field(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.OPINIONS)
    form = logged_in("xa").get(f"/ket-nap/{case.pk}/ghi/?buoc=cell_resolution")
    assert 'name="override_document"' not in form.content.decode()
