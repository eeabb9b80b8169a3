"""Thin views of the registry: lists, the person's page and its actions, registers,
reconciliation, a new candidate and the categories. Reads come from the scoped selectors;
writes go through the services, which check the role again."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role, unit_get_for_user
from dangvien.lib.db import holds_nul
from dangvien.lib.errors import ServiceError
from dangvien.lib.selectors import is_national_administrator
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.people import category_services, list_selectors, rules, selectors, services
from dangvien.people.exporter import write_people_xlsx
from dangvien.people.forms import (
    CandidateForm,
    CategoryCreateForm,
    PeopleFilterForm,
    PersonCorrectForm,
    PositionEndForm,
    PositionStartForm,
    ReconciliationForm,
    ResidenceEndForm,
    ResidenceRegisterForm,
    StatusChangeForm,
    TransferReceiveForm,
    TransferRequestForm,
    TransferSendForm,
    editable_units,
)
from dangvien.people.models import (
    Category,
    CategoryKind,
    FileViewKind,
    Person,
    Status,
    Transfer,
)
from dangvien.people.selectors import person_get_for_user
from dangvien.people.view_log import FileViewFilterForm, file_view_record

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _list_unit(request: HttpRequest) -> Unit:
    """The unit named by `don_vi`, or the user's outermost granted unit (404 outside scope)."""
    raw = request.GET.get("don_vi", "")
    if raw:
        return unit_get_for_user(request.user, raw)
    unit = list_selectors.default_unit_for(request.user)
    if unit is None:
        raise Http404(_("Bạn chưa được giao quản lý đơn vị nào."))
    return unit


def _after(request: HttpRequest) -> tuple[str, int] | None:
    key, pk = request.GET.get("sau"), request.GET.get("sau_id", "")
    # A key with NUL is no key the page wrote.
    if key is None or holds_nul(key) or not pk.isdigit():
        return None
    return key, int(pk)


@require_GET
def people_list(request: HttpRequest) -> HttpResponse:
    unit = _list_unit(request)
    form = PeopleFilterForm(request.GET)
    flt = form.people_filter()
    people = list_selectors.people_filtered(request.user, unit, flt)
    page = list_selectors.people_page(people, _after(request))
    # The filter without the page key: the base of "Trang sau", "Trang đầu" and the export.
    params = request.GET.copy()
    params.pop("sau", None)
    params.pop("sau_id", None)
    params["don_vi"] = str(unit.pk)
    query = params.urlencode()
    next_query = ""
    if page.next_key is not None:
        next_query = query + "&" + urlencode({"sau": page.next_key[0], "sau_id": page.next_key[1]})
    context = {
        "unit": unit,
        "form": form,
        "flt": flt,
        "page": page,
        "query": query,
        "next_query": next_query,
        "is_first_page": _after(request) is None,
        "can_add": unit.kind == UnitKind.CELL
        and unit.is_active
        and has_role(request.user, unit, Role.EDITOR),
    }
    return render(request, "people/list.html", context)


