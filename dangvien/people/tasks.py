"""Background tasks of the web import: check a workbook (dry run), then commit it."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dangvien.people.importer import ImportReport, import_people
from dangvien.people.models import ImportJob

_TOTAL_UNKNOWN = 0


def _set(job_id: int, **values: object) -> None:
    # Every write of the task is also its sign of life (`ImportJob.stalled`).
    ImportJob.objects.filter(pk=job_id).update(**values, touched_at=timezone.now())


def _run(job: ImportJob, *, dry_run: bool) -> ImportReport:
    def progress(done: int, total: int) -> None:
        _set(job.pk, processed=done, total=total)

    return import_people(
        acting_user=job.created_by,
        unit=job.unit,
        kind=job.kind,
        content=bytes(job.content),
        dry_run=dry_run,
        on_progress=progress,
    )


def _problems(report: ImportReport) -> list[dict[str, object]]:
    return [{"row": p.row, "column": p.column, "message": p.message} for p in report.problems]


@task()
def import_check(job_id: int) -> int:
    """Check every row without writing; the page then lists the problems or offers commit."""
    job = ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    _set(job_id, state=ImportJob.State.CHECKING, processed=0, total=_TOTAL_UNKNOWN)
    try:
        report = _run(job, dry_run=True)
    except Exception:
        _set(
            job_id,
            state=ImportJob.State.FAILED,
            problems=[{"row": 0, "column": "", "message": _("Lỗi hệ thống khi kiểm tra tệp.")}],
            finished_at=timezone.now(),
        )
        raise
    failed = bool(report.problems)
    _set(
        job_id,
        state=ImportJob.State.FAILED if failed else ImportJob.State.CHECKED,
        # A refused file is not kept: the records in it are personal data.
        **({"content": b""} if failed else {}),
        total=report.total_rows,
        processed=report.total_rows,
        problems=_problems(report),
        finished_at=timezone.now(),
    )
    return len(report.problems)


@task()
def import_commit(job_id: int) -> int:
    """Write the checked workbook: every row or (on any problem found now) none."""
    job = ImportJob.objects.select_related("unit", "created_by").get(pk=job_id)
    updated = ImportJob.objects.filter(pk=job_id, state=ImportJob.State.CHECKED).update(
        state=ImportJob.State.IMPORTING, processed=0, touched_at=timezone.now()
    )
    if not updated:
        return 0
    try:
        report = _run(job, dry_run=False)
    except Exception:
        _set(
            job_id,
            state=ImportJob.State.FAILED,
            problems=[{"row": 0, "column": "", "message": _("Lỗi hệ thống khi ghi dữ liệu.")}],
            finished_at=timezone.now(),
        )
        raise
    if report.problems:
        _set(
            job_id,
            state=ImportJob.State.FAILED,
            problems=_problems(report),
            content=b"",
            finished_at=timezone.now(),
        )
        return 0
    _set(
        job_id,
        state=ImportJob.State.DONE,
        created_count=report.created,
        content=b"",  # written into the registry; the upload itself is not kept
        processed=F("total"),
        finished_at=timezone.now(),
    )
    return report.created
