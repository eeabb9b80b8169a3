"""`dangvien backup` and `dangvien restore` on the database the suite runs on (SQLite or
PostgreSQL): a populated database comes back whole, every table compared row by row; a
damaged, truncated, foreign or newer backup is refused before anything changes."""

from __future__ import annotations

import io
import json
import re
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import CaseAttachment
from dangvien.ops.archive import DATABASE_MEMBERS, MANIFEST, sha256_file, sidecar
from dangvien.ops.engines import pg_program
from dangvien.ops.models import Operation
from dangvien.orgs.models import Unit
from dangvien.people.models import Person
from tests.conftest import World
from tests.ops.helpers import PDF, damage, populate, rewrite, snapshot
from tests.people.factories import make_person

ENGINE = connection.vendor
OTHER_ENGINE = "postgresql" if ENGINE == "sqlite" else "sqlite"

# The backup and the restore work outside the test's transaction (a second connection, or
# the whole database file): see conftest.py.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _attachments_in_tmp(settings: Any, tmp_path: Path) -> None:
    # The attachments' storage reads its folder from the settings at each use.
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


def _backup(folder: Path) -> tuple[Path, str]:
    out = io.StringIO()
    call_command("backup", out=folder, stdout=out)
    path = Path(re.search(r"Đã sao lưu vào (\S+)", out.getvalue())[1])  # type: ignore[index]
    digest = re.search(r"SHA-256: ([0-9a-f]{64})", out.getvalue())[1]  # type: ignore[index]
    return path, digest


def _restore(path: Path, *options: str) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *options, stdout=out)
    return out.getvalue()


def _refused(path: Path, *options: str, match: str) -> str:
    """Run the restore, which must be refused with `match`; no row of any table changed.
    Returns the refusal's message."""
    before = snapshot()
    with pytest.raises(CommandError, match=match) as refusal:
        _restore(path, *options)
    assert snapshot() == before
    return str(refusal.value)


