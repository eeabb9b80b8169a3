from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvien.people.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Listed only: entries are added and switched on the categories page, through the
    services (which check the national administrator and write the audit event)."""

    list_display = ["kind", "code", "name", "rank", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["code", "name", "aliases"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
