"""Copying the database out and back in, per engine.

SQLite: Python's online backup API, page by page in one step, from the running database (in
WAL mode writers go on meanwhile; the copy is one consistent moment). PostgreSQL: `pg_dump
--format=custom` inside a snapshot exported by a repeatable-read transaction, so that the row
counts and migration state written to the manifest are those of the dump to the row; the
restore runs `pg_restore`'s script through `psql` in one transaction that first empties the
schema, and commits only when `pg_restore` finished cleanly.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from dangvien.ops.archive import BackupError

# Connection parameters that Django passes on to libpq (from OPTIONS, e.g. a socket folder
# given as `?host=` in DATABASE_URL), and the environment variables libpq reads them from.
_LIBPQ_ENVIRONMENT = {
    "host": "PGHOST",
    "hostaddr": "PGHOSTADDR",
    "port": "PGPORT",
    "dbname": "PGDATABASE",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "options": "PGOPTIONS",
    "application_name": "PGAPPNAME",
    "sslmode": "PGSSLMODE",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcrl": "PGSSLCRL",
    "gssencmode": "PGGSSENCMODE",
    "channel_binding": "PGCHANNELBINDING",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
# How long the restore waits for the running server's locks before giving up (with the old
# data kept): restore with the server stopped.
_LOCK_TIMEOUT = "60s"


class _Cursor(Protocol):
    def execute(self, sql: str, /) -> object: ...

    def fetchall(self) -> list[Any]: ...


@dataclass(frozen=True)
class DatabaseState:
    migrations: dict[str, str]  # app label → last applied migration
    row_counts: dict[str, int]  # table → rows
    attachment_files: list[str]  # the attachment rows' file names in storage


def engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Không sao lưu được hệ cơ sở dữ liệu %(engine)s.") % {"engine": vendor})
    return vendor


def _state(cursor: _Cursor, tables: Iterable[str]) -> DatabaseState:
    """Row counts of every table, the last migration of each app and the attachments' file
    names, read through one cursor (one consistent moment)."""
    quote = connection.ops.quote_name
    tables = sorted(tables)
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 (names from the catalogue)
        counts[table] = int(cursor.fetchall()[0][0])
    migrations: dict[str, str] = {}
    if "django_migrations" in counts:
        cursor.execute("SELECT app, name FROM django_migrations")
        for app, name in cursor.fetchall():
            migrations[app] = max(name, migrations.get(app, name))
    attachment = apps.get_model("admission", "CaseAttachment")._meta
    files: list[str] = []
    if attachment.db_table in counts:
        column = quote(attachment.get_field("file").column)
        cursor.execute(f"SELECT {column} FROM {quote(attachment.db_table)}")  # noqa: S608
        files = sorted({name for (name,) in cursor.fetchall() if name})
    return DatabaseState(migrations, counts, files)


def current_state() -> DatabaseState:
    """The state of the configured database now."""
    with connection.cursor() as cursor:
        return _state(cursor, connection.introspection.table_names(cursor))


def dump(target: Path) -> DatabaseState:
    """Copy the configured database into `target`; returns the copy's state."""
    if engine() == "sqlite":
        return _sqlite_dump(target)
    return _postgresql_dump(target)


def load(source: Path) -> None:
    """Replace the configured database's content with the copy in `source`."""
    if engine() == "sqlite":
        _sqlite_load(source)
    else:
        _postgresql_load(source)


def _sqlite_dump(target: Path) -> DatabaseState:
    connection.ensure_connection()
    live: sqlite3.Connection = connection.connection
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1): the copy is the database at one moment, even while the server
        # writes (in WAL mode the writers are not blocked).
        live.backup(copy)
        # A copy that stands alone: no -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        tables = [name for (name,) in cursor.fetchall() if not name.startswith("sqlite_")]
        return _state(cursor, tables)
    finally:
        copy.close()


def _sqlite_load(source: Path) -> None:
    copy = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        connection.close()
        connection.ensure_connection()
        live: sqlite3.Connection = connection.connection
        # The backup API writes every page under the database's own lock: other connections
        # see the old database or the new one, never a mixture; the live file keeps its WAL
        # mode.
        copy.backup(live)
    finally:
        copy.close()
    connection.close()


def pg_program(name: str) -> str:
    """A PostgreSQL client program: from `DANGVIEN_PG_BIN` first, then from PATH."""
    candidate = Path(settings.PG_BIN_DIR) / name
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise BackupError(
        _(
            "Không tìm thấy chương trình %(program)s của PostgreSQL: cài gói máy khách "
            "PostgreSQL, hoặc đặt DANGVIEN_PG_BIN là thư mục chứa nó."
        )
        % {"program": name}
    )


