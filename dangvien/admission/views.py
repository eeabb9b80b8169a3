"""Thin views of the admission pipeline: the board, a case, recording a step, opening a case
and the case's forms filled. Reads come from the scoped selectors; writes go through the
services, which check the role and the rules again."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, F, Prefetch, QuerySet, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role, root_units_for, unit_get_for_user
from dangvien.admission import rules, selectors
from dangvien.admission.forms import (
    HELPER_STEPS,
    AttachForm,
    BoardFilterForm,
    CaseOpenForm,
    CorrectionForm,
    StepForm,
    official_members_queryset,
    upload_of,
)
from dangvien.admission.models import Case, CaseAttachment, CaseEvent, Step
from dangvien.admission.selectors import Deadline
from dangvien.admission.services import (
    case_attach,
    case_correct_event,
    case_open,
    case_record_step,
    required_role,
)
from dangvien.lib.errors import ServiceError
from dangvien.lib.selectors import working_calendar
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people.models import FileViewKind, Person, Status
from dangvien.people.selectors import people_visible_to
from dangvien.people.view_log import file_view_record

logger = logging.getLogger(__name__)

# --- the board ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    case: Case
    days_in_stage: int
    deadline: Deadline | None
    overdue: bool
    next_step: str | None  # the step "Ghi bước tiếp" opens; None: the user may not record it


@dataclass(frozen=True)
class Column:
    step: str
    label: str
    cards: list[Card]
    count: int  # every open case at this stage under the filters, shown or not


# A column shows the cases longest at its stage first, at most this many; the rest are
# counted and reached through the stage filter, page by page. A province holds thousands
# of open cases: drawing them all made a page of 6 MB that took seconds to build.
BOARD_CARDS = 12
BOARD_PAGE = 100
# Above this many cells the cell chooser gives way to links to the units below.
BOARD_CELL_CHOICES = 200


def _board_unit(request: HttpRequest) -> Unit:
    raw = request.GET.get("don_vi", "")
    if raw:
        return unit_get_for_user(request.user, raw)
    unit = root_units_for(request.user).first()
    if unit is None:
        raise Http404(_("Bạn chưa được giao quản lý đơn vị nào."))
    return unit


def _card(request: HttpRequest, case: Case, today: date) -> Card:
    # The deadline the services keep on the case (`due_on`): no per-card computation.
    deadline = Deadline(case.due_label, case.due_on, "") if case.due_on else None
    following = rules.next_steps(case.stage, selectors.has_partial_committee(case))
    return Card(
        case,
        (today - case.stage_since).days,
        deadline,
        deadline is not None and deadline.due < today,
        following[0]
        if following and has_role(request.user, case.unit, required_role(following[0]))
        else None,
    )


@require_GET
def board(request: HttpRequest) -> HttpResponse:
    unit = _board_unit(request)
    today = timezone.localdate()
    cells = Unit.objects.filter(
        path__startswith=unit.path, kind=UnitKind.CELL, valid_to__isnull=True
    ).order_by("sort_key")
    few_cells = unit.kind == UnitKind.CELL or cells[BOARD_CELL_CHOICES:].count() == 0
    form = BoardFilterForm(request.GET or None, cells=cells if few_cells else None)
    cases = selectors.cases_visible_to(request.user).filter(
        state=Case.State.OPEN, unit__path__startswith=unit.path
    )
    cell: Unit | None = None
    stage = ""
    if form.is_valid():
        if form.cleaned_data["nguon"]:
            cases = cases.filter(source=form.cleaned_data["nguon"])
        cell = form.cleaned_data.get("chi_bo")
        if cell is not None:
            cases = cases.filter(unit=cell)
        stage = form.cleaned_data["buoc"]
    if unit.kind == UnitKind.CELL:
        cell = unit
    counts = dict(cases.order_by().values_list("stage").annotate(n=Count("id")))
    steps = [stage] if stage else list(rules.ORDER)
    oldest = cases.select_related("person", "unit__parent").order_by("stage_since", "id")
    page = None
    if stage:
        page = Paginator(oldest.filter(stage=stage), BOARD_PAGE).get_page(request.GET.get("trang"))
        listed = list(page.object_list)
    else:
        # The first cards of every column: numbered within their stage over the narrow case
        # rows alone (a province's 15,000 open cases sort in a few ms), then fetched whole.
        place = Window(RowNumber(), partition_by=[F("stage")], order_by=[F("stage_since"), F("id")])
        first = cases.annotate(place=place).filter(place__lte=BOARD_CARDS)
        listed = list(oldest.filter(pk__in=list(first.values_list("pk", flat=True))))
    by_stage: dict[str, list[Card]] = {step: [] for step in steps}
    for case in listed:
        by_stage.setdefault(case.stage, []).append(_card(request, case, today))
    columns = [
        Column(step, str(Step(step).label), by_stage[step], counts.get(step, 0)) for step in steps
    ]
    context = {
        "unit": unit,
        "form": form,
        "columns": columns,
        "total": sum(counts.values()),
        "page": page,
        "stage": stage,
        "below": None
        if few_cells
        else Unit.objects.filter(parent=unit, valid_to__isnull=True).order_by("sort_key"),
        "today": today,
        "open_cell": cell
        if cell is not None and has_role(request.user, cell, Role.EDITOR)
        else None,
    }
    return render(request, "admission/board.html", context)


# --- the case page ------------------------------------------------------------------------


@dataclass(frozen=True)
class NextAction:
    step: str
    label: str
    blockers: list[rules.Blocker]
    allowed: bool  # the user holds the role the step needs
    is_end: bool


@dataclass(frozen=True)
class DossierItem:
    step: str
    code: str
    present: bool
    note: str

    @property
    def label(self) -> str:
        return str(Step(self.step).label)


def _next_actions(request: HttpRequest, case: Case, today: date) -> list[NextAction]:
    if case.state != Case.State.OPEN:
        return []
    result = []
    for step in rules.next_steps(case.stage, selectors.has_partial_committee(case)):
        blockers = selectors.case_blockers(
            case, step, today, today=today, vote=selectors.preview_vote(case, step)
        )
        result.append(
            NextAction(
                step,
                str(Step(step).label),
                blockers,
                has_role(request.user, case.unit, required_role(step)),
                step in rules.ENDS,
            )
        )
    return result


def _dossier(case: Case, events: list[CaseEvent], today: date) -> list[DossierItem]:
    recorded = {e.step for e in events if not e.corrections.all()}
    if case.stage in rules.ORDER:
        reached = rules.ORDER[: rules.ORDER.index(case.stage) + 1]
    else:  # an end: everything recorded so far
        reached = [s for s in rules.ORDER if s in recorded]
    items = []
    for step in reached:
        code = rules.FORMS.get(step)
        if code is None:
            continue
        note = ""
        if step == Step.AWARENESS_CLASS:
            facts = selectors.case_facts(case, Step.CELL_RESOLUTION, today, today=today)
            if facts.certificate_expires is not None:
                expired = facts.certificate_expires <= today
                note = (
                    _("Giấy chứng nhận đã hết hạn ngày %(d)s")
                    if expired
                    else _("Giấy chứng nhận còn hạn đến ngày %(d)s")
                ) % {"d": f"{facts.certificate_expires:%d/%m/%Y}"}
        items.append(DossierItem(step, code, step in recorded, note))
    return items


def _printable_codes() -> set[str]:
    try:
        from dangvien.documents.forms_registry import FORMS
    except ImportError:  # the forms are not installed
        return set()
    return {form.code for form in FORMS}


@require_GET
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, pk)
    _log_view(request, case, FileViewKind.CASE, request.get_full_path())
    today = timezone.localdate()
    loaded = (
        CaseEvent.objects.select_related("corrects", "recorded_by")
        .prefetch_related("corrections", "attachments")
        .order_by("on", "id")
    )
    # Loaded on the case, the rules' look-ups of its events read them from there.
    prefetch_related_objects([case], Prefetch("events", queryset=loaded))
    events = list(case.events.all())
    context = {
        "case": case,
        "events": events,
        "introducers": list(selectors.introducers_of(case)),
        "deadline": selectors.case_deadline(case, working_calendar()),
        "actions": _next_actions(request, case, today),
        "dossier": _dossier(case, events, today),
        "printable": _printable_codes(),
        "today": today,
        "can_attach": has_role(request.user, case.unit, Role.EDITOR),
        "can_correct": has_role(request.user, case.unit, Role.APPROVER),
        "attach_form": AttachForm(),
    }
    return render(request, "admission/case.html", context)


def _log_view(request: HttpRequest, case: Case, kind: FileViewKind, detail: str) -> None:
    """The candidate's file was shown: one row of the confidential-file view log."""
    file_view_record(
        viewer=request.user, kind=kind, unit=case.unit, person=case.person, detail=detail
    )


