"""Forms of the admission pages: the board's filters, opening a case, recording a step.

A step's form carries only the fields that step needs (votes for a vote, a helper for a
helper step, the certificate for the awareness class, introducers for the introductions);
the rules are checked by the service, whose problems come back onto these fields.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from dangvien.admission import rules
from dangvien.admission.models import Case, Introducer, Source, Step
from dangvien.admission.rules import Vote
from dangvien.admission.services import NewIntroducer, Upload
from dangvien.lib.forms import DATE_WIDGET
from dangvien.orgs.models import Unit
from dangvien.people.models import Person, Status


def _date(label: Any, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE_WIDGET)


class PersonChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} — {obj.unit.name}"


class BoardFilterForm(forms.Form):
    nguon = forms.ChoiceField(
        label=_("Nguồn"), required=False, choices=[("", _("Tất cả")), *Source.choices]
    )
    chi_bo = forms.ModelChoiceField(
        label=_("Chi bộ"), required=False, queryset=Unit.objects.none(), empty_label=_("Tất cả")
    )
    buoc = forms.ChoiceField(
        label=_("Bước"),
        required=False,
        choices=[("", _("Tất cả")), *((s, Step(s).label) for s in rules.ORDER)],
    )

    def __init__(self, *args: Any, cells: QuerySet[Unit] | None, **kwargs: Any) -> None:
        """`cells` None: too many to choose from, the board links to the units below."""
        super().__init__(*args, **kwargs)
        if cells is None:
            del self.fields["chi_bo"]
            return
        field = self.fields["chi_bo"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = cells


class CaseOpenForm(forms.Form):
    person = forms.ModelChoiceField(label=_("Quần chúng"), queryset=Person.objects.none())
    source = forms.ChoiceField(label=_("Nguồn"), choices=Source.choices)
    on = _date(_("Ngày đưa vào danh sách"))

    def __init__(self, *args: Any, candidates: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["person"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates


VOTE_FIELDS = (
    ("official_members", _("Số đảng viên chính thức")),
    ("elsewhere", _("Sinh hoạt tạm thời nơi khác")),
    ("exempt_absent", _("Miễn sinh hoạt, vắng mặt")),
    ("present", _("Có mặt")),
    ("votes_for", _("Tán thành")),
    ("votes_against", _("Không tán thành")),
)
COMMITTEE_VOTE_LABELS = {"official_members": _("Số cấp ủy viên")}
HELPER_STEPS = (Step.HELPER, Step.PROBATION_HELPER)


class StepForm(forms.Form):
    """The fields of one step; `step`, `stage` travel as hidden fields so that a form left
    open while someone else moved the case is refused (expected stage)."""

    step = forms.CharField(widget=forms.HiddenInput)
    stage = forms.CharField(widget=forms.HiddenInput)
    on = _date(_("Ngày"))
    document_number = forms.CharField(label=_("Số văn bản"), required=False, max_length=64)
    signed_by = forms.CharField(label=_("Người ký"), required=False, max_length=120)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = forms.FileField(
        label=_("Tệp đính kèm (bản chụp văn bản đã ký)"),
        required=False,
        help_text=_("PDF, JPEG, PNG, Word hoặc Excel."),
    )

    def __init__(
        self,
        *args: Any,
        case: Case,
        step: str,
        members: QuerySet[Person],
        cell_members: QuerySet[Person],
        official_members: int,
        show_override: bool,
        **kwargs: Any,
    ) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.update({"step": step, "stage": case.stage})
        super().__init__(*args, **kwargs)
        self.case = case
        self.step_name = step
        if step in (*rules.VOTES, *rules.COMMITTEE_VOTES):
            committee = step in rules.COMMITTEE_VOTES
            for name, label in VOTE_FIELDS:
                if committee:
                    label = COMMITTEE_VOTE_LABELS.get(name, label)
                self.fields[name] = forms.IntegerField(label=label, min_value=0)
            if not committee:
                self.initial.setdefault("official_members", official_members)
            self.initial.setdefault("elsewhere", 0)
            self.initial.setdefault("exempt_absent", 0)
            self.initial.setdefault("votes_against", 0)
        if step in HELPER_STEPS:
            self.fields["helper"] = PersonChoice(
                label=_("Đảng viên giúp đỡ"), queryset=cell_members
            )
        if step == Step.AWARENESS_CLASS:
            self.fields["certificate_number"] = forms.CharField(
                label=_("Số giấy chứng nhận"), required=False, max_length=64
            )
            self.fields["certificate_date"] = _date(_("Ngày cấp giấy chứng nhận"), False)
        if step == Step.INTRODUCTIONS:
            for n in (1, 2):
                self.fields[f"intro{n}_member"] = PersonChoice(
                    label=_("Người giới thiệu %(n)s") % {"n": n},
                    queryset=members,
                    required=False,
                )
                self.fields[f"intro{n}_since"] = _date(_("Cùng công tác từ"), False)
                self.fields[f"intro{n}_replacement"] = forms.BooleanField(
                    label=_("Giới thiệu thay thế"), required=False
                )
            self.fields["youth_union_document"] = forms.CharField(
                label=_("Hoặc: số nghị quyết giới thiệu của Đoàn (thay người giới thiệu 2)"),
                required=False,
                max_length=64,
            )
        if show_override:
            self.fields["override_document"] = forms.CharField(
                label=_("Văn bản cho phép ngoại lệ"), required=False, max_length=120
            )

    def vote(self) -> Vote | None:
        if "votes_for" not in self.fields:
            return None
        d = self.cleaned_data
        return Vote(**{name: int(d[name]) for name, _label in VOTE_FIELDS})

    def introducers(self) -> list[NewIntroducer] | None:
        if self.step_name != Step.INTRODUCTIONS:
            return None
        d = self.cleaned_data
        result: list[NewIntroducer] = []
        for n in (1, 2):
            member = d.get(f"intro{n}_member")
            if member is not None:
                result.append(
                    NewIntroducer(
                        Introducer.Kind.MEMBER,
                        member,
                        d.get(f"intro{n}_since"),
                        bool(d.get(f"intro{n}_replacement")),
                    )
                )
        document = (d.get("youth_union_document") or "").strip()
        if document:
            result.append(NewIntroducer(Introducer.Kind.YOUTH_UNION, document=document))
        return result

    def data_for_step(self) -> dict[str, Any]:
        d = self.cleaned_data
        if self.step_name != Step.AWARENESS_CLASS or not d.get("certificate_date"):
            return {}
        return {
            "certificate_date": d["certificate_date"].isoformat(),
            "certificate_number": (d.get("certificate_number") or "").strip(),
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.step_name == Step.INTRODUCTIONS:
            for n in (1, 2):
                if cleaned.get(f"intro{n}_member") and not (
                    cleaned.get(f"intro{n}_since") or cleaned.get(f"intro{n}_replacement")
                ):
                    self.add_error(
                        f"intro{n}_since",
                        _("Nhập ngày bắt đầu cùng công tác, học tập, cư trú."),
                    )
        return cleaned


def official_members_queryset(queryset: QuerySet[Person]) -> QuerySet[Person]:
    return queryset.filter(status=Status.OFFICIAL).select_related("unit").order_by("sort_key")


def upload_of(form: forms.Form, name: str = "attachment") -> list[Upload]:
    """The file the form received, read whole (the size limit is checked by the service)."""
    received = form.cleaned_data.get(name)
    if not received:
        return []
    return [Upload(received.name, received.read())]


class AttachForm(forms.Form):
    attachment = forms.FileField(label=_("Tệp đính kèm"))


class CorrectionForm(forms.Form):
    """What a correction may change: the date, the document, the signer, the note; with the
    reason and its basis, which the party file requires."""

    on = _date(_("Ngày"))
    document_number = forms.CharField(label=_("Số văn bản"), required=False, max_length=64)
    signed_by = forms.CharField(label=_("Người ký"), required=False, max_length=120)
    note = forms.CharField(
        label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(
        label=_("Lý do và căn cứ đính chính"), widget=forms.Textarea(attrs={"rows": 2})
    )
