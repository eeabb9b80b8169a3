"""Personal API tokens and the answers kept for retried writes.

A token acts as its user, with exactly the user's grants: it is a way to sign in, not a
grant of its own. The secret is shown once when the token is made; only its SHA-256 is
kept, so a copy of the database does not hand out working tokens.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens"
    )
    name = models.CharField(_("tên"), max_length=100)
    # The first characters of the secret, shown in lists so a user can tell tokens apart.
    prefix = models.CharField(_("mã nhận biết"), max_length=8)
    hash = models.CharField(max_length=64, unique=True)
    created = models.DateTimeField(_("ngày tạo"), default=timezone.now)
    expires = models.DateTimeField(_("hết hạn"))
    last_used = models.DateTimeField(_("lần dùng cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    # The rate limit's fixed window: its first instant (a whole minute) and the requests
    # counted in it. Kept on the token's row so that every worker process shares them.
    window_start = models.DateTimeField(null=True, blank=True)
    window_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class IdempotentWrite(models.Model):
    """A write the API carried out under a client's `Idempotency-Key`: a retry with the same
    key and the same request gets this answer again instead of a second write."""

    # Disposable copies of answers (pruned after a day), not records: they go with the token.
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # SHA-256 of the method, path and body: the same key with another request is refused.
    fingerprint = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "key"], name="idempotency_key_once_per_token")
        ]

    def __str__(self) -> str:
        return f"{self.token} — {self.key}"
