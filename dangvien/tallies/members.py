"""Kept member counts (`MemberChange`): the definition, written once, in SQL.

Who counts as a member of a cell on day D (the definition of the reports' "members at the
start of the year" and of the movement report's start and end figures):
- the person has a decision date, on or before D;
- their status on D is probationary or official: the status of their latest uncorrected
  status event on or before D (the last recorded of a day), or, before their first event,
  the one their dates give (official from `official_date`, probationary from
  `decision_date`);
- the cell is the one they were registered in on D: the cell a later received transfer
  took them from (the first one after D), else their cell today.

Why one SQL statement and not a Python function: the same statement answers three
questions, so they cannot disagree —
1. a service's change (`members_kept`): the contributions of the few people it touches,
   before and after, as (cell, day, status, ±n); the difference is added to the kept rows;
2. the full rebuild after a bulk load (`rebuild_members`), the whole country in the
   database (6 million people, 10 million events), nothing held in Python;
3. the integrity check (`member_differences`), compared inside the database.

How: each person's timeline is cut into segments — status segments (from each event's
day to the next event's day; before the first event, from the dates) and cell segments
(from one received transfer to the next) — intersected; each piece adds +1 on its first
day and −1 on the day it ends. Window functions (LEAD, LAG, ROW_NUMBER) run on PostgreSQL
and on SQLite ≥ 3.25.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date

from django.db import connection

from dangvien.lib.db import db_date, upsert_add
from dangvien.people.models import MEMBER_STATUSES, Person, StatusEvent, Transfer
from dangvien.tallies.models import MemberChange
from dangvien.tallies.recompute import (
    contributions_of,
    kept_differences,
    per_cell_sql,
    rebuild_kept,
    spread_to_ancestors,
)
from dangvien.tallies.rules import moved

# (cell or unit id, day, status) → change in the number of members.
Key = tuple[int, date, str]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _later(a: str, b: str) -> str:
    """The later of two days, `b` possibly NULL (the beginning of time)."""
    return f"CASE WHEN {b} IS NOT NULL AND {b} > {a} THEN {b} ELSE {a} END"


def _sooner(a: str, b: str) -> str:
    """The sooner of two days, either possibly NULL (the end of time)."""
    return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL OR {a} < {b} THEN {a} ELSE {b} END"


def contributions_sql(only: str = "") -> tuple[str, list[str]]:
    """A SELECT of (cell_id, day, status, n): how each cell's members by status change,
    counted over the people the condition `only` keeps (an SQL condition on `p`, the
    person table, e.g. "AND p.id IN (1, 2)"; empty for everyone). Rows with n = 0 are
    left out. Names come from the models' metadata; values are parameters."""
    person, event, transfer = (_q(m._meta.db_table) for m in (Person, StatusEvent, Transfer))
    on = _q("on")
    probationary, official = (str(status) for status in MEMBER_STATUSES)
    sql = f"""
        WITH ev AS (
            SELECT e.person_id AS person_id, e.{on} AS day, e.status AS status,
                   ROW_NUMBER() OVER (
                       PARTITION BY e.person_id, e.{on} ORDER BY e.id DESC
                   ) AS r
            FROM {event} e JOIN {person} p ON p.id = e.person_id
            WHERE p.decision_date IS NOT NULL {only}
              AND NOT EXISTS (SELECT 1 FROM {event} k WHERE k.corrects_id = e.id)
        ),
        firsts AS (SELECT person_id, MIN(day) AS first FROM ev GROUP BY person_id),
        by_event AS (
            SELECT person_id, day AS start,
                   LEAD(day) OVER (PARTITION BY person_id ORDER BY day) AS stop, status
            FROM ev WHERE r = 1
        ),
        by_dates AS (
            SELECT p.id AS person_id, p.decision_date AS start, p.official_date AS stop,
                   %s AS status
            FROM {person} p
            WHERE p.decision_date IS NOT NULL {only}
              AND (p.official_date IS NULL OR p.official_date > p.decision_date)
            UNION ALL
            SELECT p.id, p.official_date, NULL, %s
            FROM {person} p
            WHERE p.decision_date IS NOT NULL AND p.official_date IS NOT NULL {only}
        ),
        statuses AS (
            SELECT person_id, start, stop, status FROM by_event WHERE status IN (%s, %s)
            UNION ALL
            SELECT d.person_id, d.start, {_sooner("d.stop", "f.first")}, d.status
            FROM by_dates d LEFT JOIN firsts f ON f.person_id = d.person_id
        ),
        counted AS (
            SELECT s.person_id, s.status, {_later("p.decision_date", "s.start")} AS start,
                   s.stop
            FROM statuses s JOIN {person} p ON p.id = s.person_id
            WHERE s.stop IS NULL OR (s.stop > s.start AND s.stop > p.decision_date)
        ),
        received AS (
            SELECT t.person_id AS person_id, t.from_unit_id AS cell,
                   LAG(t.received_on) OVER (
                       PARTITION BY t.person_id ORDER BY t.received_on, t.id
                   ) AS start,
                   t.received_on AS stop
            FROM {transfer} t JOIN {person} p ON p.id = t.person_id
            WHERE t.state = %s AND t.received_on IS NOT NULL
              AND p.decision_date IS NOT NULL {only}
        ),
        last_received AS (
            SELECT person_id, MAX(stop) AS day FROM received GROUP BY person_id
        ),
        cells AS (
            SELECT person_id, cell, start, stop FROM received
            UNION ALL
            SELECT p.id, p.unit_id, l.day, NULL
            FROM {person} p LEFT JOIN last_received l ON l.person_id = p.id
            WHERE p.decision_date IS NOT NULL {only}
        ),
        pieces AS (
            SELECT c.cell AS cell, s.status AS status,
                   {_later("s.start", "c.start")} AS start,
                   {_sooner("s.stop", "c.stop")} AS stop
            FROM counted s JOIN cells c ON c.person_id = s.person_id
            WHERE (c.stop IS NULL OR c.stop > s.start)
              AND (s.stop IS NULL OR c.start IS NULL OR c.start < s.stop)
        ),
        deltas AS (
            SELECT cell, start AS day, status, 1 AS n FROM pieces
            UNION ALL
            SELECT cell, stop, status, -1 FROM pieces WHERE stop IS NOT NULL
        )
        SELECT cell AS cell_id, day, status, SUM(n) AS n
        FROM deltas GROUP BY cell, day, status HAVING SUM(n) <> 0
    """  # noqa: S608
    params = [probationary, official, probationary, official, Transfer.State.RECEIVED]
    return sql, params


