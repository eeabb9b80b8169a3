"""Dates as Vietnamese records write them: dd/mm/yyyy, and partial dates of legacy records."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Excel's day 0 is 30/12/1899 (its serials count from there, with the 1900 leap-year bug
# absorbed by starting one day early).
_EXCEL_EPOCH = date(1899, 12, 30)
_FULL = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_MONTH = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:[ T][\d:.]+)?\s*$")


class DateFormatError(ValueError):
    """The text is not a date in any accepted form."""


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    def earliest(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    def display(self) -> str:
        if self.month and self.day:
            return f"{self.day:02d}/{self.month:02d}/{self.year}"
        if self.month:
            return f"{self.month:02d}/{self.year}"
        return str(self.year)


def from_excel_serial(serial: float) -> date:
    if not 1 <= serial < 2958466:  # 31/12/9999
        raise DateFormatError(str(serial))
    return _EXCEL_EPOCH + timedelta(days=int(serial))


def _checked(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateFormatError(f"{day:02d}/{month:02d}/{year}") from None


def parse_date(value: object) -> date:
    """A full date from dd/mm/yyyy text, an ISO date, a date object or an Excel serial."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise DateFormatError(str(value))
    if isinstance(value, (int, float)):
        return from_excel_serial(float(value))
    text = str(value)
    if m := _FULL.match(text):
        return _checked(int(m[3]), int(m[2]), int(m[1]))
    if m := _ISO.match(text):
        return _checked(int(m[1]), int(m[2]), int(m[3]))
    raise DateFormatError(text)


def parse_partial_date(value: object) -> PartialDate:
    """A date of birth as legacy records hold it: dd/mm/yyyy, mm/yyyy or yyyy."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return PartialDate(int(value))
    if isinstance(value, (date, int, float)) and not isinstance(value, bool):
        full = parse_date(value)
        return PartialDate(full.year, full.month, full.day)
    text = str(value)
    if m := _YEAR.match(text):
        return PartialDate(int(m[1]))
    if m := _MONTH.match(text):
        month, year = int(m[1]), int(m[2])
        if not 1 <= month <= 12:
            raise DateFormatError(text)
        return PartialDate(year, month)
    full = parse_date(text)
    return PartialDate(full.year, full.month, full.day)


def whole_months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (how the rules count age and party age)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def add_months(day: date, months: int, *, clamp: bool = False) -> date:
    """The same day `months` later. When that day does not exist (31/01 + 1 month): the first
    day of the month after, so that a period counted in months (probation, certificate
    validity) ends the day before the date returned; or, with `clamp`, the last day of that
    month (a due date: "six months after 31/08" is 28/02)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day <= last:
        return date(year, month, day.day)
    if clamp:
        return date(year, month, last)
    return date(year + month // 12, month % 12 + 1, 1)
