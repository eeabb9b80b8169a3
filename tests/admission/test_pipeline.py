"""A case through the services, from listed to official member, and its refusals."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import Case, CaseEvent, Source, Step
from dangvien.admission.rules import Vote
from dangvien.admission.selectors import case_deadline
from dangvien.admission.services import case_open, case_record_step
from dangvien.lib.errors import ServiceError
from dangvien.lib.workdays import PLAIN
from dangvien.people.models import Person, Status
from tests.admission.factories import drive_case
from tests.conftest import World
from tests.people.factories import category, make_people, make_person

VOTE = Vote(
    official_members=9, elsewhere=0, exempt_absent=0, present=9, votes_for=8, votes_against=1
)
COMMITTEE = Vote(
    official_members=7, elsewhere=0, exempt_absent=0, present=7, votes_for=7, votes_against=0
)


def _candidate(world: World) -> tuple[Person, list[Person]]:
    members = make_people(world.cell_1, [f"Đảng viên Số {n}" for n in range(1, 10)])
    candidate = make_person(
        world.cell_1,
        "Nguyễn Thị Thu Hà",
        status=Status.CANDIDATE,
        general_education=category("general_education", "12/12"),
    )
    return candidate, members


def _to_opinions(world: World, case: Case, members: list[Person]) -> None:
    drive_case(case, members, Step.OPINIONS, acting_user=world.bithu)


def test_a_candidate_becomes_an_official_member(world: World) -> None:
    candidate, members = _candidate(world)
    case = case_open(
        acting_user=world.bithu, person=candidate, source=Source.YOUTH_UNION, on=date(2024, 1, 15)
    )
    _to_opinions(world, case, members)
    case_record_step(
        acting_user=world.xa,
        case=case,
        step=Step.CELL_RESOLUTION,
        on=date(2024, 6, 20),
        vote=VOTE,
        document_number="05-NQ/CB",
    )
    case_record_step(
        acting_user=world.xa,
        case=case,
        step=Step.COMMITTEE_RESOLUTION,
        on=date(2024, 7, 5),
        vote=COMMITTEE,
    )
    case_record_step(
        acting_user=world.xa,
        case=case,
        step=Step.DECISION,
        on=date(2024, 7, 20),
        document_number="120-QĐ/ĐU",
    )
    case_record_step(acting_user=world.xa, case=case, step=Step.CEREMONY, on=date(2024, 8, 2))
    candidate.refresh_from_db()
    assert candidate.status == Status.PROBATIONARY
    assert (candidate.decision_number, candidate.decision_date, candidate.ceremony_date) == (
        "120-QĐ/ĐU",
        date(2024, 7, 20),
        date(2024, 8, 2),
    )
    assert candidate.admission_unit == case.unit
    for step, on in [
        (Step.PROBATION_HELPER, date(2024, 8, 5)),
        (Step.NEW_MEMBER_CLASS, date(2024, 10, 1)),
        (Step.SELF_ASSESSMENT, date(2025, 7, 20)),
        (Step.HELPER_ASSESSMENT, date(2025, 7, 25)),
        (Step.PROBATION_OPINIONS, date(2025, 7, 28)),
    ]:
        case_record_step(
            acting_user=world.bithu,
            case=case,
            step=step,
            on=on,
            helper=members[3] if step == Step.PROBATION_HELPER else None,
        )
    # Before the 12 months are over, the cell cannot consider recognition.
    with pytest.raises(ServiceError, match="Chưa hết 12 tháng"):
        case_record_step(
            acting_user=world.xa,
            case=case,
            step=Step.RECOGNITION_CELL,
            on=date(2025, 8, 1),
            vote=VOTE,
        )
    case_record_step(
        acting_user=world.xa, case=case, step=Step.RECOGNITION_CELL, on=date(2025, 8, 4), vote=VOTE
    )
    case_record_step(
        acting_user=world.xa,
        case=case,
        step=Step.RECOGNITION_COMMITTEE,
        on=date(2025, 8, 20),
        vote=COMMITTEE,
    )
    case_record_step(
        acting_user=world.xa,
        case=case,
        step=Step.RECOGNITION_DECISION,
        on=date(2025, 9, 30),
        document_number="310-QĐ/ĐU",
    )
    candidate.refresh_from_db()
    case.refresh_from_db()
    assert candidate.status == Status.OFFICIAL
    # Official from the end of the 12 months, although the decision came later.
    assert candidate.official_date == date(2025, 8, 2)
    assert case.state == Case.State.MEMBER
    assert case.events.count() == 20  # listed + 19 steps (no partial committee here)
    assert AuditEvent.objects.filter(action="case.step", target_id=str(case.pk)).count() == 19


def test_a_failed_cell_vote_ends_the_case_and_a_new_case_can_follow(world: World) -> None:
    candidate, members = _candidate(world)
    case = case_open(
        acting_user=world.bithu, person=candidate, source=Source.OTHER, on=date(2024, 1, 15)
    )
    _to_opinions(world, case, members)
    failed = Vote(
        official_members=9, elsewhere=0, exempt_absent=0, present=9, votes_for=5, votes_against=4
    )
    event = case_record_step(
        acting_user=world.xa,
        case=case,
        step=Step.CELL_RESOLUTION,
        on=date(2024, 6, 20),
        vote=failed,
    )
    case.refresh_from_db()
    assert event.outcome == CaseEvent.Outcome.FAILED
    assert (case.stage, case.state) == (Step.NOT_ADMITTED, Case.State.CLOSED)
    second = case_open(
        acting_user=world.bithu,
        person=candidate,
        source=Source.OTHER,
        on=date(2025, 1, 10),
        previous=case,
    )
    assert second.previous == case


def test_the_cell_secretary_cannot_record_a_vote(world: World) -> None:
    candidate, members = _candidate(world)
    case = case_open(
        acting_user=world.bithu, person=candidate, source=Source.OTHER, on=date(2024, 1, 15)
    )
    _to_opinions(world, case, members)
    with pytest.raises(PermissionDenied):
        case_record_step(
            acting_user=world.bithu,
            case=case,
            step=Step.CELL_RESOLUTION,
            on=date(2024, 6, 20),
            vote=VOTE,
        )


def test_over_sixty_needs_the_province_consent_recorded(world: World) -> None:
    candidate, members = _candidate(world)
    Person.objects.filter(pk=candidate.pk).update(birth_year=1960, birth_month=1, birth_day=1)
    case = case_open(
        acting_user=world.bithu, person=candidate, source=Source.OTHER, on=date(2024, 1, 15)
    )
    _to_opinions(world, case, members)
    with pytest.raises(ServiceError, match="Quá tuổi"):
        case_record_step(
            acting_user=world.xa,
            case=case,
            step=Step.CELL_RESOLUTION,
            on=date(2024, 6, 20),
            vote=VOTE,
        )
    event = case_record_step(
        acting_user=world.xa,
        case=case,
        step=Step.CELL_RESOLUTION,
        on=date(2024, 6, 20),
        vote=VOTE,
        override_document="Công văn 45-CV/TU đồng ý kết nạp người trên 60 tuổi",
    )
    assert event.override_document.startswith("Công văn 45-CV/TU")


def test_the_ceremony_deadline_counts_working_days_across_tet(world: World) -> None:
    candidate, _members = _candidate(world)
    case = case_open(
        acting_user=world.bithu, person=candidate, source=Source.OTHER, on=date(2025, 9, 1)
    )
    Case.objects.filter(pk=case.pk).update(stage=Step.DECISION, stage_since=date(2026, 2, 10))
    case.refresh_from_db()
    deadline = case_deadline(case, PLAIN)
    assert deadline is not None
    # 30 working days from Tuesday 10/02/2026, Tết (16–20/02) skipped.
    assert deadline.due == date(2026, 3, 31)
    assert "30 ngày làm việc" in deadline.rule


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
@pytest.mark.django_db(transaction=True)
def test_two_approvers_recording_the_same_step_at_once(world: World) -> None:
    candidate, members = _candidate(world)
    case = case_open(
        acting_user=world.bithu, person=candidate, source=Source.OTHER, on=date(2024, 1, 15)
    )
    _to_opinions(world, case, members)
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def record() -> None:
        from django.db import connections

        barrier.wait()
        try:
            case_record_step(
                acting_user=world.xa,
                case=case,
                step=Step.CELL_RESOLUTION,
                on=date(2024, 6, 20),
                vote=VOTE,
                expected_stage=Step.OPINIONS,
            )
            outcomes.append("ok")
        except ServiceError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    assert any("người khác cập nhật" in o for o in outcomes)
    assert CaseEvent.objects.filter(case=case, step=Step.CELL_RESOLUTION).count() == 1
