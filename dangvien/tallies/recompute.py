"""The kept counts recomputed from the raw records by the database itself, in one statement.

Why SQL and not Python: at national scale the raw records are 6 million people and 10 million
status events, and their counts spread to 250,000 units × 120 months. Building that in Python
(`services.expected_tallies`) took 9 minutes and 8.8 GB; a GROUP BY in the database streams,
spills to disk when it must, and never brings the rows into the process.

The statement mirrors `services.expected_cell_counts` + `services._spread`:
1. counts per (path of the counted cell, month, metric): admissions by `Person.decision_date`
   in `Person.admission_unit`, and the counted statuses by uncorrected `StatusEvent.on` in
   `StatusEvent.unit`;
2. each spread to the cell and every ancestor, found by cutting the cell's path at each
   step (a join on the unique `Unit.path`, through a small table of depths 1…max).

Both PostgreSQL and SQLite run it; only the month truncation differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import connection

from dangvien.lib.db import db_date, replace_rows
from dangvien.orgs.models import PATH_STEP, Unit
from dangvien.orgs.rules import path_ids
from dangvien.people.models import Person, StatusEvent
from dangvien.tallies.models import STATUS_METRIC, Metric, Tally

Row = tuple[int, date, str, int]
# Records per query of a service's before/after read (`contributions_of`).
_CHUNK = 500


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def month_sql(column: str) -> str:
    """The first day of a date column's month, in this database's SQL."""
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


def max_depth() -> int:
    """The depth of the deepest unit of the tree (at least 1)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(LENGTH(path)) FROM {_q(Unit._meta.db_table)}")  # noqa: S608
        longest = cursor.fetchone()[0] or 0
    return max(int(longest) // PATH_STEP, 1)


def to_ancestors(path: str, deepest: int | None = None) -> str:
    """Joins that repeat each row once for every unit on its cell's current path (the cell
    and each ancestor, as `a`; with `deepest`, only those at that depth or above): the path
    cut at each step, matched on the unique `Unit.path` through a small table of depths
    1…max. `path` is the SQL of the cell's path."""
    unit = _q(Unit._meta.db_table)
    last = max_depth() if deepest is None else min(max_depth(), deepest)
    depths = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(1, last + 1))
    return (
        f"JOIN ({depths}) d ON d.n * {PATH_STEP} <= LENGTH({path}) "
        f"JOIN {unit} a ON a.path = SUBSTR({path}, 1, d.n * {PATH_STEP})"
    )


def per_cell_sql(
    contributions: str, keys: tuple[str, ...], value: str, deepest: int | None = None
) -> str:
    """A SELECT of (unit_id, *keys, value): the rows of `contributions` (a SELECT of
    (cell_id, *keys, n)) added up for the cell and for each of its current ancestors (down
    to depth `deepest`, if given) — what a kept table of rows per unit should hold."""
    unit = _q(Unit._meta.db_table)
    picked = ", ".join(f"c.{k} AS {k}" for k in keys)
    grouped = ", ".join(f"c.{k}" for k in keys)
    return f"""
        SELECT a.id AS unit_id, {picked}, SUM(c.n) AS {value}
        FROM ({contributions}) c
        JOIN {unit} u ON u.id = c.cell_id
        {to_ancestors("u.path", deepest)}
        GROUP BY a.id, {grouped}
    """  # noqa: S608


def contributions_of(
    ids: Sequence[int], column: str, select: Callable[[str], tuple[str, list[str]]]
) -> Counter[tuple[Any, ...]]:
    """The rows of `select(only)` (cell_id, day, *rest, n) for the records whose `column` is
    one of `ids`, added up per (cell, day, *rest): one query per 500 ids."""
    found: Counter[tuple[Any, ...]] = Counter()
    unique = sorted(set(ids))
    for start in range(0, len(unique), _CHUNK):
        # Only integers are formatted in (the ids, cast again).
        listed = ", ".join(str(int(i)) for i in unique[start : start + _CHUNK])
        sql, params = select(f"AND {column} IN ({listed})")
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            for cell, day, *rest, n in cursor.fetchall():
                found[(int(cell), db_date(day), *(str(r) for r in rest))] += int(n)
    return found


