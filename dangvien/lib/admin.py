from __future__ import annotations

from django.contrib import admin

from dangvien.accounts.admin import AuditedAdmin
from dangvien.lib.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    list_display = ["date", "kind", "source"]
