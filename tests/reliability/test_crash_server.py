"""The web server (`dangvien serve`) killed with SIGKILL in the middle of a request's writes:
an import committed from the import page (written by the background worker) and a case step
posted from its form (written by the gunicorn worker). After the restart the integrity check
is clean, nothing of the killed work is in the database, and the work done again through the
pages is done once. See `server` for the server and the visitor, `processes` for the
database the server shares with the test."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import CaseEvent, Step
from dangvien.people.models import ImportJob, Person, StatusEvent
from dangvien.tallies.integrity import check_integrity
from tests.admission.factories import cell_members
from tests.conftest import World, signed_in
from tests.reliability.cases import (
    CEREMONY_ON,
    assert_step_recorded_once,
    assert_step_undone,
    case_before_ceremony,
    kept_tallies,
    step_snapshot,
)
from tests.reliability.processes import ChildDatabase, wait_for, wait_until_alone
from tests.reliability.server import Response, Server, Visitor
from tests.reliability.workbooks import assert_imported_once, members_workbook

# Large enough that the commit's writes last about a second: the kill lands inside them.
ROWS = 4000
CELL = "QN.TK.AM.1"
# SQLite: what the import's uncommitted pages add to the WAL before the kill. The import of
# ROWS spills about 2.5 MB before its commit; the job's own small commits, a few kB.
SPILLED_BYTES = 500_000

# The server sees only what the test has committed: no wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)

_JOB = re.compile(r"/nhap-excel/(\d+)/$")


@pytest.fixture
def child_db(tmp_path: Path) -> Iterator[ChildDatabase]:
    yield ChildDatabase(tmp_path)
    if connection.vendor == "postgresql":
        wait_until_alone()


def _cookie(user: User) -> str:
    """A session made beforehand (past the second factor where the role needs it)."""
    return f"sessionid={signed_in(user).cookies['sessionid'].value}"


def _upload(visitor: Visitor, unit_id: int, workbook: bytes) -> str:
    """The import page's form, as the secretary sends it; the job's page it leads to."""
    sent = visitor.upload(
        "/nhap-excel/", {"unit": str(unit_id), "kind": "members"}, "dang-vien.xlsx", workbook
    )
    found = _JOB.search(sent.location)
    assert sent.status == 302, (sent.status, sent.text[:500])
    assert found, sent.location
    return f"/nhap-excel/{found.group(1)}/"


def _settled(visitor: Visitor, job: str, *ends: ImportJob.State) -> Response:
    """Poll the job's progress (as its page does every second) until it shows one of the
    states `ends` (a task queued for it may not have started yet)."""
    shown = [f"<strong>{end.label}</strong>" for end in ends]
    deadline = time.monotonic() + 60
    while True:
        progress = visitor.get(f"{job}tien-do/")
        assert progress.status == 200, progress.text[:500]
        if any(state in progress.text for state in shown):
            return progress
        assert time.monotonic() < deadline, progress.text
        time.sleep(0.1)


def _checked(visitor: Visitor, job: str) -> str:
    return _settled(visitor, job, ImportJob.State.CHECKED, ImportJob.State.FAILED).text


def _committed(visitor: Visitor, job: str) -> str:
    return _settled(visitor, job, ImportJob.State.DONE, ImportJob.State.FAILED).text


def _emptied_wal(child_db: ChildDatabase) -> int:
    """SQLite: the server's WAL written back into the database and cut to nothing (when no
    reader is in its way), so that what is written next grows the file; its size now."""
    with closing(sqlite3.connect(child_db.file, timeout=20)) as database:
        database.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return child_db.wal_bytes()


def _inserting_people() -> bool:
    """PostgreSQL: another session's open transaction has inserted into the people table
    (its row-exclusive lock on the table lasts until the commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE relation = %s::regclass "
            "AND mode = 'RowExclusiveLock' AND granted AND pid <> pg_backend_pid()",
            [Person._meta.db_table],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_a_server_killed_while_its_worker_writes_an_import_leaves_nothing_and_imports_again_once(
    world: World, child_db: ChildDatabase
) -> None:
    workbook = members_workbook(ROWS, CELL)
    people, events, audit, tallies = (
        Person.objects.count(),
        StatusEvent.objects.count(),
        AuditEvent.objects.filter(action="person.create").count(),
        kept_tallies(),
    )
    cookie = _cookie(world.bithu)
    server = Server(child_db, cookie)
    try:
        server.start()
        visitor = Visitor(server.port, cookie)
        killed_job = _upload(visitor, world.cell_1.pk, workbook)
        assert "không có lỗi" in _checked(visitor, killed_job)
        # The background worker writes the import, not the web worker that takes the click.
        writer = server.background_worker()
        assert writer is not None
        wal = _emptied_wal(child_db) if child_db.sqlite else 0
        commit = visitor.post(f"{killed_job}ghi/", {}, visitor.token(f"{killed_job}tien-do/"))
        assert visitor.answer(commit).status == 302
        if child_db.sqlite:
            written = lambda: child_db.wal_bytes() > wal + SPILLED_BYTES  # noqa: E731
        else:
            written = _inserting_people
        assert server.process is not None
        wait_for(written, server.process, "the import's writes")
        os.kill(writer, signal.SIGKILL)
    finally:
        server.kill()
    if not child_db.sqlite:
        wait_until_alone()
    child_db.pull()

    # All or nothing: not one person of the file, nor their events, counts or audit.
    assert Person.objects.count() == people
    assert StatusEvent.objects.count() == events
    assert AuditEvent.objects.filter(action="person.create").count() == audit
    assert kept_tallies() == tallies
    assert check_integrity() == []
    # The kill landed inside the commit, which never ended: the job created no one, and its
    # page still says it is importing (docs/operator.md: upload the file again).
    killed = ImportJob.objects.get(pk=int(killed_job.strip("/").rsplit("/", 1)[1]))
    assert killed.state == ImportJob.State.IMPORTING
    assert killed.created_count == 0

    server = Server(child_db, cookie)
    try:
        server.start()
        visitor = Visitor(server.port, cookie)
        # The killed job is not committed a second time (it is no longer waiting for it).
        again = visitor.post(f"{killed_job}ghi/", {}, visitor.token("/nhap-excel/"))
        assert visitor.answer(again).status == 404
        job = _upload(visitor, world.cell_1.pk, workbook)
        assert "không có lỗi" in _checked(visitor, job)
        commit = visitor.post(f"{job}ghi/", {}, visitor.token(f"{job}tien-do/"))
        assert visitor.answer(commit).status == 302
        done = _committed(visitor, job)
        # The page groups the thousands the Vietnamese way (4.000).
        assert f"Đã ghi {ROWS:,} người vào hệ thống.".replace(",", ".") in done, done
        third = _checked(visitor, _upload(visitor, world.cell_1.pk, workbook))
        assert "chưa ghi dòng nào" in third
        assert "trùng họ tên và ngày sinh" in third
    finally:
        server.kill()
    child_db.pull()

    assert_imported_once(ROWS, CELL, people=people, events=events)
    assert AuditEvent.objects.filter(action="person.create").count() == audit + ROWS
    assert check_integrity() == []


def _writer_held_after_its_writes() -> bool:
    """PostgreSQL: another session waits for a row lock on a person, inside a transaction
    that has already inserted a case event (its lock on that table lasts until the commit)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid "
            "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() "
            "AND a.backend_xid IS NOT NULL AND a.wait_event_type = 'Lock' "
            "AND a.query LIKE %s AND l.relation = %s::regclass AND l.mode = 'RowExclusiveLock'",
            [f'%"{Person._meta.db_table}"%', CaseEvent._meta.db_table],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite locks the whole database, not a row: the test cannot hold a request "
    "between its first write and its commit (test_crash.py kills a step there on SQLite)",
)
def test_a_server_killed_while_a_step_waits_inside_its_transaction_leaves_the_case_as_it_was(
    world: World, child_db: ChildDatabase
) -> None:
    case = case_before_ceremony(world.cell_1, "Nguyễn Thị Thu Hà", cell_members(world.cell_1))
    person = case.person
    # The ceremony is recorded by the committee (an approver): the commune officer.
    cookie = _cookie(world.xa)
    before = step_snapshot(case)
    form = f"/ket-nap/{case.pk}/ghi/?buoc={Step.CEREMONY}"
    fields = {"step": Step.CEREMONY, "stage": case.stage, "on": f"{CEREMONY_ON:%d/%m/%Y}"}
    # One web worker: the one that takes the request is the one that writes it.
    server = Server(child_db, cookie, workers=1)
    # Another session locks the person's row: the step, after writing its event and moving
    # the case, waits there to change the person's status, inside its transaction.
    holder = connections.create_connection("default")
    try:
        server.start()
        [writer] = server.web_workers()
        visitor = Visitor(server.port, cookie)
        token = visitor.token(form)
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute(
                f'SELECT id FROM "{Person._meta.db_table}" WHERE id = %s FOR UPDATE',  # noqa: S608 (a table name of ours)
                [person.pk],
            )
        request = visitor.post(f"/ket-nap/{case.pk}/ghi/", fields, token)
        assert server.process is not None
        wait_for(_writer_held_after_its_writes, server.process, "the step's writes")
        os.kill(writer, signal.SIGKILL)
        # The secretary's browser is told nothing but that the connection was lost.
        with pytest.raises(ConnectionError):
            visitor.answer(request)
    finally:
        server.kill()
        # The killed writer's session wakes, finds its client gone and rolls back.
        holder.rollback()
        holder.close()
    wait_until_alone()

    assert_step_undone(case, before)

    server = Server(child_db, cookie, workers=1)
    try:
        server.start()
        visitor = Visitor(server.port, cookie)
        token = visitor.token(form)
        recorded = visitor.answer(visitor.post(f"/ket-nap/{case.pk}/ghi/", fields, token))
        assert recorded.status == 302, recorded.text[:500]
        # The same form sent again (its stage is now stale) is refused: recorded once.
        resent = visitor.answer(visitor.post(f"/ket-nap/{case.pk}/ghi/", fields, token))
        assert resent.status == 200
        assert "vừa được người khác cập nhật" in resent.text
    finally:
        server.kill()

    assert_step_recorded_once(case, before)
