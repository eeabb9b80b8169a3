"""The organisation tree (tổ chức đảng) and its history.

`Unit.path` is a materialised path of the unit's *current* place, used for scoping and
subtree queries without recursion. A unit that has ended (merged, split, dissolved) keeps its
row forever and, when it has a successor, is placed under that successor, so the successor's
users see its history. What the tree looked like on a given day lives in `UnitVersion`: one
row per unit per period with its name, parent and path of that time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dangvien.lib.fields import SortKeyField

# Each step of a path is the unit's id in base 36, fixed width, so that paths compare and
# prefix-match as plain strings. Seven characters allow 78 billion units.
PATH_STEP = 7


class UnitKind(models.TextChoices):
    CENTRAL = "central", _("Trung ương")
    PROVINCE = "province", _("Đảng bộ tỉnh, thành phố")
    DISTRICT = "district", _("Đảng bộ huyện, quận, thị xã, thành phố thuộc tỉnh (trước 7/2025)")
    BLOC = "bloc", _("Đảng bộ khối, đảng bộ trực thuộc")
    COMMUNE = "commune", _("Đảng bộ xã, phường, đặc khu")
    GRASSROOTS = "grassroots", _("Đảng bộ cơ sở")
    PARTIAL = "partial", _("Đảng bộ bộ phận")
    CELL = "cell", _("Chi bộ")


class CellKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Khu dân cư (thôn, khu phố, tổ dân phố)")
    SCHOOL = "school", _("Trường học")
    HEALTH = "health", _("Y tế")
    POLICE = "police", _("Công an")
    MILITARY = "military", _("Quân sự")
    AGENCY = "agency", _("Cơ quan")
    ENTERPRISE = "enterprise", _("Doanh nghiệp")


class Unit(models.Model):
    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    kind = models.CharField(_("cấp"), max_length=16, choices=UnitKind.choices)
    cell_kind = models.CharField(
        _("loại chi bộ"), max_length=16, choices=CellKind.choices, blank=True
    )
    admin_code = models.CharField(
        _("mã đơn vị hành chính"), max_length=8, blank=True, db_index=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True)
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("chấm dứt từ"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    # Tone-folded name and code, for search that ignores tone marks.
    search_text = models.CharField(max_length=250, db_index=True)
    # Vietnamese collation key of the name, so ORDER BY gives alphabetical order everywhere.
    sort_key = SortKeyField(max_length=500)

    class Meta:
        ordering = ["path"]
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")
        indexes = [
            models.Index(fields=["kind", "path"]),
            models.Index(fields=["parent", "sort_key"]),
            # The ended units (merged, dissolved: a few per cent of the tree): a report of the
            # country looks for those ended in its period and those merged into its children,
            # which without this index read the whole unit table (20 ms each at national
            # scale).
            models.Index(
                fields=["valid_to", "successor"],
                condition=models.Q(valid_to__isnull=False),
                name="unit_ended",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.valid_to is None

    @property
    def depth(self) -> int:
        return len(self.path) // PATH_STEP

    def ancestor_paths(self) -> list[str]:
        """Paths of every ancestor in the current tree, root first, without the unit itself."""
        return [self.path[:i] for i in range(PATH_STEP, len(self.path), PATH_STEP)]


class Reorganisation(models.Model):
    """One decision that changed the tree: create, rename, move, merge, split or dissolve."""

    class Kind(models.TextChoices):
        CREATE = "create", _("Thành lập")
        RENAME = "rename", _("Đổi tên")
        MOVE = "move", _("Chuyển trực thuộc")
        MERGE = "merge", _("Hợp nhất, sáp nhập")
        SPLIT = "split", _("Chia tách")
        DISSOLVE = "dissolve", _("Giải thể")

    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=64, blank=True)
    decision_date = models.DateField(_("ngày quyết định"), null=True, blank=True)
    effective_date = models.DateField(_("ngày hiệu lực"))
    note = models.TextField(_("ghi chú"), blank=True)
    summary = models.JSONField(_("nội dung"), default=dict)
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    units: models.ManyToManyField[Unit, ReorganisationUnit] = models.ManyToManyField(
        Unit, through="ReorganisationUnit", related_name="reorganisations"
    )

    class Meta:
        ordering = ["-effective_date", "-id"]
        verbose_name = _("thay đổi tổ chức")
        verbose_name_plural = _("thay đổi tổ chức")

    def __str__(self) -> str:
        number = f" {self.decision_number}" if self.decision_number else ""
        return f"{self.get_kind_display()}{number} ({self.effective_date:%d/%m/%Y})"


class ReorganisationUnit(models.Model):
    class Role(models.TextChoices):
        SOURCE = "source", _("đơn vị cũ")
        RESULT = "result", _("đơn vị sau thay đổi")
        MOVED = "moved", _("đơn vị chuyển")

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.PROTECT)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT)
    role = models.CharField(max_length=8, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reorganisation", "unit", "role"], name="reorganisation_unit_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reorganisation} — {self.unit} ({self.get_role_display()})"


class UnitVersion(models.Model):
    """What a unit was called and where it stood from `valid_from` until `valid_to`."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="versions")
    name = models.CharField(max_length=200)
    parent = models.ForeignKey(
        Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    path = models.CharField(max_length=255)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    reorganisation = models.ForeignKey(
        Reorganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["unit", "valid_from"]
        indexes = [
            models.Index(fields=["parent", "valid_from"]),
            models.Index(fields=["path", "valid_from"]),
            models.Index(fields=["unit", "valid_from"]),
        ]

    def __str__(self) -> str:
        end = f"{self.valid_to:%d/%m/%Y}" if self.valid_to else "…"
        return f"{self.name} ({self.valid_from:%d/%m/%Y}–{end})"


class AuthorityRule(models.Model):
    """Which kind of unit decides admissions and recognitions, from a date, and on what basis.

    Before July 2025 it was the district-level standing committee; from 1 July 2025 the
    commune-level committee (domain guide: an inference, so it is data an administrator can
    change, never code).
    """

    kind = models.CharField(_("cấp"), max_length=16, choices=UnitKind.choices)
    decides_admission = models.BooleanField(_("quyết định kết nạp"))
    decides_recognition = models.BooleanField(_("quyết định công nhận chính thức"))
    effective_from = models.DateField(_("hiệu lực từ"))
    source = models.TextField(_("căn cứ"))

    class Meta:
        ordering = ["kind", "-effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "effective_from"], name="authority_rule_once")
        ]
        verbose_name = _("thẩm quyền quyết định theo cấp")
        verbose_name_plural = _("thẩm quyền quyết định theo cấp")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.effective_from:%d/%m/%Y})"


