"""Cases brought through the services to the step before the ceremony (lễ kết nạp), where
the next step admits the person: it changes the case, the person's record (now a
probationary member with the decision's date) and the kept counts."""

from __future__ import annotations

from datetime import date

from dangvien.admission.models import Case, Source, Step
from dangvien.admission.services import case_open, case_record_step
from dangvien.orgs.models import Unit
from dangvien.people.models import Person, Status
from tests.admission.factories import drive_case
from tests.people.factories import category, make_people, make_person

CEREMONY_ON = date(2024, 8, 2)


def cell_members(cell: Unit) -> list[Person]:
    """The official members who help and introduce the candidates."""
    return make_people(cell, [f"Đảng viên Số {n}" for n in range(1, 4)])


def case_before_ceremony(cell: Unit, name: str, members: list[Person]) -> Case:
    candidate = make_person(
        cell,
        name,
        status=Status.CANDIDATE,
        general_education=category("general_education", "12/12"),
    )
    case = case_open(
        acting_user=None, person=candidate, source=Source.YOUTH_UNION, on=date(2024, 1, 15)
    )
    return drive_case(case, members, Step.DECISION)


def record_ceremony(case: Case) -> None:
    case_record_step(acting_user=None, case=case, step=Step.CEREMONY, on=CEREMONY_ON)
