"""The shapes every report shares, so that one set of formatters (page, XLSX, DOCX, PDF,
JSON, text table) serves every report.

A report selector returns typed rows for its own purpose (charts, tests); each report also
turns into a `Table`: a title, typed columns and rows of plain values. Pages show the
`Table` as the data table behind a chart, downloads write the same `Table`, so the numbers
in a file are always the numbers on the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum

from dangvien.lib.periods import Period

Value = int | Decimal | str | date | None


class ColumnKind(StrEnum):
    TEXT = "text"
    COUNT = "count"  # an integer: shown 1.732
    PERCENT = "percent"  # a Decimal percentage (60.4933…): shown 60,5% with the report's decimals
    SIGNED = "signed"  # an integer difference: shown "vượt 3" / "thiếu 2" / "đạt"
    DATE = "date"  # shown dd/mm/yyyy
    DAYS = "days"  # a number of days, may be fractional (median)


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = ColumnKind.TEXT


@dataclass(frozen=True)
class ReportScope:
    """What a report covers: a unit's subtree (in today's tree, with the history of every
    unit merged into it), a period, and the day the figures are taken ("as of"), which is
    never after the period's end."""

    unit_id: int
    unit_code: str
    unit_name: str
    period: Period
    as_of: date

    @property
    def until(self) -> date:
        """The last day counted: the period's end, or the as-of day if it comes first."""
        return min(self.period.end, self.as_of)


@dataclass
class Table:
    name: str  # the report's name in the registry: "achievement", "quality"…
    title: str
    scope: ReportScope
    columns: list[Column]
    rows: list[dict[str, Value]]
    # Digits after the decimal comma for PERCENT columns (1 → 60,5%; 2 → 76,57%).
    decimals: int = 1
    # Sentences printed under the table: what was counted, merged units included, etc.
    notes: list[str] = field(default_factory=list)
    # The report's headline figures, by key (achievement: admitted, target, percent,
    # difference), which the JSON puts at its top level next to `unit` and `period`.
    summary: dict[str, Value] = field(default_factory=dict)


# --- rows of the reports that pages draw as charts ------------------------------------


@dataclass(frozen=True)
class AchievementRow:
    """Admissions of one unit's subtree in one period against its target.

    `percent` is exact (admitted / target × 100, unrounded); formatters round it.
    `difference` > 0 is "vượt N" (over), < 0 "thiếu N" (under), 0 "đạt"; with a range
    target (min–max) anything inside the range is 0, above it counts from the max, below it
    from the min. Both are None when there is no target.
    """

    unit_id: int
    unit_code: str
    unit_name: str
    period: Period
    admitted: int
    target: int | None
    target_min: int | None = None
    # The last day counted (the period's end, or the as-of day if it comes first).
    until: date | None = None

    @property
    def percent(self) -> Decimal | None:
        if not self.target:
            return None
        return Decimal(self.admitted) * 100 / Decimal(self.target)

    @property
    def difference(self) -> int | None:
        if self.target is None:
            return None
        if self.admitted > self.target:
            return self.admitted - self.target
        low = self.target if self.target_min is None else self.target_min
        return min(0, self.admitted - low)


@dataclass(frozen=True)
class Achievement:
    scope: ReportScope
    # The unit for the asked period.
    row: AchievementRow
    # The same unit for the periods a report lists with it: the year, its halves and
    # quarters up to the as-of day, and the term to date.
    periods: list[AchievementRow]
    # Each child unit for the asked period, best first.
    children: list[AchievementRow]
    # Average yearly over-achievement over the term's finished years (seed 002: "bình quân
    # mỗi năm vượt 17%"): mean of (admitted/target − 1) × 100 over years with a target.
    average_over_percent: Decimal | None
    notes: list[str] = field(default_factory=list)
    # Guideline 21-NQ/TW: admissions of the year as a share of the members at its start.
    members_at_year_start: int | None = None
    year_admitted: int | None = None
    guideline_percent: tuple[Decimal, Decimal] | None = None
    # The asked period month by month up to the day counted, cumulated against the target
    # (the dashboard's monthly chart, from the same reads as the rows above).
    months: list[MonthPoint] = field(default_factory=list)

    @property
    def year_share_percent(self) -> Decimal | None:
        if not self.members_at_year_start or self.year_admitted is None:
            return None
        return Decimal(self.year_admitted) * 100 / Decimal(self.members_at_year_start)


