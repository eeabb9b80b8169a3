"""`dangvien restore PATH [--force] [--check]`: check a backup, and put it back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.ops.archive import BackupError, verify
from dangvien.ops.report import describe, missing_attachments, number
from dangvien.ops.services import RestoreResult, backup_restore


class Command(BaseCommand):
    help = (
        "Phục hồi cơ sở dữ liệu và tệp đính kèm từ một bản sao lưu của `dangvien backup`, "
        "sau khi kiểm tra mã SHA-256 của từng phần; --check chỉ kiểm tra, không thay đổi gì."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="Tệp sao lưu (.tar).")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Thay cả khi cơ sở dữ liệu đang có dữ liệu (dữ liệu hiện có sẽ mất).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Chỉ kiểm tra tệp sao lưu (mã kiểm tra của mọi phần), không phục hồi.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            if options["check"]:
                verified = verify(path)
                for warning in missing_attachments(verified.manifest):
                    self.stderr.write(warning)
                self.stdout.write(describe(verified.manifest))
                self.stdout.write(
                    _("Tệp sao lưu %(file)s nguyên vẹn (SHA-256 %(sha256)s).")
                    % {"file": path, "sha256": verified.sha256}
                )
                return
            result = backup_restore(acting_user=None, path=path, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self._report(path, result)

    def _report(self, path: Path, result: RestoreResult) -> None:
        self.stdout.write(_("Đã phục hồi từ %(file)s.") % {"file": path})
        self.stdout.write(describe(result.manifest))
        self.stdout.write(
            _("Đã ghi lại %(n)s tệp đính kèm (các tệp khác đã có sẵn, đúng nội dung).")
            % {"n": number(result.files_written)}
        )
        for table, expected, actual in result.count_differences:
            self.stdout.write(
                _("Số dòng không khớp: bảng %(table)s có %(actual)s, bản sao lưu ghi %(expected)s.")
                % {"table": table, "actual": actual, "expected": expected}
            )
        if not result.count_differences:
            self.stdout.write(
                _("Số dòng của cả %(n)s bảng khớp với bản sao lưu.")
                % {"n": number(len(result.manifest.row_counts))}
            )
        if result.migrated:
            self.stdout.write(
                _("Bản sao lưu của phiên bản cũ hơn: đã chuyển dữ liệu lên phiên bản này (%(m)s).")
                % {"m": ", ".join(result.migrated)}
            )
        for finding in result.findings:
            self.stdout.write(finding.message)
        if result.findings:
            self.stdout.write(
                _("Kiểm tra toàn vẹn: có %(n)s chỗ sai.") % {"n": number(len(result.findings))}
            )
        else:
            self.stdout.write(_("Kiểm tra toàn vẹn: không thấy chỗ sai nào."))
        if result.count_differences or result.findings:
            raise CommandError(
                _(
                    "Đã phục hồi, nhưng kết quả kiểm tra sau phục hồi có chỗ sai (xem ở trên): "
                    "đừng dùng hệ thống trước khi xem xét."
                )
            )
