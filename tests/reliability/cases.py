"""Cases brought through the services to the step before the ceremony (lễ kết nạp), where
the next step admits the person: it changes the case, the person's record (now a
probationary member with the decision's date) and the kept counts."""

from __future__ import annotations

from datetime import date

from dangvien.admission.models import Case, Step
from dangvien.admission.services import case_record_step
from dangvien.orgs.models import Unit
from dangvien.people.models import Person
from tests.admission.factories import candidate, drive_case, open_case

CEREMONY_ON = date(2024, 8, 2)


def case_before_ceremony(cell: Unit, name: str, members: list[Person]) -> Case:
    return drive_case(open_case(candidate(cell, name)), members, Step.DECISION)


def record_ceremony(case: Case) -> None:
    case_record_step(acting_user=None, case=case, step=Step.CEREMONY, on=CEREMONY_ON)