@require_GET
def people_export(request: HttpRequest) -> FileResponse:
    unit = _list_unit(request)
    flt = PeopleFilterForm(request.GET).people_filter()
    people = list_selectors.people_filtered(request.user, unit, flt)
    # A temporary file, not memory: a province's list is tens of megabytes.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    count = write_people_xlsx(
        people, out, kind="candidates" if flt.kind == "candidates" else "members"
    )
    # One row for the whole export: its unit, filter and size (the files of `count` people).
    file_view_record(
        viewer=request.user,
        kind=FileViewKind.EXPORT,
        unit=unit,
        detail=request.get_full_path(),
        count=count,
    )
    out.seek(0)
    name = f"danh-sach-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for_user(request.user, pk)
    _log_view(request, person)
    record = list_selectors.person_record(person)
    months = record.party_age_months
    context = {
        "person": person,
        "record": record,
        "party_age": None if months is None else (months // 12, months % 12),
        "actions": _actions(request, person),
        "today": timezone.localdate(),
        "can_read_views": has_role(request.user, person.unit, Role.ADMINISTRATOR),
    }
    return render(request, "people/person.html", context)


def _log_view(request: HttpRequest, person: Person) -> None:
    """A GET shows the file: one row of the view log. A POST is a write (the service audits
    it), and the form it shows again on an error was logged by its GET."""
    if request.method == "GET":
        file_view_record(
            viewer=request.user,
            kind=FileViewKind.PAGE,
            unit=person.unit,
            person=person,
            detail=request.get_full_path(),
        )


# --- actions on a person ----------------------------------------------------------------


def _actions(request: HttpRequest, person: Person) -> dict[str, bool]:
    """Which action links the person's page offers; each service checks the role again."""
    user = request.user
    editor = has_role(user, person.unit, Role.EDITOR)
    residence_cells = editable_units(user).filter(
        kind=UnitKind.CELL, cell_kind=CellKind.RESIDENTIAL
    )
    return {
        "correct": editor,
        "status": has_role(user, person.unit, Role.APPROVER)
        and bool(rules.TRANSITIONS.get(person.status)),
        "positions": editor,
        "residence": person.is_member and (editor or residence_cells.exists()),
        "transfer": editor or _open_transfer(person) is not None,
    }


def _person_for(request: HttpRequest, pk: int, role: int | None = Role.EDITOR) -> Person:
    """The person (404 outside the user's scope); 403 without `role` on their cell."""
    person = person_get_for_user(request.user, pk)
    if role is not None and not has_role(request.user, person.unit, role):
        raise PermissionDenied(
            _("Bạn không có quyền %(role)s trên %(unit)s.")
            % {"role": Role(role).label, "unit": person.unit.name}
        )
    # The action pages show the file too (the correction form holds every field of it).
    _log_view(request, person)
    return person


def _attempt(form: Any, write: Callable[[], object]) -> bool:
    """Run the service; its problems go onto the form, each under the field it names."""
    try:
        write()
    except ServiceError as exc:
        for field, errors in exc.by_field().items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
        return False
    return True


def _done(request: HttpRequest, person: Person, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("people:person", pk=person.pk)


@require_http_methods(["GET", "POST"])
def person_correct(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    form = PersonCorrectForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        if not changes:
            messages.info(request, _("Không có gì thay đổi."))
            return redirect("people:person", pk=person.pk)
        basis = form.cleaned_data["basis"]
        if _attempt(
            form,
            lambda: services.person_update(
                acting_user=request.user, person=person, changes=changes, basis=basis
            ),
        ):
            return _done(request, person, _("Đã sửa hồ sơ của %(name)s.") % {"name": person})
    context = {
        "person": person,
        "form": form,
        "title": _("Sửa hồ sơ"),
        "rule": rules.CONFIDENTIAL_SOURCE,
        "confidential": sorted(
            str(getattr(Person._meta.get_field(name), "verbose_name", name))
            for name in rules.CONFIDENTIAL_FIELDS
            if name not in {"birth_month", "birth_day", "months_out"}
        ),
        "can_confidential": has_role(request.user, person.unit, Role.APPROVER),
    }
    return render(request, "people/action_correct.html", context)


@require_http_methods(["GET", "POST"])
def person_status(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk, Role.APPROVER)
    form = StatusChangeForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form,
            lambda: services.person_set_status(
                acting_user=request.user,
                person=person,
                status=data["status"],
                on=data["on"],
                document=data["document"].strip(),
                note=data["note"].strip(),
                admission=form.admission(),
            ),
        ):
            return _done(
                request,
                person,
                _("Đã ghi tình trạng “%(status)s”.") % {"status": Status(data["status"]).label},
            )
    context = {"person": person, "form": form, "title": _("Thay đổi tình trạng")}
    return render(request, "people/action_status.html", context)


@require_http_methods(["GET", "POST"])
def person_positions(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_for(request, pk)
    action = request.POST.get("action", "")
    posted = request.method == "POST"
    start_form = PositionStartForm(
        request.POST if posted and action == "start" else None, user=request.user
    )
    end_form = PositionEndForm(request.POST if posted and action == "end" else None, person=person)
    if action == "start" and start_form.is_valid():
        data = start_form.cleaned_data
        if _attempt(
            start_form,
            lambda: services.position_start(
                acting_user=request.user,
                person=person,
                position=data["position"],
                unit=data["unit"],
                start=data["start"],
                place=data["place"].strip(),
            ),
        ):
            return _done(request, person, _("Đã ghi chức danh %(p)s.") % {"p": data["position"]})
    if action == "end" and end_form.is_valid():
        data = end_form.cleaned_data
        if _attempt(
            end_form,
            lambda: services.position_end(
                acting_user=request.user, holding=data["holding"], end=data["end"]
            ),
        ):
            return _done(
                request, person, _("Đã ghi thôi giữ %(p)s.") % {"p": data["holding"].position}
            )
    context = {
        "person": person,
        "start_form": start_form,
        "end_form": end_form,
        "has_open": end_form.fields["holding"].queryset.exists(),  # type: ignore[attr-defined]
        "title": _("Chức danh đảm nhiệm"),
    }
    return render(request, "people/action_positions.html", context)


@require_http_methods(["GET", "POST"])
def person_residence(request: HttpRequest, pk: int) -> HttpResponse:
    # The registering cell's editor may act without a role on the home cell: the service
    # checks the role on the residential cell.
    person = _person_for(request, pk, role=None)
    action = request.POST.get("action", "")
    posted = request.method == "POST"
    current = person.residences.select_related("unit").filter(end__isnull=True).first()
    register_form = ResidenceRegisterForm(
        request.POST if posted and action == "register" else None, user=request.user, person=person
    )
    end_form = (
        ResidenceEndForm(request.POST if posted and action == "end" else None, registration=current)
        if current is not None
        else None
    )
    if action == "register" and register_form.is_valid():
        data = register_form.cleaned_data
        if _attempt(
            register_form,
            lambda: services.residence_register(
                acting_user=request.user, person=person, unit=data["unit"], start=data["start"]
            ),
        ):
            return _done(
                request, person, _("Đã đăng ký sinh hoạt tại %(u)s.") % {"u": data["unit"]}
            )
    if action == "end" and end_form is not None and current is not None and end_form.is_valid():
        end = end_form.cleaned_data["end"]
        if _attempt(
            end_form,
            lambda: services.residence_end(acting_user=request.user, registration=current, end=end),
        ):
            return _done(request, person, _("Đã kết thúc sinh hoạt nơi cư trú."))
    context = {
        "person": person,
        "current": current,
        "register_form": register_form,
        "end_form": end_form,
        "can_end": current is not None and has_role(request.user, current.unit, Role.EDITOR),
        "title": _("Sinh hoạt nơi cư trú"),
    }
    return render(request, "people/action_residence.html", context)


def _open_transfer(person: Person) -> Transfer | None:
    return (
        person.transfers.select_related("from_unit", "to_unit")
        .filter(state__in=[Transfer.State.REQUESTED, Transfer.State.SENT])
        .first()
    )


@require_http_methods(["GET", "POST"])
def person_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    # The receiving cell's editor may have no role on the home cell; each service checks.
    person = _person_for(request, pk, role=None)
    user = request.user
    transfer = _open_transfer(person)
    action = request.POST.get("action", "")
    posted = request.method == "POST"

    def bound(name: str) -> Any:
        return request.POST if posted and action == name else None

    request_form = TransferRequestForm(bound("request"), user=user, person=person)
    send_form = TransferSendForm(bound("send"))
    receive_form = TransferReceiveForm(bound("receive"))
    if action == "request" and request_form.is_valid():
        data = request_form.cleaned_data
        if _attempt(
            request_form,
            lambda: services.transfer_request(
                acting_user=user,
                person=person,
                to_unit=data["to_unit"],
                to_outside=data["to_outside"],
                on=data["on"],
            ),
        ):
            return _done(request, person, _("Đã ghi đề nghị chuyển sinh hoạt đảng."))
    elif action in {"send", "receive", "cancel"} and transfer is None:
        request_form.add_error(None, _("Không có lần chuyển sinh hoạt nào đang làm."))
    elif action == "send" and transfer is not None and send_form.is_valid():
        data = send_form.cleaned_data
        if _attempt(
            send_form,
            lambda: services.transfer_send(
                acting_user=user, transfer=transfer, on=data["on"], document=data["document"]
            ),
        ):
            return _done(request, person, _("Đã ghi giấy giới thiệu chuyển sinh hoạt."))
    elif action == "receive" and transfer is not None and receive_form.is_valid():
        on = receive_form.cleaned_data["on"]
        if _attempt(
            receive_form,
            lambda: services.transfer_receive(acting_user=user, transfer=transfer, on=on),
        ):
            return _done(request, person, _("Đã tiếp nhận đảng viên."))
    elif (
        action == "cancel"
        and transfer is not None
        and _attempt(
            request_form,
            lambda: services.transfer_cancel(acting_user=user, transfer=transfer),
        )
    ):
        return _done(request, person, _("Đã hủy đề nghị chuyển sinh hoạt."))
    today = timezone.localdate()
    context = {
        "person": person,
        "transfer": transfer,
        "overdue": transfer is not None
        and transfer.due_on is not None
        and transfer.received_on is None
        and transfer.due_on < today,
        "history": person.transfers.select_related("from_unit", "to_unit"),
        "today": today,
        "request_form": request_form,
        "send_form": send_form,
        "receive_form": receive_form,
        "can_request": transfer is None and has_role(user, person.unit, Role.EDITOR),
        "can_send": transfer is not None
        and transfer.state == Transfer.State.REQUESTED
        and has_role(user, transfer.from_unit, Role.APPROVER),
        "can_cancel": transfer is not None
        and transfer.state == Transfer.State.REQUESTED
        and has_role(user, transfer.from_unit, Role.EDITOR),
        "can_receive": transfer is not None
        and transfer.state == Transfer.State.SENT
        and transfer.to_unit is not None
        and has_role(user, transfer.to_unit, Role.EDITOR),
        "title": _("Chuyển sinh hoạt đảng"),
    }
    return render(request, "people/action_transfer.html", context)


# --- categories -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    """Every list with its entries; national administrators add entries and switch them."""
    keeper = is_national_administrator(request.user)
    form = CategoryCreateForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST":
        if not keeper:
            raise PermissionDenied(_("Chỉ quản trị viên cấp toàn quốc mới sửa được danh mục."))
        action = request.POST.get("action", "")
        if action == "create" and form.is_valid():
            data = form.cleaned_data
            if _attempt(
                form,
                lambda: category_services.category_create(
                    acting_user=request.user,
                    kind=data["kind"],
                    code=data["code"],
                    name=data["name"],
                    rank=data["rank"],
                    aliases=data["aliases"],
                ),
            ):
                messages.success(request, _("Đã thêm %(name)s.") % {"name": data["name"]})
                return redirect("people:categories")
        elif action in {"activate", "deactivate"}:
            raw = request.POST.get("category", "")
            category = Category.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
            if category is None:
                raise Http404(_("Không tìm thấy mục này."))
            category_services.category_set_active(
                acting_user=request.user, category=category, active=action == "activate"
            )
            messages.success(request, _("Đã cập nhật %(name)s.") % {"name": category.name})
            return redirect("people:categories")
    entries: dict[str, list[Category]] = {kind: [] for kind in CategoryKind.values}
    for entry in Category.objects.order_by("kind", "rank", "code"):
        entries.setdefault(entry.kind, []).append(entry)
    context = {
        "kinds": [(CategoryKind(kind).label, items) for kind, items in entries.items()],
        "keeper": keeper,
        "form": form,
    }
    return render(request, "people/categories.html", context)


REGISTER_TITLES = {
    "current": gettext_lazy("Sổ danh sách đảng viên"),
    "left": gettext_lazy("Sổ danh sách đảng viên đã ra khỏi Đảng"),
    "deceased": gettext_lazy("Sổ danh sách đảng viên đã từ trần"),
}


@require_GET
def register(request: HttpRequest, unit: int) -> HttpResponse:
    the_unit = unit_get_for_user(request.user, unit)
    which = request.GET.get("so", "current")
    if which not in list_selectors.REGISTERS:
        which = "current"
    people = list(list_selectors.register_people(request.user, the_unit, which))
    # The register is a list of files: one row for the list, with how many it showed.
    file_view_record(
        viewer=request.user,
        kind=FileViewKind.REGISTER,
        unit=the_unit,
        detail=request.get_full_path(),
        count=len(people),
    )
    context = {
        "unit": the_unit,
        "which": which,
        "title": REGISTER_TITLES[which],
        "registers": list(REGISTER_TITLES.items()),
        "people": people,
        "today": timezone.localdate(),
    }
    return render(request, "people/register.html", context)


@require_http_methods(["GET", "POST"])
def reconciliation(request: HttpRequest, unit: int) -> HttpResponse:
    the_unit = unit_get_for_user(request.user, unit)
    summary = list_selectors.reconciliation_summary(request.user, the_unit)
    can_record = has_role(request.user, the_unit, Role.EDITOR)
    form = ReconciliationForm(request.POST or None, members_now=summary.members_now)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied(_("Bạn không có quyền ghi đối chiếu cho đơn vị này."))
        if form.is_valid():
            try:
                services.reconciliation_record(
                    acting_user=request.user, unit=the_unit, **form.cleaned_data
                )
            except ServiceError as exc:
                for field, errors in exc.by_field().items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Đã ghi kết quả đối chiếu."))
                return redirect("people:reconciliation", unit=the_unit.pk)
    context = {"unit": the_unit, "summary": summary, "form": form, "can_record": can_record}
    return render(request, "people/reconciliation.html", context)


@require_http_methods(["GET", "POST"])
def candidate_create(request: HttpRequest, unit: int) -> HttpResponse:
    cell = unit_get_for_user(request.user, unit)
    if not has_role(request.user, cell, Role.EDITOR):
        raise PermissionDenied(_("Bạn không có quyền thêm người vào đơn vị này."))
    form = CandidateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(
                acting_user=request.user,
                unit=cell,
                data=form.person_data(),
                status=Status.CANDIDATE,
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã thêm quần chúng %(name)s.") % {"name": person})
            return redirect("people:person", pk=person.pk)
    return render(request, "people/candidate_form.html", {"unit": cell, "form": form})


# --- the confidential-file view log -------------------------------------------------------

VIEW_LOG_PAGE_SIZE = 50


@require_GET
def file_view_log(request: HttpRequest) -> HttpResponse:
    """Who read which file, for administrators, over the units of their subtrees."""
    if not selectors.may_read_file_views(request.user):
        raise PermissionDenied(_("Chỉ quản trị viên mới xem được nhật ký xem hồ sơ."))
    form = FileViewFilterForm(request.GET)
    rows = selectors.file_views_visible_to(request.user)
    person = None
    if not form.is_valid():
        rows = rows.none()
    else:
        data = form.cleaned_data
        if data["ho_so"]:
            # A person outside the administrator's subtrees answers 404, like everywhere.
            person = person_get_for_user(request.user, data["ho_so"], Role.ADMINISTRATOR)
            rows = rows.filter(person=person)
        if data["nguoi_xem"]:  # the form field strips the spaces around it
            rows = rows.filter(viewer__username__iexact=data["nguoi_xem"])
        if data["tu_ngay"]:
            rows = rows.filter(at__date__gte=data["tu_ngay"])
        if data["den_ngay"]:
            rows = rows.filter(at__date__lte=data["den_ngay"])
    page = Paginator(rows, VIEW_LOG_PAGE_SIZE).get_page(request.GET.get("trang"))
    context = {"form": form, "page": page, "person": person}
    return render(request, "people/view_log.html", context)
