"""A candidate taken from an opened case to official member by clicks only, then a filled
form downloaded from the case page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dangvien.admission.models import Case
from dangvien.people.models import Status
from tests.browser.signing_in import sign_in
from tests.conftest import World
from tests.people.factories import category, make_people, make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAME = "Nguyễn Thị Thu Hà"


def _login(page: Any, base: str, username: str) -> None:
    sign_in(page, base, username)


def _vote(official: int, present: int, votes_for: int) -> dict[str, str]:
    return {
        "#id_official_members": str(official),
        "#id_present": str(present),
        "#id_votes_for": str(votes_for),
        "#id_votes_against": str(present - votes_for),
    }


# Each step: the date, the text fields to fill and the selects to choose.
STEPS: list[tuple[str, str, dict[str, str], dict[str, str]]] = [
    ("helper", "01/02/2024", {}, {"#id_helper": "Đảng viên Số 1 — Chi bộ khu phố 1"}),
    (
        "awareness_class",
        "01/03/2024",
        {"#id_certificate_number": "CN 12/2024", "#id_certificate_date": "01/03/2024"},
        {},
    ),
    ("application", "01/04/2024", {}, {}),
    ("personal_history", "15/04/2024", {}, {}),
    ("verification", "20/05/2024", {}, {}),
    (
        "introductions",
        "01/06/2024",
        {"#id_intro1_since": "01/01/2022", "#id_intro2_since": "01/05/2021"},
        {
            "#id_intro1_member": "Đảng viên Số 2 — Chi bộ khu phố 1",
            "#id_intro2_member": "Đảng viên Số 3 — Chi bộ khu phố 1",
        },
    ),
    ("opinions", "10/06/2024", {}, {}),
    ("cell_resolution", "20/06/2024", {"#id_document_number": "05-NQ/CB", **_vote(9, 9, 8)}, {}),
    ("committee_resolution", "05/07/2024", _vote(7, 7, 7), {}),
    ("decision", "20/07/2024", {"#id_document_number": "120-QĐ/ĐU"}, {}),
    ("ceremony", "02/08/2024", {}, {}),
    (
        "probation_helper",
        "05/08/2024",
        {},
        {"#id_helper": "Đảng viên Số 4 — Chi bộ khu phố 1"},
    ),
    ("new_member_class", "01/10/2024", {}, {}),
    ("self_assessment", "20/07/2025", {}, {}),
    ("helper_assessment", "25/07/2025", {}, {}),
    ("probation_opinions", "28/07/2025", {}, {}),
    ("recognition_cell", "04/08/2025", _vote(9, 9, 9), {}),
    ("recognition_committee", "20/08/2025", _vote(7, 7, 7), {}),
    ("recognition_decision", "30/09/2025", {"#id_document_number": "310-QĐ/ĐU"}, {}),
]


def test_a_candidate_becomes_an_official_member_by_clicks(
    page: Any, live_server: Any, world: World, tmp_path: Path
) -> None:
    make_people(world.cell_1, [f"Đảng viên Số {n}" for n in range(1, 10)])
    candidate = make_person(
        world.cell_1,
        NAME,
        status=Status.CANDIDATE,
        general_education=category("general_education", "12/12"),
    )
    base = live_server.url
    _login(page, base, "xa")

    # The board, filtered to the cell, offers to open a case there.
    page.get_by_role("link", name="Kết nạp", exact=True).click()
    page.locator("#id_chi_bo").select_option(label="Chi bộ khu phố 1")
    page.get_by_role("button", name="Lọc").click()
    page.get_by_role("link", name="Mở hồ sơ ở Chi bộ khu phố 1").click()
    page.get_by_label("Quần chúng").select_option(label=NAME)
    page.get_by_label("Nguồn").select_option(value="youth_union")
    page.get_by_label("Ngày đưa vào danh sách").fill("15/01/2024")
    page.get_by_role("button", name="Mở hồ sơ").click()
    page.locator(".messages").get_by_text("Đã mở hồ sơ kết nạp").wait_for()

    for step, on, texts, selects in STEPS:
        page.locator(f'.next-action[data-step="{step}"] a.button').click()
        page.locator("#id_on").fill(on)
        for selector, value in texts.items():
            page.locator(selector).fill(value)
        for selector, label in selects.items():
            page.locator(selector).select_option(label=label)
        page.get_by_role("button", name="Ghi", exact=True).click()
        message = page.locator(".messages")
        message.wait_for()
        assert "Đã ghi bước" in message.inner_text(), (step, page.content()[-3000:])

    case = Case.objects.get(person=candidate)
    candidate.refresh_from_db()
    assert case.state == Case.State.MEMBER
    assert candidate.status == Status.OFFICIAL
    assert "Hồ sơ đã kết thúc" in page.content()

    # The admission decision, filled with the person's name, downloaded from the dossier.
    docx = pytest.importorskip("docx")
    row = page.locator("table.dossier tr", has_text="9-KNĐ")
    with page.expect_download() as info:
        row.get_by_role("link", name="Word").click()
    target = tmp_path / "9-KND.docx"
    info.value.save_as(target)
    document = docx.Document(str(target))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row_ in table.rows for cell in row_.cells]
    assert any(NAME in t or NAME.upper() in t for t in lines)
    assert any("120-QĐ/ĐU" in t for t in lines)
    assert page.outside_requests == []
