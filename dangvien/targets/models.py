"""Targets (chỉ tiêu) per unit and period, assigned by the parent and cascaded down.

A period is stored by its code (``2021``, ``2023-H1``, ``2018-Q1``, ``2020-2025``, see
`dangvien.lib.periods`) with its first and last day, so reports find the targets of any
period with one indexed query.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.lib.periods import PeriodKind
from dangvien.orgs.models import Unit
from dangvien.people.models import Category


class PeriodKindChoices(models.TextChoices):
    YEAR = PeriodKind.YEAR.value, _("Năm")
    HALF = PeriodKind.HALF.value, _("6 tháng")
    QUARTER = PeriodKind.QUARTER.value, _("Quý")
    TERM = PeriodKind.TERM.value, _("Nhiệm kỳ")


class Target(models.Model):
    """How many new members a unit is to admit in a period.

    Small units get a range ("3–5 đảng viên mỗi năm", seed 000): `admissions` is the plan
    (its upper end) and `admissions_min` the lower end, when there is one. Over and under
    are counted against the range; the percentage against `admissions`.
    """

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="targets"
    )
    period = models.CharField(_("kỳ"), max_length=9)
    period_kind = models.CharField(_("loại kỳ"), max_length=8, choices=PeriodKindChoices.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    admissions = models.PositiveIntegerField(_("chỉ tiêu kết nạp"))
    admissions_min = models.PositiveIntegerField(_("chỉ tiêu tối thiểu"), null=True, blank=True)
    # Who assigned it and by which document (normally the parent unit's committee).
    assigned_by = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_targets",
    )
    document = models.CharField(_("văn bản giao"), max_length=120, blank=True)
    assigned_on = models.DateField(_("ngày giao"), null=True, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "start", "period_kind"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="one_target_per_unit_period")
        ]
        indexes = [models.Index(fields=["period", "unit"]), models.Index(fields=["start", "end"])]
        verbose_name = _("chỉ tiêu kết nạp")
        verbose_name_plural = _("chỉ tiêu kết nạp")

    def __str__(self) -> str:
        return f"{self.unit} — {self.period}: {self.admissions}"


class StructuralMeasure(models.TextChoices):
    # The share of holders of a position (village heads, heads of front committees, heads
    # of mass organisations in residential areas…) who are party members.
    POSITION_MEMBERS = "position_members", _("Tỷ lệ người giữ chức danh là đảng viên")
    AREAS_WITH_MEMBER = "areas_with_member", _("Tỷ lệ khu dân cư có đảng viên")
    AREAS_WITH_CELL = "areas_with_cell", _("Tỷ lệ khu dân cư có chi bộ")


class StructuralTarget(models.Model):
    """A ratio to reach: "đảng viên là trưởng ban công tác mặt trận chiếm 70%", "trưởng các
    đoàn thể … là đảng viên chiếm trên 60%" (seed 001). `strict` is "trên" (more than)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="structural_targets"
    )
    period = models.CharField(_("kỳ"), max_length=9)
    period_kind = models.CharField(_("loại kỳ"), max_length=8, choices=PeriodKindChoices.choices)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    measure = models.CharField(_("chỉ tiêu"), max_length=20, choices=StructuralMeasure.choices)
    position = models.ForeignKey(
        Category,
        verbose_name=_("chức danh"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    percent = models.DecimalField(_("tỷ lệ (%)"), max_digits=5, decimal_places=2)
    strict = models.BooleanField(_("trên mức này"), default=False)
    assigned_by = models.ForeignKey(
        Unit,
        verbose_name=_("đơn vị giao"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_structural_targets",
    )
    document = models.CharField(_("văn bản giao"), max_length=120, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["unit", "start", "measure"]
        # One target per unit, period and measure (and position, for a position's share).
        # Two partial constraints, as SQLite knows no NULLS NOT DISTINCT.
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "measure", "position"],
                condition=models.Q(position__isnull=False),
                name="one_structural_target_per_position",
            ),
            models.UniqueConstraint(
                fields=["unit", "period", "measure"],
                condition=models.Q(position__isnull=True),
                name="one_structural_target",
            ),
        ]
        verbose_name = _("chỉ tiêu cơ cấu")
        verbose_name_plural = _("chỉ tiêu cơ cấu")

    def __str__(self) -> str:
        return f"{self.unit} — {self.get_measure_display()} {self.percent}%"
