"""Cases driven through the services, step by step, for tests that need one at a given stage."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import User

from dangvien.admission.models import Case, Source, Step
from dangvien.admission.rules import Vote
from dangvien.admission.services import NewIntroducer, case_open, case_record_step
from dangvien.orgs.models import Unit
from dangvien.people.models import Person, Status
from dangvien.tallies.dues import case_dues_kept
from tests.people.factories import category, make_people, make_person

VOTE = Vote(
    official_members=9, elsewhere=0, exempt_absent=0, present=9, votes_for=8, votes_against=1
)
COMMITTEE = Vote(
    official_members=7, elsewhere=0, exempt_absent=0, present=7, votes_for=7, votes_against=0
)


def cell_members(cell: Unit, count: int = 9) -> list[Person]:
    """Official members of the cell, to help and introduce the candidates."""
    return make_people(cell, [f"Đảng viên Số {n}" for n in range(1, count + 1)])


def candidate(cell: Unit, name: str = "Nguyễn Thị Thu Hà") -> Person:
    """A candidate with the lower-secondary diploma the rules ask for."""
    return make_person(
        cell,
        name,
        status=Status.CANDIDATE,
        general_education=category("general_education", "12/12"),
    )


def open_case(person: Person, on: date = date(2024, 1, 15)) -> Case:
    return case_open(acting_user=None, person=person, source=Source.YOUTH_UNION, on=on)


def _steps(members: list[Person]) -> list[tuple[str, date, dict[str, Any]]]:
    """A case opened on 15/01/2024, every step in time, up to the admission decision.
    `members`: three official members of the cell (helper, two introducers)."""
    return [
        (Step.HELPER, date(2024, 2, 1), {"helper": members[0]}),
        (
            Step.AWARENESS_CLASS,
            date(2024, 3, 1),
            {"data": {"certificate_date": "2024-03-01", "certificate_number": "CN 12/2024"}},
        ),
        (Step.APPLICATION, date(2024, 4, 1), {}),
        (Step.PERSONAL_HISTORY, date(2024, 4, 15), {}),
        (Step.VERIFICATION, date(2024, 5, 20), {}),
        (
            Step.INTRODUCTIONS,
            date(2024, 6, 1),
            {
                "introducers": [
                    NewIntroducer("member", members[1], date(2022, 1, 1)),
                    NewIntroducer("member", members[2], date(2021, 5, 1)),
                ]
            },
        ),
        (Step.OPINIONS, date(2024, 6, 10), {}),
        (Step.CELL_RESOLUTION, date(2024, 6, 20), {"vote": VOTE}),
        (Step.COMMITTEE_RESOLUTION, date(2024, 7, 5), {"vote": COMMITTEE}),
        (Step.DECISION, date(2024, 7, 20), {"document_number": "120-QĐ/ĐU"}),
    ]


def drive_case(
    case: Case, members: list[Person], last: str, *, acting_user: User | None = None
) -> Case:
    """Record every step of the case through the services up to and including `last`."""
    for step, on, extra in _steps(members):
        case_record_step(acting_user=acting_user, case=case, step=step, on=on, **extra)
        if step == last:
            break
    case.refresh_from_db()
    return case


def set_deadline(case: Case, due: date, label: str = "Tổ chức lễ kết nạp") -> Case:
    """Put the case at the decision stage with the kept deadline `due`, as the services
    would after a decision (and the kept due counts with it), without recording each step."""
    with case_dues_kept([case.pk]):
        Case.objects.filter(pk=case.pk).update(stage=Step.DECISION, due_on=due, due_label=label)
    case.refresh_from_db()
    return case
