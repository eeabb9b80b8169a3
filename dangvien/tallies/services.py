"""Every write of the kept counts. The write paths of people and of the tree call these in
their own transaction, so a count is never behind the records it counts.

Upsert: one `INSERT … ON CONFLICT (unit, month, metric) DO UPDATE SET total = total +
excluded.total` statement per batch (PostgreSQL ≥ 9.5 and SQLite ≥ 3.24 share the syntax).
It is additive and atomic per row, so two transactions adding to the same row both count.
Django's `bulk_create(update_conflicts=True)` cannot do this: it sets the column to the
*excluded* value (`total = EXCLUDED.total`), which would lose the other writer's count.
Rows are sent in (unit, month, metric) order, so concurrent writers lock the shared
ancestor rows in the same order and cannot deadlock on them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import cast

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from dangvien.accounts.audit import Actor, audit_record
from dangvien.lib.db import DeferredChecks, upsert_add
from dangvien.orgs.models import Unit
from dangvien.orgs.rules import path_ids
from dangvien.people.models import Person, StatusEvent
from dangvien.tallies.dues import rebuild_dues
from dangvien.tallies.members import rebuild_members
from dangvien.tallies.models import (
    STATUS_METRIC,
    CaseDue,
    MemberChange,
    Metric,
    NewMemberCount,
    Tally,
)
from dangvien.tallies.newmembers import rebuild_new_members
from dangvien.tallies.recompute import rebuild_all
from dangvien.tallies.rules import moved

Key = tuple[int, date, str]  # (unit id, first day of the month, metric)


def month_of(day: date) -> date:
    return day.replace(day=1)


def _spread(counts: Mapping[tuple[str, date, str], int]) -> Counter[Key]:
    """Counts per (cell path, day or month, metric) → counts per (unit, month, metric) for
    the cell and each of its ancestors."""
    spread: Counter[Key] = Counter()
    for (path, day, metric), n in counts.items():
        if not n:
            continue
        month = month_of(day)
        for unit_id in path_ids(path):
            spread[(unit_id, month, metric)] += n
    return spread


def _upsert(deltas: Mapping[Key, int]) -> None:
    upsert_add(Tally._meta.db_table, ("unit_id", "month", "metric"), "total", deltas)


def tallies_add(counts: Mapping[tuple[str, date, str], int]) -> None:
    """Add counts given per (path of the cell, a day of the month, metric) to the cell and
    its ancestors: one statement per 500 rows, whatever the number of events behind them."""
    _upsert(_spread(counts))


def tally_change(*, unit: Unit, day: date, metric: str, delta: int) -> None:
    """Add `delta` to `metric` for the month of `day`, in `unit` and all its current
    ancestors (one statement)."""
    tallies_add({(unit.path, day, metric): delta})


def tally_admission_moved(
    *,
    before: tuple[int | None, date | None],
    after: tuple[int | None, date | None],
) -> None:
    """A person's (admission unit id, decision date) changed: move their admission."""
    if before == after:
        return
    ids = {u for u, d in (before, after) if u is not None and d is not None}
    paths = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "path"))
    counts: Counter[tuple[str, date, str]] = Counter()
    for (unit_id, day), sign in ((before, -1), (after, 1)):
        if unit_id is not None and day is not None:
            counts[(paths[unit_id], day, Metric.ADMITTED)] += sign
    tallies_add(counts)


def tally_status_event(event: StatusEvent, unit_path: str) -> None:
    """A status event was recorded in the unit at `unit_path`; if it corrects another one,
    the corrected event no longer counts."""
    counts: Counter[tuple[str, date, str]] = Counter()
    metric = STATUS_METRIC.get(event.status)
    if metric is not None:
        counts[(unit_path, event.on, metric)] += 1
    # The base model's "self" is StatusEvent here (the type checker sees the abstract base).
    old = cast(StatusEvent | None, event.corrects)
    if old is not None and old.status in STATUS_METRIC:
        counts[(old.unit.path, old.on, STATUS_METRIC[old.status])] -= 1
    tallies_add(counts)


def tallies_moved(*, unit_id: int, old_path: str, new_path: str) -> None:
    """The unit (with its subtree) moved from `old_path` to `new_path`: its rows, which
    count that subtree, leave the ancestors it left and join those it joined
    (`tallies.rules.moved`). Called by the tree's services where they change paths, in
    their transaction."""
    rows = Tally.objects.filter(unit_id=unit_id).values_list("month", "metric", "total")
    _upsert(moved(old_path, new_path, rows))


# --- recomputation from the raw records ------------------------------------------------