def _without_operations(tables: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Every table but the two the commands themselves write to."""
    skip = (Operation._meta.db_table, AuditEvent._meta.db_table)
    return {table: rows for table, rows in tables.items() if table not in skip}


def test_a_restore_brings_back_every_row_of_every_table_and_the_files(
    world: World, tmp_path: Path
) -> None:
    populate(world)
    before = snapshot()
    filled = {table for table, rows in before.items() if rows}
    # The comparison below means something: the tree, people, cases, their files, kept
    # counts, targets and the audit log all have rows.
    for model in (Unit, Person, CaseAttachment, AuditEvent):
        assert model._meta.db_table in filled
    assert {"tallies_tally", "targets_target", "admission_caseevent"} <= filled
    attachment = CaseAttachment.objects.get()
    stored = tmp_path / "attachments" / attachment.file.name

    path, digest = _backup(tmp_path)

    assert re.fullmatch(r"dangvien-\d{8}-\d{6}\.tar", path.name)
    assert sha256_file(path) == digest
    assert sidecar(path).read_text() == f"{digest}  {path.name}\n"
    assert path.stat().st_mode & 0o077 == 0  # confidential: the owner only
    event = AuditEvent.objects.get(action="ops.backup")
    assert (event.actor, event.actor_label, event.unit) == (None, "hệ thống", None)
    assert event.changes["sha256"] == [None, digest]
    with tarfile.open(path) as tar:
        assert f"attachments/{attachment.file.name}" in tar.getnames()

    # The day goes wrong: rows changed, deleted and added, a file lost.
    Person.objects.filter(full_name="Đảng viên Hai").update(full_name="Tên bị sửa")
    CaseAttachment.objects.all().delete()
    make_person(world.cell_2, "Người thêm sau sao lưu")
    stored.unlink()
    assert snapshot() != before

    output = _restore(path, "--force")

    after = snapshot()
    assert _without_operations(after) == _without_operations(before)
    # The restore's own record is the one thing added, written into the restored data; the
    # backup's record was made after the copy, so it is not in it.
    operation = Operation.objects.get()
    assert (operation.kind, operation.sha256) == (Operation.Kind.RESTORE, digest)
    events = after[AuditEvent._meta.db_table]
    assert events[: len(before[AuditEvent._meta.db_table])] == before[AuditEvent._meta.db_table]
    added = AuditEvent.objects.exclude(pk__in=[row[0] for row in before["accounts_auditevent"]])
    assert [(e.action, e.actor_id, e.target_id) for e in added] == [
        ("ops.restore", None, str(operation.pk))
    ]
    assert stored.read_bytes() == PDF
    assert "Số dòng của cả" in output
    assert "Kiểm tra toàn vẹn: không thấy chỗ sai nào." in output


def test_a_damaged_byte_is_refused_and_nothing_changes(world: World, tmp_path: Path) -> None:
    populate(world)
    path, _digest = _backup(tmp_path)
    Person.objects.filter(full_name="Đảng viên Hai").update(full_name="Sửa sau sao lưu")
    database = DATABASE_MEMBERS[ENGINE]
    damage(path, database)

    # With the .sha256 beside it: the whole file does not match.
    _refused(path, "--force", match=r"bị hỏng.*SHA-256 của cả tệp không khớp")
    # Without it (copied alone): the damaged member is named.
    sidecar(path).unlink()
    message = _refused(path, "--force", match=f"mã kiểm tra SHA-256 của {database} không khớp")
    assert str(path) in message
    _refused(path, "--check", match=database)


def test_a_truncated_backup_is_refused(world: World, tmp_path: Path) -> None:
    populate(world)
    path, _digest = _backup(tmp_path)
    sidecar(path).unlink()
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)

    _refused(path, "--force", match=r"cắt cụt")


def test_a_backup_of_the_other_engine_is_refused(world: World, tmp_path: Path) -> None:
    populate(world)
    path, _digest = _backup(tmp_path)
    foreign = tmp_path / "foreign.tar"

    def other_engine(manifest: dict[str, Any]) -> dict[str, str]:
        manifest["engine"] = OTHER_ENGINE
        manifest["database"] = DATABASE_MEMBERS[OTHER_ENGINE]
        return {DATABASE_MEMBERS[ENGINE]: DATABASE_MEMBERS[OTHER_ENGINE]}

    rewrite(path, foreign, other_engine)
    _restore(foreign, "--check")  # well formed: only the engine is wrong

    _refused(foreign, "--force", match=r"không phục hồi được sang hệ cơ sở dữ liệu khác")


def test_a_backup_from_newer_code_is_refused(world: World, tmp_path: Path) -> None:
    populate(world)
    path, _digest = _backup(tmp_path)
    newer = tmp_path / "newer.tar"

    def future(manifest: dict[str, Any]) -> dict[str, str]:
        manifest["migrations"]["people"] = "0999_from_the_future"
        return {}

    rewrite(path, newer, future)

    _refused(newer, "--force", match=r"phiên bản mới hơn.*people\.0999_from_the_future")


def test_a_member_that_would_land_outside_the_attachments_folder_is_refused(
    world: World, tmp_path: Path
) -> None:
    populate(world)
    path, _digest = _backup(tmp_path)
    with tarfile.open(path) as tar:
        [stored] = [name for name in tar.getnames() if name.startswith("attachments/")]
    crafted = tmp_path / "crafted.tar"
    rewrite(path, crafted, lambda _manifest: {stored: "attachments/../../x.pdf"})
    # Two levels above the attachments folder (tmp_path / "attachments").
    escaped = tmp_path.parent / "x.pdf"
    assert not escaped.exists()

    _refused(crafted, "--force", match=r"mục “attachments/\.\./\.\./x\.pdf” không hợp lệ")

    assert not escaped.exists()


def test_an_attachment_already_missing_is_reported_by_the_backup(
    world: World, tmp_path: Path
) -> None:
    populate(world)
    attachment = CaseAttachment.objects.get()
    (tmp_path / "attachments" / attachment.file.name).unlink()
    errors = io.StringIO()

    call_command("backup", out=tmp_path, stdout=io.StringIO(), stderr=errors)

    assert f"thiếu tệp đính kèm {attachment.file.name}" in errors.getvalue()


def test_a_row_count_that_differs_after_the_restore_fails_the_command(
    world: World, tmp_path: Path
) -> None:
    path, _digest = _backup(tmp_path)
    miscounted = tmp_path / "miscounted.tar"

    def one_more_unit(manifest: dict[str, Any]) -> dict[str, str]:
        manifest["row_counts"]["orgs_unit"] += 1
        return {}

    rewrite(path, miscounted, one_more_unit)
    out = io.StringIO()

    with pytest.raises(CommandError, match=r"Đã phục hồi, nhưng"):
        call_command("restore", str(miscounted), "--force", stdout=out)

    assert "Số dòng không khớp: bảng orgs_unit có 9, bản sao lưu ghi 10." in out.getvalue()
    event = AuditEvent.objects.get(action="ops.restore")
    assert event.changes["count_differences"] == [None, 1]


def test_a_database_with_data_is_replaced_only_with_force(world: World, tmp_path: Path) -> None:
    path, _digest = _backup(tmp_path)

    _refused(path, match=r"đang có dữ liệu.*--force")


def test_check_reads_the_backup_and_changes_nothing(world: World, tmp_path: Path) -> None:
    populate(world)
    path, digest = _backup(tmp_path)
    Person.objects.filter(full_name="Đảng viên Hai").update(full_name="Sửa sau sao lưu")
    before = snapshot()

    output = _restore(path, "--check")

    assert f"nguyên vẹn (SHA-256 {digest})" in output
    assert re.search(r"Bản sao lưu \w+ lúc \d\d/\d\d/\d{4} \d\d:\d\d: \d+ bảng", output)
    assert snapshot() == before


def test_an_older_backup_is_brought_up_to_this_version(world: World, tmp_path: Path) -> None:
    call_command("migrate", "targets", "0001", verbosity=0)
    path, _digest = _backup(tmp_path)
    call_command("migrate", "targets", verbosity=0)

    output = _restore(path, "--force")

    assert "targets.0002_structural_target_constraints" in output
    applied = connection.introspection.table_names()
    assert "targets_structuraltarget" in applied
    call_command("migrate", check_unapplied=True, verbosity=0)  # nothing left to apply


def test_a_backup_is_never_written_over_an_existing_file(world: World, tmp_path: Path) -> None:
    existing = tmp_path / "old.tar"
    existing.write_bytes(b"an older backup")

    with pytest.raises(CommandError, match=r"đã có"):
        call_command("backup", out=existing, stdout=io.StringIO())

    assert existing.read_bytes() == b"an older backup"
    assert not Operation.objects.exists()


@pytest.mark.skipif(ENGINE != "sqlite", reason="the SQLite copy is a database file")
def test_the_sqlite_copy_is_a_standalone_database(world: World, tmp_path: Path) -> None:
    populate(world)
    path, _digest = _backup(tmp_path)
    copy = tmp_path / "copy.sqlite3"
    with tarfile.open(path) as tar:
        member = tar.extractfile(DATABASE_MEMBERS["sqlite"])
        assert member is not None
        copy.write_bytes(member.read())
        manifest = tar.extractfile(MANIFEST)
        assert manifest is not None
        counts = json.loads(manifest.read())["row_counts"]

    database = sqlite3.connect(copy)
    # No -wal file needed beside it, and whole.
    assert database.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert database.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert database.execute("SELECT COUNT(*) FROM people_person").fetchone() == (
        counts["people_person"],
    )
    database.close()


_FAILURES = {
    # pg_restore stops half-way (a disk error, a killed process): ROLLBACK, not COMMIT.
    "pg_restore fails": 'echo "CREATE TABLE public.half_restored (id integer);"\nexit 1\n',
    # The script fails inside the database: psql stops at the error, nothing is committed.
    "the script fails": (
        'echo "CREATE TABLE public.half_restored (id integer);"\n'
        'echo "SELECT no_such_function();"\n'
    ),
}


@pytest.mark.skipif(ENGINE != "postgresql", reason="pg_restore and psql: PostgreSQL")
@pytest.mark.parametrize("failure", sorted(_FAILURES))
def test_a_failed_postgresql_restore_keeps_the_old_data(
    world: World, tmp_path: Path, settings: Any, failure: str
) -> None:
    populate(world)
    path, _digest = _backup(tmp_path)
    Person.objects.filter(full_name="Đảng viên Hai").update(full_name="Sửa sau sao lưu")
    programs = tmp_path / "bin"
    programs.mkdir()
    (programs / "psql").symlink_to(pg_program("psql"))
    fake = programs / "pg_restore"
    fake.write_text("#!/bin/sh\n" + _FAILURES[failure])
    fake.chmod(0o755)
    settings.PG_BIN_DIR = programs

    _refused(path, "--force", match=r"dữ liệu cũ được giữ nguyên")
    assert "half_restored" not in connection.introspection.table_names()


@pytest.mark.skipif(ENGINE != "postgresql", reason="pg_dump: PostgreSQL")
def test_the_password_reaches_pg_dump_in_its_environment_not_its_arguments(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The suite's server trusts local connections: any password is accepted.
    monkeypatch.setitem(connection.settings_dict, "PASSWORD", "mat-khau-bi-mat")
    calls: list[tuple[list[str], dict[str, str]]] = []
    run = subprocess.run

    def spy(args: list[str], **kwargs: Any) -> Any:
        calls.append((args, kwargs["env"]))
        return run(args, **kwargs)

    monkeypatch.setattr(subprocess, "run", spy)
    _backup(tmp_path)

    [(args, env)] = calls
    assert Path(args[0]).name == "pg_dump"
    assert not any("mat-khau-bi-mat" in arg for arg in args)
    assert env["PGPASSWORD"] == "mat-khau-bi-mat"
    assert env["PGDATABASE"] == connection.settings_dict["NAME"]
