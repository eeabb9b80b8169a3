"""Thin views of targets. Reads come from the scoped selectors (a unit outside the user's
subtrees answers 404); writes go through the services, which check the role again."""

from __future__ import annotations

import base64
import binascii
import io
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role, root_units_for, unit_get_for_user
from dangvien.lib.errors import ServiceError
from dangvien.lib.periods import Period, PeriodError
from dangvien.orgs.models import Unit
from dangvien.targets import areas as area_services
from dangvien.targets import excel, selectors, services
from dangvien.targets.forms import (
    AreaForm,
    AreasBulkForm,
    AssignForm,
    ChildRowForm,
    StructuralForm,
    UploadForm,
)

# A workbook checked on the page is carried to the "Ghi" button inside the page itself, so
# no upload is kept on the server; larger files go through `dangvien import-targets`.
MAX_PAGE_IMPORT_BYTES = 1024 * 1024


def _period(request: HttpRequest) -> tuple[Period, str]:
    """The period asked for (?period=2021), or the current year; and an error to show."""
    text = (request.GET.get("period") or "").strip()
    current = Period.year_of(timezone.localdate())
    if not text:
        return current, ""
    try:
        return Period.parse(text), ""
    except PeriodError:
        return current, _(
            "“%(value)s” không phải kỳ: ghi 2026, 2026-H1, 2026-Q1 hoặc 2025-2030; "
            "đang hiện năm %(year)s."
        ) % {"value": text[:30], "year": current.year}


def _unit_url(name: str, unit: Unit, period: Period) -> str:
    return f"{reverse(name, kwargs={'pk': unit.pk})}?period={period.code}"


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    root = root_units_for(request.user).first()
    if root is None:
        raise Http404(_("Bạn chưa được phân quyền trên đơn vị nào."))
    return redirect("targets:unit", pk=root.pk)


@require_GET
def unit_targets(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    period, period_error = _period(request)
    breakdown = selectors.target_breakdown(request.user, unit, period)
    parent = unit.parent
    context = {
        "unit": unit,
        "unit_name": selectors.unit_version_name(unit, breakdown.on),
        "period": period,
        "period_error": period_error,
        "periods": excel.suggested_periods(period),
        "b": breakdown,
        "parent": parent if parent and has_role(request.user, parent, Role.VIEWER) else None,
        "can_assign": bool(breakdown.children) and has_role(request.user, unit, Role.APPROVER),
        "can_import": has_role(request.user, unit, Role.APPROVER),
        "has_areas": unit.kind in area_services.AREA_UNIT_KINDS,
    }
    return render(request, "targets/unit.html", context)


def _row_forms(
    request: HttpRequest, breakdown: selectors.TargetBreakdown
) -> list[tuple[selectors.TargetLine, ChildRowForm]]:
    data = request.POST if request.method == "POST" else None
    return [
        (
            line,
            ChildRowForm(
                data,
                prefix=str(line.unit_id),
                initial={
                    "admissions": line.target.admissions if line.target else None,
                    "admissions_min": line.target.admissions_min if line.target else None,
                },
            ),
        )
        for line in breakdown.children
    ]


@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk, Role.APPROVER)
    period, period_error = _period(request)
    breakdown = selectors.target_breakdown(request.user, unit, period)
    own = breakdown.own
    form = AssignForm(
        request.POST or None,
        initial={"document": own.document if own else "", "assigned_on": timezone.localdate()},
    )
    rows = _row_forms(request, breakdown)
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for _l, f in rows):
        children = {c.pk: c for c in services.children_during(unit, period)}
        wanted = [
            (children[line.unit_id], f.cleaned_data["admissions"], f.cleaned_data["admissions_min"])
            for line, f in rows
            if f.cleaned_data["admissions"] is not None and line.unit_id in children
        ]
        try:
            services.targets_cascade(
                acting_user=request.user,
                parent=unit,
                period=period,
                children=wanted,
                document=form.cleaned_data["document"],
                assigned_on=form.cleaned_data["assigned_on"],
                note=form.cleaned_data["note"],
            )
        except ServiceError as exc:
            by_row = {str(line.unit_id): f for line, f in rows}
            for problem in exc.problems:
                row_id, _sep, field = problem.field.partition("-")
                if field and row_id in by_row:
                    target_field = field if field in by_row[row_id].fields else None
                    by_row[row_id].add_error(target_field, problem.message)
                else:
                    form.add_error(
                        problem.field if problem.field in form.fields else None, problem.message
                    )
        else:
            messages.success(
                request,
                _("Đã giao chỉ tiêu %(period)s cho %(n)s đơn vị.")
                % {"period": period.label, "n": len(wanted)},
            )
            return redirect(_unit_url("targets:unit", unit, period))
    context = {
        "unit": unit,
        "period": period,
        "period_error": period_error,
        "b": breakdown,
        "form": form,
        "rows": rows,
    }
    return render(request, "targets/assign.html", context)


