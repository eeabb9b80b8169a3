"""The commit of a web import is one transaction. Its progress must still reach the page while
that transaction is open (PostgreSQL), or a long commit shows 0 rows and then looks
interrupted (`ImportJob.stalled`)."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone

from dangvien.lib.db import LockSpace, session_lock_held
from dangvien.lib.errors import ServiceError
from dangvien.people import importer
from dangvien.people.importer import import_job_abandon, import_job_stalled, import_people
from dangvien.people.models import ImportJob, Person
from dangvien.people.services import BATCH
from dangvien.people.tasks import import_commit
from tests.conftest import World, logged_in
from tests.reliability.workbooks import members_workbook

# The job's row must be committed for another connection to see it.
pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 1_200  # progress every 500 rows: 0, 500, 1,000, then 1,200


def _seen_from_outside(job: ImportJob, unit_id: int) -> tuple[int, int, object, int]:
    """The job's progress and the unit's people as another connection (the page) sees them."""
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute(
                "SELECT processed, total, touched_at FROM people_importjob WHERE id = %s",
                [job.pk],
            )
            processed, total, touched = cursor.fetchone()
            cursor.execute("SELECT count(*) FROM people_person WHERE unit_id = %s", [unit_id])
            (people,) = cursor.fetchone()
    finally:
        other.close()
    return processed, total, touched, people


def test_the_commits_progress_is_seen_while_its_transaction_is_open(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite writes with one connection at a time: progress shows at the commit")
    job = ImportJob.objects.create(
        kind="members",
        unit=world.cell_1,
        file_name="danh-sach.xlsx",
        content=members_workbook(ROWS, world.cell_1.code),
        state=ImportJob.State.CHECKED,
        created_by=world.bithu,
    )
    seen: list[tuple[int, int, object, int]] = []
    locked: list[bool] = []
    duplicates = importer._duplicates

    def looking_in(*args: Any, **kwargs: Any) -> Any:
        # Every row is checked, inside the import's transaction, before anyone is written.
        assert connection.in_atomic_block
        seen.append(_seen_from_outside(job, world.cell_1.pk))
        locked.append(session_lock_held(LockSpace.IMPORT_JOB, job.pk))
        return duplicates(*args, **kwargs)

    monkeypatch.setattr(importer, "_duplicates", looking_in)
    started = timezone.now()
    assert import_commit.call(job.pk) == ROWS

    [(processed, total, touched, people)] = seen
    assert (processed, total) == (ROWS, ROWS)
    assert isinstance(touched, type(started))
    assert touched >= started  # a sign of life from inside the commit
    assert people == 0  # and still nothing of the file to be seen: one transaction
    assert locked == [True]  # the commit holds the job's session lock while it runs…
    assert not session_lock_held(LockSpace.IMPORT_JOB, job.pk)  # …and only then
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE
    assert job.created_count == ROWS
    assert Person.objects.filter(unit=world.cell_1).count() == ROWS


def test_the_writing_of_the_rows_also_gives_signs_of_life(world: World) -> None:
    """After the last row is checked the rows are written in batches: half of a long commit.
    Each batch reports (the same count: every row is checked) so the job stays alive."""
    rows = BATCH + 500
    during_writes: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> None:
        # The import's own connection sees what its transaction has written so far.
        if Person.objects.filter(unit=world.cell_1).exists():
            during_writes.append((done, total))

    report = import_people(
        acting_user=world.bithu,
        unit=world.cell_1,
        kind="members",
        content=members_workbook(rows, world.cell_1.code),
        dry_run=False,
        on_progress=progress,
    )
    assert report.created == rows
    assert during_writes == [(rows, rows)] * 2  # one report for each batch of BATCH


def test_a_commit_waiting_past_the_stall_minutes_is_not_abandoned_while_it_lives(
    world: World,
) -> None:
    """A commit that gives no sign of life for IMPORT_STALL_MINUTES (stuck on a lock, say) but
    still holds its session lock is not offered to be abandoned: abandoned, it could then
    commit. When its process dies, the server drops the lock, and the job may be abandoned."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no session locks: the minutes alone tell")
    quiet = timezone.now() - timedelta(minutes=settings.IMPORT_STALL_MINUTES + 1)
    job = ImportJob.objects.create(
        kind="members",
        unit=world.cell_1,
        file_name="danh-sach.xlsx",
        content=b"PK personal data",
        state=ImportJob.State.IMPORTING,
        created_by=world.bithu,
        touched_at=quiet,
    )
    worker = connections.create_connection(DEFAULT_DB_ALIAS)  # the commit's session
    try:
        with worker.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LockSpace.IMPORT_JOB, job.pk])
        assert job.stalled(timezone.now(), settings.IMPORT_STALL_MINUTES)
        assert not import_job_stalled(job, timezone.now())
        with pytest.raises(ServiceError, match="chưa thể bỏ"):
            import_job_abandon(acting_user=world.bithu, job=job)
        page = logged_in("bithu").get(f"/nhap-excel/{job.pk}/").content.decode()
        assert 'hx-trigger="every 1s"' in page  # still shown as running
    finally:
        worker.close()  # the process dies: its session, and its lock, end

    # The server ends the session when it notices the closed connection, a moment later.
    deadline = time.monotonic() + 30
    while not import_job_stalled(job, timezone.now()):
        assert time.monotonic() < deadline, "the lock outlived its session"
        time.sleep(0.05)
    abandoned = import_job_abandon(acting_user=world.bithu, job=job)
    assert abandoned.state == ImportJob.State.FAILED