class UnitDelegation(models.Model):
    """A unit given the power to decide (e.g. a grassroots committee that was delegated it)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="delegations")
    decides_admission = models.BooleanField(_("quyết định kết nạp"))
    decides_recognition = models.BooleanField(_("quyết định công nhận chính thức"))
    effective_from = models.DateField(_("hiệu lực từ"))
    effective_to = models.DateField(_("hết hiệu lực từ"), null=True, blank=True)
    document = models.CharField(_("văn bản ủy quyền"), max_length=200)

    class Meta:
        ordering = ["unit", "-effective_from"]
        verbose_name = _("ủy quyền quyết định")
        verbose_name_plural = _("ủy quyền quyết định")

    def __str__(self) -> str:
        return f"{self.unit} — {self.document}"


class ResidentialArea(models.Model):
    """A village, hamlet, neighbourhood or residential group (thôn, bản, khu phố, tổ dân phố)
    of a commune: the place a structural target counts ("the share of residential areas
    with a party member, with a cell"). `cell` is the residential cell that covers it, if any.
    """

    unit = models.ForeignKey(
        Unit,
        verbose_name=_("thuộc đảng bộ"),
        on_delete=models.PROTECT,
        related_name="residential_areas",
    )
    name = models.CharField(_("tên thôn, khu phố, tổ dân phố"), max_length=120)
    cell = models.ForeignKey(
        Unit,
        verbose_name=_("chi bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="covered_areas",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("chấm dứt từ"), null=True, blank=True)
    sort_key = SortKeyField(max_length=300)

    class Meta:
        ordering = ["unit", "sort_key"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="area_name_once_per_unit")
        ]
        verbose_name = _("khu dân cư")
        verbose_name_plural = _("khu dân cư")

    def __str__(self) -> str:
        return self.name
