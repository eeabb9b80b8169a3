from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from dangvien.lib.env import env_int, env_str


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

        self.stdout.write(f"Mở trình duyệt tại http://{bind}/ (Ctrl+C để dừng)")
        Server().run()
