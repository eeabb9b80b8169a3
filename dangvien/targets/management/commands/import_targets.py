"""`dangvien import-targets FILE.xlsx --unit CODE [--dry-run]`: targets from a workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from dangvien.orgs.models import Unit
from dangvien.targets.excel import import_targets


class Command(BaseCommand):
    help = (
        "Nhập chỉ tiêu kết nạp từ tệp .xlsx cho các đơn vị thuộc --unit; có lỗi ở bất kỳ "
        "dòng nào thì không ghi dòng nào."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", required=True, help="Mã đơn vị (gốc của cây nhận chỉ tiêu).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            unit = Unit.objects.get(code=options["unit"])
        except Unit.DoesNotExist:
            raise CommandError(f"Không có đơn vị mã {options['unit']}.") from None
        try:
            content = options["file"].read_bytes()
        except OSError as error:
            raise CommandError(f"Không đọc được tệp: {error}") from None
        report = import_targets(
            acting_user=None, unit=unit, content=content, dry_run=options["dry_run"]
        )
        for problem in report.problems:
            where = f"dòng {problem.row}" if problem.row else "cả tệp"
            column = f" [{problem.column}]" if problem.column else ""
            self.stdout.write(f"{where}{column}: {problem.message}")
        if report.problems:
            raise CommandError(
                f"{len(report.problems)} lỗi trong {report.total_rows} dòng; không ghi dòng nào."
            )
        if report.dry_run:
            self.stdout.write(f"Đã kiểm tra {report.total_rows} dòng: không có lỗi (chưa ghi).")
        else:
            self.stdout.write(f"Đã ghi {report.written} chỉ tiêu cho {unit.name}.")
