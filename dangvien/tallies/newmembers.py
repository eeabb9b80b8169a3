"""Kept counts of new members by breakdown (`NewMemberCount`): the definition, written once,
in SQL.

Who is counted: a person with a decision date and an admission unit, in the month of the
decision date, in the admission unit's current subtree (as the monthly admissions of
`Tally`). What is counted, per breakdown (`Dimension`), is a raw value, named by the
report when it reads it (`reports.selectors.quality`):
- sex; the age in whole years at the decision date (a birth known by year or month counts
  from its first day, as `people.rules.age_in_years`);
- the category ids of ethnicity, religion, general and professional education, political
  theory and occupation ("" when not recorded);
- "1" when a Youth-Union membership (the mass organisation `people.defaults.YOUTH_UNION`)
  was open on the decision date, else "0";
- the source of the person's latest admission case ("" when the member came from a
  register, with no case).

The same SELECT answers four questions, so they cannot disagree: a service's change
(`new_members_kept`, the touched people before and after), the report's count from the
records where no kept row answers (`counted_from_records`), the full rebuild
(`rebuild_new_members`) and the integrity check (`new_member_differences`).

Only the units of the top `KEPT_DEPTH` levels of the tree hold rows (see `NewMemberCount`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from typing import Any

from django.db import connection, connections, router
from django.db.models import Sum

from dangvien.admission.models import Case
from dangvien.lib.db import db_date, upsert_add
from dangvien.orgs.models import PATH_STEP, Unit
from dangvien.orgs.rules import path_ids
from dangvien.people.defaults import YOUTH_UNION
from dangvien.people.models import Category, CategoryKind, MassOrgMembership, Person
from dangvien.tallies.models import Dimension, NewMemberCount
from dangvien.tallies.recompute import (
    contributions_of,
    kept_differences,
    month_sql,
    rebuild_kept,
    spread_to_ancestors,
    to_ancestors,
)

# The root (depth 1) and the units just under it keep rows; deeper units are counted from
# the records.
KEPT_DEPTH = 2
# (cell or unit id, month, dimension, key) → change in the number of new members.
Key = tuple[int, date, str, str]
COLUMNS = ("unit_id", "month", "dimension", "key", "total")

# Each breakdown's key, as SQL over the `np` rows below (all text: one UNION ALL column).
_KEYS: dict[str, str] = {
    Dimension.SEX: "np.sex",
    Dimension.AGE: "CAST(np.age AS TEXT)",
    Dimension.ETHNICITY: "COALESCE(CAST(np.ethnicity_id AS TEXT), '')",
    Dimension.RELIGION: "COALESCE(CAST(np.religion_id AS TEXT), '')",
    Dimension.GENERAL_EDUCATION: "COALESCE(CAST(np.general_education_id AS TEXT), '')",
    Dimension.PROFESSIONAL: "COALESCE(CAST(np.professional_id AS TEXT), '')",
    Dimension.POLITICAL_THEORY: "COALESCE(CAST(np.political_theory_id AS TEXT), '')",
    Dimension.OCCUPATION: "COALESCE(CAST(np.occupation_id AS TEXT), '')",
    Dimension.YOUTH_UNION: "np.youth",
    Dimension.SOURCE: "COALESCE(np.source, '')",
}


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _part(unit: str, column: str) -> str:
    """The year, month or day of a date column, as an integer."""
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT({unit} FROM {column}) AS INTEGER)"
    fmt = {"YEAR": "%%Y", "MONTH": "%%m", "DAY": "%%d"}[unit]
    return f"CAST(strftime('{fmt}', {column}) AS INTEGER)"


def contributions_sql(
    only: str = "", only_params: Sequence[Any] = (), *, by_path: bool = False
) -> tuple[str, list[Any]]:
    """A SELECT of (cell_id, month, dimension, key, n) over the people the condition `only`
    keeps (SQL on `p`, the person table, with its parameters; empty for everyone). With
    `by_path`, `cell_id` is the path of the admission unit's ancestor at `KEPT_DEPTH` (or
    of the unit, if shallower): the rows the rebuild spreads, a few per province instead
    of a few per cell. Names come from the models' metadata; values are parameters.

    The Youth Union and the latest case are joined, not looked up person by person: a
    correlated subquery planned on a freshly loaded table (no statistics yet) scanned the
    memberships once per person (15 minutes for a province)."""
    person, membership, category, case, unit = (
        _q(m._meta.db_table) for m in (Person, MassOrgMembership, Category, Case, Unit)
    )
    decided = "p.decision_date"
    cell, joined = "p.admission_unit_id", ""
    if by_path:
        cell = f"SUBSTR(u.path, 1, {KEPT_DEPTH * PATH_STEP})"
        joined = f"JOIN {unit} u ON u.id = p.admission_unit_id"
    # Whole months from the birth (its first day when only the year or month is known) to
    # the decision date: `lib.dates.whole_months_between`.
    months = (
        f"({_part('YEAR', decided)} - p.birth_year) * 12"
        f" + ({_part('MONTH', decided)} - COALESCE(p.birth_month, 1))"
        f" - CASE WHEN {_part('DAY', decided)} < COALESCE(p.birth_day, 1) THEN 1 ELSE 0 END"
    )
    end = _q("end")
    # Whole years, rounded down as Python's // does (a birth after the decision date is
    # a data error, but it must count the same here and in a recount).
    age = "CASE WHEN np0.months >= 0 THEN np0.months / 12 ELSE -((11 - np0.months) / 12) END"
    # The dimension names are our own constants ([a-z_]), written in as literals.
    selects = " UNION ALL ".join(
        (
            f"SELECT np.cell_id AS cell_id, np.month AS month, '{dimension}' AS dimension, "  # noqa: S608
            f"{key} AS {_q('key')}, COUNT(*) AS n FROM np GROUP BY np.cell_id, np.month, {key}"
        )
        for dimension, key in _KEYS.items()
    )
    # np0 first, by CROSS JOIN: SQLite (which has no statistics) then walks the few people
    # and finds each one's memberships and cases by index; left to choose, it read every
    # Youth-Union membership and every case for each batch of an import (100,000 members:
    # 10 s more). PostgreSQL still orders the joins itself.
    youth = f"""
        SELECT DISTINCT np0.person_id AS person_id
        FROM np0 CROSS JOIN {membership} m CROSS JOIN {category} o
        WHERE m.person_id = np0.person_id AND o.id = m.organisation_id
          AND o.kind = %s AND o.code = %s
          AND (m.start IS NULL OR m.start <= np0.decided)
          AND (m.{end} IS NULL OR m.{end} >= np0.decided)
    """  # noqa: S608
    latest = f"""
        SELECT np0.person_id AS person_id, MAX(k.id) AS id
        FROM np0 CROSS JOIN {case} k WHERE k.person_id = np0.person_id
        GROUP BY np0.person_id
    """  # noqa: S608
    sql = f"""
        WITH np0 AS (
            SELECT p.id AS person_id, {cell} AS cell_id, {month_sql(decided)} AS month,
                   {decided} AS decided, p.sex AS sex, {months} AS months,
                   p.ethnicity_id AS ethnicity_id, p.religion_id AS religion_id,
                   p.general_education_id AS general_education_id,
                   p.professional_id AS professional_id,
                   p.political_theory_id AS political_theory_id,
                   p.occupation_id AS occupation_id
            FROM {person} p {joined}
            WHERE p.decision_date IS NOT NULL AND p.admission_unit_id IS NOT NULL {only}
        ),
        youth AS ({youth}),
        latest AS ({latest}),
        np AS (
            SELECT np0.cell_id, np0.month, np0.sex, {age} AS age, np0.ethnicity_id,
                   np0.religion_id, np0.general_education_id, np0.professional_id,
                   np0.political_theory_id, np0.occupation_id,
                   CASE WHEN y.person_id IS NULL THEN '0' ELSE '1' END AS youth,
                   k.source AS source
            FROM np0
            LEFT JOIN youth y ON y.person_id = np0.person_id
            LEFT JOIN latest l ON l.person_id = np0.person_id
            LEFT JOIN {case} k ON k.id = l.id
        )
        {selects}
    """  # noqa: S608
    return sql, [*only_params, CategoryKind.MASS_ORGANISATION, YOUTH_UNION]


def person_contributions(person_ids: Sequence[int]) -> Counter[Key]:
    """What the given people add to their admission units' rows, per (cell, month,
    dimension, key): one query per 500 people."""
    return contributions_of(person_ids, "p.id", contributions_sql)


def _upsert(deltas: Mapping[Key, int]) -> None:
    upsert_add(
        NewMemberCount._meta.db_table, ("unit_id", "month", "dimension", "key"), "total", deltas
    )


@contextmanager
def new_members_kept(person_ids: Iterable[int]) -> Iterator[None]:
    """Keep the breakdown counts right across a change of these people's records made in
    the block (decision date, admission unit, sex, birth, categories, a new case), in the
    caller's transaction: their contributions before and after, the difference added
    (three queries). A block that raises writes nothing here."""
    ids = sorted(set(person_ids))
    if not ids:
        yield
        return
    before = person_contributions(ids)
    yield
    diff = person_contributions(ids)
    diff.subtract(before)
    _upsert(spread_to_ancestors(diff, KEPT_DEPTH))


@contextmanager
def new_members_adding() -> Iterator[Callable[[Sequence[int]], None]]:
    """New people are written in batches, in the caller's transaction (nothing counted them
    before): the function yielded reads each batch's contributions once it is written
    (with its memberships), and the kept rows are written once, at the end of the block
    (as `tallies.members.members_adding`). A block that raises writes nothing here."""
    pending: Counter[Key] = Counter()
    # Spread to the units as each batch comes: the rows of the units are bounded by the
    # days or months and the values counted, the cells' rows by the people.
    yield lambda person_ids: pending.update(
        spread_to_ancestors(person_contributions(person_ids), KEPT_DEPTH)
    )
    _upsert(pending)


def new_members_moved(*, old_path: str, new_path: str) -> None:
    """A unit moved with its subtree (the paths already rewritten to `new_path`): the new
    members of the subtree leave the kept rows of the units it left and join those it
    joined — its ancestors, and the unit itself when the move takes it across
    `KEPT_DEPTH` (its descendants cannot cross: only the root is above depth 2). Counted
    from the records, as the moved unit may hold no rows of its own, and only when a
    kept row changes."""
    before, after = _kept_ids(old_path), _kept_ids(new_path)
    left, joined = before - after, after - before
    if not left and not joined:
        return
    unit = _q(Unit._meta.db_table)
    # A path is base-36 digits: nothing in it is special to LIKE.
    sql, params = contributions_sql(
        f"AND p.admission_unit_id IN (SELECT x.id FROM {unit} x WHERE x.path LIKE %s)",  # noqa: S608
        [new_path + "%"],
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [(db_date(m), str(d), str(k), int(n)) for _c, m, d, k, n in cursor.fetchall()]
    deltas: Counter[Key] = Counter()
    for month, dimension, key, n in rows:
        for unit_id in left:
            deltas[(unit_id, month, dimension, key)] -= n
        for unit_id in joined:
            deltas[(unit_id, month, dimension, key)] += n
    _upsert(deltas)


def _kept_ids(path: str) -> set[int]:
    """The units on a path (its ancestors and itself) that keep rows."""
    return set(path_ids(path)[:KEPT_DEPTH])


# --- reads ------------------------------------------------------------------------------


def kept_counts(unit_id: int, first: date, last: date) -> Counter[tuple[str, str]]:
    """A kept unit's new members of the months `first`…`last` per (dimension, key): one
    query, a few hundred rows whatever the size of the subtree."""
    rows = (
        NewMemberCount.objects.filter(unit_id=unit_id, month__gte=first, month__lte=last)
        .values_list("dimension", "key")
        .annotate(n=Sum("total"))
        .order_by()
    )
    return Counter({(d, k): int(n) for d, k, n in rows if n})


def counted_from_records(people: str, params: Sequence[Any]) -> Counter[tuple[str, str]]:
    """The new members among `people` (SQL selecting person ids, with its parameters) per
    (dimension, key), counted from the records in one query, on the database the reports
    read (a replica, where there is one: `lib.dbrouter`)."""
    contributions, all_params = contributions_sql(f"AND p.id IN ({people})", params)
    sql = f"""
        SELECT c.dimension, c.{_q("key")}, SUM(c.n) FROM ({contributions}) c
        GROUP BY c.dimension, c.{_q("key")}
    """  # noqa: S608
    with connections[router.db_for_read(Person)].cursor() as cursor:
        cursor.execute(sql, all_params)
        return Counter({(str(d), str(k)): int(n) for d, k, n in cursor.fetchall() if n})


# --- the whole country, in the database -------------------------------------------------


def expected_sql() -> tuple[str, list[Any]]:
    """A SELECT of every (unit_id, month, dimension, key, total) the kept rows should hold:
    the contributions per kept ancestor's path, spread to it and the units above it."""
    contributions, params = contributions_sql(by_path=True)
    keys = f"c.month, c.dimension, c.{_q('key')}"
    sql = f"""
        SELECT a.id AS unit_id, {keys}, SUM(c.n) AS total
        FROM ({contributions}) c
        {to_ancestors("c.cell_id", KEPT_DEPTH)}
        GROUP BY a.id, {keys}
    """  # noqa: S608
    return sql, params


def rebuild_new_members() -> int:
    """Replace every kept row by its recomputed value (the caller holds the transaction).
    Returns the number of rows written."""
    return rebuild_kept(NewMemberCount._meta.db_table, COLUMNS, *expected_sql())


def new_member_differences() -> list[tuple[int, date, str, str, int, int]]:
    """Every (unit, month, dimension, key, kept, recomputed) where a kept row is wrong,
    missing or left over."""
    rows = kept_differences(NewMemberCount._meta.db_table, COLUMNS, *expected_sql())
    return [
        (int(u), db_date(m), str(d), str(k), int(have), int(want))
        for u, m, d, k, have, want in rows
    ]
