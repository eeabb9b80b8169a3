"""Report selectors: every figure of the reports, computed from the raw records.

What is counted (decided for issue 5; the notes of each report repeat what matters):

- **Admitted in a period** = people whose `Person.decision_date` (the date written in the
  admission decision, from which party age counts) falls in [period start, the last day
  counted], where the last day counted is the period's end or the as-of day if it comes
  first. They count for the subtree of `Person.admission_unit` (the cell that admitted
  them), never of `Person.unit`, which follows later transfers.
- **Subtree** = units whose *current* materialised path starts with the unit's path. A unit
  that was merged (or split) ends but keeps its rows and is placed under its successor, so a
  successor's subtree holds its predecessors' history; the notes list the ended units
  included. A report for a unit that has itself ended is taken in the tree of its last day
  (`UnitVersion`), and stops on that day.
- **Targets**: a unit's target for a period is its own `Target` plus those of the units
  merged into it (and into those, in turn) for the same period, so a merged province's plan
  still adds up in its successor.
- **Member status on a day** = the latest uncorrected `StatusEvent` on or before that day
  (an event that a later event corrects does not count); for a member brought in from a
  register with no event that early, the dates of the record (decision, official) decide.
  Members count in the cell they were registered in that day: their cell today, or the
  one a transfer received after that day took them from.

Kept counts: admissions (achievement, movement, ranking, the children's rows) and, for the
top two levels of the tree, the breakdowns of new members (quality) are read from
`dangvien.tallies` — rows per unit and month kept in the same transaction as the records —
for the whole months of the period, and from the records for the days of an unfinished last
month. For an ended unit whose tree of its last day is not its current
subtree, the records answer (no kept row counts that tree).

Query budget: every selector runs a fixed number of queries whatever the size of the
subtree or the number of children (GROUP BY, conditional aggregation, path prefixes).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Case as SqlCase
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from dangvien.admission.models import Case, CaseEvent, Source, Step
from dangvien.lib.db import db_date, paths_under, placeholders, read_sql
from dangvien.lib.periods import Period, PeriodKind
from dangvien.orgs.models import PATH_STEP, ResidentialArea, Unit, UnitVersion
from dangvien.people.defaults import KINH, NO_RELIGION
from dangvien.people.models import (
    Category,
    Person,
    PositionHolding,
    ResidenceRegistration,
    Sex,
    Status,
    StatusEvent,
    Transfer,
)
from dangvien.reports import rules
from dangvien.reports.types import (
    Achievement,
    AchievementRow,
    AreaCoverage,
    Breakdown,
    ConversionRow,
    MonthPoint,
    Movement,
    Pipeline,
    PositionRow,
    Ranking,
    RankingRow,
    ReportScope,
    ShareRow,
    StageRow,
    Structure,
    TrainingRow,
)
from dangvien.rulebook.selectors import RuleMissingError, rule_in_force
from dangvien.tallies.models import STATUS_METRIC, Dimension, Metric, Tally
from dangvien.tallies.newmembers import KEPT_DEPTH, counted_from_records, kept_counts
from dangvien.tallies.selectors import members_on, monthly_counts, split_span
from dangvien.targets.models import StructuralMeasure, StructuralTarget, Target
from dangvien.training.models import ClassKind, Result, TrainingClass

MEMBER = (Status.PROBATIONARY.value, Status.OFFICIAL.value)
# The kept metric of each counted status event, the other way round.
METRIC_STATUS = {metric: status for status, metric in STATUS_METRIC.items()}
NOTED_UNITS = 10  # ended units named in the notes; the rest are counted

# --- scope ------------------------------------------------------------------------------


def report_scope(unit: Unit, period: Period, as_of: date | None = None) -> ReportScope:
    """The scope of a report: the as-of day is today by default, never after the period's
    end, and for a unit that has ended, never after its last day."""
    day = min(as_of or timezone.localdate(), period.end)
    if unit.valid_to is not None:
        day = min(day, unit.valid_to - timedelta(days=1))
    return ReportScope(unit.pk, unit.code, unit.name, period, day)


@dataclass(frozen=True)
class _Ended:
    pk: int
    name: str
    path: str
    valid_to: date
    successor_id: int | None


@dataclass(frozen=True)
class _Subtree:
    unit: Unit
    # Current paths whose subtrees are counted (one, unless the unit itself has ended).
    prefixes: tuple[str, ...]

    def sql(self, path_column: str) -> tuple[str, list[str]]:
        """`path_column` (e.g. "u.path") inside the subtree, as SQL with its parameters."""
        return paths_under([path_column], self.prefixes)

    def q(self, path_field: str) -> Q:
        """`path_field` (e.g. "admission_unit__path") inside the subtree."""
        query = Q()
        for prefix in self.prefixes:
            query |= Q(**{f"{path_field}__startswith": prefix})
        return query

    def chains(self, unit_ids: Iterable[int], *, children: bool = False) -> dict[int, set[int]]:
        """Each unit and every ended unit of the subtree merged into it, directly or
        through another: one query per generation of merges, for all the units at once.
        (The country has some ten thousand ended units since July 2025; reading them all
        for each report cost 24 ms at national scale.) `children`: the units are the
        subtree's unit and its active children, whose first generation is asked by parent
        rather than by a list of a hundred ids (a list costs more to parse and plan than the
        query costs to run)."""
        owner = {pk: pk for pk in unit_ids}
        chains = {pk: {pk} for pk in owner}
        frontier = set(owner)
        by_parent = children
        while frontier:
            if by_parent:
                into = "(u.successor_id = %s OR (s.parent_id = %s AND s.valid_to IS NULL))"
                into_params: list[Any] = [self.unit.pk, self.unit.pk]
                by_parent = False
            else:
                into = f"u.successor_id IN ({placeholders(frontier)})"
                into_params = sorted(frontier)
            merged = read_sql(
                Unit,
                f"""SELECT u.id, u.successor_id FROM orgs_unit u
                    JOIN orgs_unit s ON s.id = u.successor_id
                    WHERE {into} AND u.path LIKE %s AND u.valid_to IS NOT NULL""",  # noqa: S608
                [*into_params, f"{self.unit.path}%"],
            )
            frontier = set()
            for pk, successor in merged:
                if pk not in owner and successor in owner:
                    owner[pk] = owner[successor]
                    chains[owner[pk]].add(pk)
                    frontier.add(pk)
        return chains

    def chain(self, unit_id: int) -> set[int]:
        return self.chains([unit_id])[unit_id]

    def ended_since(self, day: date) -> list[_Ended]:
        """Ended units under the unit's current path that still existed after `day`, top
        first."""
        rows = read_sql(
            Unit,
            """SELECT id, name, path, valid_to, successor_id FROM orgs_unit
               WHERE path LIKE %s AND valid_to > %s ORDER BY path""",
            [f"{self.unit.path}%", day],
        )
        return [
            _Ended(pk, name, path, db_date(valid_to), successor_id)
            for pk, name, path, valid_to, successor_id in rows
        ]


def _subtree(unit: Unit) -> _Subtree:
    prefixes: tuple[str, ...] = (unit.path,)
    if unit.valid_to is not None:
        prefixes = _historical_prefixes(unit, unit.valid_to - timedelta(days=1))
    return _Subtree(unit, prefixes)


def _historical_prefixes(unit: Unit, day: date) -> tuple[str, ...]:
    """For an ended unit: the current paths of the units that were in its subtree on its
    last day (two queries), reduced to those not under another one."""
    alive = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    own = UnitVersion.objects.filter(alive, unit=unit).values_list("path", flat=True).first()
    paths = {unit.path}
    if own:
        paths |= set(
            UnitVersion.objects.filter(alive, path__startswith=own).values_list(
                "unit__path", flat=True
            )
        )
    kept: list[str] = []
    for path in sorted(paths):
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(kept)


def _merged_notes(sub: _Subtree, period: Period) -> list[str]:
    """One sentence per ended unit whose figures the report includes (those that still
    existed in the period), the topmost first; beyond a few, a count."""
    shown: list[_Ended] = []
    for ended in sub.ended_since(period.start):
        if ended.pk == sub.unit.pk:
            continue
        if any(ended.path.startswith(s.path) for s in shown):
            continue
        shown.append(ended)
    notes = []
    for ended in shown[:NOTED_UNITS]:
        values = {"unit": ended.name, "on": f"{ended.valid_to:%d/%m/%Y}"}
        if ended.successor_id is not None:
            notes.append(_("Bao gồm số liệu của %(unit)s (đã hợp nhất từ %(on)s).") % values)
        else:
            notes.append(_("Bao gồm số liệu của %(unit)s (đã giải thể từ %(on)s).") % values)
    if len(shown) > NOTED_UNITS:
        rest = len(shown) - NOTED_UNITS
        notes.append(
            ngettext(
                "Và số liệu của %(n)s đơn vị khác đã chấm dứt hoạt động.",
                "Và số liệu của %(n)s đơn vị khác đã chấm dứt hoạt động.",
                rest,
            )
            % {"n": rest}
        )
    if sub.unit.valid_to is not None:
        notes.append(
            _("%(unit)s chấm dứt hoạt động từ %(on)s: số liệu tính đến ngày trước đó.")
            % {"unit": sub.unit.name, "on": f"{sub.unit.valid_to:%d/%m/%Y}"}
        )
    return notes


def _status_on(day: date, person: str = "pk", prefix: str = "") -> Coalesce:
    """The person's status on `day` (see the module docstring), as an SQL expression.

    `person` names the person's id from the outer query, `prefix` the path to the person's
    fields ("person__" when the outer query is over positions)."""
    latest = (
        StatusEvent.objects.filter(person=OuterRef(person), on__lte=day, corrections__isnull=True)
        .order_by("-on", "-id")
        .values("status")[:1]
    )
    from_dates = SqlCase(
        When(**{f"{prefix}official_date__lte": day}, then=Value(Status.OFFICIAL.value)),
        When(**{f"{prefix}decision_date__lte": day}, then=Value(Status.PROBATIONARY.value)),
        default=Value(""),
        output_field=CharField(),
    )
    return Coalesce(Subquery(latest, output_field=CharField()), from_dates)


# --- achievement ------------------------------------------------------------------------


def _admitted(sub: _Subtree) -> Any:
    return Person.objects.filter(sub.q("admission_unit__path"), decision_date__isnull=False)


def _between(start: date, until: date) -> Q:
    return Q(decision_date__gte=start, decision_date__lte=until)


def _kept(sub: _Subtree) -> bool:
    """Whether the kept counts answer for the subtree: they count a unit's *current*
    subtree, which is what a report counts unless the unit has ended (then its tree of its
    last day is counted, which no kept row holds: the raw records answer)."""
    return sub.prefixes == (sub.unit.path,)


def _count_admitted(sub: _Subtree, spans: list[tuple[date, date]]) -> list[int]:
    """Admissions in each (start, until) span: the whole months from the kept counts and
    the days of a last, unfinished month from the records (two queries), or everything from
    the records in one query when the kept counts cannot answer."""
    if not spans:
        return []
    cuts = [split_span(s, u) for s, u in spans]
    if _kept(sub) and all(c is not None for c in cuts):
        kept_cuts = [c for c in cuts if c is not None]
        counts = monthly_counts(
            [sub.unit.pk],
            [Metric.ADMITTED],
            min(c.first for c in kept_cuts),
            max(c.last for c in kept_cuts),
        )
        tails = list(dict.fromkeys(c.tail for c in kept_cuts if c.tail is not None))
        tail_counts = dict(zip(tails, _count_admitted_raw(sub, tails), strict=True))
        return [
            sum(n for (_u, _k, m), n in counts.items() if c.first <= m <= c.last)
            + (tail_counts[c.tail] if c.tail is not None else 0)
            for c in kept_cuts
        ]
    return _count_admitted_raw(sub, spans)


def _count_admitted_raw(sub: _Subtree, spans: list[tuple[date, date]]) -> list[int]:
    """Admissions in each (start, until) span from the records, in one query."""
    if not spans:
        return []
    lowest = min(s for s, _u in spans)
    highest = max(u for _s, u in spans)
    aggregates = {f"n{i}": Count("pk", filter=_between(s, u)) for i, (s, u) in enumerate(spans)}
    result = _admitted(sub).filter(_between(lowest, highest)).aggregate(**aggregates)
    return [int(result[f"n{i}"] or 0) for i in range(len(spans))]


@dataclass(frozen=True)
class _Plan:
    admissions: int
    admissions_min: int | None


def _targets(
    chains: dict[int, set[int]],
    codes: list[str],
    *,
    children_of: Unit | None = None,
    child_code: str = "",
) -> dict[tuple[int, str], _Plan]:
    """Targets for each (unit, period code), summed over the unit's chain; one query.
    `children_of`: the chains hold that unit and its active children, which need
    `child_code` only (a dashboard's children, the asked period), asked by parent rather
    than by a list of their ids."""
    if not chains:
        return {}
    wanted = {unit_id: codes for unit_id in chains}
    select = "SELECT unit_id, period, admissions, admissions_min FROM targets_target WHERE"

    if children_of is None:
        units = sorted(set().union(*chains.values()))
        sql = f"{select} unit_id IN ({placeholders(units)}) AND period IN ({placeholders(codes)})"
        params: list[Any] = [*units, *codes]
    else:
        own = sorted(chains[children_of.pk])
        merged = sorted(set().union(*chains.values()) - set(own) - set(chains))
        # One statement of two (or three) parts, each planned on its own: as one filter
        # with OR the database read every target of the period in the country (150 ms).
        # The children by parent, not by a list of their ids (see `_Subtree.chains`).
        sql = f"""{select} unit_id IN ({placeholders(own)}) AND period IN ({placeholders(codes)})
            UNION ALL {select} period = %s AND unit_id IN (
                SELECT id FROM orgs_unit WHERE parent_id = %s AND valid_to IS NULL)"""  # noqa: S608
        params = [*own, *codes, child_code, children_of.pk]
        if merged:
            sql += f" UNION ALL {select} period = %s AND unit_id IN ({placeholders(merged)})"
            params += [child_code, *merged]
        wanted = {unit_id: [child_code] for unit_id in chains}
        wanted[children_of.pk] = codes
    rows = read_sql(Target, sql, params)
    by_unit: dict[tuple[int, str], tuple[int, int | None]] = {(u, p): (a, m) for u, p, a, m in rows}
    found: dict[tuple[int, str], _Plan] = {}
    for unit_id, chain in chains.items():
        for code in wanted[unit_id]:
            parts = [by_unit[(c, code)] for c in chain if (c, code) in by_unit]
            if not parts:
                continue
            total = sum(a for a, _m in parts)
            low = (
                sum(a if m is None else m for a, m in parts)
                if any(m is not None for _a, m in parts)
                else None
            )
            found[(unit_id, code)] = _Plan(total, low)
    return found


def _listed_periods(period: Period, until: date) -> tuple[list[Period], Period, Period]:
    """The periods an achievement report lists for the unit, the term and the current year."""
    term = period if period.kind == PeriodKind.TERM else Period.term_of(period.start)
    year = Period(PeriodKind.YEAR, until.year if period.kind == PeriodKind.TERM else period.year)
    if period.kind == PeriodKind.TERM:
        listed = [y for y in term.children() if y.start <= until]
    else:
        halves = [h for h in year.children() if h.start <= until]
        quarters = [q for h in year.children() for q in h.children() if q.start <= until]
        listed = [year, *halves, *quarters]
    listed.append(term)
    return list(dict.fromkeys([period, *listed])), term, year


def _plan_admissions(plan: _Plan | None) -> int | None:
    return plan.admissions if plan else None


def _row(
    unit: Unit | dict[str, Any], period: Period, admitted: int, target: _Plan | None, until: date
) -> AchievementRow:
    pk, code, name = (
        (unit.pk, unit.code, unit.name)
        if isinstance(unit, Unit)
        else (unit["pk"], unit["code"], unit["name"])
    )
    return AchievementRow(
        unit_id=pk,
        unit_code=code,
        unit_name=name,
        period=period,
        admitted=admitted,
        target=target.admissions if target else None,
        target_min=target.admissions_min if target else None,
        until=until,
    )


def _best_first(rows: list[AchievementRow]) -> list[AchievementRow]:
    # Stable sort: ties keep the children's Vietnamese alphabetical order.
    return sorted(rows, key=lambda r: (r.percent is None, -(r.percent or 0), -r.admitted))


def _children(unit: Unit) -> list[dict[str, Any]]:
    if unit.valid_to is not None:
        return []
    rows = read_sql(
        Unit,
        """SELECT id, code, name, path FROM orgs_unit
           WHERE parent_id = %s AND valid_to IS NULL ORDER BY sort_key""",
        [unit.pk],
    )
    return [{"pk": pk, "code": code, "name": name, "path": path} for pk, code, name, path in rows]


def _child_rows(
    children: list[dict[str, Any]],
    period: Period,
    until: date,
    per_child: Counter[str],
    targets: dict[tuple[int, str], _Plan],
) -> list[AchievementRow]:
    """Each active child's admissions (by path, from `_admissions`) against its target in
    the period, best first."""
    rows = [
        _row(c, period, per_child[c["path"]], targets.get((c["pk"], period.code)), until)
        for c in children
    ]
    return _best_first(rows)


def _unit_targets(
    sub: _Subtree, children: list[dict[str, Any]], codes: list[str], period: Period
) -> dict[tuple[int, str], _Plan]:
    """The targets of the unit for `codes` and of its active children for the period, each
    summed over the units merged into it (two queries, more after chains of merges)."""
    chains = sub.chains([sub.unit.pk, *(c["pk"] for c in children)], children=bool(children))
    return _targets(chains, codes, children_of=sub.unit, child_code=period.code)


def _admitted_by_child(sub: _Subtree, start: date, until: date) -> Counter[str]:
    """Admissions in [start, until] per path of the children of the unit (one GROUP BY on
    the path prefix)."""
    width = len(sub.unit.path) + PATH_STEP
    admitted, params = _admitted_sql(sub, start, until)
    rows = read_sql(
        Person,
        f"SELECT substr(u.path, 1, %s), COUNT(*) {admitted} GROUP BY substr(u.path, 1, %s)",
        [width, *params, width],
    )
    return Counter({prefix: int(n) for prefix, n in rows})


def _admitted_sql(sub: _Subtree, start: date, until: date) -> tuple[str, list[Any]]:
    """`_admitted(sub).filter(_between(start, until))` in SQL, from FROM on: the people `p`
    admitted in the subtree in [start, until], with their admission unit `u` (for the reads
    of every dashboard: see `lib.db.read_sql`)."""
    inside, params = sub.sql("u.path")
    return (
        f"""FROM people_person p JOIN orgs_unit u ON u.id = p.admission_unit_id
            WHERE {inside} AND p.decision_date >= %s AND p.decision_date <= %s""",
        [*params, start, until],
    )


def _path_on(day: date) -> Coalesce:
    """The path of the person's cell on `day`: the cell a later received transfer took them
    from, or their cell today."""
    moved_later = (
        Transfer.objects.filter(
            person=OuterRef("pk"), state=Transfer.State.RECEIVED, received_on__gt=day
        )
        .order_by("received_on", "id")
        .values("from_unit__path")[:1]
    )
    return Coalesce(Subquery(moved_later, output_field=CharField()), F("unit__path"))


def _members_on(sub: _Subtree, days: list[date]) -> list[Counter[str]]:
    """Members of the subtree on each day by status (official, probationary): from the
    kept member counts when they answer for the subtree (one query over a few thousand
    rows), else from the records (`_members_on_raw`)."""
    if _kept(sub):
        return members_on(sub.unit.pk, days)
    return _members_on_raw(sub, days)


def _members_on_raw(sub: _Subtree, days: list[date]) -> list[Counter[str]]:
    """Members of the subtree on each day by status, in one query over the records:
    decided by the day, status on the day (see the module docstring) and the cell they were
    registered in that day (their cell today, or the one a later transfer took them from).
    The same definition as the kept counts (`tallies.members`)."""
    # Who may count: people registered in the subtree now, and people a transfer took into
    # or out of it. A union of two indexed sets: an OR with EXISTS made the database test
    # every person of the country, even for one commune.
    here = Person.objects.filter(sub.q("unit__path")).order_by().values("pk")
    moved = (
        Transfer.objects.filter(sub.q("from_unit__path") | sub.q("to_unit__path"))
        .order_by()
        .values("person_id")
    )
    people = Person.objects.filter(decision_date__lte=max(days), pk__in=here.union(moved))
    annotations: dict[str, Any] = {}
    aggregates: dict[str, Any] = {}
    for i, day in enumerate(days):
        annotations[f"s{i}"] = _status_on(day)
        annotations[f"p{i}"] = _path_on(day)
        inside = sub.q(f"p{i}") & Q(decision_date__lte=day)
        for status in MEMBER:
            aggregates[f"n{i}_{status}"] = Count("pk", filter=inside & Q(**{f"s{i}": status}))
    result = people.annotate(**annotations).aggregate(**aggregates)
    return [
        Counter({status: int(result[f"n{i}_{status}"] or 0) for status in MEMBER})
        for i in range(len(days))
    ]


def _guideline(day: date) -> tuple[Decimal, Decimal] | None:
    try:
        low, high = rule_in_force("reports.yearly_admission_share", day).value
    except RuleMissingError:
        return None
    return Decimal(str(low)), Decimal(str(high))


def achievement(
    *, unit: Unit, period: Period, as_of: date | None = None, with_guideline: bool = True
) -> Achievement:
    """Admissions against targets: the unit in the asked period, in the periods listed with
    it (its year, halves and quarters up to the as-of day, the term to date) and each active
    child in the asked period, best first; the term's average yearly over-achievement
    (mean over the term's finished years that have a target of (admitted/target − 1) × 100);
    the admissions of the year as a share of the members at its start (21-NQ/TW; not read
    `with_guideline=False`: the dashboard does not show it, and a running sum over a
    province's daily member changes is its costliest query); and the asked period month by
    month (the dashboard's chart).

    Every admission figure comes from one read of the kept months of the unit and its
    children and one of the days of an unfinished last month (`_admissions`), the targets of
    the unit and its children from one more: the dashboard built for each request reads
    this, and each query costs about half a millisecond of the page."""
    scope = report_scope(unit, period, as_of)
    sub = _subtree(unit)
    day = scope.as_of
    listed, term, year = _listed_periods(period, day)
    finished = [y for y in term.children() if y.end <= day]
    counted = list(dict.fromkeys([*listed, *finished, year]))
    children = _children(unit)
    per_month, per_child = _admissions(sub, children, min(p.start for p in counted), period, day)
    numbers = {p: _sum_months(per_month, p.start, min(p.end, day)) for p in counted}
    targets = _unit_targets(sub, children, [p.code for p in counted], period)

    def row_for(p: Period) -> AchievementRow:
        return _row(unit, p, numbers[p], targets.get((unit.pk, p.code)), min(p.end, day))

    year_start = year.start - timedelta(days=1)
    members = None
    if with_guideline and year.start <= day:
        members = sum(_members_on(sub, [year_start])[0].values())
    return Achievement(
        scope=scope,
        row=row_for(period),
        periods=[row_for(p) for p in listed if p != period],
        children=_child_rows(children, period, day, per_child, targets),
        average_over_percent=rules.average_over_percent(
            [(numbers[y], _plan_admissions(targets.get((unit.pk, y.code)))) for y in finished]
        ),
        notes=_merged_notes(sub, period),
        members_at_year_start=members,
        year_admitted=numbers[year] if members is not None else None,
        guideline_percent=_guideline(day) if with_guideline else None,
        months=_month_points(per_month, period, day, targets.get((unit.pk, period.code))),
    )


def _sum_months(per_month: Counter[date], start: date, until: date) -> int:
    """Admissions of the months (first days) from `start`'s to `until`'s."""
    return sum(n for month, n in per_month.items() if start <= month <= until)


def _admissions(
    sub: _Subtree, children: list[dict[str, Any]], first: date, period: Period, until: date
) -> tuple[Counter[date], Counter[str]]:
    """Admissions in the subtree per month (first days) from `first` to `until` (the last
    month counted up to `until`), and per child's path in [period start, until].

    From the kept counts: the whole months of the unit and of its children in one query,
    the days of an unfinished last month grouped by child in another; from the records
    (grouped by month, and by child) when the kept counts cannot answer."""
    cut = split_span(first, until)
    if not _kept(sub) or cut is None or period.start.day != 1:
        by_child = _admitted_by_child(sub, period.start, until) if children else Counter()
        return _admitted_per_month_raw(sub, first, until), by_child
    per_month: Counter[date] = Counter()
    per_child: Counter[str] = Counter()
    paths = {c["pk"]: c["path"] for c in children}
    if cut.has_months:
        # One statement: the unit's months, and each active child's sum over the asked
        # period's months (a child is a line of the ranking; its months before the period
        # are not read). The children by parent in a subquery, not by a list of a hundred
        # ids (see `_Subtree.chains`).
        admitted = Metric.ADMITTED.value
        rows = read_sql(
            Tally,
            """SELECT unit_id, month, total FROM tallies_tally
               WHERE metric = %s AND month >= %s AND month <= %s AND unit_id = %s
               UNION ALL
               SELECT unit_id, NULL, SUM(total) FROM tallies_tally
               WHERE metric = %s AND month >= %s AND month <= %s AND unit_id IN (
                   SELECT id FROM orgs_unit WHERE parent_id = %s AND valid_to IS NULL)
               GROUP BY unit_id""",
            [
                admitted,
                cut.first,
                cut.last,
                sub.unit.pk,
                admitted,
                period.start,
                cut.last,
                sub.unit.pk,
            ],
        )
        for unit_id, month, n in rows:
            if month is not None:
                per_month[db_date(month)] += n
            elif unit_id in paths:
                per_child[paths[unit_id]] += n
    if cut.tail is not None:
        # Grouped by child path; people admitted in the unit itself group under its own.
        tail = _admitted_by_child(sub, *cut.tail)
        per_month[cut.tail[0]] += sum(tail.values())
        per_child.update(tail)
    return per_month, per_child


def _admitted_per_month_raw(sub: _Subtree, start: date, until: date) -> Counter[date]:
    """Admissions in [start, until] per month (first days), from the records (one GROUP BY)."""
    rows = (
        _admitted(sub)
        .filter(_between(start, until))
        .annotate(month=TruncMonth("decision_date"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return Counter({month: n for month, n in rows})


def _month_points(
    per_month: Counter[date], period: Period, until: date, target: _Plan | None
) -> list[MonthPoint]:
    """The period's months up to `until`, cumulated, with the target spread evenly over all
    the period's months as the chart's target line."""
    months = _months_between(period.start, until)
    spread = len(_months_between(period.start, period.end))
    points = []
    total = 0
    for index, month in enumerate(months, 1):
        total += per_month[month]
        line = Decimal(target.admissions) * index / spread if target is not None else None
        points.append(MonthPoint(month, per_month[month], total, line))
    return points


def _months_between(start: date, until: date) -> list[date]:
    months = []
    cursor = start
    while cursor <= until:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def admissions_by_month(
    *, unit: Unit, period: Period, as_of: date | None = None
) -> list[MonthPoint]:
    """Admissions per month of the period up to the as-of day, cumulated, with the target
    spread evenly over the period's months as the chart's target line (two queries plus the
    subtree). `achievement` gives the same points from its own reads."""
    scope = report_scope(unit, period, as_of)
    sub = _subtree(unit)
    per_month, _by_child = _admissions(sub, [], period.start, period, scope.until)
    target = _targets({unit.pk: sub.chain(unit.pk)}, [period.code]).get((unit.pk, period.code))
    return _month_points(per_month, period, scope.until, target)


# --- quality of new members -------------------------------------------------------------

# The breakdowns whose raw value is a category id.
_BY_CATEGORY = frozenset(
    {
        Dimension.ETHNICITY,
        Dimension.RELIGION,
        Dimension.GENERAL_EDUCATION,
        Dimension.PROFESSIONAL,
        Dimension.POLITICAL_THEORY,
        Dimension.OCCUPATION,
    }
)


def _shares(key: str, title: str, counts: Counter[str], order: list[str]) -> Breakdown:
    total = sum(counts.values())
    # The listed groups always (a stable shape for tables and charts), then any other.
    labels = [*order, *sorted(k for k in counts if k not in order)]
    rows = [
        ShareRow(
            label,
            counts[label],
            Decimal(counts[label]) * 100 / Decimal(total) if total else None,
        )
        for label in dict.fromkeys(labels)
    ]
    return Breakdown(key, title, total, rows)


def _new_member_counts(sub: _Subtree, start: date, until: date) -> Counter[tuple[str, str]]:
    """The new members admitted in [start, until] per (breakdown, raw value)
    (`tallies.newmembers`): the whole months from the kept rows where the unit keeps them,
    the days of an unfinished last month from the records; everything from the records
    otherwise (one query each)."""
    cut = split_span(start, until)
    if _kept(sub) and sub.unit.depth <= KEPT_DEPTH and cut is not None:
        counts: Counter[tuple[str, str]] = Counter()
        if cut.has_months:
            counts.update(kept_counts(sub.unit.pk, cut.first, cut.last))
        if cut.tail is not None:
            counts.update(_new_member_counts_raw(sub, *cut.tail))
        return counts
    return _new_member_counts_raw(sub, start, until)


def _new_member_counts_raw(sub: _Subtree, start: date, until: date) -> Counter[tuple[str, str]]:
    admitted, params = _admitted_sql(sub, start, until)
    return counted_from_records(f"SELECT p.id {admitted}", params)


def quality(*, unit: Unit, period: Period, as_of: date | None = None) -> list[Breakdown]:
    """Who the new members of the period are (admitted as defined above): sex; age at the
    decision date, 18–30 against the rest and in finer bands; ethnic minority (any group but
    Kinh); religion (none against any other); Youth-Union member (an open membership of the
    Youth Union on the decision date; these three entries by their codes in
    `people.defaults`); general and professional education (seed 002: "cao đẳng, đại học" =
    college and above); political theory; occupation; and the source of the admission case
    ("không qua hồ sơ" when the member came from a register). The counts per raw value come
    from the kept breakdowns or the records (`_new_member_counts`), the categories behind
    them from one more query; shares are exact (formatters round)."""
    scope = report_scope(unit, period, as_of)
    counts = _new_member_counts(_subtree(unit), period.start, scope.until)
    ids = {int(key) for (dimension, key) in counts if dimension in _BY_CATEGORY and key}
    code: dict[int | None, str] = {}
    rank: dict[int | None, int] = {}
    name: dict[int | None, str] = {}
    if ids:
        for pk, category_code, category_rank, category_name in read_sql(
            Category,
            f"SELECT id, code, rank, name FROM people_category WHERE id IN ({placeholders(ids)})",  # noqa: S608
            sorted(ids),
        ):
            code[pk], rank[pk], name[pk] = category_code, category_rank, category_name
    counters: dict[str, Counter[str]] = defaultdict(Counter)
    sexes = {key: str(label) for key, label in Sex.choices}
    sources = {key: str(label) for key, label in Source.choices}
    yes, no = _("Có"), _("Không")
    unknown = _(rules.UNKNOWN)
    young, other = _("Từ 18 đến 30 tuổi"), _("Khác")
    untrained, no_case = _("Chưa qua đào tạo"), _("Không qua hồ sơ")
    for (dimension, key), n in counts.items():
        pk = int(key) if dimension in _BY_CATEGORY and key else None
        if dimension == Dimension.SEX:
            counters["sex"][sexes.get(key, key)] += n
        elif dimension == Dimension.AGE:
            age = int(key)
            counters["age_group"][young if rules.is_young(age) else other] += n
            counters["age_band"][_(rules.age_band(age))] += n
        elif dimension == Dimension.ETHNICITY:
            ethnicity = code.get(pk)
            counters["ethnic_minority"][yes if ethnicity and ethnicity != KINH else no] += n
        elif dimension == Dimension.RELIGION:
            religion = code.get(pk)
            counters["religion"][yes if religion and religion != NO_RELIGION else no] += n
        elif dimension == Dimension.YOUTH_UNION:
            counters["youth_union"][yes if key == "1" else no] += n
        elif dimension == Dimension.GENERAL_EDUCATION:
            group = rules.group_by_rank(rank.get(pk), rules.GENERAL_GROUPS)
            counters["general_education"][_(group)] += n
        elif dimension == Dimension.PROFESSIONAL:
            group = rules.group_by_rank(rank.get(pk), rules.PROFESSIONAL_GROUPS)
            counters["education_professional"][_(group)] += n
        elif dimension == Dimension.POLITICAL_THEORY:
            counters["political_theory"][name.get(pk) or untrained] += n
        elif dimension == Dimension.OCCUPATION:
            counters["occupation"][name.get(pk) or unknown] += n
        elif dimension == Dimension.SOURCE:
            counters["source"][sources.get(key, key) if key else no_case] += n
    yes_no = [yes, no]
    return [
        _shares("sex", _("Giới tính"), counters["sex"], [sexes["F"], sexes["M"]]),
        _shares(
            "age_group",
            _("Độ tuổi (đảng viên trẻ)"),
            counters["age_group"],
            [young, other],
        ),
        _shares(
            "age_band",
            _("Độ tuổi (khi có quyết định kết nạp)"),
            counters["age_band"],
            [_(label) for _low, _high, label in rules.AGE_BANDS[1:]],
        ),
        _shares("ethnic_minority", _("Dân tộc thiểu số"), counters["ethnic_minority"], yes_no),
        _shares("religion", _("Có tôn giáo"), counters["religion"], yes_no),
        _shares("youth_union", _("Đoàn viên thanh niên"), counters["youth_union"], yes_no),
        _shares(
            "general_education",
            _("Giáo dục phổ thông"),
            counters["general_education"],
            [_(label) for _rank, label in rules.GENERAL_GROUPS],
        ),
        _shares(
            "education_professional",
            _("Chuyên môn, nghiệp vụ"),
            counters["education_professional"],
            [_(label) for _rank, label in rules.PROFESSIONAL_GROUPS],
        ),
        _shares("political_theory", _("Lý luận chính trị"), counters["political_theory"], []),
        _shares("occupation", _("Nghề nghiệp"), counters["occupation"], []),
        _shares("source", _("Nguồn kết nạp"), counters["source"], []),
    ]


# --- membership and movement ------------------------------------------------------------


def _count_events_raw(sub: _Subtree, start: date, until: date) -> Counter[str]:
    """Uncorrected status events in [start, until] recorded in the subtree, by status."""
    return Counter(
        dict(
            StatusEvent.objects.filter(
                sub.q("unit__path"), on__gte=start, on__lte=until, corrections__isnull=True
            )
            .values("status")
            .annotate(n=Count("pk"))
            .values_list("status", "n")
        )
    )


def _count_events(sub: _Subtree, start: date, until: date) -> Counter[str]:
    """Status events by status: the kept counts for whole months and the records for an
    unfinished last month, or the records alone when the kept counts cannot answer."""
    cut = split_span(start, until)
    if not _kept(sub) or cut is None:
        return _count_events_raw(sub, start, until)
    counts: Counter[str] = Counter()
    if cut.has_months:
        kept = monthly_counts([sub.unit.pk], list(METRIC_STATUS), cut.first, cut.last)
        for (_u, metric, _m), n in kept.items():
            counts[METRIC_STATUS[metric]] += n
    if cut.tail is not None:
        counts.update(_count_events_raw(sub, *cut.tail))
    return counts


def movement(*, unit: Unit, period: Period, as_of: date | None = None) -> Movement:
    """Members at the start (the day before the period) and at the last day counted, by
    status on those days; what moved in the period: admitted (decision date, as in
    achievement), recognised, removed, left, expelled, deceased (uncorrected status events
    of the period recorded in the subtree), transferred in and out (transfers received into
    the subtree from outside it, and sent from it to outside it, including outside the
    system); residence registrations open on the last day and started in the period."""
    scope = report_scope(unit, period, as_of)
    sub = _subtree(unit)
    start, until = period.start, scope.until
    before = start - timedelta(days=1)
    at_start, at_end = _members_on(sub, [before, until])
    (admitted,) = _count_admitted(sub, [(start, until)])
    events = _count_events(sub, start, until)
    inside_from, inside_to = sub.q("from_unit__path"), sub.q("to_unit__path")
    transfers = Transfer.objects.filter(inside_from | inside_to).aggregate(
        moved_in=Count(
            "pk",
            filter=Q(inside_to, received_on__gte=start, received_on__lte=until) & ~inside_from,
        ),
        moved_out=Count(
            "pk",
            filter=Q(inside_from, sent_on__gte=start, sent_on__lte=until)
            & (Q(to_unit__isnull=True) | ~inside_to),
        ),
    )
    residences = ResidenceRegistration.objects.filter(sub.q("unit__path")).aggregate(
        open=Count("pk", filter=Q(start__lte=until) & (Q(end__isnull=True) | Q(end__gt=until))),
        new=Count("pk", filter=Q(start__gte=start, start__lte=until)),
    )
    notes = [
        _(
            "Đảng viên đầu kỳ và cuối kỳ tính theo tình trạng và chi bộ sinh hoạt tại ngày "
            "%(start)s và %(end)s; kết nạp tính theo ngày ghi trong quyết định."
        )
        % {"start": f"{before:%d/%m/%Y}", "end": f"{until:%d/%m/%Y}"},
        *_merged_notes(sub, period),
    ]
    return Movement(
        scope=scope,
        official_start=at_start[Status.OFFICIAL],
        probationary_start=at_start[Status.PROBATIONARY],
        official_end=at_end[Status.OFFICIAL],
        probationary_end=at_end[Status.PROBATIONARY],
        admitted=admitted,
        recognised=events.get(Status.OFFICIAL, 0),
        removed=events.get(Status.REMOVED, 0),
        left=events.get(Status.LEFT, 0),
        expelled=events.get(Status.EXPELLED, 0),
        deceased=events.get(Status.DECEASED, 0),
        transferred_in=transfers["moved_in"],
        transferred_out=transfers["moved_out"],
        residence_registered=residences["open"],
        residence_new=residences["new"],
        notes=notes,
    )


# --- structure --------------------------------------------------------------------------


def _structural_targets(unit: Unit, day: date) -> list[StructuralTarget]:
    """The unit's structural targets in force on `day`; of several periods covering it,
    the narrowest (latest start) wins for each measure and position."""
    found: dict[tuple[str, int | None], StructuralTarget] = {}
    for target in StructuralTarget.objects.filter(unit=unit, start__lte=day, end__gte=day).order_by(
        "start"
    ):
        found[(target.measure, target.position_id)] = target
    return list(found.values())


def structure(*, unit: Unit, period: Period, as_of: date | None = None) -> Structure:
    """Community posts (categories of kind "position") held in the subtree on the last day
    counted, and how many of their holders were members that day (seed 003: 14/14 heads of
    residential groups), against the unit's structural targets; residential areas of the
    subtree with no member, no candidate and no cell."""
    scope = report_scope(unit, period, as_of)
    sub = _subtree(unit)
    day = scope.until
    open_on = Q(start__lte=day) & (Q(end__isnull=True) | Q(end__gt=day))
    holdings = (
        PositionHolding.objects.filter(sub.q("unit__path"), open_on, position__kind="position")
        .annotate(status_then=_status_on(day, person="person_id", prefix="person__"))
        .values("position_id", "position__code", "position__name", "position__rank")
        .annotate(
            holders=Count("person", distinct=True),
            members=Count("person", distinct=True, filter=Q(status_then__in=MEMBER)),
        )
        .order_by("position__rank", "position__code")
    )
    targets = _structural_targets(unit, day)
    by_position = {
        t.position_id: t
        for t in targets
        if t.measure == StructuralMeasure.POSITION_MEMBERS and t.position_id
    }
    positions = [
        PositionRow(
            code=h["position__code"],
            name=h["position__name"],
            holders=h["holders"],
            members=h["members"],
            target_percent=(t.percent if (t := by_position.get(h["position_id"])) else None),
            strict=bool(t and t.strict),
        )
        for h in holdings
    ]
    alive = Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    residents = Person.objects.filter(area=OuterRef("pk")).annotate(status_then=_status_on(day))
    areas = (
        ResidentialArea.objects.filter(sub.q("unit__path"), alive)
        .annotate(
            has_member=Exists(residents.filter(status_then__in=MEMBER)),
            has_candidate=Exists(residents.filter(status_then=Status.CANDIDATE)),
        )
        .order_by("sort_key")
    )
    totals = areas.aggregate(
        areas=Count("pk"),
        with_member=Count("pk", filter=Q(has_member=True)),
        with_candidate=Count("pk", filter=Q(has_candidate=True)),
        with_cell=Count("pk", filter=Q(cell__isnull=False)),
    )
    without = tuple(areas.filter(has_member=False).values_list("name", flat=True)[:NOTED_UNITS])
    area_target = {t.measure: t.percent for t in targets if t.position_id is None}
    coverage = AreaCoverage(
        areas=totals["areas"],
        with_member=totals["with_member"],
        with_candidate=totals["with_candidate"],
        with_cell=totals["with_cell"],
        target_member_percent=area_target.get(StructuralMeasure.AREAS_WITH_MEMBER),
        target_cell_percent=area_target.get(StructuralMeasure.AREAS_WITH_CELL),
        without_member_names=without,
    )
    notes = [
        _("Chức danh và tình trạng đảng viên tính tại ngày %(day)s.") % {"day": f"{day:%d/%m/%Y}"}
    ]
    if without:
        notes.append(
            _("Khu dân cư chưa có đảng viên: %(names)s%(more)s.")
            % {
                "names": ", ".join(without),
                "more": "…" if coverage.without_member > len(without) else "",
            }
        )
    notes += _merged_notes(sub, period)
    return Structure(scope=scope, positions=positions, areas=coverage, notes=notes)


# --- pipeline ---------------------------------------------------------------------------

ENDS = {Step.WITHDRAWN, Step.NOT_ADMITTED, Step.REMOVED}
MILESTONES = (
    Step.LISTED,
    Step.AWARENESS_CLASS,
    Step.CELL_RESOLUTION,
    Step.DECISION,
    Step.RECOGNITION_DECISION,
)


def pipeline(*, unit: Unit, period: Period, as_of: date | None = None) -> Pipeline:
    """Cases of the subtree's cells: open cases per stage today, with the median days since
    each entered its stage and how many are overdue (`Case.due_on` before the as-of day);
    conversion between milestones (of the cases that reached a milestone in the period, how
    many reached the next by the as-of day; a failed vote does not count as reaching it);
    training: classes organised in the subtree that started in the period, people enrolled
    and people who passed."""
    scope = report_scope(unit, period, as_of)
    sub = _subtree(unit)
    day = scope.until
    open_cases = Case.objects.filter(sub.q("unit__path"), state=Case.State.OPEN).values_list(
        "stage", "stage_since", "due_on"
    )
    waiting: dict[str, list[int]] = defaultdict(list)
    overdue: Counter[str] = Counter()
    for stage, since, due in open_cases:
        waiting[stage].append(max((day - since).days, 0))
        if due is not None and due < day:
            overdue[stage] += 1
    stages = [
        StageRow(
            stage=value,
            label=str(label),
            open_cases=len(waiting[value]),
            median_days=rules.median_days(waiting[value]),
            overdue=overdue[value],
        )
        for value, label in Step.choices
        if value not in ENDS
    ]
    reached = {
        step.value: Min(
            "events__on",
            filter=Q(events__step=step, events__corrections__isnull=True)
            & ~Q(events__outcome=CaseEvent.Outcome.FAILED),
        )
        for step in MILESTONES
    }
    # Only a case with a milestone event in the period can count: asking that first keeps a
    # province's ten years of cases (1.1 million events) out of the grouping.
    in_period = CaseEvent.objects.filter(
        case=OuterRef("pk"), step__in=MILESTONES[:-1], on__gte=period.start, on__lte=day
    )
    firsts = (
        Case.objects.filter(sub.q("unit__path"), Exists(in_period))
        .annotate(**{f"m_{k}": v for k, v in reached.items()})
        .filter(**{f"m_{MILESTONES[0].value}__lte": day})
        .values_list(*[f"m_{step.value}" for step in MILESTONES])
    )
    from_counts: Counter[int] = Counter()
    to_counts: Counter[int] = Counter()
    for dates in firsts:
        for i in range(len(MILESTONES) - 1):
            first = dates[i]
            if first is not None and period.start <= first <= day:
                from_counts[i] += 1
                if dates[i + 1] is not None and dates[i + 1] <= day:
                    to_counts[i] += 1
    conversions = [
        ConversionRow(
            from_step=MILESTONES[i].value,
            to_step=MILESTONES[i + 1].value,
            label=f"{MILESTONES[i].label} → {MILESTONES[i + 1].label}",
            reached_from=from_counts[i],
            reached_to=to_counts[i],
        )
        for i in range(len(MILESTONES) - 1)
    ]
    classes = {
        row["kind"]: row
        for row in TrainingClass.objects.filter(
            sub.q("organiser__path"), start__gte=period.start, start__lte=day
        )
        .values("kind")
        .annotate(
            classes=Count("pk", distinct=True),
            enrolled=Count("enrolments", distinct=True),
            passed=Count("enrolments", distinct=True, filter=Q(enrolments__result=Result.PASSED)),
        )
    }
    training = [
        TrainingRow(
            kind=kind,
            label=str(label),
            classes=classes.get(kind, {}).get("classes", 0),
            enrolled=classes.get(kind, {}).get("enrolled", 0),
            passed=classes.get(kind, {}).get("passed", 0),
        )
        for kind, label in ClassKind.choices
    ]
    notes = [
        _(
            "Hồ sơ theo bước là hồ sơ đang xem xét hiện nay; số ngày ở bước và quá hạn tính "
            "đến ngày %(day)s."
        )
        % {"day": f"{day:%d/%m/%Y}"},
        *_merged_notes(sub, period),
    ]
    return Pipeline(
        scope=scope,
        stages=stages,
        conversions=conversions,
        overdue=sum(overdue.values()),
        training=training,
        notes=notes,
    )


# --- ranking ------------------------------------------------------------------------------


def ranking(*, unit: Unit, period: Period, as_of: date | None = None) -> Ranking:
    """Each active child's achievement in the period, ranked by percent of target (units
    without a target last, unranked), with the year-end grade from the rulebook's
    thresholds (`reports.grade_thresholds` in force on the last day counted). A unit without
    children is graded alone."""
    scope = report_scope(unit, period, as_of)
    sub = _subtree(unit)
    day = scope.until
    children = _children(unit)
    per_month, per_child = _admissions(sub, children, period.start, period, day)
    targets = _unit_targets(sub, children, [period.code], period)
    rows = _child_rows(children, period, day, per_child, targets)
    if not rows:
        target = targets.get((unit.pk, period.code))
        rows = [_row(unit, period, sum(per_month.values()), target, day)]
    # A period before the first thresholds were set (1930–2015) is ranked but not graded:
    # the rulebook has nothing in force then, and that is the history, not an error.
    try:
        rule = rule_in_force("reports.grade_thresholds", day)
    except RuleMissingError:
        ungraded = _("Không xếp loại (chưa có quy định xếp loại áp dụng ngày %(day)s)") % {
            "day": f"{day:%d/%m/%Y}"
        }
        grades = [ungraded] * len(rows)
        grade_source, grade_note = "", ungraded
    else:
        scale = rules.GradeScale.from_rule(rule.value)
        grades = [scale.grade(row.percent) for row in rows]
        grade_source = rule.cite()
        grade_note = _("Xếp loại theo: %(rule)s.") % {"rule": grade_source}
    ranked: list[RankingRow] = []
    rank = 0
    previous: Decimal | None = None
    for position, (row, grade) in enumerate(zip(rows, grades, strict=True), 1):
        percent = row.percent
        if percent is None:
            ranked.append(RankingRow(None, row, grade))
            continue
        if previous is None or percent != previous:
            rank = position
        previous = percent
        ranked.append(RankingRow(rank, row, grade))
    return Ranking(
        scope=scope,
        rows=ranked,
        grade_source=grade_source,
        notes=[grade_note, *_merged_notes(sub, period)],
    )


__all__ = [
    "achievement",
    "admissions_by_month",
    "movement",
    "pipeline",
    "quality",
    "ranking",
    "report_scope",
    "structure",
]
