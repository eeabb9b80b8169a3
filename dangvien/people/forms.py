"""Forms of the registry's pages: the list filter, the reconciliation, a new candidate, the
actions on a person (correction, status, positions, residence, transfer) and the categories."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, units_visible_to
from dangvien.lib.dates import DateFormatError, PartialDate, parse_partial_date
from dangvien.lib.forms import DATE_WIDGET
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.people import rules, selectors
from dangvien.people.list_selectors import (
    RESIDENCE_LIVING_HERE,
    RESIDENCE_REGISTERED,
    PeopleFilter,
)
from dangvien.people.models import (
    MEMBER_STATUSES,
    Category,
    CategoryKind,
    Person,
    PositionHolding,
    ResidenceRegistration,
    Sex,
    Status,
)
from dangvien.people.services import PersonData

ANY = [("", _("Tất cả"))]


class CategoryField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def __init__(self, kind: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", _("Tất cả") if not kwargs["required"] else "—")
        super().__init__(queryset=selectors.categories(kind), **kwargs)


class PeopleFilterForm(forms.Form):
    """GET parameters of the list and of its Excel export (the same filter for both)."""

    don_vi = forms.IntegerField(required=False, widget=forms.HiddenInput)
    loai = forms.ChoiceField(
        label=_("Danh sách"),
        required=False,
        choices=[
            ("members", _("Đảng viên")),
            ("candidates", _("Quần chúng")),
            ("all", _("Tất cả (kể cả đã ra khỏi danh sách)")),
        ],
    )
    q = forms.CharField(label=_("Tìm theo tên"), required=False, max_length=120)
    tinh_trang = forms.ChoiceField(
        label=_("Tình trạng"), required=False, choices=ANY + list(Status.choices)
    )
    loai_chi_bo = forms.ChoiceField(
        label=_("Loại chi bộ"), required=False, choices=ANY + list(CellKind.choices)
    )
    gioi_tinh = forms.ChoiceField(
        label=_("Giới tính"), required=False, choices=ANY + list(Sex.choices)
    )
    tuoi = forms.ChoiceField(
        label=_("Độ tuổi"),
        required=False,
        choices=[
            *ANY,
            ("18-30", _("18–30")),
            ("31-45", _("31–45")),
            ("46-60", _("46–60")),
            ("tren-60", _("Trên 60")),
        ],
    )
    cu_tru = forms.ChoiceField(
        label=_("Sinh hoạt nơi cư trú"),
        required=False,
        choices=[
            *ANY,
            (RESIDENCE_REGISTERED, _("Đảng viên của đơn vị đã đăng ký nơi cư trú")),
            (RESIDENCE_LIVING_HERE, _("Đảng viên nơi khác đăng ký cư trú tại đây")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dan_toc"] = CategoryField(CategoryKind.ETHNICITY, label=_("Dân tộc"))
        self.fields["hoc_van"] = CategoryField(
            CategoryKind.GENERAL_EDUCATION, label=_("Giáo dục phổ thông")
        )
        self.fields["chuc_danh"] = CategoryField(
            CategoryKind.POSITION, label=_("Chức danh đang giữ")
        )

    def people_filter(self) -> PeopleFilter:
        """The filter; an invalid parameter is ignored rather than failing the page."""
        data = self.cleaned_data if self.is_valid() else {}

        def pk(name: str) -> int | None:
            value = data.get(name)
            return value.pk if value is not None else None

        return PeopleFilter(
            kind=data.get("loai") or "members",
            status=data.get("tinh_trang", ""),
            cell_kind=data.get("loai_chi_bo", ""),
            sex=data.get("gioi_tinh", ""),
            age_band=data.get("tuoi", ""),
            ethnicity=pk("dan_toc"),
            general_education=pk("hoc_van"),
            position=pk("chuc_danh"),
            residence=data.get("cu_tru", ""),
            q=data.get("q", ""),
        )


class ReconciliationForm(forms.Form):
    period_end = forms.DateField(label=_("Kỳ đối chiếu đến ngày"), widget=DATE_WIDGET)
    members_listed = forms.IntegerField(label=_("Số đảng viên trong danh sách"), min_value=0)
    files_counted = forms.IntegerField(label=_("Số hồ sơ đếm được"), min_value=0)
    discrepancies = forms.CharField(
        label=_("Chênh lệch và lý do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, members_now: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period_end"].initial = timezone.localdate()
        self.fields["members_listed"].initial = members_now


class CandidateForm(forms.Form):
    """A new candidate (quần chúng): the record's essentials; the rest is added later."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    birth = forms.CharField(
        label=_("Ngày sinh"),
        max_length=10,
        help_text=_("dd/mm/yyyy; hồ sơ cũ có thể chỉ ghi mm/yyyy hoặc yyyy"),
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=12, required=False)
    home_town = forms.CharField(label=_("Quê quán"), max_length=200, required=False)
    residence = forms.CharField(label=_("Nơi ở hiện nay"), max_length=200, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ethnicity"] = CategoryField(
            CategoryKind.ETHNICITY, label=_("Dân tộc"), required=True
        )
        self.fields["religion"] = CategoryField(
            CategoryKind.RELIGION, label=_("Tôn giáo"), empty_label=_("Không")
        )
        self.fields["general_education"] = CategoryField(
            CategoryKind.GENERAL_EDUCATION, label=_("Giáo dục phổ thông"), empty_label="—"
        )
        self.fields["occupation"] = CategoryField(
            CategoryKind.OCCUPATION, label=_("Nghề nghiệp"), empty_label="—"
        )

    def clean_birth(self) -> PartialDate:
        try:
            return parse_partial_date(self.cleaned_data["birth"])
        except DateFormatError:
            raise forms.ValidationError(
                _("Ngày sinh phải có dạng dd/mm/yyyy, mm/yyyy hoặc yyyy.")
            ) from None

    def person_data(self) -> PersonData:
        data = self.cleaned_data
        return PersonData(
            full_name=data["full_name"].strip(),
            birth=data["birth"],
            sex=data["sex"],
            ethnicity=data["ethnicity"],
            religion=data.get("religion"),
            citizen_id=data.get("citizen_id", "").strip(),
            home_town=data.get("home_town", ""),
            residence=data.get("residence", ""),
            phone=data.get("phone", ""),
            general_education=data.get("general_education"),
            occupation=data.get("occupation"),
        )


