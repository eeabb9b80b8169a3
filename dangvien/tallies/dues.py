"""Kept counts of open cases by due day (`CaseDue`): the definition, written once, in SQL.

A case counts on its cell's row (and each ancestor's) for its `due_on` while it is open and
has a deadline. The same SELECT answers three questions, as for the member counts
(`tallies.members`), so they cannot disagree: a service's change (`case_dues_kept`, the
touched cases before and after), the full rebuild (`rebuild_dues`) and the integrity check
(`due_differences`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date

from django.db import connection

from dangvien.admission.models import Case
from dangvien.lib.db import db_date, placeholders, read_sql, upsert_add
from dangvien.tallies.models import CaseDue
from dangvien.tallies.recompute import (
    contributions_of,
    kept_differences,
    per_cell_sql,
    rebuild_kept,
    spread_to_ancestors,
)
from dangvien.tallies.rules import moved

# (cell or unit id, day) → change in the number of open cases due that day.
Key = tuple[int, date]
COLUMNS = ("unit_id", "day", "total")


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def contributions_sql(only: str = "") -> tuple[str, list[str]]:
    """A SELECT of (cell_id, day, n): the open cases with a deadline per cell and due day,
    over the cases the condition `only` keeps (SQL on `c`; empty for all)."""
    table = _q(Case._meta.db_table)
    sql = f"""
        SELECT c.unit_id AS cell_id, c.due_on AS day, COUNT(*) AS n
        FROM {table} c
        WHERE c.state = %s AND c.due_on IS NOT NULL {only}
        GROUP BY c.unit_id, c.due_on
    """  # noqa: S608
    return sql, [Case.State.OPEN]


def _contributions(case_ids: Sequence[int]) -> Counter[Key]:
    return contributions_of(case_ids, "c.id", contributions_sql)


def _upsert(deltas: Mapping[Key, int]) -> None:
    upsert_add(CaseDue._meta.db_table, ("unit_id", "day"), "total", deltas)


def dues_before(case_ids: Iterable[int]) -> Counter[Key]:
    """What these cases count now, before a change made in the caller's transaction; hand
    it to `dues_after` once the change is written."""
    return _contributions(sorted(set(case_ids)))


def dues_after(case_ids: Iterable[int], before: Counter[Key]) -> None:
    """The cases changed (opened, a step recorded or corrected: state, deadline): their
    contributions again, the difference from `before` added to the kept rows."""
    diff = _contributions(sorted(set(case_ids)))
    diff.subtract(before)
    _upsert(spread_to_ancestors(diff))


@contextmanager
def case_dues_kept(case_ids: Iterable[int]) -> Iterator[None]:
    """`dues_before` and `dues_after` around a block (three queries); a block that raises
    writes nothing here."""
    ids = sorted(set(case_ids))
    before = dues_before(ids)
    yield
    dues_after(ids, before)


def case_dues_added(case_ids: Sequence[int]) -> None:
    """New cases were written (nothing counted them before)."""
    _upsert(spread_to_ancestors(_contributions(case_ids)))


def dues_moved(*, unit_id: int, old_path: str, new_path: str) -> None:
    """The unit (with its subtree) moved: its rows leave the ancestors it left and join
    those it joined (`tallies.rules.moved`)."""
    rows = CaseDue.objects.filter(unit_id=unit_id).values_list("day", "unit_id", "total")
    _upsert({(u, day): n for (u, day, _same), n in moved(old_path, new_path, rows).items()})


def due_bands(unit_ids: Iterable[int], today: date, soon: date, until: date) -> Counter[str]:
    """Open cases of the units' subtrees due before `today` ("overdue"), from `today` to
    `soon` ("soon") and after `soon` up to `until` ("later"): sums over the kept rows.
    The units' subtrees must not overlap."""
    ids = sorted(set(unit_ids))
    counts: Counter[str] = Counter({"overdue": 0, "soon": 0, "later": 0})
    if not ids:
        return counts
    # In SQL: read for every dashboard (see `lib.db.read_sql`).
    rows = read_sql(
        CaseDue,
        f"SELECT day, total FROM tallies_casedue "  # noqa: S608
        f"WHERE unit_id IN ({placeholders(ids)}) AND day <= %s",
        [*ids, until],
    )
    for raw_day, total in rows:
        day = db_date(raw_day)
        band = "overdue" if day < today else "soon" if day <= soon else "later"
        counts[band] += total
    return counts


# --- the whole country, in the database -------------------------------------------------


def expected_sql() -> tuple[str, list[str]]:
    """A SELECT of every (unit_id, day, total) the kept rows should hold."""
    contributions, params = contributions_sql()
    return per_cell_sql(contributions, ("day",), "total"), params


def rebuild_dues() -> int:
    """Replace every kept row by its recomputed value (the caller holds the transaction)."""
    return rebuild_kept(CaseDue._meta.db_table, COLUMNS, *expected_sql())


def due_differences() -> list[tuple[int, date, int, int]]:
    """Every (unit, day, kept, recomputed) where a kept row is wrong, missing or left over."""
    rows = kept_differences(CaseDue._meta.db_table, COLUMNS, *expected_sql())
    return [(int(u), db_date(d), int(have), int(want)) for u, d, have, want in rows]
