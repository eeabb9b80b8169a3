"""Reads of the kept counts: one query over a handful of rows, whatever the subtree's size.

A count is kept per whole month. A report that stops in the middle of a month (as of
today) reads the whole months here and counts the days of the last month from the raw
records (`split_span`), which the `decision_date` and `(status, on)` indexes make a small
query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, Sum

from dangvien.lib.db import db_date, placeholders, read_sql
from dangvien.orgs.models import Unit
from dangvien.tallies.models import MemberChange, Tally
from dangvien.tallies.services import month_of


def next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass(frozen=True)
class Span:
    """A span of days cut into whole months (`first`…`last`, first days of months; none
    when `first` > `last`) and a tail of days of one month (`tail`, or None)."""

    first: date
    last: date
    tail: tuple[date, date] | None

    @property
    def has_months(self) -> bool:
        return self.first <= self.last


def split_span(start: date, until: date) -> Span | None:
    """Cut [start, until] into whole months and a tail; None when it does not begin on the
    first of a month (then the kept counts cannot answer it)."""
    if start.day != 1 or until < start:
        return None
    last_whole = until if next_month(month_of(until)) - timedelta(days=1) == until else None
    if last_whole is not None:
        return Span(start, month_of(until), None)
    tail_start = month_of(until)
    previous = month_of(tail_start - timedelta(days=1))
    return Span(start, previous, (tail_start, until))


def monthly_counts(
    unit_ids: Sequence[int], metrics: Sequence[str], first: date, last: date
) -> Counter[tuple[int, str, date]]:
    """Kept counts per (unit, metric, month) for the months `first`…`last` (one query, in
    SQL: see `lib.db.read_sql`)."""
    rows = read_sql(
        Tally,
        f"""SELECT unit_id, metric, month, total FROM tallies_tally
            WHERE unit_id IN ({placeholders(unit_ids)}) AND metric IN ({placeholders(metrics)})
              AND month >= %s AND month <= %s""",  # noqa: S608
        [*unit_ids, *metrics, first, last],
    )
    return Counter({(u, k, db_date(m)): n for u, k, m, n in rows})


def sums_by_unit(unit_ids: Sequence[int], metric: str, first: date, last: date) -> dict[int, int]:
    """Each unit's kept count of `metric` over the months `first`…`last` (one query)."""
    if not unit_ids:
        return {}
    rows = read_sql(
        Tally,
        f"""SELECT unit_id, SUM(total) FROM tallies_tally
            WHERE unit_id IN ({placeholders(unit_ids)}) AND metric = %s
              AND month >= %s AND month <= %s
            GROUP BY unit_id""",  # noqa: S608
        [*unit_ids, metric, first, last],
    )
    return {u: int(n or 0) for u, n in rows}


def by_month(unit: Unit, metric: str, start: date, until: date) -> dict[date, int]:
    """The unit's subtree's kept count of `metric` for each month from `start`'s to
    `until`'s (months with nothing are absent), one query."""
    counts = monthly_counts([unit.pk], [metric], month_of(start), month_of(until))
    return {m: n for (_u, _k, m), n in sorted(counts.items(), key=lambda i: i[0][2]) if n}


def members_on(unit_id: int, days: Sequence[date]) -> list[Counter[str]]:
    """Members of the unit's current subtree by status on each day (`tallies.members`
    defines who counts): a running sum of the kept changes, one query."""
    rows = (
        MemberChange.objects.filter(unit_id=unit_id, day__lte=max(days))
        .values("status")
        .annotate(
            **{
                f"n{i}": Sum("delta", filter=Q(day__lte=day), default=0)
                for i, day in enumerate(days)
            }
        )
    )
    counts: list[Counter[str]] = [Counter() for _day in days]
    for row in rows:
        for i in range(len(days)):
            if row[f"n{i}"]:
                counts[i][row["status"]] = int(row[f"n{i}"])
    return counts
