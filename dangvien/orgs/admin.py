from __future__ import annotations

from django.contrib import admin

from dangvien.accounts.admin import AuditedAdmin
from dangvien.orgs.models import AuthorityRule


@admin.register(AuthorityRule)
class AuthorityRuleAdmin(AuditedAdmin):
    """Rules are data an administrator may change: who decides, from when, on what basis."""

    list_display = ["kind", "decides_admission", "decides_recognition", "effective_from"]
    list_filter = ["kind"]