def pg_environment(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """libpq's environment for the configured database, built as Django builds its
    connection (OPTIONS, then NAME, HOST, PORT, USER, PASSWORD where set). The password
    travels in PGPASSWORD, never on the command line, which any user of the machine can
    read."""
    env = dict(os.environ if base is None else base)
    params = connection.settings_dict
    options = params.get("OPTIONS") or {}
    for option, variable in _LIBPQ_ENVIRONMENT.items():
        if options.get(option) not in (None, ""):
            env[variable] = str(options[option])
    for key, variable in (
        ("NAME", "PGDATABASE"),
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if params.get(key):
            env[variable] = str(params[key])
    return env


def _failed(program: str, code: int, log: Path) -> BackupError:
    """The program's error, with the last lines it wrote (they name the cause)."""
    lines = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return BackupError(
        _("%(program)s báo lỗi (mã %(code)s): %(error)s")
        % {"program": Path(program).name, "code": code, "error": "\n".join(lines[-10:])}
    )


def _postgresql_dump(target: Path) -> DatabaseState:
    pg_dump = pg_program("pg_dump")
    log = target.with_name("pg_dump.log")
    with transaction.atomic(), connection.cursor() as cursor, log.open("wb") as errors:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = _state(cursor, connection.introspection.table_names(cursor))
        # pg_dump reads the very snapshot the counts were taken in, while this transaction
        # holds it open.
        result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
            [
                pg_dump,
                "--format=custom",
                "--no-password",
                f"--snapshot={snapshot}",
                f"--file={target}",
            ],
            env=pg_environment(),
            stdout=subprocess.DEVNULL,
            stderr=errors,
            check=False,
        )
    if result.returncode != 0:
        raise _failed(pg_dump, result.returncode, log)
    return state


def _postgresql_load(source: Path) -> None:
    """Empty the schema and load the dump in one transaction: on any error, and unless
    `pg_restore` read the whole dump without error, nothing is committed and the old data
    stays."""
    pg_restore, psql = pg_program("pg_restore"), pg_program("psql")
    env = pg_environment()
    # Our own connection holds no lock on the tables the restore drops.
    connection.close()
    with tempfile.TemporaryDirectory(prefix="dangvien-restore-") as folder:
        restore_log, psql_log = Path(folder) / "pg_restore.log", Path(folder) / "psql.log"
        with restore_log.open("wb") as restore_err, psql_log.open("wb") as psql_err:
            reader = subprocess.Popen(  # noqa: S603 (our own arguments, no shell)
                # Objects owned by, and privileges granted to, the original roles are left
                # out: the backup restores on a server where those roles do not exist.
                [pg_restore, "--no-owner", "--no-privileges", "--file=-", str(source)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=restore_err,
            )
            writer = subprocess.Popen(  # noqa: S603
                [psql, "--no-psqlrc", "--quiet", "--no-password", "--set=ON_ERROR_STOP=1"],
                env=env,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=psql_err,
            )
            committed = _stream(reader, writer)
        if reader.returncode != 0:
            raise _failed_with(pg_restore, reader.returncode, restore_log)
        if writer.returncode != 0 or not committed:
            raise _failed_with(psql, writer.returncode or 1, psql_log)
    # A restored database has no planner statistics until autovacuum gets to it; the checks
    # that follow (and the first pages) would plan their joins blind.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _failed_with(program: str, code: int, log: Path) -> BackupError:
    return BackupError(
        _("Phục hồi không thành công, dữ liệu cũ được giữ nguyên. %(detail)s")
        % {"detail": _failed(program, code, log)}
    )


def _stream(reader: subprocess.Popen[bytes], writer: subprocess.Popen[bytes]) -> bool:
    """Feed psql: begin, empty the schema, the dump's script, then COMMIT only if pg_restore
    ended well (ROLLBACK otherwise). Returns whether COMMIT was sent."""
    assert reader.stdout is not None
    assert writer.stdin is not None
    prologue = (
        "BEGIN;\n"
        f"SET LOCAL lock_timeout = '{_LOCK_TIMEOUT}';\n"
        "DROP SCHEMA IF EXISTS public CASCADE;\n"
        # As PostgreSQL 15 creates it in a new database.
        "CREATE SCHEMA public AUTHORIZATION pg_database_owner;\n"
        "GRANT USAGE ON SCHEMA public TO PUBLIC;\n"
    )
    committed = False
    try:
        writer.stdin.write(prologue.encode())
        while chunk := reader.stdout.read(1 << 20):
            writer.stdin.write(chunk)
        reader.wait()
        committed = reader.returncode == 0
        writer.stdin.write(b"COMMIT;\n" if committed else b"ROLLBACK;\n")
        writer.stdin.close()
    except BrokenPipeError:
        # psql stopped at an error: its transaction is rolled back with its connection.
        committed = False
    finally:
        reader.stdout.close()
        reader.wait()
        if not writer.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                writer.stdin.close()
        writer.wait()
    return committed