def person_contributions(person_ids: Sequence[int]) -> Counter[Key]:
    """What the given people add to their cells' kept rows, per (cell, day, status): one
    query per 500 people."""
    return contributions_of(person_ids, "p.id", contributions_sql)


def _upsert(deltas: Mapping[Key, int]) -> None:
    upsert_add(MemberChange._meta.db_table, ("unit_id", "day", "status"), "delta", deltas)


@contextmanager
def members_kept(person_ids: Iterable[int]) -> Iterator[None]:
    """Keep the member counts right across a change of these people's records (status
    events, dates, transfers, cell) made inside the block, in the caller's transaction:
    their contributions before and after, the difference added (four queries). A block
    that raises writes nothing here."""
    ids = sorted(set(person_ids))
    before = person_contributions(ids)
    yield
    after = person_contributions(ids)
    diff: Counter[Key] = Counter(after)
    diff.subtract(before)
    _upsert(spread_to_ancestors(diff))


@contextmanager
def members_adding() -> Iterator[Callable[[Sequence[int]], None]]:
    """New people are written in batches, in the caller's transaction (nothing counted them
    before): the function yielded reads each batch's contributions once it is written, and
    the kept rows are written once, at the end of the block. An import of 100,000 members
    (their days spread over decades) rewrote the same rows in every batch. A block that
    raises writes nothing here."""
    pending: Counter[Key] = Counter()
    # Spread to the units as each batch comes: the rows of the units are bounded by the
    # days or months and the values counted, the cells' rows by the people.
    yield lambda person_ids: pending.update(spread_to_ancestors(person_contributions(person_ids)))
    _upsert(pending)


def members_moved(*, unit_id: int, old_path: str, new_path: str) -> None:
    """The unit (with its subtree) moved: its rows leave the ancestors it left and join
    those it joined (`tallies.rules.moved`)."""
    rows = MemberChange.objects.filter(unit_id=unit_id).values_list("day", "status", "delta")
    _upsert(moved(old_path, new_path, rows))


# --- the whole country, in the database -------------------------------------------------


def expected_sql() -> tuple[str, list[str]]:
    """A SELECT of every (unit_id, day, status, delta) the kept rows should hold: the
    contributions of everyone, spread to each cell's current ancestors."""
    contributions, params = contributions_sql()
    return per_cell_sql(contributions, ("day", "status"), "delta"), params


COLUMNS = ("unit_id", "day", "status", "delta")


def rebuild_members() -> int:
    """Replace every kept row by its recomputed value (the caller holds the transaction).
    Returns the number of rows written."""
    return rebuild_kept(MemberChange._meta.db_table, COLUMNS, *expected_sql())


def member_differences() -> list[tuple[int, date, str, int, int]]:
    """Every (unit, day, status, kept, recomputed) where a kept row is wrong, missing or
    left over."""
    rows = kept_differences(MemberChange._meta.db_table, COLUMNS, *expected_sql())
    return [(int(u), db_date(d), str(s), int(have), int(want)) for u, d, s, have, want in rows]
