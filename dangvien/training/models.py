"""Training classes (lớp bồi dưỡng) and who attended them.

An awareness class (lớp bồi dưỡng nhận thức về Đảng) is taken by candidates before
admission; its certificate is valid for a number of months set by the rulebook. A new-member
class (lớp bồi dưỡng đảng viên mới) is taken by probationary members. Only the services in
`services.py` write these rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.orgs.models import Unit
from dangvien.people.models import Person


class ClassKind(models.TextChoices):
    AWARENESS = "awareness", _("Lớp bồi dưỡng nhận thức về Đảng")
    NEW_MEMBER = "new_member", _("Lớp bồi dưỡng đảng viên mới")


class Result(models.TextChoices):
    PENDING = "pending", _("Chưa có kết quả")
    PASSED = "passed", _("Hoàn thành")
    FAILED = "failed", _("Không đạt")
    ABSENT = "absent", _("Vắng")


class TrainingClass(models.Model):
    kind = models.CharField(_("loại lớp"), max_length=16, choices=ClassKind.choices)
    name = models.CharField(_("tên lớp"), max_length=200)
    # The commune/grassroots committee or the training centre's unit; scoping is by its path.
    organiser = models.ForeignKey(
        Unit, verbose_name=_("đơn vị mở lớp"), on_delete=models.PROTECT, related_name="+"
    )
    place = models.CharField(_("địa điểm"), max_length=200, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"))
    note = models.TextField(_("ghi chú"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["organiser", "start"])]
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    training_class = models.ForeignKey(
        TrainingClass,
        verbose_name=_("lớp"),
        on_delete=models.PROTECT,
        related_name="enrolments",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("học viên"), on_delete=models.PROTECT, related_name="enrolments"
    )
    attended = models.BooleanField(_("dự học"), null=True, blank=True)
    result = models.CharField(
        _("kết quả"), max_length=16, choices=Result.choices, default=Result.PENDING
    )
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=64, blank=True)
    certificate_date = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["training_class", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "person"], name="enrolment_once_per_class"
            )
        ]
        indexes = [models.Index(fields=["person", "result"])]
        verbose_name = _("học viên")
        verbose_name_plural = _("học viên")

    def __str__(self) -> str:
        return f"{self.person} — {self.training_class}"
