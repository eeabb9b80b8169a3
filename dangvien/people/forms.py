"""Forms of the registry's pages: the list filter, the reconciliation and a new candidate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.lib.dates import DateFormatError, PartialDate, parse_partial_date
from dangvien.orgs.models import CellKind
from dangvien.people import selectors
from dangvien.people.list_selectors import (
    RESIDENCE_LIVING_HERE,
    RESIDENCE_REGISTERED,
    PeopleFilter,
)
from dangvien.people.models import CategoryKind, Sex, Status
from dangvien.people.services import PersonData

DATE_WIDGET = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})
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
