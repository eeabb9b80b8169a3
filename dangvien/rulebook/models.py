"""The rulebook: every value the party regulations set, as dated data with its source.

A rule is known by a key (`transfer.deadline_working_days`); each `RuleVersion` gives its
value from a date. A step is checked against the version in force on that step's date, so a
case that began under Quy định 24-QĐ/TW is still judged by it. Administrators change values
by adding versions, never by editing code.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleVersion(models.Model):
    key = models.CharField(_("quy tắc"), max_length=64, db_index=True)
    effective_from = models.DateField(_("hiệu lực từ"))
    value = models.JSONField(_("giá trị"))
    title = models.CharField(_("nội dung"), max_length=300)
    source = models.TextField(_("căn cứ"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["key", "effective_from"], name="rule_version_once")
        ]
        verbose_name = _("quy tắc theo thời gian")
        verbose_name_plural = _("quy tắc theo thời gian")

    def __str__(self) -> str:
        return f"{self.key} ({self.effective_from:%d/%m/%Y}): {self.value}"
