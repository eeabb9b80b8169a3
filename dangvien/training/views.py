"""Thin views of the training classes. Reads come from the scoped selectors; writes go
through the services, which check the role again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role
from dangvien.lib.errors import ServiceError
from dangvien.orgs.models import Unit
from dangvien.training import selectors, services
from dangvien.training.forms import ClassForm, ResultRowForm, organiser_units
from dangvien.training.models import TrainingClass


@require_GET
def class_list(request: HttpRequest) -> HttpResponse:
    context = {
        "classes": selectors.classes_with_counts(request.user),
        "can_create": organiser_units(request.user).exists(),
    }
    return render(request, "training/list.html", context)


@require_http_methods(["GET", "POST"])
def class_create(request: HttpRequest) -> HttpResponse:
    form = ClassForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training_class = services.class_create(
                acting_user=request.user,
                organiser=data["organiser"],
                kind=data["kind"],
                name=data["name"],
                place=data["place"],
                start=data["start"],
                end=data["end"],
                note=data["note"],
            )
        except ServiceError as exc:
            for field, errors in exc.by_field().items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("Đã mở lớp %(name)s.") % {"name": training_class})
            return redirect("training:class", pk=training_class.pk)
    return render(request, "training/class_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def class_detail(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_get_for_user(request.user, pk)
    can_edit = has_role(request.user, training_class.organiser, Role.EDITOR)
    enrolments = list(selectors.class_enrolments(request.user, training_class))
    data = request.POST if request.method == "POST" and can_edit else None
    rows = [ResultRowForm(data, enrolment=e) for e in enrolments]
    errors: list[str] = []
    if data is not None and all(row.is_valid() for row in rows):
        entries = [
            services.ResultEntry(
                enrolment=row.enrolment,
                attended=row.attended_value(),
                result=row.cleaned_data["result"],
                certificate_number=row.cleaned_data["certificate_number"],
                certificate_date=row.cleaned_data["certificate_date"],
            )
            for row in rows
        ]
        try:
            services.class_record_results(
                acting_user=request.user, training_class=training_class, entries=entries
            )
        except ServiceError as exc:
            errors = [p.message for p in exc.problems]
        else:
            messages.success(request, _("Đã ghi kết quả học tập."))
            return redirect("training:class", pk=training_class.pk)
    elif data is not None:
        errors = [
            f"{row.enrolment.person.full_name}: {message}"
            for row in rows
            for messages_ in row.errors.values()
            for message in messages_
        ]
    context = {
        "training_class": training_class,
        "rows": rows,
        "can_edit": can_edit,
        "errors": errors,
        "passed": sum(1 for e in enrolments if e.result == "passed"),
    }
    return render(request, "training/class.html", context)


def _chosen_unit(
    request: HttpRequest, training_class: TrainingClass
) -> tuple[list[Unit], Unit | None]:
    units = list(selectors.enrol_units(request.user, training_class))
    raw = request.GET.get("don_vi") or request.POST.get("don_vi") or ""
    chosen = next((u for u in units if str(u.pk) == raw), None)
    return units, chosen


@require_http_methods(["GET", "POST"])
def class_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    training_class = selectors.class_get_for_user(request.user, pk, Role.EDITOR)
    units, unit = _chosen_unit(request, training_class)
    people = (
        list(selectors.people_to_enrol(request.user, training_class, unit))
        if unit is not None
        else []
    )
    errors: list[str] = []
    if request.method == "POST" and unit is not None:
        wanted = set(request.POST.getlist("person"))
        chosen = [p for p in people if str(p.pk) in wanted]
        if not chosen:
            errors = [_("Chưa chọn người nào để ghi danh.")]
        else:
            try:
                done = services.class_enrol(
                    acting_user=request.user, training_class=training_class, people=chosen
                )
            except ServiceError as exc:
                errors = [p.message for p in exc.problems]
            else:
                messages.success(request, _("Đã ghi danh %(n)s người vào lớp.") % {"n": len(done)})
                return redirect("training:class", pk=training_class.pk)
    context = {
        "training_class": training_class,
        "units": units,
        "unit": unit,
        "people": people,
        "errors": errors,
    }
    return render(request, "training/enrol.html", context)
