"""Working days: Monday to Friday, minus Vietnamese public holidays, plus what the government
announces on top (a substituted day off, a make-up working Saturday).

The regulations count deadlines in working days ("60 ngày làm việc"): the decision after the
cell's resolution, the ceremony after the decision, transfers. Public holidays, the lunar ones
included (Tết, Giỗ Tổ Hùng Vương), come from the `holidays` package; the days it cannot know
are passed in, so the functions here stay pure and the database is read in one place
(`dangvien.lib.selectors.working_calendar`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays

COUNTRY = "VN"
# Party and state bodies work a five-day week (Quyết định 188/1999/QĐ-TTg): Saturday, Sunday off.
WEEKEND = frozenset({5, 6})


@lru_cache(maxsize=64)
def public_holidays(year: int) -> frozenset[date]:
    """The public holidays and the substituted days off of one year, from `holidays`."""
    return frozenset(holidays.country_holidays(COUNTRY, years=[year]).keys())


@dataclass(frozen=True)
class WorkingCalendar:
    """The calendar with the announced exceptions: `days_off` are extra days off (also on a
    weekday the package does not know), `working_days` are make-up working days (usually a
    Saturday). An announced working day wins over everything else."""

    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def with_days(
        cls, days_off: Iterable[date] = (), working_days: Iterable[date] = ()
    ) -> WorkingCalendar:
        return cls(frozenset(days_off), frozenset(working_days))

    def is_working_day(self, day: date) -> bool:
        if day in self.working_days:
            return True
        if day in self.days_off or day.weekday() in WEEKEND:
            return False
        return day not in public_holidays(day.year)

    def add_working_days(self, start: date, count: int) -> date:
        """The date `count` working days after `start` (before it when negative).

        `start` itself is not counted: a resolution of Friday 13/02/2026 with 1 working day to
        act is due on Monday 23/02/2026, after the Tết break. `count == 0` returns `start`.
        """
        step = 1 if count >= 0 else -1
        remaining = abs(count)
        day = start
        while remaining:
            day += timedelta(days=step)
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when `end` is
        earlier): how many of a deadline's days have been used."""
        if end < start:
            return -self.working_days_between(end, start)
        days = (end - start).days
        return sum(1 for i in range(1, days + 1) if self.is_working_day(start + timedelta(i)))


PLAIN = WorkingCalendar()
