"""Writes to the tables kept in `lib`: the days the government announces."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, audit_record
from dangvien.lib.errors import Problem, raise_if
from dangvien.lib.models import CalendarDay
from dangvien.lib.selectors import is_national_administrator


def _require_calendar_keeper(actor: Actor) -> None:
    if actor is not None and not is_national_administrator(actor):
        raise PermissionDenied(_("Chỉ quản trị cấp Trung ương mới sửa lịch ngày làm việc."))


def calendar_day_set(*, acting_user: Actor, day: date, kind: str, source: str) -> CalendarDay:
    """Record an announced day off or make-up working day (or change what a day is)."""
    with transaction.atomic():
        _require_calendar_keeper(acting_user)
        problems: list[Problem] = []
        if kind not in CalendarDay.Kind.values:
            problems.append(Problem("kind", _("Loại ngày không hợp lệ.")))
        if not source.strip():
            problems.append(
                Problem("source", _("Cần ghi văn bản công bố ngày nghỉ hoặc ngày làm bù."))
            )
        raise_if(problems)
        existing = CalendarDay.objects.select_for_update().filter(date=day).first()
        before = (existing.kind, existing.source) if existing else (None, None)
        if existing is None:
            record = CalendarDay.objects.create(date=day, kind=kind, source=source.strip())
        else:
            existing.kind, existing.source = kind, source.strip()
            existing.save(update_fields=["kind", "source"])
            record = existing
        audit_record(
            actor=acting_user,
            action="calendar.set",
            target=record,
            unit=None,
            changes={"kind": [before[0], kind], "source": [before[1], record.source]},
        )
        return record


def calendar_day_remove(*, acting_user: Actor, record: CalendarDay) -> None:
    with transaction.atomic():
        _require_calendar_keeper(acting_user)
        record = CalendarDay.objects.select_for_update().get(pk=record.pk)
        audit_record(
            actor=acting_user,
            action="calendar.remove",
            target=record,
            unit=None,
            changes={"date": [record.date, None], "kind": [record.kind, None]},
        )
        record.delete()