@dataclass(frozen=True)
class MonthPoint:
    month: date  # the first day of the month
    admitted: int
    cumulative: int
    # The target spread evenly over the period's months, cumulated (the chart's target line).
    target_cumulative: Decimal | None


@dataclass(frozen=True)
class ShareRow:
    label: str
    count: int
    percent: Decimal | None  # of the breakdown's total, exact


@dataclass(frozen=True)
class Breakdown:
    key: str  # "sex", "age_band", "ethnic_minority", "education_professional"…
    title: str
    total: int
    rows: list[ShareRow]


# --- rows of the other reports ----------------------------------------------------------


@dataclass(frozen=True)
class Movement:
    """Membership totals at the start and the end (or as-of day) of a period, and what moved
    in between (see `selectors.movement` for what each figure counts)."""

    scope: ReportScope
    official_start: int
    probationary_start: int
    official_end: int
    probationary_end: int
    admitted: int
    recognised: int
    removed: int
    left: int
    expelled: int
    deceased: int
    transferred_in: int
    transferred_out: int
    residence_registered: int  # registrations open on the last day counted
    residence_new: int  # registrations started in the period
    notes: list[str] = field(default_factory=list)

    @property
    def members_start(self) -> int:
        return self.official_start + self.probationary_start

    @property
    def members_end(self) -> int:
        return self.official_end + self.probationary_end


@dataclass(frozen=True)
class PositionRow:
    """Holders of one community post on the last day counted, and how many are members,
    against the structural target for that post (if any)."""

    code: str
    name: str
    holders: int
    members: int
    target_percent: Decimal | None = None
    strict: bool = False  # the target says "trên" (more than)

    @property
    def percent(self) -> Decimal | None:
        return Decimal(self.members) * 100 / Decimal(self.holders) if self.holders else None

    @property
    def met(self) -> bool | None:
        if self.target_percent is None or self.percent is None:
            return None
        if self.strict:
            return self.percent > self.target_percent
        return self.percent >= self.target_percent


@dataclass(frozen=True)
class AreaCoverage:
    """Residential areas of the subtree on the last day counted."""

    areas: int
    with_member: int
    with_candidate: int
    with_cell: int
    target_member_percent: Decimal | None = None
    target_cell_percent: Decimal | None = None
    # Names of some areas with no member, for the notes (at most a few).
    without_member_names: tuple[str, ...] = ()

    @property
    def without_member(self) -> int:
        return self.areas - self.with_member

    @property
    def without_candidate(self) -> int:
        return self.areas - self.with_candidate

    @property
    def without_cell(self) -> int:
        return self.areas - self.with_cell


@dataclass(frozen=True)
class Structure:
    scope: ReportScope
    positions: list[PositionRow]
    areas: AreaCoverage
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class StageRow:
    stage: str
    label: str
    open_cases: int
    median_days: Decimal | None  # days since the case entered the stage, on the as-of day
    overdue: int


@dataclass(frozen=True)
class ConversionRow:
    """Cases of the subtree that reached `from_step` in the period, and how many of those
    reached `to_step` (by the as-of day)."""

    from_step: str
    to_step: str
    label: str
    reached_from: int
    reached_to: int

    @property
    def percent(self) -> Decimal | None:
        if not self.reached_from:
            return None
        return Decimal(self.reached_to) * 100 / Decimal(self.reached_from)


@dataclass(frozen=True)
class TrainingRow:
    kind: str
    label: str
    classes: int
    enrolled: int
    passed: int


@dataclass(frozen=True)
class Pipeline:
    scope: ReportScope
    stages: list[StageRow]
    conversions: list[ConversionRow]
    overdue: int
    training: list[TrainingRow]
    notes: list[str] = field(default_factory=list)

    @property
    def open_cases(self) -> int:
        return sum(s.open_cases for s in self.stages)


@dataclass(frozen=True)
class RankingRow:
    rank: int | None  # None for a unit without a target
    row: AchievementRow
    grade: str


@dataclass(frozen=True)
class Ranking:
    scope: ReportScope
    rows: list[RankingRow]
    grade_source: str
    notes: list[str] = field(default_factory=list)
