"""`dangvien import-targets FILE.xlsx --unit CODE [--dry-run]`: targets from a workbook."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dangvien.lib.numbers import grouped
from dangvien.orgs.commands import checked_message, read_input, unit_by_code, write_row_problems
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
        unit = unit_by_code(options["unit"])
        content = read_input(options["file"])
        report = import_targets(
            acting_user=None, unit=unit, content=content, dry_run=options["dry_run"]
        )
        write_row_problems(self.stdout, report.problems, report.total_rows)
        if report.dry_run:
            self.stdout.write(checked_message(report.total_rows))
        else:
            self.stdout.write(
                _("Đã ghi %(n)s chỉ tiêu cho %(unit)s.")
                % {"n": grouped(report.written), "unit": unit.name}
            )