# --- files and corrections of a recorded step ---------------------------------------------


def _event_of(request: HttpRequest, pk: int, event: int, role: int) -> tuple[Case, CaseEvent]:
    """The case (404 out of scope), one of its events (404 if not its own), and the role."""
    case = selectors.case_get_for_user(request.user, pk)
    found = case.events.filter(pk=event).first()
    if found is None:
        raise Http404(_("Không có bước này trong hồ sơ."))
    if not has_role(request.user, case.unit, role):
        raise PermissionDenied(
            _("Bạn không có quyền %(role)s trên %(unit)s.")
            % {"role": Role(role).label, "unit": case.unit.name}
        )
    return case, found


@require_http_methods(["POST"])
def event_attach(request: HttpRequest, pk: int, event: int) -> HttpResponse:
    case, found = _event_of(request, pk, event, Role.EDITOR)
    form = AttachForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Chọn tệp để đính kèm."))
        return redirect("admission:case", pk=case.pk)
    try:
        case_attach(acting_user=request.user, event=found, uploads=upload_of(form))
    except ServiceError as exc:
        for problem in exc.problems:
            messages.error(request, problem.message)
    else:
        messages.success(
            request, _("Đã đính kèm tệp vào bước “%(step)s”.") % {"step": found.get_step_display()}
        )
    return redirect("admission:case", pk=case.pk)


