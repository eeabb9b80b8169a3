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
