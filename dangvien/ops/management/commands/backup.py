"""`dangvien backup [--out PATH]`: the database and the attached files into one checked file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.ops.archive import BackupError, sidecar
from dangvien.ops.report import describe, missing_attachments
from dangvien.ops.services import backup_create


class Command(BaseCommand):
    help = (
        "Sao lưu toàn bộ hệ thống (cơ sở dữ liệu và tệp đính kèm) vào một tệp .tar có mã "
        "kiểm tra SHA-256; chạy được cả khi máy chủ đang hoạt động."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            type=Path,
            help=(
                "Tệp sẽ ghi ra, hoặc thư mục chứa nó (mặc định: thư mục backups/ trong thư "
                "mục dữ liệu); không ghi đè tệp đã có."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_create(acting_user=None, out=options["out"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        for warning in missing_attachments(result.manifest):
            self.stderr.write(warning)
        self.stdout.write(_("Đã sao lưu vào %(file)s") % {"file": result.path})
        self.stdout.write(describe(result.manifest))
        self.stdout.write(
            _("Mã kiểm tra SHA-256: %(sha256)s (ghi cả trong %(sum)s)")
            % {"sha256": result.sha256, "sum": sidecar(result.path).name}
        )
