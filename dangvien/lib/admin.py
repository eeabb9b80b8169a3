from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvien.lib.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Listed only: days are added and removed on the calendar page, through the services."""

    list_display = ["date", "kind", "source"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