@require_GET
def attachment_download(request: HttpRequest, pk: int, attachment: int) -> HttpResponseBase:
    from dangvien.documents.views import content_disposition

    case = selectors.case_get_for_user(request.user, pk)
    found = CaseAttachment.objects.filter(pk=attachment, event__case=case).first()
    if found is None:
        raise Http404(_("Không tìm thấy tệp."))
    try:
        opened = found.file.open("rb")
    except FileNotFoundError:
        # Deleted by hand, or a restore without the attachments folder: the row stays (party
        # files are not removed), the administrator restores the file from a backup.
        logger.error(
            "Attachment %s of case %s: its file is missing (%s)", found.pk, case.pk, found.file.path
        )
        context = {"case": case, "attachment": found}
        return render(request, "admission/attachment_missing.html", context, status=404)
    _log_view(request, case, FileViewKind.ATTACHMENT, found.name)
    response = FileResponse(opened, content_type=found.content_type)
    response["Content-Disposition"] = content_disposition(
        f"tep-{found.pk}.{found.name.rsplit('.', 1)[-1]}", found.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
def event_correct(request: HttpRequest, pk: int, event: int) -> HttpResponse:
    case, found = _event_of(request, pk, event, Role.APPROVER)
    initial = {
        "on": found.on,
        "document_number": found.document_number,
        "signed_by": found.signed_by,
        "note": found.note,
    }
    form = CorrectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case_correct_event(
                acting_user=request.user,
                event=found,
                reason=d["reason"],
                on=d["on"],
                document_number=d["document_number"],
                signed_by=d["signed_by"],
                note=d["note"],
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request, _("Đã đính chính bước “%(step)s”.") % {"step": found.get_step_display()}
            )
            return redirect("admission:case", pk=case.pk)
    context = {"case": case, "event": found, "form": form}
    return render(request, "admission/correct.html", context)


# --- recording a step ---------------------------------------------------------------------


def _step_form(
    request: HttpRequest, case: Case, step: str, data: Any = None, files: Any = None
) -> StepForm:
    today = timezone.localdate()
    blockers = selectors.case_blockers(
        case, step, today, today=today, vote=selectors.preview_vote(case, step)
    )
    committee = case.unit.parent.path if case.unit.parent else case.unit.path
    members = official_members_queryset(
        people_visible_to(request.user).filter(unit__path__startswith=committee)
    ).exclude(pk=case.person_id)
    cell_members = official_members_queryset(case.unit.people.all()).exclude(pk=case.person_id)
    return StepForm(
        data,
        files,
        case=case,
        step=step,
        members=members,
        cell_members=cell_members,
        official_members=selectors.official_members_of(case),
        show_override=any(b.overridable for b in blockers),
    )


def _record(request: HttpRequest, form: StepForm, case: Case) -> bool:
    d = form.cleaned_data
    helper: Person | None = d.get("helper") if form.step_name in HELPER_STEPS else None
    try:
        case_record_step(
            acting_user=request.user,
            case=case,
            step=form.step_name,
            on=d["on"],
            document_number=d.get("document_number") or "",
            signed_by=d.get("signed_by") or "",
            note=d.get("note") or "",
            vote=form.vote(),
            introducers=form.introducers(),
            helper=helper,
            override_document=d.get("override_document") or "",
            data=form.data_for_step(),
            expected_stage=d["stage"],
            attachments=upload_of(form),
        )
    except ServiceError as exc:
        aliases = {
            "certificate": "certificate_date",
            "introducers": "intro1_member",
            "attachment": "attachment",
            "birth": "on",
        }
        for field, errors in exc.by_field().items():
            name = field if field in form.fields else aliases.get(field)
            # Hidden fields (the step, the stage shown) are not displayed: above the form.
            shown = name in form.fields and not form[name].is_hidden
            for error in errors:
                form.add_error(name if shown else None, error)
        return False
    return True


@require_http_methods(["GET", "POST"])
def case_record(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get_for_user(request.user, pk)
    step = request.POST.get("step") if request.method == "POST" else request.GET.get("buoc")
    if step not in Step.values:
        raise Http404(_("Không có bước này."))
    assert step is not None
    if not has_role(request.user, case.unit, required_role(step)):
        raise PermissionDenied(
            _("Bạn không có quyền %(role)s trên %(unit)s.")
            % {"role": Role(required_role(step)).label, "unit": case.unit.name}
        )
    if request.method == "GET":
        allowed = rules.next_steps(case.stage, selectors.has_partial_committee(case))
        if case.state != Case.State.OPEN or step not in allowed:
            messages.warning(
                request,
                _("Bước “%(step)s” không phải bước tiếp theo của hồ sơ.")
                % {"step": Step(step).label},
            )
            return redirect("admission:case", pk=case.pk)
        form = _step_form(request, case, step)
    else:
        form = _step_form(request, case, step, request.POST, request.FILES)
        if form.is_valid() and _record(request, form, case):
            messages.success(
                request,
                _("Đã ghi bước “%(step)s” cho %(name)s.")
                % {"step": Step(step).label, "name": case.person.full_name},
            )
            return redirect("admission:case", pk=case.pk)
    today = timezone.localdate()
    context = {
        "case": case,
        "step": step,
        "step_label": Step(step).label,
        "form": form,
        "stage_shown": form["stage"].value(),
        "blockers": selectors.case_blockers(
            case, step, today, today=today, vote=selectors.preview_vote(case, step)
        )
        if case.state == Case.State.OPEN and case.stage == form["stage"].value()
        else [],
    }
    return render(request, "admission/record.html", context)


# --- opening a case -----------------------------------------------------------------------


def _candidates(unit: Unit) -> QuerySet[Person]:
    return (
        unit.people.filter(status__in=[Status.CANDIDATE, Status.NOT_ADMITTED])
        .exclude(cases__state=Case.State.OPEN)
        .order_by("sort_key")
    )


@require_http_methods(["GET", "POST"])
def case_open_view(request: HttpRequest, unit: int) -> HttpResponse:
    cell = unit_get_for_user(request.user, unit)
    if cell.kind != UnitKind.CELL:
        raise Http404(_("Hồ sơ kết nạp được mở ở một chi bộ."))
    if not has_role(request.user, cell, Role.EDITOR):
        raise PermissionDenied(
            _("Bạn không có quyền %(role)s trên %(unit)s.")
            % {"role": Role.EDITOR.label, "unit": cell.name}
        )
    form = CaseOpenForm(
        request.POST or None,
        candidates=_candidates(cell),
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = case_open(
                acting_user=request.user, person=d["person"], source=d["source"], on=d["on"]
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(
                request,
                _("Đã mở hồ sơ kết nạp cho %(name)s.") % {"name": case.person.full_name},
            )
            return redirect("admission:case", pk=case.pk)
    board_url = reverse("admission:board") + f"?don_vi={cell.pk}"
    return render(
        request, "admission/open.html", {"cell": cell, "form": form, "board_url": board_url}
    )


# --- the case's forms, filled -------------------------------------------------------------


@require_GET
def case_form(request: HttpRequest, pk: int, code: str, fmt: str) -> HttpResponse:
    from dangvien.admission.form_context import case_form_context
    from dangvien.documents.forms_registry import UnknownForm, get_form
    from dangvien.documents.render import render_docx, render_pdf
    from dangvien.documents.views import CONTENT_TYPES, content_disposition

    case = selectors.case_get_for_user(request.user, pk)
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        form = get_form(code)
    except UnknownForm:
        raise Http404 from None
    _log_view(request, case, FileViewKind.FORM, f"{form.code} ({fmt})")
    context = case_form_context(case, form.code)
    body = render_docx(form.code, context) if fmt == "docx" else render_pdf(form.code, context)
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(
        f"Mau-{form.slug}-ho-so-{case.pk}.{fmt}",
        f"Mẫu-{form.code}-{case.person.full_name}.{fmt}",
    )
    return response
