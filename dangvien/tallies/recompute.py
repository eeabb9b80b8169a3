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

from datetime import date

from django.db import connection

from dangvien.lib.db import db_date, replace_rows
from dangvien.orgs.models import PATH_STEP, Unit
from dangvien.people.models import Person, StatusEvent
from dangvien.tallies.models import STATUS_METRIC, Metric, Tally

Row = tuple[int, date, str, int]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    return f"strftime('%%Y-%%m-01', {column})"


def max_depth() -> int:
    """The depth of the deepest unit of the tree (at least 1)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(LENGTH(path)) FROM {_q(Unit._meta.db_table)}")  # noqa: S608
        longest = cursor.fetchone()[0] or 0
    return max(int(longest) // PATH_STEP, 1)


def expected_sql() -> tuple[str, list[str]]:
    """A SELECT of every (unit_id, month, metric, total) the kept counts should hold, with
    its parameters. Names come from the models' metadata; values are parameters."""
    person, event, unit = (_q(m._meta.db_table) for m in (Person, StatusEvent, Unit))
    depth = max_depth()
    depths = " UNION ALL ".join(f"SELECT {n} AS n" for n in range(1, depth + 1))
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
            SELECT u.path AS path, {_month("p.decision_date")} AS month, %s AS metric,
                   COUNT(*) AS n
            FROM {person} p JOIN {unit} u ON u.id = p.admission_unit_id
            WHERE p.decision_date IS NOT NULL
            GROUP BY u.path, {_month("p.decision_date")}
            UNION ALL
            SELECT u.path, {_month(f"e.{on}")}, CASE e.status {metric_case} END, COUNT(*)
            FROM {event} e JOIN {unit} u ON u.id = e.unit_id
            WHERE e.status IN ({marks})
              AND NOT EXISTS (SELECT 1 FROM {event} k WHERE k.corrects_id = e.id)
            GROUP BY u.path, {_month(f"e.{on}")}, e.status
        ) c
        JOIN ({depths}) d ON d.n * {PATH_STEP} <= LENGTH(c.path)
        JOIN {unit} a ON a.path = SUBSTR(c.path, 1, d.n * {PATH_STEP})
        GROUP BY a.id, c.month, c.metric
    """  # noqa: S608
    return sql, params


def rebuild_all() -> int:
    """Replace every kept count by its recomputed value (two statements; the caller holds
    the transaction). Returns the number of rows written."""
    select, params = expected_sql()
    return replace_rows(
        Tally._meta.db_table,
        "unit_id, month, metric, total",
        f"SELECT unit_id, month, metric, total FROM ({select}) x WHERE total <> 0",  # noqa: S608
        params,
    )


def differences() -> list[tuple[int, date, str, int, int]]:
    """Every (unit, month, metric, kept, recomputed) where the kept count is wrong, missing
    or left over, compared inside the database (two anti-joins, no FULL JOIN: SQLite before
    3.39 has none)."""
    table = _q(Tally._meta.db_table)
    select, params = expected_sql()
    sql = f"""
        WITH e AS ({select})
        SELECT e.unit_id, e.month, e.metric, COALESCE(t.total, 0), e.total
        FROM e LEFT JOIN {table} t
          ON t.unit_id = e.unit_id AND t.month = e.month AND t.metric = e.metric
        WHERE COALESCE(t.total, 0) <> e.total
        UNION ALL
        SELECT t.unit_id, t.month, t.metric, t.total, 0
        FROM {table} t LEFT JOIN e
          ON e.unit_id = t.unit_id AND e.month = t.month AND e.metric = t.metric
        WHERE e.unit_id IS NULL AND t.total <> 0
        ORDER BY 1, 2, 3
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(int(u), db_date(m), str(k), int(have), int(want)) for u, m, k, have, want in rows]
