"""Real child processes on the test database, for the crash tests.

PostgreSQL: the child connects to the test database itself (its name comes from
`connection.settings_dict`, so `test_…`), and sees what the test has committed
(`django_db(transaction=True)`).

SQLite: pytest-django's test database lives in this process's memory, which no child can
open. `push` copies it into a database file in the project's own SQLite settings (WAL,
`DANGVIEN_DATA_DIR`), the child works on the file, and `pull` copies the file back over the
test database (SQLite's online backup, which first recovers the file as a restart would: a
killed writer's uncommitted pages in the WAL are discarded), so the assertions and the
cleanup run as usual.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


class ChildDatabase:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.sqlite = connection.vendor == "sqlite"
        self.file = data_dir / "dangvien.sqlite3"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env["DJANGO_SETTINGS_MODULE"] = "dangvien.settings"
        env["PYTHONPATH"] = str(ROOT)
        env["DANGVIEN_DATA_DIR"] = str(self.data_dir)
        env.pop("DATABASE_REPLICA_URL", None)
        if self.sqlite:
            env.pop("DATABASE_URL", None)
        else:
            env["DATABASE_URL"] = _postgres_url(connection.settings_dict)
        return env

    def push(self) -> None:
        """SQLite: the test database → the child's file (replacing it)."""
        if not self.sqlite:
            return
        for leftover in (self.file, *self._side_files()):
            leftover.unlink(missing_ok=True)
        connection.ensure_connection()
        target = sqlite3.connect(self.file)
        try:
            connection.connection.backup(target)
            target.execute("PRAGMA journal_mode=WAL")
        finally:
            target.close()

    def pull(self) -> None:
        """SQLite: the child's file (recovered, as on a restart) → the test database."""
        if not self.sqlite:
            return
        source = sqlite3.connect(self.file)
        try:
            connection.ensure_connection()
            source.backup(connection.connection)
        finally:
            source.close()

    def wal_bytes(self) -> int:
        wal = self._side_files()[0]
        return wal.stat().st_size if wal.exists() else 0

    def _side_files(self) -> tuple[Path, Path]:
        return (
            self.file.with_name(self.file.name + "-wal"),
            self.file.with_name(self.file.name + "-shm"),
        )

    def start(self, args: list[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 (this interpreter, arguments written in the tests)
            [sys.executable, *args],
            cwd=self.data_dir,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def run(self, args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run a child to its end: push before, pull after."""
        self.push()
        done = subprocess.run(  # noqa: S603 (this interpreter, arguments written in the tests)
            [sys.executable, *args],
            cwd=self.data_dir,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        self.pull()
        return done


def _postgres_url(settings: dict[str, Any]) -> str:
    """The URL of the test database: the server's address and options from the settings
    (the host may be a socket folder, in OPTIONS), the name `test_…`."""
    options = dict(settings.get("OPTIONS") or {})
    for key, name in (("host", "HOST"), ("port", "PORT")):
        if settings.get(name):
            options[key] = settings[name]
    user = quote(str(settings.get("USER") or ""), safe="")
    password = str(settings.get("PASSWORD") or "")
    auth = f"{user}:{quote(password, safe='')}@" if password else f"{user}@"
    query = urlencode({key: str(value) for key, value in options.items()})
    return f"postgres://{auth}/{quote(str(settings['NAME']), safe='')}?{query}"


def wait_for(condition: Callable[[], bool], child: subprocess.Popen[Any], what: str) -> None:
    """Poll until `condition` holds; fail if the child ends first or 60 s pass."""
    deadline = time.monotonic() + 60
    while not condition():
        if child.poll() is not None:
            out, err = child.communicate()
            raise AssertionError(f"the child ended before {what}: {child.returncode}\n{out}\n{err}")
        if time.monotonic() > deadline:
            kill(child)
            raise AssertionError(f"no sign of {what} within 60 s")
        time.sleep(0.01)


def kill(child: subprocess.Popen[str]) -> tuple[str, str]:
    """SIGKILL: no handler, no atexit, no rollback from the child's side."""
    child.send_signal(signal.SIGKILL)
    out, err = child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL, (child.returncode, out, err)
    return out, err


def writing_backends() -> int:
    """PostgreSQL: other sessions of this database whose transaction has written (it holds a
    transaction ID), i.e. a child in the middle of its writes."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def wait_until_alone() -> None:
    """PostgreSQL: until the server has noticed the killed client and ended its session
    (rolling its transaction back)."""
    deadline = time.monotonic() + 30
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            )
            row = cursor.fetchone()
        if not row or row[0] == 0:
            return
        assert time.monotonic() < deadline, "the killed client's session is still open"
        time.sleep(0.02)


def wait_for_output(child: subprocess.Popen[str], line: str) -> None:
    """Read the child's output until `line` (the child flushes it)."""
    assert child.stdout is not None
    got = child.stdout.readline().strip()
    if got != line:
        kill(child)
        raise AssertionError(f"the child said {got!r}, not {line!r}")
