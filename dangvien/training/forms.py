"""Forms of the training pages: open a class, record results row by row, choose a unit."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, units_visible_to
from dangvien.lib.forms import DATE_WIDGET
from dangvien.orgs.models import Unit, UnitKind
from dangvien.training.models import ClassKind, Enrolment, Result


def organiser_units(user: AnyUser) -> QuerySet[Unit]:
    """Units the user may edit that can open a class (anything above a cell)."""
    return (
        units_visible_to(user, Role.EDITOR)
        .filter(valid_to__isnull=True)
        .exclude(kind=UnitKind.CELL)
        .order_by("path")
    )


class ClassForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại lớp"), choices=ClassKind.choices)
    name = forms.CharField(label=_("Tên lớp"), max_length=200)
    place = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    start = forms.DateField(label=_("Từ ngày"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("Đến ngày"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea({"rows": 3}))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"] = forms.ModelChoiceField(
            label=_("Đơn vị mở lớp"), queryset=organiser_units(user), empty_label="—"
        )
        self.order_fields(["organiser", "kind", "name", "place", "start", "end", "note"])


ATTENDED_CHOICES = [("", "—"), ("yes", _("Có")), ("no", _("Không"))]


def _attended_choice(attended: bool | None) -> str:
    if attended is None:
        return ""
    return "yes" if attended else "no"


class ResultRowForm(forms.Form):
    """One enrolment's row; the prefix is the enrolment id, so one POST carries every row."""

    attended = forms.ChoiceField(label=_("Dự học"), choices=ATTENDED_CHOICES, required=False)
    result = forms.ChoiceField(label=_("Kết quả"), choices=Result.choices)
    certificate_number = forms.CharField(label=_("Số GCN"), max_length=64, required=False)
    certificate_date = forms.DateField(label=_("Ngày cấp"), required=False, widget=DATE_WIDGET)

    def __init__(self, data: Any, *, enrolment: Enrolment) -> None:
        initial = {
            "attended": _attended_choice(enrolment.attended),
            "result": enrolment.result,
            "certificate_number": enrolment.certificate_number,
            "certificate_date": enrolment.certificate_date,
        }
        super().__init__(data, prefix=str(enrolment.pk), initial=initial)
        self.enrolment = enrolment

    def attended_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["attended"])
