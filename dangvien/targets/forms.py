"""Forms of the target pages: a child's row of the assignment table, the document the
parent assigns by, a structural target, residential areas."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.lib.forms import DATE_WIDGET
from dangvien.lib.periods import Period, PeriodError
from dangvien.lib.xlsx import MAX_UPLOAD_BYTES
from dangvien.orgs.models import Unit
from dangvien.people.models import Category
from dangvien.targets.models import StructuralMeasure


class PeriodField(forms.CharField):
    """A period code (2026, 2026-H1, 2026-Q1, 2025-2030), cleaned to a `Period`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "help_text", gettext_lazy("Năm 2026, 6 tháng 2026-H1, quý 2026-Q1, nhiệm kỳ 2025-2030.")
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Any:
        text = super().clean(value)
        if not text:
            return None
        try:
            return Period.parse(text)
        except PeriodError:
            raise forms.ValidationError(
                _("“%(value)s” không phải kỳ: ghi 2026, 2026-H1, 2026-Q1 hoặc 2025-2030.")
                % {"value": text}
            ) from None


class ChildRowForm(forms.Form):
    """One child's target; the prefix is the child's id, so one POST carries every row and
    a service problem `<id>-admissions` lands on its row."""

    admissions = forms.IntegerField(label=gettext_lazy("Chỉ tiêu"), min_value=0, required=False)
    admissions_min = forms.IntegerField(
        label=gettext_lazy("Tối thiểu"), min_value=0, required=False
    )


class AssignForm(forms.Form):
    document = forms.CharField(label=gettext_lazy("Văn bản giao chỉ tiêu"), max_length=120)
    assigned_on = forms.DateField(
        label=gettext_lazy("Ngày giao"), required=False, widget=DATE_WIDGET
    )
    note = forms.CharField(
        label=gettext_lazy("Ghi chú"), required=False, widget=forms.Textarea({"rows": 2})
    )


class StructuralForm(forms.Form):
    period = PeriodField(label=gettext_lazy("Kỳ"))
    measure = forms.ChoiceField(label=gettext_lazy("Chỉ tiêu"), choices=StructuralMeasure.choices)
    position = forms.ModelChoiceField(
        label=gettext_lazy("Chức danh"),
        queryset=Category.objects.none(),
        required=False,
        empty_label="—",
        help_text=gettext_lazy("Chỉ với chỉ tiêu về người giữ chức danh."),
    )
    percent = forms.DecimalField(
        label=gettext_lazy("Tỷ lệ (%)"), max_digits=5, decimal_places=2, min_value=0
    )
    strict = forms.BooleanField(label=gettext_lazy("Trên mức này (“trên 60%”)"), required=False)
    document = forms.CharField(label=gettext_lazy("Văn bản giao"), max_length=120, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["position"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Category.objects.filter(kind="position", active=True).order_by("rank")


class AreaForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên thôn, khu phố, tổ dân phố"), max_length=120)
    cell = forms.ModelChoiceField(
        label=gettext_lazy("Chi bộ phụ trách"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=gettext_lazy("— chưa có chi bộ —"),
    )

    def __init__(self, *args: Any, cells: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["cell"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cells


class AreasBulkForm(forms.Form):
    lines = forms.CharField(
        label=gettext_lazy("Danh sách (mỗi dòng một khu; có thể ghi thêm “| mã chi bộ”)"),
        widget=forms.Textarea({"rows": 8, "placeholder": "Tổ dân phố 1 | QN.TK.AM.1"}),
    )


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn; giới hạn là %(limit)s MB.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload
