from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.accounts.models import AuditEvent
from dangvien.lib.dates import PartialDate
from dangvien.lib.errors import ServiceError
from dangvien.people import rules
from dangvien.people.models import Person, Status, StatusEvent, Transfer
from dangvien.people.selectors import people_search, people_visible_to, person_get_for_user
from dangvien.people.services import (
    person_create,
    person_set_status,
    person_update,
    residence_register,
    transfer_receive,
    transfer_request,
    transfer_send,
)
from tests.conftest import World
from tests.people.factories import make_person, person_data


def test_a_candidate_is_created_with_an_event_and_an_audit_entry(world: World) -> None:
    person = person_create(
        acting_user=world.bithu, unit=world.cell_1, data=person_data("Nguyễn Thúy Tình")
    )
    assert person.status == Status.CANDIDATE
    assert StatusEvent.objects.filter(person=person, status=Status.CANDIDATE).count() == 1
    assert AuditEvent.objects.filter(action="person.create", target_id=str(person.pk)).exists()
    assert person.search_text == "nguyen thuy tinh"


def test_citizen_id_must_have_twelve_digits_and_be_unique(world: World) -> None:
    with pytest.raises(ServiceError) as error:
        person_create(
            acting_user=None, unit=world.cell_1, data=person_data("Lê Văn An", citizen_id="12345")
        )
    assert "12 chữ số" in str(error.value)
    assert "Căn cước" in str(error.value)  # the rule's source is cited
    person_create(
        acting_user=None,
        unit=world.cell_1,
        data=person_data("Lê Văn An", citizen_id="001090012345"),
    )
    with pytest.raises(ServiceError, match="đã có trong hệ thống"):
        person_create(
            acting_user=None,
            unit=world.cell_2,
            data=person_data("Lê Văn Ân", citizen_id="001090012345"),
        )
    assert Person.objects.count() == 1


def test_people_belong_to_a_cell(world: World) -> None:
    with pytest.raises(ServiceError, match="không phải chi bộ"):
        person_create(acting_user=None, unit=world.an_my, data=person_data("Lê Văn An"))


def test_an_editor_cannot_create_outside_their_cell(world: World) -> None:
    with pytest.raises(PermissionDenied):
        person_create(acting_user=world.bithu, unit=world.cell_2, data=person_data("Lê Văn An"))


def test_a_member_needs_decision_and_ceremony_dates(world: World) -> None:
    with pytest.raises(ServiceError, match="ngày vào Đảng"):
        person_create(
            acting_user=None,
            unit=world.cell_1,
            data=person_data("Lê Văn An"),
            status=Status.OFFICIAL,
            status_since=date(2020, 1, 1),
        )


def test_a_birth_year_alone_is_kept(world: World) -> None:
    person = person_create(
        acting_user=None, unit=world.cell_1, data=person_data("Lê Văn An", birth=PartialDate(1948))
    )
    assert person.birth_display == "1948"
    assert (person.birth_month, person.birth_day) == (None, None)


