"""The real web server (`dangvien serve`: gunicorn and its background worker) on loopback,
against the test database, for the crash tests; and a visitor that goes through its pages
as a browser would (the session cookie made beforehand, CSRF tokens from the forms).

The server runs in a process group of its own, so that the test can kill all of it with
SIGKILL and check that no process of it is left.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from http.client import HTTPConnection
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

from tests.reliability.processes import ChildDatabase

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    """A port of the loopback interface that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # The fields after the command name (in parentheses): state, parent, group, …
    return int(stat.rsplit(")", 1)[1].split()[1])


def _group_members(group: int) -> list[int]:
    """The live processes of a process group (zombies, already dead, are left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            found.append(int(entry.name))
    return found


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class Server:
    """`dangvien serve` with `workers` web workers; its output goes to `log`."""

    def __init__(self, child_db: ChildDatabase, cookie: str, *, workers: int = 2) -> None:
        self.child_db = child_db
        self.cookie = cookie
        self.workers = workers
        self.port = free_port()
        self.log = child_db.data_dir / f"serve-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until a web worker answers the visitor and the background worker
        runs. SQLite: the test database is pushed to the server's file first."""
        self.child_db.push()
        env = self.child_db.env()
        # The session cookie was signed with this process's key: the server must share it.
        env["DANGVIEN_SECRET_KEY"] = settings.SECRET_KEY
        command = ["-m", "dangvien.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (this interpreter, our arguments)
                [sys.executable, *command, "--workers", str(self.workers)],
                cwd=self.child_db.data_dir,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while not (self._answers() and self.web_workers() and self.background_worker()):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"the server did not start:\n{self.output()}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        """The import page answers the visitor (not yet: False; wrongly: fail at once)."""
        try:
            status = Visitor(self.port, self.cookie).get("/nhap-excel/").status
        except OSError:
            return False
        if status != 200:
            self.kill()
            raise AssertionError(f"the import page answered {status}:\n{self.output()}")
        return True

    def _children(self) -> list[int]:
        assert self.process is not None
        pid = self.process.pid
        return [p for p in _group_members(pid) if _parent(p) == pid]

    def background_worker(self) -> int | None:
        """The django-tasks worker the server started beside gunicorn (it runs imports)."""
        return next((p for p in self._children() if "db_worker" in _command_line(p)), None)

    def web_workers(self) -> list[int]:
        """Gunicorn's forked workers (they answer the requests)."""
        return [p for p in self._children() if "db_worker" not in _command_line(p)]

    def kill(self) -> None:
        """SIGKILL to every process of the server's group, and wait until none is left."""
        if self.process is None:
            return
        group = self.process.pid
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while left := _group_members(group):
            assert time.monotonic() < deadline, f"processes of the server left: {left}"
            time.sleep(0.02)
        self.process = None

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:] if self.log.exists() else ""


@dataclass(frozen=True)
class Response:
    status: int
    text: str
    location: str


class Visitor:
    """A signed-in browser without JavaScript: keeps the cookies the server sets."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookies = dict(SimpleCookie(cookie).items())

    def _headers(self, content_type: str = "") -> dict[str, str]:
        jar = "; ".join(f"{name}={morsel.value}" for name, morsel in self.cookies.items())
        headers = {"Cookie": jar}
        if content_type:
            headers["Content-Type"] = content_type
        return headers

    def send(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> HTTPConnection:
        """Send a request and return the connection without waiting for the answer."""
        connection = HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body or None, headers=self._headers(content_type))
        return connection

    def answer(self, connection: HTTPConnection) -> Response:
        try:
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            self.cookies.update(SimpleCookie(header).items())
        return Response(response.status, text, response.getheader("Location") or "")

    def get(self, path: str) -> Response:
        return self.answer(self.send("GET", path))

    def post(self, action: str, fields: dict[str, str], token: str) -> HTTPConnection:
        """Send a form with the CSRF token of its page; not waiting for the answer."""
        body = urlencode({**fields, "csrfmiddlewaretoken": token}).encode()
        return self.send("POST", action, body, "application/x-www-form-urlencoded")

    def upload(self, path: str, fields: dict[str, str], name: str, content: bytes) -> Response:
        """Send a form with one file, as multipart/form-data, from the form's page."""
        boundary = uuid.uuid4().hex
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'
            for key, value in {**fields, "csrfmiddlewaretoken": self.token(path)}.items()
        ]
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        body = (
            "".join(parts).encode() + head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.answer(
            self.send("POST", path, body, f"multipart/form-data; boundary={boundary}")
        )

    def token(self, path: str) -> str:
        """The CSRF token of the form on the page at `path`."""
        page = self.get(path)
        found = _CSRF.search(page.text)
        assert page.status == 200, (path, page.status, page.text[:500])
        assert found, (path, page.text[:500])
        return found.group(1)