@require_http_methods(["GET", "POST"])
def structural(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    can_set = has_role(request.user, selectors.target_assigner(unit), Role.APPROVER)
    period, _error = _period(request)
    form = StructuralForm(
        request.POST if request.method == "POST" and can_set else None,
        initial={"period": period.code},
    )
    if request.method == "POST" and not can_set:
        raise PermissionDenied(_("Chỉ tiêu cơ cấu do cấp ủy cấp trên giao."))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.structural_target_set(
                acting_user=request.user,
                unit=unit,
                period=data["period"],
                measure=data["measure"],
                percent=data["percent"],
                strict=data["strict"],
                position=data["position"],
                document=data["document"],
            )
        except ServiceError as exc:
            for problem in exc.problems:
                form.add_error(
                    problem.field if problem.field in form.fields else None, problem.message
                )
        else:
            messages.success(request, _("Đã ghi chỉ tiêu cơ cấu."))
            return redirect(_unit_url("targets:structural", unit, data["period"]))
    context = {
        "unit": unit,
        "period": period,
        "targets": selectors.structural_targets_of(request.user, unit),
        "form": form,
        "can_set": can_set,
    }
    return render(request, "targets/structural.html", context)


def _bulk_lines(text: str, cells: dict[str, Unit]) -> tuple[list[area_services.NewArea], list[str]]:
    areas: list[area_services.NewArea] = []
    errors: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, _sep, code = line.partition("|")
        cell = None
        if code.strip():
            cell = cells.get(code.strip().upper())
            if cell is None:
                errors.append(
                    _("Dòng %(n)s: không có chi bộ mã “%(code)s” trong đơn vị.")
                    % {"n": number, "code": code.strip()[:40]}
                )
        areas.append(area_services.NewArea(name.strip(), cell))
    return areas, errors


@require_http_methods(["GET", "POST"])
def areas(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    can_edit = (
        has_role(request.user, unit, Role.EDITOR) and unit.kind in area_services.AREA_UNIT_KINDS
    )
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(
            _("Bạn không có quyền nhập liệu cho %(unit)s.") % {"unit": unit.name}
        )
    cells = area_services.cells_of(unit)
    posted = request.POST if request.method == "POST" else None
    bulk = "lines" in request.POST
    form = AreaForm(None if bulk else posted, cells=cells)
    bulk_form = AreasBulkForm(posted if bulk else None)
    today = timezone.localdate()
    errors: list[str] = []
    if posted is not None and bulk and bulk_form.is_valid():
        by_code = {c.code.upper(): c for c in cells}
        new, errors = _bulk_lines(bulk_form.cleaned_data["lines"], by_code)
        if not errors:
            try:
                created = area_services.areas_bulk_create(
                    acting_user=request.user, unit=unit, areas=new, valid_from=today
                )
            except ServiceError as exc:
                errors = [p.message for p in exc.problems]
            else:
                messages.success(request, _("Đã thêm %(n)s khu dân cư.") % {"n": len(created)})
                return redirect("targets:areas", pk=unit.pk)
    elif posted is not None and not bulk and form.is_valid():
        try:
            area_services.area_create(
                acting_user=request.user,
                unit=unit,
                name=form.cleaned_data["name"],
                cell=form.cleaned_data["cell"],
                valid_from=today,
            )
        except ServiceError as exc:
            for problem in exc.problems:
                form.add_error(
                    problem.field if problem.field in form.fields else None, problem.message
                )
        else:
            messages.success(request, _("Đã thêm khu dân cư."))
            return redirect("targets:areas", pk=unit.pk)
    area_list = list(area_services.areas_of_unit(request.user, unit))
    context = {
        "unit": unit,
        "areas": area_list,
        "with_cell": sum(1 for a in area_list if a.cell_id and a.valid_to is None),
        "active": sum(1 for a in area_list if a.valid_to is None),
        "form": form,
        "bulk_form": bulk_form,
        "errors": errors,
        "can_edit": can_edit,
    }
    return render(request, "targets/areas.html", context)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=excel.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def export(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    period, _error = _period(request)
    out = io.BytesIO()
    excel.write_targets_xlsx(selectors.subtree_targets(request.user, unit, period), out)
    return _xlsx(out.getvalue(), f"chi-tieu-{unit.code}-{period.code}.xlsx")


@require_GET
def template(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    period, _error = _period(request)
    breakdown = selectors.target_breakdown(request.user, unit, period)
    rows = [(Unit(pk=c.unit_id, code=c.code), c.name) for c in breakdown.children]
    units = list(
        Unit.objects.filter(path__startswith=unit.path, valid_to__isnull=True).only("code")[:5000]
    )
    return _xlsx(
        excel.template_xlsx(units, rows, period), f"mau-chi-tieu-{unit.code}-{period.code}.xlsx"
    )


def _preview_context(unit: Unit, report: excel.ImportReport, content: bytes) -> dict[str, Any]:
    carry = not report.problems and report.dry_run and len(content) <= MAX_PAGE_IMPORT_BYTES
    return {
        "unit": unit,
        "report": report,
        "problems": report.problems[:1000],
        "more_problems": max(len(report.problems) - 1000, 0),
        "content": base64.b64encode(content).decode("ascii") if carry else "",
        "too_big": not report.problems and len(content) > MAX_PAGE_IMPORT_BYTES,
    }


@require_http_methods(["GET", "POST"])
def import_targets(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk, Role.APPROVER)
    form = UploadForm(None)
    context: dict[str, Any] = {"unit": unit, "form": form, "period": _period(request)[0]}
    if request.method == "POST" and request.POST.get("content"):
        try:
            content = base64.b64decode(request.POST["content"], validate=True)
        except (binascii.Error, ValueError):
            raise Http404(_("Nội dung tệp không hợp lệ; hãy gửi lại tệp.")) from None
        report = excel.import_targets(
            acting_user=request.user, unit=unit, content=content, dry_run=False
        )
        if not report.problems:
            messages.success(request, _("Đã ghi %(n)s chỉ tiêu.") % {"n": report.written})
            return redirect("targets:unit", pk=unit.pk)
        context.update(_preview_context(unit, report, b""))
    elif request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            content = form.cleaned_data["file"].read()
            report = excel.import_targets(
                acting_user=request.user, unit=unit, content=content, dry_run=True
            )
            context.update(_preview_context(unit, report, content))
    return render(request, "targets/import.html", context)
