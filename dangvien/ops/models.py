from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Operation(models.Model):
    """A backup or a restore run from the command line: what their audit events point at.

    A restore replaces this table with the backup's copy, then records itself: the history
    of operations after the backup was made goes with the rest of the data it replaced.
    """

    class Kind(models.TextChoices):
        BACKUP = "backup", _("Sao lưu")
        RESTORE = "restore", _("Phục hồi")

    kind = models.CharField(_("thao tác"), max_length=16, choices=Kind.choices)
    at = models.DateTimeField(_("thời điểm"), default=timezone.now)
    file = models.CharField(_("tệp sao lưu"), max_length=500)
    sha256 = models.CharField(_("mã kiểm tra SHA-256"), max_length=64)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("sao lưu hoặc phục hồi")
        verbose_name_plural = _("sao lưu và phục hồi")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.file}"
