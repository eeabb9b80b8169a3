"""Cases brought through the services to the step before the ceremony (lễ kết nạp), where
the next step admits the person: it changes the case, the person's record (now a
probationary member with the decision's date) and the kept counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import Case, CaseEvent, Step
from dangvien.admission.services import case_record_step
from dangvien.orgs.models import Unit
from dangvien.people.models import Person, Status
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.models import Tally
from tests.admission.factories import candidate, drive_case, open_case

CEREMONY_ON = date(2024, 8, 2)


def case_before_ceremony(cell: Unit, name: str, members: list[Person]) -> Case:
    return drive_case(open_case(candidate(cell, name)), members, Step.DECISION)


def record_ceremony(case: Case) -> None:
    case_record_step(acting_user=None, case=case, step=Step.CEREMONY, on=CEREMONY_ON)


def kept_tallies() -> list[tuple[int, object, str, int]]:
    return list(Tally.objects.values_list("unit_id", "month", "metric", "total").order_by("pk"))


@dataclass(frozen=True)
class StepSnapshot:
    """What a killed step must leave as it was: the case's events, the audit trail, the
    kept counts (and the case's stage and its person, checked by `assert_step_undone`)."""

    events: list[int]
    audit: int
    tallies: list[tuple[int, object, str, int]]


def step_snapshot(case: Case) -> StepSnapshot:
    return StepSnapshot(
        list(CaseEvent.objects.filter(case=case).values_list("pk", flat=True)),
        AuditEvent.objects.count(),
        kept_tallies(),
    )


def assert_step_undone(case: Case, before: StepSnapshot) -> None:
    """The ceremony killed before its commit: the case at the decision, its person still a
    candidate, nothing added anywhere, the integrity check clean."""
    case.refresh_from_db()
    person = Person.objects.get(pk=case.person_id)
    assert case.stage == Step.DECISION
    assert step_snapshot(case) == before
    assert (person.status, person.decision_date) == (Status.CANDIDATE, None)
    assert check_integrity() == []


def assert_step_recorded_once(case: Case, before: StepSnapshot) -> None:
    """The ceremony done again after the kill: the case and its person moved on once, the
    kept counts with them, the integrity check clean."""
    case.refresh_from_db()
    person = Person.objects.get(pk=case.person_id)
    assert case.stage == Step.CEREMONY
    assert CaseEvent.objects.filter(case=case, step=Step.CEREMONY).count() == 1
    assert person.status == Status.PROBATIONARY
    assert kept_tallies() != before.tallies
    assert check_integrity() == []
