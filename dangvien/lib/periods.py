"""Reporting periods: a year, a half-year, a quarter, or a five-year term (nhiệm kỳ).

Codes are what users type and what files carry: ``2021``, ``2023-H1``, ``2018-Q1`` and
``2020-2025``. A term is named by its congress years but covers the five calendar years
after the first one (``2020-2025`` is 01/01/2021–31/12/2025), so that every year belongs
to exactly one term and yearly targets add up to the term's. This is a product decision
(the seeds count "the term" from the first full year); it is written in the issue note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils.translation import gettext as _

_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_HALF = re.compile(r"^\s*(\d{4})\s*-\s*H([12])\s*$", re.IGNORECASE)
_QUARTER = re.compile(r"^\s*(\d{4})\s*-\s*Q([1-4])\s*$", re.IGNORECASE)
_TERM = re.compile(r"^\s*(\d{4})\s*-\s*(\d{4})\s*$")
TERM_YEARS = 5
MIN_YEAR, MAX_YEAR = 1930, 2100


class PeriodKind(StrEnum):
    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    TERM = "term"


class PeriodError(ValueError):
    """The text is not a period code."""


@dataclass(frozen=True, order=True)
class Period:
    kind: PeriodKind
    year: int
    # Half (1–2) or quarter (1–4); 0 for a year or a term.
    part: int = 0

    # --- construction ---------------------------------------------------------------

    @classmethod
    def parse(cls, text: str) -> Period:
        if m := _YEAR.match(text):
            period = cls(PeriodKind.YEAR, int(m[1]))
        elif m := _HALF.match(text):
            period = cls(PeriodKind.HALF, int(m[1]), int(m[2]))
        elif m := _QUARTER.match(text):
            period = cls(PeriodKind.QUARTER, int(m[1]), int(m[2]))
        elif m := _TERM.match(text):
            first, last = int(m[1]), int(m[2])
            if last - first != TERM_YEARS:
                raise PeriodError(text)
            period = cls(PeriodKind.TERM, first)
        else:
            raise PeriodError(text)
        if not MIN_YEAR <= period.year <= MAX_YEAR:
            raise PeriodError(text)
        return period

    @classmethod
    def year_of(cls, day: date) -> Period:
        return cls(PeriodKind.YEAR, day.year)

    @classmethod
    def half_of(cls, day: date) -> Period:
        return cls(PeriodKind.HALF, day.year, 1 if day.month <= 6 else 2)

    @classmethod
    def quarter_of(cls, day: date) -> Period:
        return cls(PeriodKind.QUARTER, day.year, (day.month - 1) // 3 + 1)

    @classmethod
    def term_of(cls, day: date) -> Period:
        """The term a day falls in: 2021–2025 belong to 2020-2025, 2026–2030 to 2025-2030."""
        first = day.year - 1 - (day.year - 1 - 2020) % TERM_YEARS
        return cls(PeriodKind.TERM, first)

    # --- what it covers -------------------------------------------------------------

    @property
    def start(self) -> date:
        if self.kind == PeriodKind.HALF:
            return date(self.year, 1 if self.part == 1 else 7, 1)
        if self.kind == PeriodKind.QUARTER:
            return date(self.year, 3 * self.part - 2, 1)
        if self.kind == PeriodKind.TERM:
            return date(self.year + 1, 1, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        if self.kind == PeriodKind.HALF:
            return date(self.year, 6, 30) if self.part == 1 else date(self.year, 12, 31)
        if self.kind == PeriodKind.QUARTER:
            last_month = 3 * self.part
            next_start = date(self.year + (last_month == 12), last_month % 12 + 1, 1)
            return date.fromordinal(next_start.toordinal() - 1)
        if self.kind == PeriodKind.TERM:
            return date(self.year + TERM_YEARS, 12, 31)
        return date(self.year, 12, 31)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def years(self) -> list[int]:
        return list(range(self.start.year, self.end.year + 1))

    def children(self) -> list[Period]:
        """The next finer periods: a term's years, a year's halves, a half's quarters."""
        if self.kind == PeriodKind.TERM:
            return [Period(PeriodKind.YEAR, y) for y in self.years()]
        if self.kind == PeriodKind.YEAR:
            return [Period(PeriodKind.HALF, self.year, h) for h in (1, 2)]
        if self.kind == PeriodKind.HALF:
            first = 2 * self.part - 1
            return [Period(PeriodKind.QUARTER, self.year, q) for q in (first, first + 1)]
        return []

    # --- names ----------------------------------------------------------------------

    @property
    def code(self) -> str:
        if self.kind == PeriodKind.HALF:
            return f"{self.year}-H{self.part}"
        if self.kind == PeriodKind.QUARTER:
            return f"{self.year}-Q{self.part}"
        if self.kind == PeriodKind.TERM:
            return f"{self.year}-{self.year + TERM_YEARS}"
        return str(self.year)

    @property
    def label(self) -> str:
        """How a report heading names it: "Năm 2021", "6 tháng đầu năm 2023", "Quý I/2018",
        "Nhiệm kỳ 2020–2025"."""
        if self.kind == PeriodKind.HALF:
            if self.part == 1:
                return _("6 tháng đầu năm %(year)s") % {"year": self.year}
            return _("6 tháng cuối năm %(year)s") % {"year": self.year}
        if self.kind == PeriodKind.QUARTER:
            roman = ("I", "II", "III", "IV")[self.part - 1]
            return _("Quý %(q)s/%(year)s") % {"q": roman, "year": self.year}
        if self.kind == PeriodKind.TERM:
            return _("Nhiệm kỳ %(first)s–%(last)s") % {
                "first": self.year,
                "last": self.year + TERM_YEARS,
            }
        return _("Năm %(year)s") % {"year": self.year}

    def __str__(self) -> str:
        return self.code
