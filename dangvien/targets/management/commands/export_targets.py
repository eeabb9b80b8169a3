"""`dangvien export-targets --unit CODE --period P --out FILE.xlsx`: a subtree's targets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.lib.numbers import grouped
from dangvien.lib.periods import Period, PeriodError
from dangvien.orgs.commands import unit_by_code
from dangvien.targets.excel import write_targets_xlsx
from dangvien.targets.selectors import subtree_targets_unscoped


class Command(BaseCommand):
    help = (
        "Xuất chỉ tiêu kết nạp của đơn vị --unit và các đơn vị trực thuộc (kể cả đơn vị đã "
        "hợp nhất vào) cho kỳ --period ra tệp .xlsx, đúng các cột của mẫu nhập."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--unit", required=True, help="Mã đơn vị.")
        parser.add_argument("--period", required=True, help="2021, 2023-H1, 2018-Q1, 2020-2025")
        parser.add_argument("--out", required=True, type=Path, help="Tệp .xlsx sẽ ghi ra.")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        try:
            period = Period.parse(options["period"])
        except PeriodError:
            raise CommandError(
                f"Kỳ “{options['period']}” không hợp lệ: ghi 2021, 2023-H1, 2018-Q1 hoặc 2020-2025."
            ) from None
        targets = subtree_targets_unscoped(unit, period)
        with options["out"].open("wb") as out:
            count = write_targets_xlsx(targets, out)
        self.stdout.write(
            _("Đã xuất %(n)s chỉ tiêu ra %(file)s.") % {"n": grouped(count), "file": options["out"]}
        )