# --- actions on a person ----------------------------------------------------------------

BIRTH_FORMAT_ERROR = _("Ngày sinh phải có dạng dd/mm/yyyy, mm/yyyy hoặc yyyy.")


def _date_field(label: Any, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET)


class RecordCategoryField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """The entries in use, plus the one the record already names (it may be out of use)."""

    def __init__(self, kind: str, current: Category | None, **kwargs: Any) -> None:
        wanted = Q(active=True) | Q(pk=current.pk) if current is not None else Q(active=True)
        queryset = Category.objects.filter(wanted, kind=kind).order_by("rank", "code")
        kwargs.setdefault("required", False)
        kwargs.setdefault("empty_label", "—")
        super().__init__(queryset=queryset, **kwargs)


# The record's fields, in the order of the form; `birth` stands for the three birth fields.
RECORD_FIELDS = (
    "full_name",
    "birth",
    "sex",
    "ethnicity",
    "religion",
    "citizen_id",
    "home_town",
    "residence",
    "phone",
    "general_education",
    "professional",
    "political_theory",
    "occupation",
    "decision_number",
    "decision_date",
    "ceremony_date",
    "official_date",
    "card_number",
)
_CATEGORY_FIELDS = {
    "ethnicity": (CategoryKind.ETHNICITY, _("Dân tộc")),
    "religion": (CategoryKind.RELIGION, _("Tôn giáo")),
    "general_education": (CategoryKind.GENERAL_EDUCATION, _("Giáo dục phổ thông")),
    "professional": (CategoryKind.PROFESSIONAL, _("Chuyên môn, nghiệp vụ")),
    "political_theory": (CategoryKind.POLITICAL_THEORY, _("Lý luận chính trị")),
    "occupation": (CategoryKind.OCCUPATION, _("Nghề nghiệp")),
}


