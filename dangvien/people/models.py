"""The registry: people (candidates and members), their categories, status history,
positions, mass-organisation memberships, residence registrations and transfers.

`Person.status`, `Person.unit` and the dates on `Person` are the *kept* current state; the
history that explains them is in `StatusEvent` (and the audit trail). Only the services in
`services.py` write any of these rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.lib.fields import SortKeyField
from dangvien.lib.models import RecordedEvent
from dangvien.orgs.models import ResidentialArea, Unit


class CategoryKind(models.TextChoices):
    ETHNICITY = "ethnicity", _("Dân tộc")
    RELIGION = "religion", _("Tôn giáo")
    GENERAL_EDUCATION = "general_education", _("Giáo dục phổ thông")
    PROFESSIONAL = "professional", _("Chuyên môn, nghiệp vụ")
    POLITICAL_THEORY = "political_theory", _("Lý luận chính trị")
    OCCUPATION = "occupation", _("Nghề nghiệp")
    MASS_ORGANISATION = "mass_organisation", _("Đoàn thể")
    POSITION = "position", _("Chức danh ở cơ sở")


class Category(models.Model):
    """One entry of an extensible list (the 54 ethnic groups, education levels, positions…).

    `rank` orders entries that have an order (education: the equivalent grade of the 12-year
    system, so 7/10 and 9/12 both rank 9). `aliases` are other spellings the importer accepts
    (one per line), matched ignoring case and tone marks.
    """

    kind = models.CharField(_("danh mục"), max_length=24, choices=CategoryKind.choices)
    code = models.CharField(_("mã"), max_length=16)
    name = models.CharField(_("tên"), max_length=120)
    rank = models.SmallIntegerField(_("thứ bậc"), default=0)
    aliases = models.TextField(_("cách viết khác"), blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)

    class Meta:
        ordering = ["kind", "rank", "code"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="category_code_once")]
        verbose_name = _("danh mục")
        verbose_name_plural = _("danh mục")

    def __str__(self) -> str:
        return self.name


class Sex(models.TextChoices):
    MALE = "M", _("Nam")
    FEMALE = "F", _("Nữ")


class Status(models.TextChoices):
    CANDIDATE = "candidate", _("Quần chúng (đối tượng kết nạp)")
    PROBATIONARY = "probationary", _("Đảng viên dự bị")
    OFFICIAL = "official", _("Đảng viên chính thức")
    REMOVED = "removed", _("Xóa tên khỏi danh sách đảng viên dự bị")
    LEFT = "left", _("Ra khỏi Đảng")
    EXPELLED = "expelled", _("Khai trừ")
    DECEASED = "deceased", _("Từ trần")
    TRANSFERRED_OUT = "transferred_out", _("Chuyển sinh hoạt ra ngoài đảng bộ")
    NOT_ADMITTED = "not_admitted", _("Không còn là đối tượng kết nạp")


MEMBER_STATUSES = (Status.PROBATIONARY, Status.OFFICIAL)


class Person(models.Model):
    full_name = models.CharField(_("họ và tên"), max_length=120)
    # Legacy records may know only the year, or the month and year, of birth.
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"))
    birth_month = models.PositiveSmallIntegerField(_("tháng sinh"), null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(_("ngày sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=1, choices=Sex.choices)
    ethnicity = models.ForeignKey(
        Category, verbose_name=_("dân tộc"), on_delete=models.PROTECT, related_name="+"
    )
    religion = models.ForeignKey(
        Category,
        verbose_name=_("tôn giáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Stored as NULL when unknown, so that the unique constraint only binds real numbers.
    citizen_id = models.CharField(_("số CCCD"), max_length=12, null=True, blank=True, unique=True)
    home_town = models.CharField(_("quê quán"), max_length=200, blank=True)
    residence = models.CharField(_("nơi ở hiện nay"), max_length=200, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    general_education = models.ForeignKey(
        Category,
        verbose_name=_("giáo dục phổ thông"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    professional = models.ForeignKey(
        Category,
        verbose_name=_("chuyên môn, nghiệp vụ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    political_theory = models.ForeignKey(
        Category,
        verbose_name=_("lý luận chính trị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation = models.ForeignKey(
        Category,
        verbose_name=_("nghề nghiệp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The home cell: where a member is registered and active, or the cell proposing a candidate.
    unit = models.ForeignKey(
        Unit, verbose_name=_("chi bộ"), on_delete=models.PROTECT, related_name="people"
    )
    # The residential area the person lives in, where known (structural targets count it).
    area = models.ForeignKey(
        ResidentialArea,
        verbose_name=_("khu dân cư nơi ở"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="residents",
    )
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status.choices)
    status_since = models.DateField(_("từ ngày"))
    # Admission: the decision (its number and the date written in it, from which party age
    # counts), the ceremony ("ngày vào Đảng"), and recognition as official member.
    decision_number = models.CharField(_("số quyết định kết nạp"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True)
    ceremony_date = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    official_date = models.DateField(_("ngày chính thức"), null=True, blank=True)
    # The cell that admitted the person, kept apart from `unit` (which follows transfers) so
    # that admissions count for the unit that made them in every later report.
    admission_unit = models.ForeignKey(
        Unit,
        verbose_name=_("chi bộ kết nạp"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admitted_people",
    )
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True)
    # Months out of the party before a readmission, deducted from party age.
    months_out = models.PositiveSmallIntegerField(_("số tháng không ở trong Đảng"), default=0)
    search_text = models.CharField(max_length=200, db_index=True)
    sort_key = SortKeyField(max_length=400)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_key", "id"]
        indexes = [
            models.Index(fields=["unit", "status", "sort_key"]),
            models.Index(fields=["status", "sort_key"]),
            models.Index(fields=["sort_key", "id"]),
            models.Index(fields=["decision_date"]),
        ]
        verbose_name = _("người")
        verbose_name_plural = _("người")

    def __str__(self) -> str:
        return self.full_name

    @property
    def is_member(self) -> bool:
        return self.status in MEMBER_STATUSES

    @property
    def birth_display(self) -> str:
        """dd/mm/yyyy, mm/yyyy or yyyy, as much as is known."""
        if self.birth_month and self.birth_day:
            return f"{self.birth_day:02d}/{self.birth_month:02d}/{self.birth_year}"
        if self.birth_month:
            return f"{self.birth_month:02d}/{self.birth_year}"
        return str(self.birth_year)


class PersonName(models.Model):
    """One name as the search reads it: a (sort key, folded name) pair that some person has.

    The search finds the names whose words the query's words begin (a few hundred of the
    country's names, not millions of people), then reads their people through the name
    order's index, already sorted (`selectors.people_search`). Kept by the services that
    write a person's name, by the synthetic loader and by migration people 0007;
    `check-integrity` lists people whose pair is missing. A name nobody has any more stays:
    it finds no one.
    """

    search_text = models.CharField(max_length=200)
    sort_key = SortKeyField(max_length=400)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sort_key", "search_text"], name="person_name_once")
        ]

    def __str__(self) -> str:
        return self.search_text


class StatusEvent(RecordedEvent):
    """One change of status (admitted, recognised, removed, left, deceased…) with its basis.

    Append-only; a mistaken event is corrected by a new one that points at it.
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="status_events")
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status.choices)
    on = models.DateField(_("ngày"))
    document = models.CharField(_("văn bản"), max_length=120, blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["person", "on", "id"]
        indexes = [models.Index(fields=["status", "on"])]
        verbose_name = _("thay đổi tình trạng")
        verbose_name_plural = _("thay đổi tình trạng")

    def __str__(self) -> str:
        return f"{self.person} — {self.get_status_display()} ({self.on:%d/%m/%Y})"


class MassOrgMembership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="mass_orgs")
    organisation = models.ForeignKey(
        Category, verbose_name=_("đoàn thể"), on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateField(_("từ ngày"), null=True, blank=True)
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["person", "start"]
        verbose_name = _("sinh hoạt đoàn thể")
        verbose_name_plural = _("sinh hoạt đoàn thể")

    def __str__(self) -> str:
        return f"{self.person} — {self.organisation}"


class PositionHolding(models.Model):
    """A community post held in a residential area or a cell (trưởng thôn, tổ trưởng tổ dân
    phố, bí thư chi bộ…), with dates: two open holdings are a concurrent post ("kiêm")."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="positions")
    position = models.ForeignKey(
        Category, verbose_name=_("chức danh"), on_delete=models.PROTECT, related_name="+"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="position_holdings"
    )
    place = models.CharField(_("địa bàn"), max_length=120, blank=True)
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["person", "start"]
        indexes = [models.Index(fields=["position", "end"])]
        verbose_name = _("chức danh đảm nhiệm")
        verbose_name_plural = _("chức danh đảm nhiệm")

    def __str__(self) -> str:
        return f"{self.person} — {self.position} {self.place}".strip()


class ResidenceRegistration(models.Model):
    """A serving member registered with the cell of the place they live (sinh hoạt nơi cư
    trú), apart from their home cell at work (seed 003: 473 members, > 810 registered)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="residences")
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("chi bộ nơi cư trú"),
        on_delete=models.PROTECT,
        related_name="residence_registrations",
    )
    start = models.DateField(_("từ ngày"))
    end = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        ordering = ["person", "start"]
        indexes = [models.Index(fields=["unit", "end"])]
        verbose_name = _("đăng ký sinh hoạt nơi cư trú")
        verbose_name_plural = _("đăng ký sinh hoạt nơi cư trú")

    def __str__(self) -> str:
        return f"{self.person} — {self.unit}"


