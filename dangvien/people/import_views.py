"""Importing a workbook from the browser: upload → background check with a progress bar →
the problems listed, or a button that commits the whole file in the background."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, scoped, units_visible_to
from dangvien.lib.errors import ServiceError
from dangvien.lib.xlsx import MAX_UPLOAD_BYTES
from dangvien.orgs.models import Unit
from dangvien.people.importer import (
    KINDS,
    import_job_abandon,
    import_job_create,
    import_job_stalled,
)
from dangvien.people.models import ImportJob
from dangvien.people.tasks import import_check, import_commit
from dangvien.people.workbook import template_xlsx

_SHOWN_PROBLEMS = 1000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UnitChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})"


class ImportForm(forms.Form):
    unit = UnitChoice(label=gettext_lazy("Đơn vị"), queryset=Unit.objects.none())
    kind = forms.ChoiceField(label=gettext_lazy("Danh sách"), choices=ImportJob.Kind.choices)
    file = forms.FileField(label=gettext_lazy("Tệp Excel (.xlsx)"))

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, UnitChoice)
        field.queryset = units_visible_to(user, Role.EDITOR).order_by("path")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Tệp quá lớn; giới hạn là %(limit)s MB.")
                % {"limit": MAX_UPLOAD_BYTES // (1024 * 1024)}
            )
        return upload


def _job_for(user: AnyUser, pk: Any) -> ImportJob:
    """The job, or 404 when its unit is outside the user's editor scope."""
    try:
        return (
            scoped(ImportJob.objects.select_related("unit"), user, "unit__path", Role.EDITOR)
            .defer("content")
            .get(pk=pk)
        )
    except (ImportJob.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy lần nhập này.")) from None


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = import_job_create(
                acting_user=request.user,
                unit=form.cleaned_data["unit"],
                kind=form.cleaned_data["kind"],
                file_name=upload.name or "",
                content=upload.read(),
            )
        except (ServiceError, PermissionDenied) as error:
            form.add_error(None, str(error))
        else:
            import_check.enqueue(job.pk)
            return redirect("people_import:job", pk=job.pk)
    return render(request, "people/import_start.html", {"form": form})


@require_GET
def template(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404(_("Không có mẫu này."))
    response = HttpResponse(template_xlsx(kind), content_type=XLSX)
    name = "mau-dang-vien.xlsx" if kind == "members" else "mau-quan-chung.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _context(job: ImportJob) -> dict[str, Any]:
    problems = job.problems if isinstance(job.problems, list) else []
    stalled = import_job_stalled(job, timezone.now())
    return {
        "job": job,
        # A stalled job is no longer polled: it offers to be abandoned instead.
        "running": job.running and not stalled,
        "stalled": stalled,
        "stall_minutes": settings.IMPORT_STALL_MINUTES,
        "problems": problems[:_SHOWN_PROBLEMS],
        "more_problems": max(len(problems) - _SHOWN_PROBLEMS, 0),
        "problem_count": len(problems),
    }


@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request.user, pk)
    return render(request, "people/import_job.html", _context(job))


@require_GET
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request.user, pk)
    return render(request, "people/import_progress.html", _context(job))


@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request.user, pk)
    if job.state != ImportJob.State.CHECKED:
        raise Http404(_("Lần nhập này không ở trạng thái chờ ghi."))
    import_commit.enqueue(job.pk)
    return redirect("people_import:job", pk=job.pk)


@require_POST
def abandon(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job_for(request.user, pk)
    try:
        import_job_abandon(acting_user=request.user, job=job)
    except (ServiceError, PermissionDenied) as error:
        messages.error(request, str(error))
    return redirect("people_import:job", pk=job.pk)
