"""The person's page, the registers, reconciliation and adding a candidate."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone

from dangvien.people.models import Person, Reconciliation, Status
from dangvien.people.services import (
    person_set_status,
    position_start,
    residence_register,
    transfer_request,
)
from tests.conftest import World, logged_in
from tests.people.factories import category, make_person

pytestmark = pytest.mark.django_db


def test_person_page_shows_record_party_age_and_concurrent_posts(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")  # decision 02/03/2015
    for code in ("TT", "BT"):
        position_start(
            acting_user=world.bithu,
            person=person,
            position=category("position", code),
            unit=world.cell_1,
            start=date(2020, 1, 1),
        )
    body = logged_in("bithu").get(f"/nguoi/{person.pk}/").content.decode()
    assert "Lê Văn An" in body
    assert "02/03/2015" in body
    months = (timezone.localdate().year - 2015) * 12 + timezone.localdate().month - 3
    if timezone.localdate().day < 2:
        months -= 1
    assert f"{months // 12} năm {months % 12} tháng" in body
    positions = body.split('<ul class="positions">', 1)[1].split("</ul>", 1)[0]
    assert "Trưởng thôn, khu phố" in positions
    assert "Bí thư chi bộ" in positions
    assert "kiêm" in positions


def test_person_page_timeline_is_newest_first(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An", status=Status.PROBATIONARY)
    person_set_status(
        acting_user=world.xa,
        person=person,
        status=Status.OFFICIAL,
        on=date(2016, 3, 20),
        document="7-QĐ/ĐU",
        admission={"official_date": date(2016, 3, 20)},
    )
    transfer_request(
        acting_user=world.bithu, person=person, to_unit=world.cell_2, on=date(2024, 5, 6)
    )
    body = logged_in("bithu").get(f"/nguoi/{person.pk}/").content.decode()
    timeline = body.split('<table class="data timeline">', 1)[1].split("</table>", 1)[0]
    dates = re.findall(r"<td>(\d\d/\d\d/\d{4})", timeline)
    assert dates == sorted(dates, key=lambda d: (d[6:], d[3:5], d[:2]), reverse=True)
    assert "Đảng viên chính thức" in timeline
    assert "7-QĐ/ĐU" in timeline
    assert "Đề nghị chuyển sinh hoạt đảng đến Chi bộ khu phố 2" in timeline
    assert "Ghi thay đổi tình trạng" in timeline  # the audit trail of the person
    assert "Tạo hồ sơ" in timeline


def test_person_outside_scope_is_404(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    assert logged_in("ngoai").get(f"/nguoi/{person.pk}/").status_code == 404
    assert logged_in("bithu").get(f"/nguoi/{person.pk}/").status_code == 200


def test_person_registered_at_residence_is_visible_to_that_cell(world: World) -> None:
    person = make_person(world.cell_2, "Trần Văn Bình")
    residence_register(
        acting_user=world.xa, person=person, unit=world.cell_1, start=date(2024, 1, 1)
    )
    body = logged_in("bithu").get(f"/nguoi/{person.pk}/").content.decode()
    assert "Chi bộ khu phố 1" in body.split("Sinh hoạt nơi cư trú", 1)[1]


def _register_names(username: str, url: str) -> list[str]:
    body = logged_in(username).get(url).content.decode()
    table = body.split('<table class="data register">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/nguoi/\d+/">([^<]+)</a>', table)


def test_registers_list_the_right_people_numbered(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An")
    make_person(world.cell_2, "Trần Thị Ánh", status=Status.PROBATIONARY)
    left = make_person(world.cell_1, "Võ Văn Cường")
    person_set_status(acting_user=world.xa, person=left, status=Status.LEFT, on=date(2024, 2, 1))
    dead = make_person(world.cell_2, "Hồ Văn Dũng")
    person_set_status(
        acting_user=world.xa, person=dead, status=Status.DECEASED, on=date(2024, 3, 1)
    )
    make_person(world.cell_1, "Phạm Thị Hoa", status=Status.CANDIDATE)
    base = f"/nguoi/so/{world.an_my.pk}/"
    assert _register_names("xa", base) == ["Lê Văn An", "Trần Thị Ánh"]
    assert _register_names("xa", base + "?so=left") == ["Võ Văn Cường"]
    assert _register_names("xa", base + "?so=deceased") == ["Hồ Văn Dũng"]
    body = logged_in("xa").get(base).content.decode()
    assert "<td>1</td>" in body
    assert "<td>2</td>" in body
    assert _register_names("bithu", f"/nguoi/so/{world.cell_1.pk}/") == ["Lê Văn An"]
    assert logged_in("ngoai").get(base).status_code == 404


def test_reconciliation_shows_count_and_rule(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An")
    make_person(world.cell_1, "Phạm Thị Hoa", status=Status.CANDIDATE)
    body = logged_in("bithu").get(f"/nguoi/doi-chieu/{world.cell_1.pk}/").content.decode()
    assert '<dd class="members-now">1</dd>' in body
    assert "6 tháng một lần" in body


def test_reconciliation_requires_a_reason_when_numbers_differ(world: World) -> None:
    client = logged_in("bithu")
    url = f"/nguoi/doi-chieu/{world.cell_1.pk}/"
    data = {"period_end": "30/06/2025", "members_listed": "10", "files_counted": "9"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "cần ghi lý do" in response.content.decode()
    assert not Reconciliation.objects.exists()
    response = client.post(url, {**data, "discrepancies": "Một hồ sơ đang chuyển đi"})
    assert response.status_code == 302
    record = Reconciliation.objects.get()
    assert (record.members_listed, record.files_counted) == (10, 9)
    body = client.get(url).content.decode()
    assert "30/12/2025" in body  # next due: six months after 30/06/2025


def test_reconciliation_outside_scope_is_404(world: World) -> None:
    url = f"/nguoi/doi-chieu/{world.cell_1.pk}/"
    assert logged_in("ngoai").get(url).status_code == 404
    assert logged_in("ngoai").post(url, {}).status_code == 404


def test_a_secretary_adds_a_candidate(world: World) -> None:
    kinh = category("ethnicity", "01")
    response = logged_in("bithu").post(
        f"/nguoi/them/{world.cell_1.pk}/",
        {"full_name": "Nguyễn  Thúy Tình", "birth": "05/2001", "sex": "F", "ethnicity": kinh.pk},
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.full_name, person.status, person.birth_display) == (
        "Nguyễn Thúy Tình",
        Status.CANDIDATE,
        "05/2001",
    )
    assert response["Location"] == f"/nguoi/{person.pk}/"


def test_adding_a_candidate_shows_problems_on_the_form(world: World) -> None:
    kinh = category("ethnicity", "01")
    response = logged_in("bithu").post(
        f"/nguoi/them/{world.cell_1.pk}/",
        {
            "full_name": "Lê Văn An",
            "birth": "1990",
            "sex": "M",
            "ethnicity": kinh.pk,
            "citizen_id": "123",
        },
    )
    assert response.status_code == 200
    assert "CCCD" in response.content.decode()
    assert not Person.objects.exists()


def test_adding_a_candidate_needs_editor_on_the_cell(world: World) -> None:
    assert logged_in("bithu").get(f"/nguoi/them/{world.cell_2.pk}/").status_code == 404
    assert logged_in("ngoai").post(f"/nguoi/them/{world.cell_1.pk}/").status_code == 404