def expected_cell_counts(
    prefixes: Iterable[str] | None = None,
) -> Counter[tuple[str, date, str]]:
    """Counts per (path of the counted unit, month, metric) recomputed from the raw records,
    optionally only for records under the given paths (three queries: two GROUP BY on the
    unit's id, which needs no join, and the units' paths)."""
    where_admitted, where_events = Q(), Q()
    for prefix in prefixes or ():
        where_admitted |= Q(admission_unit__path__startswith=prefix)
        where_events |= Q(unit__path__startswith=prefix)
    by_id: Counter[tuple[int, date, str]] = Counter()
    admitted = (
        Person.objects.filter(where_admitted, decision_date__isnull=False)
        .annotate(m=TruncMonth("decision_date"))
        .values_list("admission_unit_id", "m")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit_id, month, n in admitted:
        if unit_id is not None:
            by_id[(unit_id, month, Metric.ADMITTED)] += n
    events = (
        StatusEvent.objects.filter(
            where_events, status__in=list(STATUS_METRIC), corrections__isnull=True
        )
        .annotate(m=TruncMonth("on"))
        .values_list("unit_id", "m", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit_id, month, status, n in events:
        by_id[(unit_id, month, STATUS_METRIC[status])] += n
    # Every unit's path (or those of the subtrees): a list of ids could pass SQLite's limit
    # of query parameters.
    where_units = Q()
    for prefix in prefixes or ():
        where_units |= Q(path__startswith=prefix)
    paths = dict(Unit.objects.filter(where_units).values_list("pk", "path")) if by_id else {}
    counts: Counter[tuple[str, date, str]] = Counter()
    for (unit_id, month, metric), n in by_id.items():
        counts[(paths[unit_id], month, metric)] += n
    return counts


def expected_tallies(units: Iterable[Unit] | None = None) -> Counter[Key]:
    """What every kept row should hold (or, given units, the rows of those units and of
    every unit in their current subtrees), from the raw records."""
    if units is None:
        return _spread(expected_cell_counts())
    prefixes = sorted({u.path for u in units})
    roots = [p for i, p in enumerate(prefixes) if not any(p.startswith(q) for q in prefixes[:i])]
    if not roots:
        return Counter()
    wanted = set()
    for root in roots:
        wanted |= set(Unit.objects.filter(path__startswith=root).values_list("pk", flat=True))
    spread = _spread(expected_cell_counts(roots))
    return Counter({k: n for k, n in spread.items() if k[0] in wanted})


# The rebuild of each kept table: one statement each, independent of the others.
REBUILDS: tuple[Callable[[], int], ...] = (
    rebuild_all,
    rebuild_members,
    rebuild_dues,
    rebuild_new_members,
)
KEPT_TABLES = [model._meta.db_table for model in (Tally, MemberChange, CaseDue, NewMemberCount)]


def tallies_rebuild(units: Iterable[Unit] | None = None) -> int:
    """Recompute the kept counts from the raw records, in one transaction: all of them, or
    the rows of the given units and of every unit in their current subtrees (their
    ancestors are left as they are: rebuild those too, or everything, if records were
    loaded or moved across them). For loaders that bypass the services and for repairs.
    The kept member, due and new-member breakdown counts are rebuilt with everything only.
    Returns the number of rows written."""
    with transaction.atomic():
        if units is None:
            # The whole country: recomputed and written by the database, the monthly counts,
            # the member counts (`tallies.members`), the due counts (`tallies.dues`) and the
            # new members' breakdowns (`tallies.newmembers`), one statement each.
            return sum(rebuild() for rebuild in REBUILDS)
        unit_list = list(units)
        expected = expected_tallies(unit_list)
        for unit in unit_list:
            Tally.objects.filter(unit__path__startswith=unit.path).delete()
        rows = [
            Tally(unit_id=u, month=m, metric=k, total=n)
            for (u, m, k), n in sorted(expected.items())
            if n
        ]
        Tally.objects.bulk_create(rows, batch_size=2000)
        return len(rows)


def _rebuilt_apart(rebuild: Callable[[], int]) -> int:
    """One table's rebuild in its own transaction, on this thread's own connection."""
    try:
        with transaction.atomic():
            return rebuild()
    finally:
        connection.close()


def tallies_recount(*, acting_user: Actor, apart: bool = False) -> int:
    """Rebuild every kept count (`tallies_rebuild`) as a recorded write: one audit event in
    the same transaction, which also tells the kept pages (`reports.cache`) that the
    figures changed. For repairs and for loaders that bypass the services.

    `apart`: on PostgreSQL, outside any transaction, each kept table is rebuilt in its own
    transaction on its own connection, at the same time (two cores: the member counts'
    259 s and the monthly counts' 110 s of the national world overlap). Only for a loader
    of a fresh world, which nobody reads before it returns: in between, one table may be
    rebuilt and another not yet. Elsewhere (SQLite allows one writer) one transaction."""
    if apart and connection.vendor == "postgresql" and not connection.in_atomic_block:
        # The foreign keys of the kept tables go first, here (see `DeferredChecks.drop`),
        # and come back once every table is written.
        with transaction.atomic():
            foreign = DeferredChecks.drop(KEPT_TABLES, foreign_keys_only=True)
        try:
            with ThreadPoolExecutor(max_workers=len(REBUILDS)) as pool:
                rows = sum(pool.map(_rebuilt_apart, REBUILDS))
        finally:
            with transaction.atomic():
                foreign.restore()
        with transaction.atomic():
            _recount_recorded(acting_user, rows)
        return rows
    with transaction.atomic():
        rows = tallies_rebuild()
        _recount_recorded(acting_user, rows)
        return rows


def _recount_recorded(acting_user: Actor, rows: int) -> None:
    root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    if root is not None:
        audit_record(
            actor=acting_user,
            action="tallies.recount",
            target=root,
            unit=None,
            changes={"rows": [None, rows]},
        )
