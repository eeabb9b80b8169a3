from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.orgs.models import Unit


class Role(models.IntegerChoices):
    """Roles are ordered: each includes what the ones below it may do."""

    VIEWER = 10, _("Xem")
    EDITOR = 20, _("Nhập liệu")
    APPROVER = 30, _("Phê duyệt (ghi quyết định, biểu quyết)")
    ADMINISTRATOR = 40, _("Quản trị (người dùng và cây tổ chức cấp dưới)")


class RoleGrant(models.Model):
    """A role on a unit, covering the unit's whole subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_grants"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="role_grants")
    role = models.PositiveSmallIntegerField(_("vai trò"), choices=Role.choices)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "unit__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                condition=models.Q(revoked_at__isnull=True),
                name="one_active_grant_per_user_and_unit",
            )
        ]
        verbose_name = _("quyền trên đơn vị")
        verbose_name_plural = _("quyền trên đơn vị")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which object, when, from which request: append-only.

    The application never updates or deletes these rows; a correction is a new event.
    """

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("người thực hiện"), max_length=150)
    action = models.CharField(_("thao tác"), max_length=64, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("đối tượng"), max_length=250)
    # The unit the object belongs to, so that events are scoped like everything else.
    unit = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    changes = models.JSONField(_("thay đổi"), default=dict)
    request_id = models.CharField(max_length=36, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_path = models.CharField(max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "at"])]
        verbose_name = _("nhật ký thao tác")
        verbose_name_plural = _("nhật ký thao tác")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_label} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("audit events are append-only")


class PasswordResetRequest(models.Model):
    """One request for a password-reset link, kept a day to limit how often an e-mail
    address or a client address may ask. The address is kept as a keyed hash, not in clear."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    email_digest = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["email_digest", "at"])]
        verbose_name = _("yêu cầu đặt lại mật khẩu")
        verbose_name_plural = _("yêu cầu đặt lại mật khẩu")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.ip_address or ''}"
