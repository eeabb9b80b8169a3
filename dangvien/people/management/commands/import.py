# ruff: noqa: N999 (the verb is `dangvien import`; Django names commands by their module)
"""`dangvien import members FILE.xlsx --unit CODE [--dry-run]`: the importer from a shell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dangvien.lib.numbers import grouped
from dangvien.orgs.commands import checked_message, read_input, unit_by_code, write_row_problems
from dangvien.people.importer import KINDS, import_people

_BAR = 30


def progress_bar(done: int, total: int, width: int = _BAR) -> str:
    """`[#####     ] 5000/10000`"""
    filled = width * done // total if total else width
    return f"[{'#' * filled}{' ' * (width - filled)}] {done}/{total}"


class Command(BaseCommand):
    help = (
        "Nhập danh sách đảng viên (members) hoặc quần chúng (candidates) từ tệp .xlsx vào "
        "đơn vị --unit; có lỗi ở bất kỳ dòng nào thì không ghi dòng nào."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=KINDS)
        parser.add_argument("file", type=Path)
        parser.add_argument("--unit", required=True, help="Mã đơn vị (gốc của cây nhận người).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi.")

    def handle(self, *args: Any, **options: Any) -> None:
        unit = unit_by_code(options["unit"])
        content = read_input(options["file"])

        def progress(done: int, total: int) -> None:
            self.stderr.write("\r" + progress_bar(done, total), ending="")
            self.stderr.flush()

        report = import_people(
            acting_user=None,
            unit=unit,
            kind=options["kind"],
            content=content,
            dry_run=options["dry_run"],
            on_progress=progress,
        )
        self.stderr.write("")
        write_row_problems(self.stdout, report.problems, report.total_rows)
        if report.dry_run:
            self.stdout.write(checked_message(report.total_rows))
        else:
            self.stdout.write(
                _("Đã ghi %(n)s người vào %(unit)s.")
                % {"n": grouped(report.created), "unit": unit.name}
            )