class PersonCorrectForm(forms.Form):
    """The record as it stands; only the fields the user changed are sent to the service."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=120)
    birth = forms.CharField(
        label=_("Ngày sinh"),
        max_length=10,
        help_text=_("dd/mm/yyyy; hồ sơ cũ có thể chỉ ghi mm/yyyy hoặc yyyy"),
    )
    sex = forms.ChoiceField(label=_("Giới tính"), choices=Sex.choices)
    citizen_id = forms.CharField(label=_("Số CCCD"), max_length=12, required=False)
    home_town = forms.CharField(label=_("Quê quán"), max_length=200, required=False)
    residence = forms.CharField(label=_("Nơi ở hiện nay"), max_length=200, required=False)
    phone = forms.CharField(label=_("Điện thoại"), max_length=20, required=False)
    decision_number = forms.CharField(
        label=_("Số quyết định kết nạp"), max_length=64, required=False
    )
    decision_date = _date_field(_("Ngày quyết định kết nạp"), required=False)
    ceremony_date = _date_field(_("Ngày vào Đảng"), required=False)
    official_date = _date_field(_("Ngày chính thức"), required=False)
    card_number = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False)
    basis = forms.CharField(
        label=_("Căn cứ pháp lý"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Văn bản cho phép sửa hồ sơ (số, ngày, cơ quan ban hành)."),
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        kwargs.setdefault("initial", self.initial_of(person))
        super().__init__(*args, **kwargs)
        self.person = person
        for name, (kind, label) in _CATEGORY_FIELDS.items():
            current = getattr(person, name)
            self.fields[name] = RecordCategoryField(
                kind, current, label=label, required=name == "ethnicity"
            )
        self.order_fields([*RECORD_FIELDS, "basis"])

    @staticmethod
    def initial_of(person: Person) -> dict[str, Any]:
        values = {
            name: getattr(person, name)
            for name in RECORD_FIELDS
            if name not in {"birth", "citizen_id"}
        }
        values["birth"] = person.birth_display
        values["citizen_id"] = person.citizen_id or ""
        return values

    def clean_birth(self) -> PartialDate:
        try:
            return parse_partial_date(self.cleaned_data["birth"])
        except DateFormatError:
            raise forms.ValidationError(BIRTH_FORMAT_ERROR) from None

    def changes(self) -> dict[str, Any]:
        """The fields whose value differs from the record, as `person_update` takes them."""
        person = self.person
        current: dict[str, Any] = self.initial_of(person)
        current["birth"] = PartialDate(person.birth_year, person.birth_month, person.birth_day)
        changed: dict[str, Any] = {}
        for name in RECORD_FIELDS:
            value = self.cleaned_data.get(name)
            if isinstance(value, str):
                value = value.strip()
            if value != current[name]:
                changed[name] = value
        return changed

    def confidential_changes(self) -> list[str]:
        names = set(self.changes())
        if "birth" in names:
            names |= {"birth_year", "birth_month", "birth_day"}
        return sorted(names & rules.CONFIDENTIAL_FIELDS)


class StatusChangeForm(forms.Form):
    """Only the statuses the transitions table allows from the current one are offered."""

    status = forms.ChoiceField(label=_("Tình trạng mới"))
    on = _date_field(_("Từ ngày"))
    document = forms.CharField(label=_("Văn bản (số, ngày)"), max_length=120, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decision_number = forms.CharField(
        label=_("Số quyết định kết nạp"), max_length=64, required=False
    )
    decision_date = _date_field(_("Ngày quyết định kết nạp"), required=False)
    ceremony_date = _date_field(_("Ngày vào Đảng"), required=False)
    official_date = _date_field(_("Ngày chính thức"), required=False)
    card_number = forms.CharField(label=_("Số thẻ đảng viên"), max_length=20, required=False)

    ADMISSION_FIELDS = (
        "decision_number",
        "decision_date",
        "ceremony_date",
        "official_date",
        "card_number",
    )

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        allowed = rules.TRANSITIONS.get(person.status, set())
        field = self.fields["status"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(value, label) for value, label in Status.choices if value in allowed]
        field.error_messages["invalid_choice"] = _(
            "Không thể chuyển từ “%(old)s” sang tình trạng này: bảng chuyển tình trạng không "
            "cho phép."
        ) % {"old": Status(person.status).label}
        self.fields["on"].initial = timezone.localdate()

    def admission(self) -> dict[str, Any] | None:
        """The admission fields filled in, when the new status is a member's."""
        if self.cleaned_data["status"] not in MEMBER_STATUSES:
            return None
        values = {
            name: self.cleaned_data[name]
            for name in self.ADMISSION_FIELDS
            if self.cleaned_data.get(name) not in (None, "")
        }
        return values or None


