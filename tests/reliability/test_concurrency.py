"""Many writers on the same rows at once (PostgreSQL, one connection per thread): no lost
update, no duplicated event, the kept counts still equal their recomputation."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from itertools import pairwise

import pytest
from django.db import connection, connections

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import Case, CaseEvent, Step
from dangvien.lib.errors import ServiceError
from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit
from dangvien.people.models import Person, Status
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.models import Metric, Tally
from dangvien.targets.models import Target
from dangvien.targets.services import target_set
from tests.admission.factories import cell_members
from tests.conftest import World
from tests.reliability.cases import case_before_ceremony, record_ceremony

WRITERS = 8

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="SQLite has one writer at a time (BEGIN IMMEDIATE): nothing runs concurrently",
    ),
    # Each thread's connection sees only what the test has committed: no wrapping transaction.
    pytest.mark.django_db(transaction=True),
]


def _all_at_once(work: list[Callable[[], object]]) -> list[object]:
    """Run each piece of work in its own thread (its own connection), released together;
    returns what each returned or raised, in order."""
    start = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            start.wait()
            results[index] = work[index]()
        except BaseException as error:  # the main thread looks at it
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _admitted_in_july(unit: Unit) -> int:
    """The kept count of admissions of the month of the cases' decision (07/2024)."""
    return Tally.objects.get(unit=unit, metric=Metric.ADMITTED, month=date(2024, 7, 1)).total


def test_many_recording_the_same_step_of_one_case_only_one_succeeds(world: World) -> None:
    case = case_before_ceremony(world.cell_1, "Nguyễn Thị Thu Hà", cell_members(world.cell_1))
    results = _all_at_once([lambda: record_ceremony(case)] * WRITERS)
    refused = [r for r in results if isinstance(r, ServiceError)]
    assert results.count(None) == 1, results
    assert len(refused) == WRITERS - 1, results
    assert CaseEvent.objects.filter(case=case, step=Step.CEREMONY).count() == 1
    assert (
        AuditEvent.objects.filter(
            action="case.step", target_id=str(case.pk), changes__step__1=Step.CEREMONY
        ).count()
        == 1
    )
    case.refresh_from_db()
    assert case.stage == Step.CEREMONY
    assert Person.objects.get(pk=case.person_id).status == Status.PROBATIONARY
    assert _admitted_in_july(world.cell_1) == 1
    assert check_integrity() == []


def test_setting_one_units_target_at_once_keeps_one_row_and_every_change(world: World) -> None:
    period = Period.parse("2026")

    def setter(admissions: int) -> Callable[[], object]:
        return lambda: target_set(
            acting_user=world.xa, unit=world.cell_1, period=period, admissions=admissions
        )

    results = _all_at_once([setter(n) for n in range(1, WRITERS + 1)])
    assert [r for r in results if isinstance(r, BaseException)] == []
    target = Target.objects.get(unit=world.cell_1, period=period.code)
    assert Target.objects.filter(unit=world.cell_1).count() == 1
    # Every write is audited, and each one saw the value the one before it left: the
    # audit trail is one unbroken chain ending at the kept value (no lost update).
    changes = [
        e.changes["admissions"]
        for e in AuditEvent.objects.filter(action="target.set").order_by("id")
    ]
    assert len(changes) == WRITERS
    assert changes[0][0] is None
    for before, after in pairwise(changes):
        assert after[0] == before[1], changes
    assert changes[-1][1] == target.admissions
    assert sorted(c[1] for c in changes) == list(range(1, WRITERS + 1))


def test_many_admissions_in_one_cell_at_once_keep_the_counts(world: World) -> None:
    members = cell_members(world.cell_1)
    cases = [
        case_before_ceremony(world.cell_1, f"Quần chúng {name}", members)
        for name in ("An", "Bình", "Cường", "Dung", "Giang", "Hà")
    ]
    results = _all_at_once([lambda c=c: record_ceremony(c) for c in cases])  # type: ignore[misc]
    assert results == [None] * len(cases)
    assert _admitted_in_july(world.cell_1) == len(cases)
    assert _admitted_in_july(world.an_my) == len(cases)
    assert Case.objects.filter(stage=Step.CEREMONY).count() == len(cases)
    assert check_integrity() == []
