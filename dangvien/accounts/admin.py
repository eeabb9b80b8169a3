from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from dangvien.accounts.models import AuditEvent, RoleGrant


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: the audit trail is never edited, not even by a superuser."""

    list_display = ["at", "actor_label", "action", "target_repr", "unit"]
    list_filter = ["action"]
    search_fields = ["target_repr", "actor_label"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Grants are changed through the users page (audited); here they are only listed."""

    list_display = ["user", "unit", "role", "granted_at", "revoked_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """For rulebook tables edited in the admin: each save and delete leaves an audit event."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        from django.db import transaction

        from dangvien.accounts.audit import audit_record

        with transaction.atomic():
            changed = {
                name: [form.initial.get(name), form.cleaned_data.get(name)]
                for name in form.changed_data
            }
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                target=obj,
                unit=None,
                changes=changed,
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        from django.db import transaction

        from dangvien.accounts.audit import audit_record

        with transaction.atomic():
            audit_record(
                actor=request.user, action="admin.delete", target=obj, unit=None, changes={}
            )
            super().delete_model(request, obj)
