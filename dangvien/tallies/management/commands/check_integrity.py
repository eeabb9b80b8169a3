from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dangvien.lib.numbers import grouped
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.services import tallies_recount

# The findings that the recount repairs: the kept counts rebuilt from the records.
KEPT_CHECKS = ("tally", "members", "dues", "new_members")


class Command(BaseCommand):
    help = (
        "Tính lại mọi số liệu tổng hợp từ dữ liệu gốc và kiểm tra cây tổ chức, tình trạng "
        "đảng viên và các bản ghi mồ côi; in từng chỗ sai, thoát với mã lỗi nếu có."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--repair-tallies",
            action="store_true",
            help="sau khi kiểm tra, tính lại toàn bộ số liệu tổng hợp từ dữ liệu gốc",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        findings = check_integrity()
        for finding in findings:
            self.stdout.write(finding.message)
        if options["repair_tallies"] and any(f.check in KEPT_CHECKS for f in findings):
            rows = tallies_recount(acting_user=None)
            self.stdout.write(_("Đã tính lại số liệu tổng hợp: %(n)s dòng.") % {"n": grouped(rows)})
        if findings:
            self.stdout.write(_("Có %(n)s chỗ sai.") % {"n": grouped(len(findings))})
            sys.exit(1)
        self.stdout.write(_("Không thấy chỗ sai nào."))