def spread_to_ancestors(
    by_cell: Mapping[tuple[Any, ...], int], deepest: int | None = None
) -> Counter[tuple[Any, ...]]:
    """Changes keyed (cell, *rest) → the same changes for the cell and each of its current
    ancestors (down to depth `deepest`, if given), keyed (unit, *rest) (one query for the
    cells' paths)."""
    cells = {key[0] for key, n in by_cell.items() if n}
    if not cells:
        return Counter()
    paths = dict(Unit.objects.filter(pk__in=cells).values_list("pk", "path"))
    spread: Counter[tuple[Any, ...]] = Counter()
    for (cell, *rest), n in by_cell.items():
        for unit_id in path_ids(paths[cell])[:deepest] if n else []:
            spread[(unit_id, *rest)] += n
    return spread


def rebuild_kept(table: str, columns: tuple[str, ...], select: str, params: list[str]) -> int:
    """Replace every row of a kept table by the non-zero rows of `select` (its `columns`:
    the keys, then the count), in the caller's transaction; the number written."""
    names = ", ".join(columns)
    return replace_rows(
        table,
        names,
        f"SELECT {names} FROM ({select}) x WHERE {columns[-1]} <> 0",  # noqa: S608
        params,
    )


def kept_differences(
    table: str, columns: tuple[str, ...], select: str, params: list[str]
) -> list[tuple[Any, ...]]:
    """Every (keys…, kept, recomputed) where a row of a kept table is wrong, missing or left
    over against `select` (the same `columns`: the keys, then the count), compared inside
    the database: two anti-joins, no FULL JOIN (SQLite before 3.39 has none)."""
    *keys, value = columns
    quoted = _q(table)
    on_e = " AND ".join(f"t.{k} = e.{k}" for k in keys)
    e_keys = ", ".join(f"e.{k}" for k in keys)
    t_keys = ", ".join(f"t.{k}" for k in keys)
    order = ", ".join(str(n) for n in range(1, len(keys) + 1))
    sql = f"""
        WITH e AS ({select})
        SELECT {e_keys}, COALESCE(t.{value}, 0), e.{value}
        FROM e LEFT JOIN {quoted} t ON {on_e}
        WHERE COALESCE(t.{value}, 0) <> e.{value}
        UNION ALL
        SELECT {t_keys}, t.{value}, 0
        FROM {quoted} t LEFT JOIN e ON {on_e}
        WHERE e.{keys[0]} IS NULL AND t.{value} <> 0
        ORDER BY {order}
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def expected_sql() -> tuple[str, list[str]]:
    """A SELECT of every (unit_id, month, metric, total) the kept counts should hold, with
    its parameters. Names come from the models' metadata; values are parameters."""
    person, event, unit = (_q(m._meta.db_table) for m in (Person, StatusEvent, Unit))
    statuses = list(STATUS_METRIC)
    metric_case = " ".join("WHEN %s THEN %s" for _s in statuses)
    params: list[str] = [Metric.ADMITTED]
    for status in statuses:
        params += [status, STATUS_METRIC[status]]
    params += statuses
    marks = ", ".join("%s" for _s in statuses)
    on = _q("on")
    sql = f"""
        SELECT a.id AS unit_id, c.month AS month, c.metric AS metric, SUM(c.n) AS total
        FROM (
            SELECT u.path AS path, {month_sql("p.decision_date")} AS month, %s AS metric,
                   COUNT(*) AS n
            FROM {person} p JOIN {unit} u ON u.id = p.admission_unit_id
            WHERE p.decision_date IS NOT NULL
            GROUP BY u.path, {month_sql("p.decision_date")}
            UNION ALL
            SELECT u.path, {month_sql(f"e.{on}")}, CASE e.status {metric_case} END, COUNT(*)
            FROM {event} e JOIN {unit} u ON u.id = e.unit_id
            WHERE e.status IN ({marks})
              AND NOT EXISTS (SELECT 1 FROM {event} k WHERE k.corrects_id = e.id)
            GROUP BY u.path, {month_sql(f"e.{on}")}, e.status
        ) c
        {to_ancestors("c.path")}
        GROUP BY a.id, c.month, c.metric
    """  # noqa: S608
    return sql, params


COLUMNS = ("unit_id", "month", "metric", "total")


def rebuild_all() -> int:
    """Replace every kept count by its recomputed value (the caller holds the
    transaction). Returns the number of rows written."""
    return rebuild_kept(Tally._meta.db_table, COLUMNS, *expected_sql())


def differences() -> list[tuple[int, date, str, int, int]]:
    """Every (unit, month, metric, kept, recomputed) where the kept count is wrong, missing
    or left over."""
    rows = kept_differences(Tally._meta.db_table, COLUMNS, *expected_sql())
    return [(int(u), db_date(m), str(k), int(have), int(want)) for u, m, k, have, want in rows]
