from __future__ import annotations

import atexit
import os
import subprocess
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dangvien.lib.env import env_int, env_str

_STARTED_BY: dict[int, int] = {}


class Command(BaseCommand):
    help = "Chạy máy chủ web (gunicorn) trên 127.0.0.1:$PORT (mặc định 8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=env_str("HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=env_int("PORT", 8000, minimum=1, maximum=65535)
        )
        parser.add_argument(
            "--workers", type=int, default=env_int("DANGVIEN_WORKERS", 2, minimum=1)
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from gunicorn.app.base import BaseApplication

        from dangvien.wsgi import application

        bind = f"{options['host']}:{options['port']}"
        settings = {"bind": bind, "workers": options["workers"], "accesslog": "-", "timeout": 120}

        class Server(BaseApplication):  # gunicorn is untyped
            def load_config(self) -> None:
                for key, value in settings.items():
                    self.cfg.set(key, value)

            def load(self) -> Any:
                return application

        worker = self._start_worker()
        self.stdout.write(f"Mở trình duyệt tại http://{bind}/ (Ctrl+C để dừng)")
        try:
            Server().run()
        finally:
            self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen[bytes] | None:
        """The background worker (imports with a progress bar) runs beside the web server, as
        a child process that stops with it. Not needed when tasks run inline."""
        from django.conf import settings

        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            return None
        command = [sys.executable, "-m", "dangvien.cli", "db_worker", "--no-reload"]
        worker = subprocess.Popen(command)  # noqa: S603 (our own interpreter and command)
        _STARTED_BY[worker.pid] = os.getpid()
        atexit.register(self._stop_worker, worker)
        self.stdout.write(f"Đã chạy tiến trình xử lý nền (pid {worker.pid}).")
        return worker

    @staticmethod
    def _stop_worker(worker: subprocess.Popen[bytes] | None) -> None:
        # Gunicorn's forked web workers unwind through the same frames when they exit: only
        # the process that started the background worker stops it.
        if (
            worker is None
            or os.getpid() != _STARTED_BY.get(worker.pid)
            or worker.poll() is not None
        ):
            return
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