def editable_units(user: AnyUser) -> QuerySet[Unit]:
    return units_visible_to(user, Role.EDITOR).filter(valid_to__isnull=True).order_by("path")


class PositionStartForm(forms.Form):
    place = forms.CharField(label=_("Địa bàn"), max_length=120, required=False)
    start = _date_field(_("Từ ngày"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["position"] = CategoryField(
            CategoryKind.POSITION, label=_("Chức danh"), required=True
        )
        self.fields["unit"] = forms.ModelChoiceField(
            label=_("Đơn vị"), queryset=editable_units(user), empty_label="—"
        )
        self.order_fields(["position", "unit", "place", "start"])


class PositionEndForm(forms.Form):
    end = _date_field(_("Thôi giữ từ ngày"))

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["holding"] = forms.ModelChoiceField(
            label=_("Chức danh đang giữ"),
            queryset=PositionHolding.objects.filter(person=person, end__isnull=True)
            .select_related("position", "unit")
            .order_by("start", "id"),
            empty_label="—",
        )
        self.order_fields(["holding", "end"])


class ResidenceRegisterForm(forms.Form):
    start = _date_field(_("Từ ngày"))

    def __init__(self, *args: Any, user: AnyUser, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cells = (
            editable_units(user)
            .filter(kind=UnitKind.CELL, cell_kind=CellKind.RESIDENTIAL)
            .exclude(pk=person.unit_id)
        )
        self.fields["unit"] = forms.ModelChoiceField(
            label=_("Chi bộ khu dân cư nơi cư trú"), queryset=cells, empty_label="—"
        )
        self.order_fields(["unit", "start"])


class ResidenceEndForm(forms.Form):
    end = _date_field(_("Kết thúc từ ngày"))

    def __init__(self, *args: Any, registration: ResidenceRegistration, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.registration = registration


class TransferRequestForm(forms.Form):
    to_outside = forms.CharField(
        label=_("Hoặc đơn vị nhận ngoài hệ thống"), max_length=200, required=False
    )
    on = _date_field(_("Ngày đề nghị"))

    def __init__(self, *args: Any, user: AnyUser, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cells = (
            units_visible_to(user)
            .filter(kind=UnitKind.CELL, valid_to__isnull=True)
            .exclude(pk=person.unit_id)
            .order_by("path")
        )
        self.fields["to_unit"] = forms.ModelChoiceField(
            label=_("Chi bộ nhận"), queryset=cells, required=False, empty_label="—"
        )
        self.order_fields(["to_unit", "to_outside", "on"])


class TransferSendForm(forms.Form):
    on = _date_field(_("Ngày giới thiệu"))
    document = forms.CharField(label=_("Giấy giới thiệu số"), max_length=64)


class TransferReceiveForm(forms.Form):
    on = _date_field(_("Ngày tiếp nhận"))


# --- categories -------------------------------------------------------------------------


class CategoryCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Danh mục"), choices=CategoryKind.choices)
    code = forms.CharField(label=_("Mã"), max_length=16)
    name = forms.CharField(label=_("Tên"), max_length=120)
    rank = forms.IntegerField(label=_("Thứ bậc"), initial=0, min_value=-32768, max_value=32767)
    aliases = forms.CharField(
        label=_("Cách viết khác"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Mỗi dòng một cách viết; khi nhập Excel không phân biệt hoa thường, dấu."),
    )