def test_correcting_a_confidential_field_needs_a_basis_and_an_approver(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An")
    with pytest.raises(PermissionDenied):
        person_update(
            acting_user=world.bithu, person=person, changes={"full_name": "Lê Văn Ân"}, basis="x"
        )
    with pytest.raises(ServiceError, match="căn cứ pháp lý"):
        person_update(acting_user=world.xa, person=person, changes={"full_name": "Lê Văn Ân"})
    person_update(
        acting_user=world.xa,
        person=person,
        changes={"full_name": "Lê Văn Ân"},
        basis="Giấy khai sinh bản sao số 12/2024",
    )
    event = AuditEvent.objects.get(action="person.correct")
    assert event.changes["full_name"] == ["Lê Văn An", "Lê Văn Ân"]
    assert event.changes["basis"] == "Giấy khai sinh bản sao số 12/2024"
    # Contact details are no party file secret: the secretary fixes them.
    person_update(acting_user=world.bithu, person=person, changes={"phone": "0912 345 678"})
    assert Person.objects.get(pk=person.pk).phone == "0912345678"


def test_status_follows_the_allowed_transitions(world: World) -> None:
    person = make_person(world.cell_1, "Lê Văn An", status=Status.CANDIDATE)
    with pytest.raises(ServiceError, match="Không thể chuyển"):
        person_set_status(
            acting_user=world.xa, person=person, status=Status.OFFICIAL, on=date(2024, 5, 1)
        )
    person_set_status(
        acting_user=world.xa,
        person=person,
        status=Status.PROBATIONARY,
        on=date(2024, 5, 1),
        document="5-QĐ/ĐU",
        admission={"decision_date": date(2024, 4, 20), "ceremony_date": date(2024, 5, 1)},
    )
    person.refresh_from_db()
    assert person.status == Status.PROBATIONARY
    assert [e.status for e in person.status_events.order_by("on", "id")] == [
        Status.CANDIDATE,
        Status.PROBATIONARY,
    ]


def test_party_age_counts_from_the_decision_less_months_out() -> None:
    assert rules.party_age_months(date(2015, 3, 2), date(2025, 3, 1), 0) == 119
    assert rules.party_age_months(date(2015, 3, 2), date(2025, 3, 2), 0) == 120
    assert rules.party_age_months(date(2015, 3, 2), date(2025, 3, 2), 36) == 84
    assert rules.party_age_months(None, date(2025, 3, 2), 0) is None


def test_a_residence_registration_makes_the_member_visible_to_the_residential_cell(
    world: World,
) -> None:
    person = make_person(world.cell_2, "Trần Thị Hạ")
    assert not people_visible_to(world.bithu).filter(pk=person.pk).exists()
    residence_register(
        acting_user=world.bithu, person=person, unit=world.cell_1, start=date(2024, 1, 1)
    )
    assert person_get_for_user(world.bithu, person.pk) == person


def test_a_transfer_gets_a_working_day_deadline_and_moves_the_home_cell(world: World) -> None:
    person = make_person(world.cell_1, "Trần Thị Hạ")
    transfer = transfer_request(
        acting_user=world.bithu, person=person, to_unit=world.cell_2, on=date(2026, 2, 10)
    )
    transfer = transfer_send(
        acting_user=world.xa, transfer=transfer, on=date(2026, 2, 13), document="GGT 3"
    )
    # 60 working days after Friday 13/02/2026, with Tết, 27/04, 30/04 and 01/05 off.
    assert transfer.due_on == date(2026, 5, 20)
    transfer_receive(acting_user=world.xa, transfer=transfer, on=date(2026, 3, 2))
    person.refresh_from_db()
    assert person.unit == world.cell_2
    assert Transfer.objects.get(pk=transfer.pk).state == Transfer.State.RECEIVED


def test_search_ignores_tone_marks(world: World) -> None:
    make_person(world.cell_1, "Nguyễn Thúy Tình")
    make_person(world.cell_1, "Nguyễn Thị Tính")
    found = people_search(Person.objects.all(), "nguyen thuy tinh")
    assert [p.full_name for p in found] == ["Nguyễn Thúy Tình"]


def test_the_receiving_cell_sees_a_member_on_the_way_and_receives_them(world: World) -> None:
    person = make_person(world.cell_2, "Phạm Thị Thu")
    assert not people_visible_to(world.bithu).filter(pk=person.pk).exists()
    transfer = transfer_request(
        acting_user=world.xa, person=person, to_unit=world.cell_1, on=date(2026, 3, 2)
    )
    assert people_visible_to(world.bithu).filter(pk=person.pk).exists()
    transfer = transfer_send(
        acting_user=world.xa, transfer=transfer, on=date(2026, 3, 3), document="GGT 7"
    )
    transfer_receive(acting_user=world.bithu, transfer=transfer, on=date(2026, 3, 9))
    person.refresh_from_db()
    assert person.unit == world.cell_1


def test_admissions_stay_with_the_cell_that_made_them_after_a_transfer(world: World) -> None:
    member = make_person(world.cell_1, "Trần Văn Bảo")
    candidate = make_person(world.cell_1, "Lê Thị Cúc", status=Status.CANDIDATE)
    assert member.admission_unit == world.cell_1
    assert candidate.admission_unit is None
    transfer = transfer_request(
        acting_user=world.bithu, person=member, to_unit=world.cell_2, on=date(2026, 2, 10)
    )
    transfer = transfer_send(
        acting_user=world.xa, transfer=transfer, on=date(2026, 2, 13), document="GGT 3"
    )
    transfer_receive(acting_user=world.xa, transfer=transfer, on=date(2026, 3, 2))
    member.refresh_from_db()
    assert (member.unit, member.admission_unit) == (world.cell_2, world.cell_1)
