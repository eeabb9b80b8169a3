from __future__ import annotations

from django.contrib import admin

from dangvien.accounts.admin import AuditedAdmin
from dangvien.rulebook.models import RuleVersion


@admin.register(RuleVersion)
class RuleVersionAdmin(AuditedAdmin):
    list_display = ["key", "effective_from", "value", "title"]
    list_filter = ["key"]
