from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dangvien.lib.forms import DATE_WIDGET
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import Decision, NewUnit


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class DecisionForm(forms.Form):
    """The decision every reorganisation records."""

    effective = forms.DateField(label=_("Ngày hiệu lực"), widget=DATE_WIDGET)
    number = forms.CharField(label=_("Số quyết định"), max_length=64)
    signed = forms.DateField(label=_("Ngày ký quyết định"), widget=DATE_WIDGET, required=False)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["effective"].initial = timezone.localdate()

    def decision(self) -> Decision:
        data = self.cleaned_data
        signed: date | None = data.get("signed")
        return Decision(
            effective=data["effective"], number=data["number"], signed=signed, note=data["note"]
        )


class NewUnitFields(forms.Form):
    code = forms.CharField(label=_("Mã đơn vị"), max_length=32)
    name = forms.CharField(label=_("Tên đơn vị"), max_length=200)
    kind = forms.ChoiceField(label=_("Cấp"), choices=UnitKind.choices)
    cell_kind = forms.ChoiceField(
        label=_("Loại chi bộ"), choices=[("", "—"), *CellKind.choices], required=False
    )

    def new_unit(self, prefix: str = "") -> NewUnit:
        data = self.cleaned_data
        return NewUnit(
            data["code"].strip(), data["name"].strip(), data["kind"], data.get("cell_kind") or ""
        )


class CreateForm(NewUnitFields, DecisionForm):
    field_order = ["code", "name", "kind", "cell_kind", "effective", "number", "signed", "note"]


class RenameForm(DecisionForm):
    name = forms.CharField(label=_("Tên mới"), max_length=200)
    field_order = ["name", "effective", "number", "signed", "note"]


class MoveForm(DecisionForm):
    new_parent = UnitChoiceField(label=_("Chuyển về trực thuộc"), queryset=Unit.objects.none())
    field_order = ["new_parent", "effective", "number", "signed", "note"]

    def __init__(self, *args: Any, candidates: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = candidates  # type: ignore[attr-defined]


class MergeForm(DecisionForm):
    others = UnitMultipleChoiceField(
        label=_("Hợp nhất cùng các đơn vị"), queryset=Unit.objects.none(), required=False
    )
    target = UnitChoiceField(
        label=_("Vào đơn vị đã có"), queryset=Unit.objects.none(), required=False
    )
    new_code = forms.CharField(label=_("hoặc đơn vị mới: mã"), max_length=32, required=False)
    new_name = forms.CharField(label=_("tên đơn vị mới"), max_length=200, required=False)
    field_order = [
        "others",
        "target",
        "new_code",
        "new_name",
        "effective",
        "number",
        "signed",
        "note",
    ]

    def __init__(
        self, *args: Any, others: QuerySet[Unit], targets: QuerySet[Unit], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["others"].queryset = others  # type: ignore[attr-defined]
        self.fields["target"].queryset = targets  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_new = bool(data.get("new_code") or data.get("new_name"))
        if data.get("target") is None and not has_new:
            raise forms.ValidationError(_("Chọn đơn vị nhận hoặc nhập mã và tên đơn vị mới."))
        if data.get("target") is not None and has_new:
            raise forms.ValidationError(_("Chỉ chọn một: đơn vị đã có hoặc đơn vị mới."))
        if has_new and not (data.get("new_code") and data.get("new_name")):
            raise forms.ValidationError(_("Đơn vị mới cần cả mã và tên."))
        return data


class SplitForm(DecisionForm):
    """Two or more new units, and for each active child the new unit that takes it."""

    def __init__(
        self, *args: Any, source: Unit, children: list[Unit], parts: int, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.parts = parts
        self.children = children
        for i in range(parts):
            self.fields[f"code_{i}"] = forms.CharField(
                label=_("Đơn vị mới %(n)s: mã") % {"n": i + 1}, max_length=32
            )
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("Đơn vị mới %(n)s: tên") % {"n": i + 1}, max_length=200
            )
        choices = [(str(i), _("Đơn vị mới %(n)s") % {"n": i + 1}) for i in range(parts)]
        for child in children:
            self.fields[f"child_{child.pk}"] = forms.ChoiceField(label=child.name, choices=choices)
        self.source = source
        self.order_fields(
            [
                *(f for i in range(parts) for f in (f"code_{i}", f"name_{i}")),
                *(f"child_{c.pk}" for c in children),
                "effective",
                "number",
                "signed",
                "note",
            ]
        )

    def results(self) -> list[NewUnit]:
        data = self.cleaned_data
        return [
            NewUnit(
                data[f"code_{i}"].strip(),
                data[f"name_{i}"].strip(),
                self.source.kind,
                self.source.cell_kind,
            )
            for i in range(self.parts)
        ]

    def assignments(self) -> dict[int, int]:
        return {child.pk: int(self.cleaned_data[f"child_{child.pk}"]) for child in self.children}


class DissolveForm(DecisionForm):
    pass


class TreeFilterForm(forms.Form):
    q = forms.CharField(label=_("Tìm đơn vị"), required=False)
    ngay = forms.DateField(label=_("Xem cây tổ chức tại ngày"), widget=DATE_WIDGET, required=False)
