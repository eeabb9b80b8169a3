"""Thin views of the registry: lists, the person's page, registers, reconciliation and a new
candidate. Reads come from the scoped selectors; writes go through the services."""

from __future__ import annotations

import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role, unit_get_for_user
from dangvien.lib.errors import ServiceError
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people import list_selectors, services
from dangvien.people.exporter import write_people_xlsx
from dangvien.people.forms import CandidateForm, PeopleFilterForm, ReconciliationForm
from dangvien.people.models import Status
from dangvien.people.selectors import person_get_for_user

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
    if key is None or not pk.isdigit():
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
    write_people_xlsx(people, out, kind="candidates" if flt.kind == "candidates" else "members")
    out.seek(0)
    name = f"danh-sach-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx"
    return FileResponse(out, as_attachment=True, filename=name, content_type=XLSX)


@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for_user(request.user, pk)
    record = list_selectors.person_record(person)
    months = record.party_age_months
    context = {
        "person": person,
        "record": record,
        "party_age": None if months is None else (months // 12, months % 12),
    }
    return render(request, "people/person.html", context)


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
    context = {
        "unit": the_unit,
        "which": which,
        "title": REGISTER_TITLES[which],
        "registers": list(REGISTER_TITLES.items()),
        "people": list_selectors.register_people(request.user, the_unit, which),
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
