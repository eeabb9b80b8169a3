"""The actions on a person's page: correct the record, change status, positions, residence
and transfers, each through the web, with the refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from dangvien.accounts.models import AuditEvent
from dangvien.people.forms import PersonCorrectForm
from dangvien.people.models import (
    Category,
    Person,
    PositionHolding,
    ResidenceRegistration,
    Status,
    Transfer,
)
from dangvien.people.services import position_start, transfer_request
from tests.conftest import World, logged_in
from tests.people.factories import category, make_person

pytestmark = pytest.mark.django_db

ACTIONS = ("sua", "tinh-trang", "chuc-danh", "noi-cu-tru", "chuyen-sinh-hoat")


def _record_post(person: Person, **changes: Any) -> dict[str, str]:
    """The correction form as the page fills it, with `changes` typed over it."""
    values: dict[str, Any] = {**PersonCorrectForm.initial_of(person), **changes}
    data: dict[str, str] = {}
    for name, value in values.items():
        if value is None:
            data[name] = ""
        elif isinstance(value, Category):
            data[name] = str(value.pk)
        elif isinstance(value, date):
            data[name] = f"{value:%d/%m/%Y}"
        else:
            data[name] = str(value)
    return data


def _audit(action: str, target: object) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action, target_id=str(target.pk)))  # type: ignore[attr-defined]


# --- the person's page ------------------------------------------------------------------


def test_person_page_offers_the_actions_the_role_allows(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    editor_page = logged_in("bithu").get(f"/nguoi/{person.pk}/").content.decode()
    assert f"/nguoi/{person.pk}/sua/" in editor_page
    assert f"/nguoi/{person.pk}/chuc-danh/" in editor_page
    assert f"/nguoi/{person.pk}/chuyen-sinh-hoat/" in editor_page
    assert f"/nguoi/{person.pk}/tinh-trang/" not in editor_page  # an approver's action
    approver_page = logged_in("xa").get(f"/nguoi/{person.pk}/").content.decode()
    assert f"/nguoi/{person.pk}/tinh-trang/" in approver_page


def test_outsider_gets_404_on_every_action_of_a_foreign_person(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    client = logged_in("ngoai")
    for action in ACTIONS:
        url = f"/nguoi/{person.pk}/{action}/"
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"action": "request"}).status_code == 404, url
    assert Person.objects.get(pk=person.pk).full_name == "Lê Văn An"


# --- correcting the record --------------------------------------------------------------


def test_correction_page_explains_basis_and_approver(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    body = logged_in("bithu").get(f"/nguoi/{person.pk}/sua/").content.decode()
    assert "Căn cứ pháp lý" in body
    assert "quyền phê duyệt" in body
    assert "12-HD/BTCTW" in body
    assert 'value="Lê Văn An"' in body
    assert 'value="17/05/1990"' in body


def test_editor_corrects_contact_details_and_only_changed_fields_are_audited(
    world: World,
) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    response = logged_in("bithu").post(
        f"/nguoi/{person.pk}/sua/",
        _record_post(person, phone="0905 123 456", residence="12 Phan Bội Châu"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/nguoi/{person.pk}/"
    person.refresh_from_db()
    assert person.phone == "0905123456"
    assert person.residence == "12 Phan Bội Châu"
    (event,) = _audit("person.update", person)
    assert set(event.changes) == {"phone", "residence", "basis"}


def test_editor_cannot_correct_a_confidential_field(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    response = logged_in("bithu").post(
        f"/nguoi/{person.pk}/sua/",
        _record_post(person, full_name="Lê Văn Ân", basis="QĐ 5-QĐ/ĐU ngày 02/01/2026"),
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).full_name == "Lê Văn An"
    assert not _audit("person.correct", person)


def test_correction_of_a_confidential_field_without_basis_is_refused_citing_the_rule(
    world: World,
) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    response = logged_in("xa").post(
        f"/nguoi/{person.pk}/sua/", _record_post(person, full_name="Lê Văn Ân", basis="")
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "basis" in errors
    assert "căn cứ pháp lý" in errors["basis"][0]
    assert "12-HD/BTCTW" in errors["basis"][0]
    assert Person.objects.get(pk=person.pk).full_name == "Lê Văn An"


def test_approver_corrects_the_birth_date_with_a_basis(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    response = logged_in("xa").post(
        f"/nguoi/{person.pk}/sua/",
        _record_post(person, birth="05/1990", basis="Giấy khai sinh bản sao, QĐ 9-QĐ/ĐU"),
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.birth_year, person.birth_month, person.birth_day) == (1990, 5, None)
    (event,) = _audit("person.correct", person)
    assert event.changes["basis"] == "Giấy khai sinh bản sao, QĐ 9-QĐ/ĐU"
    assert "full_name" not in event.changes


def test_a_badly_written_birth_date_is_shown_on_the_form(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    response = logged_in("xa").post(
        f"/nguoi/{person.pk}/sua/", _record_post(person, birth="năm 1990", basis="x")
    )
    assert response.status_code == 200
    assert "dd/mm/yyyy" in response.context["form"].errors["birth"][0]


# --- status -----------------------------------------------------------------------------


def test_status_form_offers_only_the_transitions_the_table_allows(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")  # official
    body = logged_in("xa").get(f"/nguoi/{person.pk}/tinh-trang/").content.decode()
    for allowed in ("left", "expelled", "deceased", "transferred_out"):
        assert f'value="{allowed}"' in body
    for refused in ("candidate", "probationary", "removed", "not_admitted", "official"):
        assert f'value="{refused}"' not in body


def test_a_status_the_table_does_not_allow_is_refused_when_posted(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")  # official
    response = logged_in("xa").post(
        f"/nguoi/{person.pk}/tinh-trang/", {"status": "probationary", "on": "02/01/2025"}
    )
    assert response.status_code == 200
    assert "Không thể chuyển từ" in response.context["form"].errors["status"][0]
    person.refresh_from_db()
    assert person.status == Status.OFFICIAL


def test_editor_cannot_change_status(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    client = logged_in("bithu")
    assert client.get(f"/nguoi/{person.pk}/tinh-trang/").status_code == 403
    response = client.post(
        f"/nguoi/{person.pk}/tinh-trang/", {"status": "deceased", "on": "02/01/2025"}
    )
    assert response.status_code == 403
    assert Person.objects.get(pk=person.pk).status == Status.OFFICIAL


def test_recognition_as_official_records_the_admission_fields(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An", status=Status.PROBATIONARY)
    response = logged_in("xa").post(
        f"/nguoi/{person.pk}/tinh-trang/",
        {
            "status": "official",
            "on": "20/03/2016",
            "document": "7-QĐ/ĐU",
            "official_date": "20/03/2016",
            "card_number": "012345678",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.status == Status.OFFICIAL
    assert person.official_date == date(2016, 3, 20)
    assert person.card_number == "012345678"
    assert person.status_events.filter(status=Status.OFFICIAL, document="7-QĐ/ĐU").exists()


def test_a_status_date_in_the_future_is_shown_on_the_form(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    tomorrow = date.fromordinal(timezone.localdate().toordinal() + 1)
    response = logged_in("xa").post(
        f"/nguoi/{person.pk}/tinh-trang/", {"status": "deceased", "on": f"{tomorrow:%d/%m/%Y}"}
    )
    assert response.status_code == 200
    assert "tương lai" in response.context["form"].errors["on"][0]


# --- positions --------------------------------------------------------------------------


def test_editor_starts_and_ends_a_position(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    client = logged_in("bithu")
    page = client.get(f"/nguoi/{person.pk}/chuc-danh/").content.decode()
    assert world.cell_1.name in page
    assert world.kb_school.name not in page  # only units the user may edit
    response = client.post(
        f"/nguoi/{person.pk}/chuc-danh/",
        {
            "action": "start",
            "position": category("position", "TT").pk,
            "unit": world.cell_1.pk,
            "place": "Khu phố 1",
            "start": "01/01/2020",
        },
    )
    assert response.status_code == 302
    holding = PositionHolding.objects.get(person=person)
    assert (holding.place, holding.start, holding.end) == ("Khu phố 1", date(2020, 1, 1), None)
    response = client.post(
        f"/nguoi/{person.pk}/chuc-danh/",
        {"action": "end", "holding": holding.pk, "end": "31/12/2024"},
    )
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.end == date(2024, 12, 31)
    assert _audit("position.end", holding)


def test_ending_a_position_before_its_start_is_shown_on_the_form(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    holding = position_start(
        acting_user=world.bithu,
        person=person,
        position=category("position", "BT"),
        unit=world.cell_1,
        start=date(2020, 1, 1),
    )
    response = logged_in("bithu").post(
        f"/nguoi/{person.pk}/chuc-danh/",
        {"action": "end", "holding": holding.pk, "end": "01/01/2019"},
    )
    assert response.status_code == 200
    assert "sau ngày bắt đầu" in response.context["end_form"].errors["end"][0]
    assert PositionHolding.objects.get(pk=holding.pk).end is None


# --- residence --------------------------------------------------------------------------


def test_member_is_registered_at_a_residential_cell_and_the_registration_ended(
    world: World,
) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    client = logged_in("xa")
    response = client.post(
        f"/nguoi/{person.pk}/noi-cu-tru/",
        {"action": "register", "unit": world.cell_2.pk, "start": "01/02/2024"},
    )
    assert response.status_code == 302
    registration = ResidenceRegistration.objects.get(person=person)
    assert (registration.unit, registration.end) == (world.cell_2, None)
    response = client.post(
        f"/nguoi/{person.pk}/noi-cu-tru/", {"action": "end", "end": "01/06/2025"}
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.end == date(2025, 6, 1)


def test_residence_at_the_home_cell_is_not_offered(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    response = logged_in("xa").post(
        f"/nguoi/{person.pk}/noi-cu-tru/",
        {"action": "register", "unit": world.cell_1.pk, "start": "01/02/2024"},
    )
    assert response.status_code == 200
    assert response.context["register_form"].errors["unit"]
    assert not ResidenceRegistration.objects.exists()


# --- transfers --------------------------------------------------------------------------


def test_transfer_is_requested_sent_with_a_working_day_due_date_and_received(
    world: World,
) -> None:
    person = make_person(world.cell_1, "Trần Thị Hạ")
    url = f"/nguoi/{person.pk}/chuyen-sinh-hoat/"
    xa = logged_in("xa")  # sees both cells of the commune; the cell's secretary sees one
    response = xa.post(url, {"action": "request", "to_unit": world.cell_2.pk, "on": "10/02/2026"})
    assert response.status_code == 302
    transfer = Transfer.objects.get(person=person)
    assert transfer.state == Transfer.State.REQUESTED
    response = xa.post(url, {"action": "send", "on": "13/02/2026", "document": "GGT 3"})
    assert response.status_code == 302
    # 60 working days after Friday 13/02/2026, with Tết, 27/04, 30/04 and 01/05 off.
    page = xa.get(url).content.decode()
    assert "Hạn tiếp nhận" in page
    assert "20/05/2026" in page
    overdue = timezone.localdate() > date(2026, 5, 20)
    assert ("quá hạn" in page) == overdue
    person_page = xa.get(f"/nguoi/{person.pk}/").content.decode()
    assert "20/05/2026" in person_page
    assert ("quá hạn" in person_page) == overdue
    response = xa.post(url, {"action": "receive", "on": "02/03/2026"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.unit == world.cell_2
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.RECEIVED
    assert "quá hạn" not in xa.get(url).content.decode()


def test_a_transfer_sent_today_is_not_overdue(world: World) -> None:
    person = make_person(world.cell_1, "Trần Thị Hạ")
    today = timezone.localdate()
    transfer_request(acting_user=world.bithu, person=person, to_unit=world.cell_2, on=today)
    xa = logged_in("xa")
    url = f"/nguoi/{person.pk}/chuyen-sinh-hoat/"
    xa.post(url, {"action": "send", "on": f"{today:%d/%m/%Y}", "document": "GGT 4"})
    transfer = Transfer.objects.get(person=person)
    assert transfer.due_on is not None
    assert transfer.due_on > today
    page = xa.get(url).content.decode()
    assert f"{transfer.due_on:%d/%m/%Y}" in page
    assert "quá hạn" not in page


def test_editor_cannot_send_a_transfer_letter(world: World) -> None:
    person = make_person(world.cell_1, "Trần Thị Hạ")
    transfer_request(
        acting_user=world.bithu, person=person, to_unit=world.cell_2, on=date(2026, 2, 10)
    )
    client = logged_in("bithu")
    url = f"/nguoi/{person.pk}/chuyen-sinh-hoat/"
    assert 'value="send"' not in client.get(url).content.decode()
    response = client.post(url, {"action": "send", "on": "13/02/2026", "document": "GGT 3"})
    assert response.status_code == 403
    assert Transfer.objects.get(person=person).state == Transfer.State.REQUESTED


def test_transfer_to_an_outside_unit_and_its_cancellation(world: World) -> None:
    person = make_person(world.cell_1, "Trần Thị Hạ")
    client = logged_in("bithu")
    url = f"/nguoi/{person.pk}/chuyen-sinh-hoat/"
    response = client.post(
        url, {"action": "request", "to_outside": "Chi bộ Sở Y tế Đà Nẵng", "on": "10/02/2026"}
    )
    assert response.status_code == 302
    transfer = Transfer.objects.get(person=person)
    assert (transfer.to_unit, transfer.to_outside) == (None, "Chi bộ Sở Y tế Đà Nẵng")
    assert client.post(url, {"action": "cancel"}).status_code == 302
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.CANCELLED
    assert _audit("transfer.cancel", transfer)


def test_transfer_request_without_a_destination_names_the_field(world: World) -> None:
    person = make_person(world.cell_1, "Trần Thị Hạ")
    response = logged_in("bithu").post(
        f"/nguoi/{person.pk}/chuyen-sinh-hoat/", {"action": "request", "on": "10/02/2026"}
    )
    assert response.status_code == 200
    assert "Chọn chi bộ nhận" in response.context["request_form"].errors["to_unit"][0]
    assert not Transfer.objects.exists()
