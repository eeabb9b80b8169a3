"""`dangvien report NAME --unit CODE --period P [--as-of YYYY-MM-DD] [--format …] [--out FILE]`:
any report of the registry, for any unit's subtree and period, printed or written to a file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dangvien.lib.dbrouter import reading_from_replica
from dangvien.lib.periods import Period, PeriodError
from dangvien.orgs.commands import unit_by_code
from dangvien.orgs.models import Unit
from dangvien.reports import formats
from dangvien.reports.registry import REPORTS

FORMATS = ("table", "json", "xlsx", "docx", "pdf")
BINARY = {"xlsx": formats.write_xlsx, "docx": formats.write_docx, "pdf": formats.write_pdf}
MAX_DECIMALS = 6


class Command(BaseCommand):
    help = (
        "In hoặc xuất một báo cáo (achievement, quality, movement, structure, pipeline, "
        "ranking) của một đơn vị và cấp dưới, cho một kỳ: 2021, 2023-H1, 2018-Q1, 2020-2025."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", nargs="?", default="", help="tên báo cáo")
        parser.add_argument("--unit", default="", help="mã đơn vị")
        parser.add_argument("--period", default="", help="kỳ: 2021, 2023-H1, 2018-Q1, 2020-2025")
        parser.add_argument("--as-of", dest="as_of", default="", help="số liệu đến ngày YYYY-MM-DD")
        parser.add_argument("--format", dest="fmt", default="table", help="|".join(FORMATS))
        parser.add_argument("--out", default="", help="ghi ra tệp (bắt buộc với xlsx, docx, pdf)")
        parser.add_argument("--decimals", default="1", help="số chữ số thập phân của tỷ lệ")

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["name"]
        spec = REPORTS.get(name)
        if spec is None:
            raise CommandError(
                _("Không có báo cáo “%(name)s”. Các báo cáo: %(names)s.")
                % {"name": name, "names": ", ".join(REPORTS)}
            )
        unit = self._unit(options["unit"])
        period = self._period(options["period"])
        as_of = self._as_of(options["as_of"])
        decimals = self._decimals(options["decimals"])
        fmt = options["fmt"]
        if fmt not in FORMATS:
            raise CommandError(
                _("Định dạng “%(fmt)s” không hợp lệ; chọn một trong: %(all)s.")
                % {"fmt": fmt, "all": ", ".join(FORMATS)}
            )
        # Only reads: from the replica when one is configured, sparing the primary.
        with reading_from_replica():
            table = spec.build(unit=unit, period=period, as_of=as_of, decimals=decimals)
        out = options["out"]
        if fmt in BINARY:
            if not out:
                raise CommandError(
                    _("Định dạng %(fmt)s cần tệp ghi ra: thêm --out TỆP.") % {"fmt": fmt}
                )
            self._write(Path(out), BINARY[fmt](table))
            self.stdout.write(_("Đã ghi %(path)s.") % {"path": out})
            return
        text = formats.write_json(table).decode() if fmt == "json" else formats.render_text(table)
        if out:
            self._write(Path(out), text.encode())
            self.stdout.write(_("Đã ghi %(path)s.") % {"path": out})
        else:
            self.stdout.write(text, ending="" if text.endswith("\n") else "\n")

    def _unit(self, code: str) -> Unit:
        return unit_by_code(code)

    def _period(self, text: str) -> Period:
        if not text.strip():
            raise CommandError(_("Cần kỳ báo cáo: --period 2021, 2023-H1, 2018-Q1 hoặc 2020-2025."))
        try:
            return Period.parse(text)
        except PeriodError:
            raise CommandError(
                _(
                    "Kỳ “%(text)s” không hợp lệ; viết 2021 (năm), 2023-H1 (6 tháng), "
                    "2018-Q1 (quý) hoặc 2020-2025 (nhiệm kỳ)."
                )
                % {"text": text}
            ) from None

    def _as_of(self, text: str) -> date | None:
        if not text.strip():
            return None
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            raise CommandError(
                _("Ngày “%(text)s” không hợp lệ; viết theo dạng YYYY-MM-DD, ví dụ 2023-06-30.")
                % {"text": text}
            ) from None

    def _decimals(self, text: str) -> int:
        try:
            decimals = int(text)
        except ValueError:
            decimals = -1
        if not 0 <= decimals <= MAX_DECIMALS:
            raise CommandError(
                _("Số chữ số thập phân phải từ 0 đến %(max)s.") % {"max": MAX_DECIMALS}
            )
        return decimals

    def _write(self, path: Path, content: bytes) -> None:
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Không ghi được tệp %(path)s: %(error)s") % {"path": path, "error": error}
            ) from None
