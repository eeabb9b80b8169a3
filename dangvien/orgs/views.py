"""Thin views over the tree's selectors and services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role, unit_get_for_user, units_visible_to
from dangvien.lib.errors import ServiceError
from dangvien.orgs import forms as orgs_forms
from dangvien.orgs import selectors, services
from dangvien.orgs.models import Unit, UnitKind
from dangvien.orgs.services import Plan


def _as_of(request: HttpRequest) -> date:
    form = orgs_forms.TreeFilterForm(request.GET)
    if form.is_valid() and form.cleaned_data.get("ngay"):
        return form.cleaned_data["ngay"]
    return timezone.localdate()


@require_GET
def tree(request: HttpRequest) -> HttpResponse:
    form = orgs_forms.TreeFilterForm(request.GET or None)
    on = _as_of(request)
    query = form.cleaned_data.get("q", "") if form.is_valid() else ""
    context = {
        "form": form,
        "on": on,
        "is_today": on == timezone.localdate(),
        "query": query,
        "results": selectors.unit_search(request.user, query) if query else None,
        "roots": selectors.tree_roots(request.user, on),
    }
    return render(request, "orgs/tree.html", context)


@require_GET
def children(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    on = _as_of(request)
    nodes = selectors.tree_children(request.user, unit, on)
    return render(request, "orgs/_nodes.html", {"nodes": nodes, "on": on})


@require_GET
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = unit_get_for_user(request.user, pk)
    today = timezone.localdate()
    from dangvien.accounts.selectors import audit_events_visible_to

    context = {
        "unit": unit,
        "breadcrumb": selectors.unit_breadcrumb(request.user, unit),
        "children": selectors.unit_children(request.user, unit),
        "versions": selectors.unit_versions(unit),
        "reorganisations": selectors.unit_reorganisations(unit),
        "successor": selectors.unit_resolve_current(unit) if unit.successor_id else None,
        "admission_authority": selectors.deciding_unit(unit, today),
        "recognition_authority": selectors.deciding_unit(unit, today, recognition=True),
        "audit_events": audit_events_visible_to(request.user).filter(unit=unit)[:50],
        "can_manage_children": unit.is_active
        and unit.kind != UnitKind.CELL
        and has_role(request.user, unit, Role.ADMINISTRATOR),
        "can_manage_unit": unit.is_active
        and unit.parent is not None
        and has_role(request.user, unit.parent, Role.ADMINISTRATOR),
    }
    return render(request, "orgs/unit.html", context)


# --- reorganisation forms: fill in, preview what moves, confirm -------------------------


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    """The unit, if the user administers the level above it (404 outside scope, 403 inside)."""
    unit = unit_get_for_user(request.user, pk)
    if unit.parent is None or not has_role(request.user, unit.parent, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Bạn không có quyền thay đổi đơn vị này."))
    return unit


def _administered(request: HttpRequest) -> Any:
    return units_visible_to(request.user, Role.ADMINISTRATOR).filter(valid_to__isnull=True)


def _reorganise(
    request: HttpRequest,
    *,
    unit: Unit,
    title: str,
    form: forms.Form,
    plan: Callable[[], Plan],
    apply: Callable[[], Unit | list[Unit]],
) -> HttpResponse:
    """GET shows the form; POST 'preview' shows what will move; POST 'confirm' applies it."""
    preview: Plan | None = None
    if request.method == "POST" and form.is_valid():
        try:
            if request.POST.get("action") == "confirm":
                result = apply()
                messages.success(request, _("Đã ghi thay đổi tổ chức."))
                target = result[0] if isinstance(result, list) else result
                return redirect("orgs:unit", pk=target.pk)
            preview = plan()
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
    return render(
        request,
        "orgs/reorganise.html",
        {"unit": unit, "title": title, "form": form, "preview": preview},
    )


@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest, pk: int) -> HttpResponse:
    parent = unit_get_for_user(request.user, pk)
    if not has_role(request.user, parent, Role.ADMINISTRATOR):
        raise PermissionDenied(_("Bạn không có quyền thay đổi đơn vị này."))
    form = orgs_forms.CreateForm(request.POST or None)
    return _reorganise(
        request,
        unit=parent,
        title=_("Thành lập đơn vị trực thuộc %(unit)s") % {"unit": parent.name},
        form=form,
        plan=lambda: Plan(
            "create",
            [services.PlanStep(form.cleaned_data["name"], _("thành lập"), "", parent.name)],
        ),
        apply=lambda: services.unit_create(
            acting_user=request.user, parent=parent, spec=form.new_unit(), decision=form.decision()
        ),
    )


@require_http_methods(["GET", "POST"])
def unit_rename(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = orgs_forms.RenameForm(request.POST or None, initial={"name": unit.name})
    return _reorganise(
        request,
        unit=unit,
        title=_("Đổi tên %(unit)s") % {"unit": unit.name},
        form=form,
        plan=lambda: Plan(
            "rename",
            [services.PlanStep(unit.name, _("đổi tên"), unit.name, form.cleaned_data["name"])],
        ),
        apply=lambda: services.unit_rename(
            acting_user=request.user,
            unit=unit,
            name=form.cleaned_data["name"],
            decision=form.decision(),
        ),
    )


@require_http_methods(["GET", "POST"])
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    candidates = (
        _administered(request).exclude(kind=UnitKind.CELL).exclude(path__startswith=unit.path)
    )
    form = orgs_forms.MoveForm(request.POST or None, candidates=candidates.order_by("path"))
    return _reorganise(
        request,
        unit=unit,
        title=_("Chuyển %(unit)s sang trực thuộc đơn vị khác") % {"unit": unit.name},
        form=form,
        plan=lambda: services.move_plan(unit, form.cleaned_data["new_parent"]),
        apply=lambda: services.unit_move(
            acting_user=request.user,
            unit=unit,
            new_parent=form.cleaned_data["new_parent"],
            decision=form.decision(),
        ),
    )


@require_http_methods(["GET", "POST"])
def unit_merge(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    administered = _administered(request).exclude(pk=unit.pk)
    form = orgs_forms.MergeForm(
        request.POST or None,
        others=administered.filter(kind=unit.kind).order_by("path"),
        targets=administered.filter(kind=unit.kind).order_by("path"),
    )

    def sources() -> list[Unit]:
        return [unit, *form.cleaned_data["others"]]

    def new_target() -> services.NewUnit | None:
        if form.cleaned_data.get("target") is not None:
            return None
        return services.NewUnit(
            form.cleaned_data["new_code"], form.cleaned_data["new_name"], unit.kind, unit.cell_kind
        )

    def target_name() -> str:
        target = form.cleaned_data.get("target")
        return target.name if target is not None else form.cleaned_data["new_name"]

    return _reorganise(
        request,
        unit=unit,
        title=_("Hợp nhất %(unit)s") % {"unit": unit.name},
        form=form,
        plan=lambda: services.merge_plan(sources(), target_name()),
        apply=lambda: services.units_merge(
            acting_user=request.user,
            sources=sources(),
            target=form.cleaned_data.get("target"),
            new_target=new_target(),
            new_target_parent=unit.parent,
            decision=form.decision(),
        ),
    )


@require_http_methods(["GET", "POST"])
def unit_split(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    try:
        parts = min(max(int(request.GET.get("so", "2")), 2), 6)
    except ValueError:
        parts = 2
    children_list = list(unit.children.filter(valid_to__isnull=True).order_by("sort_key"))
    form = orgs_forms.SplitForm(
        request.POST or None, source=unit, children=children_list, parts=parts
    )
    return _reorganise(
        request,
        unit=unit,
        title=_("Chia tách %(unit)s") % {"unit": unit.name},
        form=form,
        plan=lambda: services.split_plan(unit, form.results(), form.assignments()),
        apply=lambda: services.unit_split(
            acting_user=request.user,
            source=unit,
            results=form.results(),
            assignments=form.assignments(),
            decision=form.decision(),
        ),
    )


@require_http_methods(["GET", "POST"])
def unit_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = orgs_forms.DissolveForm(request.POST or None)
    return _reorganise(
        request,
        unit=unit,
        title=_("Giải thể %(unit)s") % {"unit": unit.name},
        form=form,
        plan=lambda: services.dissolve_plan(unit),
        apply=lambda: services.unit_dissolve(
            acting_user=request.user, unit=unit, decision=form.decision()
        ),
    )
