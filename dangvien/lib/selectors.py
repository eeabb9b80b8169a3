"""Reads of the tables kept in `lib`."""

from __future__ import annotations

from datetime import date

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, has_role
from dangvien.lib.models import CalendarDay
from dangvien.lib.workdays import WorkingCalendar
from dangvien.orgs.models import Unit


def working_calendar() -> WorkingCalendar:
    """The working-day calendar with every day the administrators announced (one query)."""
    days_off: list[date] = []
    working: list[date] = []
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (working if kind == CalendarDay.Kind.WORKING_DAY else days_off).append(day)
    return WorkingCalendar.with_days(days_off, working)


def is_national_administrator(user: AnyUser) -> bool:
    """Superusers and the administrators of a top-level unit: they keep what is national
    (the working-day calendar, the rulebook, the category lists)."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_superuser", False):
        return True
    roots = Unit.objects.filter(parent__isnull=True)
    return any(has_role(user, root, Role.ADMINISTRATOR) for root in roots)
