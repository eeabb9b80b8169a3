"""Background tasks of the web import: check a workbook (dry run), then commit it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from dangvien.lib.db import LockSpace, session_lock
from dangvien.people.importer import ImportReport, import_people
from dangvien.people.models import ImportJob

_TOTAL_UNKNOWN = 0


def _set(job_id: int, **values: object) -> None:
    # Every write of the task is also its sign of life (`ImportJob.stalled`).
    ImportJob.objects.filter(pk=job_id).update(**values, touched_at=timezone.now())


Progress = Callable[[int, int], None]


def _progress_here(job_id: int) -> Progress:
    def progress(done: int, total: int) -> None:
        _set(job_id, processed=done, total=total)

    return progress


@contextmanager
def _progress_outside_the_import(job_id: int) -> Iterator[Progress]:
    """Where the commit writes its progress. The import is one transaction, and what it
    writes is seen by no one until it commits: the page would show 0 rows for the whole
    commit, and a commit longer than `IMPORT_STALL_MINUTES` would look interrupted. On
    PostgreSQL the progress goes through a connection of its own, committed at once, so the
    page sees the rows move and the job keeps its sign of life. The import's transaction
    then never writes the job's row: the two connections would wait on each other.
    SQLite lets one connection write at a time: there the progress stays inside the
    transaction and shows when it commits."""
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        yield _progress_here(job_id)
        return
    side = connections.create_connection(DEFAULT_DB_ALIAS)

    def progress(done: int, rows: int) -> None:
        with side.cursor() as cursor:
            cursor.execute(
                "UPDATE people_importjob SET processed = %s, total = %s, touched_at = %s "
                "WHERE id = %s",
                [done, rows, timezone.now(), job_id],
            )

    try:
        yield progress
    finally:
        side.close()


def _run(job: ImportJob, *, dry_run: bool, progress: Progress) -> ImportReport:
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
        # A dry run holds no transaction: its progress is seen as it is written.
        report = _run(job, dry_run=True, progress=_progress_here(job_id))
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
        # The session lock tells the page the commit is alive whatever its progress says
        # (`importer.import_job_stalled`); the server drops it if this process dies.
        with (
            session_lock(LockSpace.IMPORT_JOB, job_id),
            _progress_outside_the_import(job_id) as progress,
        ):
            report = _run(job, dry_run=False, progress=progress)
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
