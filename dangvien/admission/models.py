"""Admission cases: one person's way from outstanding candidate to official member.

A `Case` keeps its current stage; the `CaseEvent` rows are the history and the evidence:
each step with its date, document, signer, votes and notes. Events are never edited: a
correction is a new event that points at the one it corrects.
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.lib.models import RecordedEvent
from dangvien.orgs.models import Unit
from dangvien.people.models import Person


class Source(models.TextChoices):
    YOUTH_UNION = "youth_union", _("Đoàn viên Đoàn Thanh niên")
    WOMEN = "women", _("Hội viên Hội Phụ nữ")
    VETERANS = "veterans", _("Hội viên Hội Cựu chiến binh")
    FARMERS = "farmers", _("Hội viên Hội Nông dân")
    TRADE_UNION = "trade_union", _("Đoàn viên công đoàn")
    DEMOBILISED = "demobilised", _("Bộ đội xuất ngũ")
    GRADUATE = "graduate", _("Sinh viên tốt nghiệp về địa phương")
    ENLISTING = "enlisting", _("Công dân chuẩn bị nhập ngũ")
    VILLAGE_HEAD = "village_head", _("Trưởng thôn, người đứng đầu đoàn thể ở khu dân cư")
    OTHER = "other", _("Khác")


class Step(models.TextChoices):
    LISTED = "listed", _("Đưa vào danh sách quần chúng ưu tú")
    HELPER = "helper", _("Phân công đảng viên giúp đỡ")
    AWARENESS_CLASS = "awareness_class", _("Học lớp bồi dưỡng nhận thức về Đảng")
    APPLICATION = "application", _("Đơn xin vào Đảng")
    PERSONAL_HISTORY = "personal_history", _("Lý lịch người xin vào Đảng")
    VERIFICATION = "verification", _("Thẩm tra lý lịch")
    INTRODUCTIONS = "introductions", _("Giới thiệu người vào Đảng")
    OPINIONS = "opinions", _("Ý kiến của đoàn thể và nơi cư trú")
    CELL_RESOLUTION = "cell_resolution", _("Nghị quyết chi bộ đề nghị kết nạp")
    PARTIAL_APPRAISAL = "partial_appraisal", _("Thẩm định của đảng ủy bộ phận")
    COMMITTEE_RESOLUTION = "committee_resolution", _("Nghị quyết đảng ủy cơ sở")
    DECISION = "decision", _("Quyết định kết nạp")
    CEREMONY = "ceremony", _("Lễ kết nạp")
    PROBATION_HELPER = "probation_helper", _("Phân công đảng viên giúp đỡ đảng viên dự bị")
    NEW_MEMBER_CLASS = "new_member_class", _("Học lớp bồi dưỡng đảng viên mới")
    SELF_ASSESSMENT = "self_assessment", _("Bản tự kiểm điểm của đảng viên dự bị")
    HELPER_ASSESSMENT = "helper_assessment", _("Nhận xét của đảng viên giúp đỡ")
    PROBATION_OPINIONS = "probation_opinions", _("Ý kiến nhận xét về đảng viên dự bị")
    RECOGNITION_CELL = "recognition_cell", _("Nghị quyết chi bộ đề nghị công nhận chính thức")
    RECOGNITION_COMMITTEE = "recognition_committee", _("Nghị quyết cấp ủy về công nhận chính thức")
    RECOGNITION_DECISION = "recognition_decision", _("Quyết định công nhận đảng viên chính thức")
    # Ends other than an official member.
    WITHDRAWN = "withdrawn", _("Dừng xem xét")
    NOT_ADMITTED = "not_admitted", _("Không kết nạp")
    REMOVED = "removed", _("Xóa tên khỏi danh sách đảng viên dự bị")


class Case(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("Đang xem xét")
        MEMBER = "member", _("Đã là đảng viên chính thức")
        CLOSED = "closed", _("Đã kết thúc")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    # The cell that proposes the person; scoping is by its path.
    unit = models.ForeignKey(
        Unit, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="cases"
    )
    source = models.CharField(_("nguồn"), max_length=16, choices=Source.choices)
    stage = models.CharField(_("bước hiện tại"), max_length=24, choices=Step.choices)
    stage_since = models.DateField(_("từ ngày"))
    state = models.CharField(
        _("tình trạng hồ sơ"), max_length=8, choices=State.choices, default=State.OPEN
    )
    helper = models.ForeignKey(
        Person,
        verbose_name=_("đảng viên giúp đỡ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="helped_cases",
    )
    # A second attempt after a failed vote, or a readmission, is a new case linked to the old.
    previous = models.ForeignKey(
        "self",
        verbose_name=_("hồ sơ trước"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_cases",
    )
    readmission = models.BooleanField(_("kết nạp lại"), default=False)
    failed_recognition_votes = models.PositiveSmallIntegerField(default=0)
    # The next deadline, kept by the services in the same transaction as the step that moves
    # it, so alert lists and counts are one indexed query instead of a walk over the events.
    due_on = models.DateField(_("hạn"), null=True, blank=True)
    due_label = models.CharField(_("việc phải xong"), max_length=120, blank=True)
    # The awareness-class certificate's issue date, kept by the services for the open cases
    # (see `admission.certificates`): certificate alerts are one indexed query.
    certificate_issued = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-stage_since", "-id"]
        indexes = [
            models.Index(fields=["state", "stage"]),
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["state", "due_on"]),
            models.Index(fields=["state", "certificate_issued"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=models.Q(state="open"), name="one_open_case_per_person"
            )
        ]
        verbose_name = _("hồ sơ kết nạp")
        verbose_name_plural = _("hồ sơ kết nạp")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_stage_display()}"


class CaseEvent(RecordedEvent):
    class Outcome(models.TextChoices):
        NONE = "", _("—")
        PASSED = "passed", _("Đạt")
        FAILED = "failed", _("Không đạt")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    step = models.CharField(_("bước"), max_length=24, choices=Step.choices)
    on = models.DateField(_("ngày"))
    document_number = models.CharField(_("số văn bản"), max_length=64, blank=True)
    signed_by = models.CharField(_("người ký"), max_length=120, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    # Votes, where the step is a vote.
    official_members = models.PositiveSmallIntegerField(
        _("số đảng viên chính thức"), null=True, blank=True
    )
    elsewhere = models.PositiveSmallIntegerField(
        _("sinh hoạt tạm thời nơi khác"), null=True, blank=True
    )
    exempt_absent = models.PositiveSmallIntegerField(
        _("miễn sinh hoạt, vắng mặt"), null=True, blank=True
    )
    present = models.PositiveSmallIntegerField(_("có mặt"), null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("tán thành"), null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(_("không tán thành"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=8, choices=Outcome.choices, blank=True)
    # Where a rule allowed an exception (province consent for age over 60…): the consent.
    override_document = models.CharField(_("văn bản cho phép ngoại lệ"), max_length=120, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["case", "on", "id"]
        indexes = [models.Index(fields=["step", "on"])]
        verbose_name = _("bước hồ sơ")
        verbose_name_plural = _("bước hồ sơ")

    def __str__(self) -> str:
        return f"{self.case.person} — {self.get_step_display()} ({self.on:%d/%m/%Y})"


class Introducer(models.Model):
    """Who introduces the person: an official member, or a Youth-Union (trade-union)
    resolution that replaces one member."""

    class Kind(models.TextChoices):
        MEMBER = "member", _("Đảng viên chính thức")
        YOUTH_UNION = "youth_union", _("Nghị quyết giới thiệu của Đoàn")
        TRADE_UNION = "trade_union", _("Nghị quyết giới thiệu của Công đoàn")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="introducers")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    member = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="introductions"
    )
    # Since when the member worked, studied or lived with the person in the same committee.
    together_since = models.DateField(_("cùng công tác từ"), null=True, blank=True)
    replacement = models.BooleanField(_("giới thiệu thay thế"), default=False)
    document = models.CharField(_("văn bản"), max_length=64, blank=True)

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("người giới thiệu")
        verbose_name_plural = _("người giới thiệu")

    def __str__(self) -> str:
        return f"{self.case.person} ← {self.member or self.get_kind_display()}"


class _AttachmentStorage(FileSystemStorage):
    """The attachments' folder, read from the settings at each use. Django calls a field's
    storage callable once, when the models load: a plain storage would keep the folder of
    that moment, and tests or an operator pointing `ATTACHMENT_ROOT` elsewhere later would
    still write into the old one."""

    @property
    def base_location(self) -> str:
        return str(settings.ATTACHMENT_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def _attachment_storage() -> FileSystemStorage:
    return _AttachmentStorage()


class CaseAttachment(models.Model):
    """A file that belongs to a step: the scanned signed form, the decision, the certificate.

    Never changed or removed (party files are not silently edited): a wrong file is
    superseded by a correction of the step with the right one.
    """

    event = models.ForeignKey(CaseEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(storage=_attachment_storage, upload_to="%Y/%m/", max_length=200)
    name = models.CharField(_("tên tệp"), max_length=120)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("dung lượng"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "id"]
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")

    def __str__(self) -> str:
        return self.name