class Transfer(models.Model):
    """Moving a member's party activity to another unit: requested, sent, received."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Đã đề nghị")
        SENT = "sent", _("Đã giới thiệu chuyển đi")
        RECEIVED = "received", _("Đã tiếp nhận")
        CANCELLED = "cancelled", _("Đã hủy")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="transfers")
    from_unit = models.ForeignKey(
        Unit, verbose_name=_("chuyển từ"), on_delete=models.PROTECT, related_name="+"
    )
    # Null when the member leaves for a unit outside this system (another province's system).
    to_unit = models.ForeignKey(
        Unit,
        verbose_name=_("chuyển đến"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_outside = models.CharField(_("đơn vị nhận ngoài hệ thống"), max_length=200, blank=True)
    state = models.CharField(_("trạng thái"), max_length=12, choices=State.choices)
    requested_on = models.DateField(_("ngày đề nghị"))
    sent_on = models.DateField(_("ngày giới thiệu"), null=True, blank=True)
    received_on = models.DateField(_("ngày tiếp nhận"), null=True, blank=True)
    # Due date in working days from the letter of introduction, by the rule in force then.
    due_on = models.DateField(_("hạn tiếp nhận"), null=True, blank=True)
    document = models.CharField(_("giấy giới thiệu số"), max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["state", "due_on"])]
        verbose_name = _("chuyển sinh hoạt đảng")
        verbose_name_plural = _("chuyển sinh hoạt đảng")

    def __str__(self) -> str:
        return f"{self.person}: {self.from_unit} → {self.to_unit or self.to_outside}"


class Reconciliation(models.Model):
    """The six-monthly check of the member list against the files (đối chiếu danh sách)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reconciliations")
    period_end = models.DateField(_("kỳ đối chiếu đến ngày"))
    members_listed = models.PositiveIntegerField(_("số đảng viên trong danh sách"))
    files_counted = models.PositiveIntegerField(_("số hồ sơ đếm được"))
    discrepancies = models.TextField(_("chênh lệch và lý do"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("đối chiếu danh sách đảng viên")
        verbose_name_plural = _("đối chiếu danh sách đảng viên")

    def __str__(self) -> str:
        return f"{self.unit} — {self.period_end:%d/%m/%Y}"


class ImportJob(models.Model):
    """An uploaded workbook going through check (preview) and then commit, in a background
    task; the page polls `processed`/`total` for its progress bar."""

    class Kind(models.TextChoices):
        MEMBERS = "members", _("Đảng viên")
        CANDIDATES = "candidates", _("Quần chúng")

    class State(models.TextChoices):
        QUEUED = "queued", _("Đang chờ")
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Đã kiểm tra")
        IMPORTING = "importing", _("Đang nhập")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Không nhập được")

    kind = models.CharField(max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="import_jobs")
    file_name = models.CharField(max_length=200)
    content = models.BinaryField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    # [{"row": 5, "column": "Ngày sinh", "message": "…"}]: every problem the check found.
    problems = models.JSONField(default=list)
    created_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The background task's last sign of life (each state change and progress step): a
    # running job that has not moved for `IMPORT_STALL_MINUTES` was interrupted.
    touched_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lần nhập Excel")
        verbose_name_plural = _("lần nhập Excel")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.CHECKING, self.State.IMPORTING)

    def stalled(self, now: datetime, minutes: int) -> bool:
        """Running, and no sign of life for `minutes`: its task was killed (the server
        restarted, the worker stopped) and will not finish. An import is one transaction,
        so such a job wrote nothing."""
        last = self.touched_at or self.created_at
        return self.running and last < now - timedelta(minutes=minutes)


class FileViewKind(models.TextChoices):
    """What was looked at. Party files are confidential (tài liệu mật): every read of one is
    logged (issue 7), as a list of the places that show a person's file."""

    PAGE = "page", _("Trang hồ sơ")
    CASE = "case", _("Hồ sơ kết nạp")
    FORM = "form", _("Biểu mẫu điền sẵn")
    ATTACHMENT = "attachment", _("Tệp đính kèm")
    REGISTER = "register", _("Sổ danh sách đảng viên")
    EXPORT = "export", _("Xuất danh sách Excel")


class FileViewQuerySet(models.QuerySet["FileView"]):
    def update(self, **kwargs: object) -> NoReturn:
        raise PermissionError("the file view log is append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("the file view log is append-only")


class FileView(models.Model):
    """One read of a person's confidential file: who looked at whom, when, what, from where.

    A read log, not an audit event: one INSERT in the request that showed the file, with what
    the view already has (no extra query). A list of many people (the register, an export) is
    one row with the unit, the count and the filter, not a row per person. Append-only like
    `AuditEvent`. `unit` is where the person's file was kept at the moment of the view (the
    list's unit for a register or an export): the log is scoped by it, so the administrators
    answerable for that unit at the time see who read its files.
    """

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="file_views"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("nội dung xem"), max_length=12, choices=FileViewKind.choices)
    # The form's code, the attachment's name, the register or the export's filter.
    detail = models.CharField(_("chi tiết"), max_length=300, blank=True)
    count = models.PositiveIntegerField(_("số người"), default=1)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=36, blank=True)

    objects = FileViewQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["person", "at"]), models.Index(fields=["viewer", "at"])]
        verbose_name = _("lượt xem hồ sơ")
        verbose_name_plural = _("nhật ký xem hồ sơ")

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.viewer_id} {self.kind} {self.person_id or ''}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the file view log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("the file view log is append-only")
