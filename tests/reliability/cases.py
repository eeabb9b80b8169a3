"""Cases brought through the services to the step before the ceremony (lễ kết nạp), where
the next step admits the person: it changes the case, the person's record (now a
probationary member with the decision's date) and the kept counts."""

from __future__ import annotations

from datetime import date

from dangvien.admission.models import Case, Source, Step
from dangvien.admission.rules import Vote
from dangvien.admission.services import NewIntroducer, case_open, case_record_step
from dangvien.orgs.models import Unit
from dangvien.people.models import Person, Status
from tests.people.factories import category, make_people, make_person

VOTE = Vote(
    official_members=9, elsewhere=0, exempt_absent=0, present=9, votes_for=8, votes_against=1
)
COMMITTEE = Vote(
    official_members=7, elsewhere=0, exempt_absent=0, present=7, votes_for=7, votes_against=0
)
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
    steps: list[tuple[str, date, dict[str, object]]] = [
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
    for step, on, extra in steps:
        case_record_step(acting_user=None, case=case, step=step, on=on, **extra)  # type: ignore[arg-type]
    case.refresh_from_db()
    return case


def record_ceremony(case: Case) -> None:
    case_record_step(acting_user=None, case=case, step=Step.CEREMONY, on=CEREMONY_ON)
