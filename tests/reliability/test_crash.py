"""A process killed with SIGKILL in the middle of an import or of recording a step leaves
nothing of its work: after the restart the integrity check is clean and the work can be done
again, once. Real child processes on the test database (see `processes`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from dangvien.accounts.models import AuditEvent
from dangvien.people.models import Person, StatusEvent
from dangvien.tallies.integrity import check_integrity
from tests.admission.factories import cell_members
from tests.conftest import World
from tests.reliability.cases import (
    assert_step_recorded_once,
    assert_step_undone,
    case_before_ceremony,
    kept_tallies,
    record_ceremony,
    step_snapshot,
)
from tests.reliability.processes import (
    ChildDatabase,
    kill,
    wait_for,
    wait_for_output,
    wait_until_alone,
    writing_backends,
)
from tests.reliability.workbooks import assert_imported_once, members_workbook

# Large enough that the writes last about a second on either engine: the kill lands inside.
ROWS = 4000
CELL = "QN.TK.AM.1"

# The child processes see only what the test has committed: no wrapping transaction.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def child_db(tmp_path: Path) -> Iterator[ChildDatabase]:
    yield ChildDatabase(tmp_path)
    if connection.vendor == "postgresql":
        wait_until_alone()


def _import(file: Path) -> list[str]:
    return ["-m", "dangvien.cli", "import", "members", str(file), "--unit", CELL]


def test_an_import_killed_while_writing_leaves_nothing_and_runs_again_once(
    world: World, child_db: ChildDatabase, tmp_path: Path
) -> None:
    file = tmp_path / "dang-vien.xlsx"
    file.write_bytes(members_workbook(ROWS, CELL))
    people, events, audit, tallies = (
        Person.objects.count(),
        StatusEvent.objects.count(),
        AuditEvent.objects.count(),
        kept_tallies(),
    )
    child_db.push()
    child = child_db.start(_import(file))
    if child_db.sqlite:
        # The write transaction's pages spill into the WAL before the commit.
        wait_for(lambda: child_db.wal_bytes() > 100_000, child, "the import's writes")
    else:
        wait_for(lambda: writing_backends() > 0, child, "the import's writes")
    out, _err = kill(child)
    assert "Đã ghi" not in out
    if not child_db.sqlite:
        wait_until_alone()
    child_db.pull()

    # All or nothing: not one person of the file, nor their events, counts or audit.
    assert Person.objects.count() == people
    assert StatusEvent.objects.count() == events
    assert AuditEvent.objects.count() == audit
    assert kept_tallies() == tallies
    assert check_integrity() == []
    checked = child_db.run(["-m", "dangvien.cli", "check-integrity"])
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Không thấy chỗ sai nào." in checked.stdout

    again = child_db.run(_import(file))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"Đã ghi {ROWS:,} người".replace(",", ".") in again.stdout  # grouped: 4.000
    assert_imported_once(ROWS, CELL, people=people, events=events)
    assert check_integrity() == []

    third = child_db.run(_import(file))
    assert third.returncode != 0
    assert "trùng họ tên và ngày sinh" in third.stdout
    assert "không ghi dòng nào" in third.stderr
    assert Person.objects.count() == people + ROWS


def test_a_step_killed_before_its_commit_leaves_the_case_as_it_was(
    world: World, child_db: ChildDatabase
) -> None:
    case = case_before_ceremony(world.cell_1, "Nguyễn Thị Thu Hà", cell_members(world.cell_1))
    before = step_snapshot(case)
    child_db.push()
    child = child_db.start(["-m", "tests.reliability.hold_step", str(case.pk)])
    wait_for_output(child, "recorded")
    if not child_db.sqlite:
        # The step is written and not committed: the child's transaction holds an ID.
        assert writing_backends() == 1
    kill(child)
    if not child_db.sqlite:
        wait_until_alone()
    child_db.pull()

    assert_step_undone(case, before)

    record_ceremony(case)
    assert_step_recorded_once(case, before)
