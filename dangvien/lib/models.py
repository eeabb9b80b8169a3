from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    """A day the government announced as off, or as a make-up working day.

    Public holidays, lunar ones included, come from the `holidays` package; only the days it
    cannot know (substituted days announced late, a province's own day off) are kept here.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "off", _("Ngày nghỉ")
        WORKING_DAY = "work", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=Kind.choices)
    source = models.CharField(_("văn bản công bố"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("ngày nghỉ hoặc làm bù")
        verbose_name_plural = _("ngày nghỉ và làm bù")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}"


class RecordedEvent(models.Model):
    """What every append-only event of the party files carries: who recorded it and when,
    and the earlier event it corrects (a mistake is never edited: a new event points at it,
    and the corrected one no longer counts)."""

    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
