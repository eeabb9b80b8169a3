"""Targets to and from Excel: a blank workbook for a unit's children (with drop-down lists
and a guide), the import (every problem by row, column and rule; all or nothing) and the
export, in the same columns so that an exported file can be edited and imported again."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.accounts.audit import Actor
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import has_role
from dangvien.lib.dates import DateFormatError, parse_date
from dangvien.lib.db import without_nul
from dangvien.lib.errors import ServiceError
from dangvien.lib.periods import Period, PeriodError
from dangvien.lib.vntext import fold
from dangvien.lib.xlsx import WorkbookError, neutralise, read_first_sheet
from dangvien.orgs.models import Unit
from dangvien.targets import rules
from dangvien.targets.models import Target
from dangvien.targets.services import TargetEntry, targets_bulk_set

MAX_ROWS = 20_000  # a province's communes and cells for a few periods fit many times over
_TEMPLATE_ROWS = 2000
_SHEET = "Chỉ tiêu"
_LISTS = "Danh mục"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    key: str
    header: Any  # a lazy translation
    required: bool
    width: int
    how: Any
    aliases: tuple[str, ...] = ()


COLUMNS: list[Column] = [
    Column(
        "unit",
        gettext_lazy("Mã đơn vị"),
        True,
        16,
        gettext_lazy("Mã tổ chức đảng trong hệ thống (chọn trong danh sách)."),
        ("ma", "ma to chuc"),
    ),
    Column(
        "unit_name",
        gettext_lazy("Tên đơn vị"),
        False,
        40,
        gettext_lazy("Chỉ để đọc cho dễ; khi nhập, đơn vị được xác định theo mã."),
        ("ten", "to chuc"),
    ),
    Column(
        "period",
        gettext_lazy("Kỳ"),
        True,
        12,
        gettext_lazy(
            "Năm (2026), 6 tháng (2026-H1), quý (2026-Q1) hoặc nhiệm kỳ (2025-2030); "
            "ghi dạng văn bản."
        ),
        ("ky chi tieu", "nam"),
    ),
    Column(
        "admissions",
        gettext_lazy("Chỉ tiêu kết nạp"),
        True,
        14,
        gettext_lazy("Số đảng viên kết nạp, số nguyên từ 0 (với kế hoạch “3–5”: ghi 5)."),
        ("chi tieu", "so ket nap"),
    ),
    Column(
        "admissions_min",
        gettext_lazy("Chỉ tiêu tối thiểu"),
        False,
        14,
        gettext_lazy("Chỉ khi kế hoạch là một khoảng (“3–5”: ghi 3); để trống nếu không."),
        ("toi thieu",),
    ),
    Column(
        "document",
        gettext_lazy("Văn bản giao"),
        False,
        24,
        gettext_lazy("Số, ký hiệu văn bản giao chỉ tiêu, ví dụ 15-KH/ĐU."),
        ("van ban", "so van ban"),
    ),
    Column(
        "assigned_on",
        gettext_lazy("Ngày giao"),
        False,
        12,
        gettext_lazy("dd/mm/yyyy, ví dụ 15/01/2026."),
        ("ngay",),
    ),
    Column("note", gettext_lazy("Ghi chú"), False, 30, gettext_lazy("Văn bản."), ()),
]


def header_key(text: str) -> str:
    """A header folded for matching: no case, tone marks, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", fold(text))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return f"{value:%d/%m/%Y}"
    # A NUL (an invisible _x0000_ in the sheet's XML) means nothing in a cell.
    return " ".join(without_nul(str(value)).split())


# --- template and export -------------------------------------------------------------------


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def suggested_periods(period: Period) -> list[Period]:
    """The periods a template offers in its drop-down: the term, its years, and the chosen
    year's halves and quarters."""
    term = Period.term_of(period.start)
    year = Period.year_of(period.start)
    halves = year.children()
    quarters = [q for h in halves for q in h.children()]
    return list(dict.fromkeys([period, term, *term.children(), *halves, *quarters]))


def _header(workbook: Any, sheet: Any) -> None:
    bold = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#F0F0F0"})
    required = workbook.add_format({"bold": True, "text_wrap": True, "bg_color": "#FFF2CC"})
    text = workbook.add_format({"num_format": "@"})
    for index, column in enumerate(COLUMNS):
        is_number = column.key in ("admissions", "admissions_min")
        sheet.set_column(index, index, column.width, None if is_number else text)
        sheet.write_string(0, index, str(column.header), required if column.required else bold)
    sheet.freeze_panes(1, 0)


def template_xlsx(units: list[Unit], rows: list[tuple[Unit, str]], period: Period) -> bytes:
    """A workbook to fill: one row per (unit, name) in `rows` with the period written in,
    drop-downs of the unit codes in `units` and of periods, and a guide sheet."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(_SHEET)
    guide = workbook.add_worksheet(_("Hướng dẫn"))
    lists = workbook.add_worksheet(_LISTS)
    lists.hide()
    _header(workbook, sheet)
    for row, (unit, name) in enumerate(rows, start=1):
        sheet.write_string(row, 0, unit.code)
        sheet.write_string(row, 1, str(neutralise(name)))
        sheet.write_string(row, 2, period.code)
    codes = sorted({u.code for u in units} | {u.code for u, _n in rows})
    for row, code in enumerate(codes, start=1):
        lists.write_string(row, 0, code)
    periods = [p.code for p in suggested_periods(period)]
    for row, code in enumerate(periods, start=1):
        lists.write_string(row, 1, code)
    last = _TEMPLATE_ROWS + 1
    if codes:
        sheet.data_validation(
            f"A2:A{last}",
            {
                "validate": "list",
                "source": f"='{_LISTS}'!$A$2:$A${len(codes) + 1}",
                "ignore_blank": True,
            },
        )
    sheet.data_validation(
        f"C2:C{last}",
        {
            "validate": "list",
            "source": f"='{_LISTS}'!$B$2:$B${len(periods) + 1}",
            "ignore_blank": True,
            # Other periods are accepted too: warn, do not stop.
            "error_type": "warning",
        },
    )
    for letter in ("D", "E"):
        sheet.data_validation(
            f"{letter}2:{letter}{last}",
            {
                "validate": "integer",
                "criteria": ">=",
                "value": 0,
                "ignore_blank": True,
                "error_message": _("Chỉ tiêu là số nguyên từ 0."),
            },
        )
    title = workbook.add_format({"bold": True, "font_size": 13})
    bold = workbook.add_format({"bold": True})
    wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
    guide.set_column(0, 0, 22)
    guide.set_column(1, 1, 10)
    guide.set_column(2, 2, 80)
    guide.write_string(0, 0, _("Hướng dẫn điền chỉ tiêu kết nạp đảng viên"), title)
    notes = [
        _("Mỗi dòng là chỉ tiêu của một đơn vị cho một kỳ; không gộp ô, không dùng công thức."),
        _("Chỉ tiêu của một đơn vị do cấp ủy cấp trên trực tiếp giao."),
        _("Tệp được kiểm tra toàn bộ trước; có lỗi ở bất kỳ dòng nào thì không ghi dòng nào."),
        _("Đơn vị đã có chỉ tiêu cho kỳ đó thì chỉ tiêu được thay bằng số trong tệp."),
    ]
    for row, note in enumerate(notes, start=1):
        guide.write_string(row, 0, note)
    top = len(notes) + 2
    for col, label in enumerate((_("Cột"), _("Bắt buộc"), _("Cách điền"))):
        guide.write_string(top, col, label, bold)
    for row, column in enumerate(COLUMNS, start=top + 1):
        guide.write_string(row, 0, str(column.header), wrap)
        guide.write_string(row, 1, _("Có") if column.required else _("Không"), wrap)
        guide.write_string(row, 2, str(column.how), wrap)
    workbook.close()
    return out.getvalue()


def write_targets_xlsx(targets: Iterable[Target], out: IO[bytes]) -> int:
    """The targets in the import's columns; returns the number of rows written."""
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(_SHEET)
    _header(workbook, sheet)
    count = 0
    for count, target in enumerate(targets, start=1):
        values: list[Any] = [
            target.unit.code,
            target.unit.name,
            target.period,
            target.admissions,
            target.admissions_min,
            target.document,
            f"{target.assigned_on:%d/%m/%Y}" if target.assigned_on else "",
            target.note,
        ]
        for index, value in enumerate(values):
            if isinstance(value, int):
                sheet.write_number(count, index, value)
            elif value:
                sheet.write_string(count, index, str(neutralise(value)))
    sheet.autofilter(0, 0, max(count, 1), len(COLUMNS) - 1)
    workbook.close()
    return count


# --- import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # the Excel row (the header is row 1); 0 for the file as a whole
    column: str
    message: str


@dataclass(frozen=True)
class PreviewRow:
    row: int
    unit: Unit
    period: Period
    admissions: int
    admissions_min: int | None
    before: int | None  # the target the unit has now for that period, if any


@dataclass
class ImportReport:
    total_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    rows: list[PreviewRow] = field(default_factory=list)
    written: int = 0
    dry_run: bool = True


_NUMBER = re.compile(r"^\d{1,3}(?:[.\s]\d{3})+$|^\d+$")


def _whole_number(value: Any) -> int:
    """110, 110.0 or the text "1.500" (Vietnamese thousands) → int; anything else raises."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        return int(value)
    text = _text(value)
    negative = text.startswith("-")
    digits = text.removeprefix("-").strip()
    if not _NUMBER.match(digits):
        raise ValueError(value)
    number = int(re.sub(r"[.\s]", "", digits))
    return -number if negative else number


class _Parser:
    def __init__(self, acting_user: Actor, root: Unit) -> None:
        self.acting_user = acting_user
        self.root = root
        self.units = {
            u.code.upper(): u
            for u in Unit.objects.filter(path__startswith=root.path).select_related("parent")
        }
        self.allowed: dict[int, bool] = {}

    def may_assign(self, unit: Unit) -> bool:
        assigner = unit.parent if unit.parent is not None else unit
        if assigner.pk not in self.allowed:
            self.allowed[assigner.pk] = self.acting_user is None or has_role(
                self.acting_user, assigner, Role.APPROVER
            )
        return self.allowed[assigner.pk]

    def row(
        self, number: int, values: dict[str, Any]
    ) -> tuple[TargetEntry | None, list[RowProblem]]:
        problems: list[RowProblem] = []
        header = {c.key: str(c.header) for c in COLUMNS}

        def problem(key: str, message: str) -> None:
            problems.append(RowProblem(number, header[key], message))

        for column in COLUMNS:
            if column.required and not _text(values.get(column.key)):
                problem(column.key, _("Cột bắt buộc, chưa điền."))
        code = _text(values.get("unit"))
        unit = self.units.get(code.upper()) if code else None
        if code and unit is None:
            problem(
                "unit",
                _("Không có đơn vị mã “%(code)s” trong %(unit)s.")
                % {"code": code[:40], "unit": self.root.name},
            )
        elif unit is not None and not self.may_assign(unit):
            problem(
                "unit",
                _("Bạn không có quyền phê duyệt ở cấp giao chỉ tiêu cho %(unit)s.")
                % {"unit": unit.name},
            )
        period: Period | None = None
        if text := _text(values.get("period")):
            try:
                period = Period.parse(text)
            except PeriodError:
                problem(
                    "period",
                    _("“%(value)s” không phải kỳ: ghi 2026, 2026-H1, 2026-Q1 hoặc 2025-2030.")
                    % {"value": text[:30]},
                )
        numbers: dict[str, int | None] = {"admissions": None, "admissions_min": None}
        for key in numbers:
            raw = values.get(key)
            if _text(raw):
                try:
                    numbers[key] = _whole_number(raw)
                except ValueError:
                    problem(
                        key,
                        _("“%(value)s” không phải số nguyên.") % {"value": _text(raw)[:30]},
                    )
        assigned_on: date | None = None
        if raw_date := values.get("assigned_on"):
            try:
                assigned_on = parse_date(
                    raw_date.strip() if isinstance(raw_date, str) else raw_date
                )
            except (DateFormatError, ValueError, OverflowError):
                problem(
                    "assigned_on",
                    _("“%(value)s” không phải ngày: ghi dd/mm/yyyy.")
                    % {"value": _text(raw_date)[:30]},
                )
        document, note = _text(values.get("document")), _text(values.get("note"))
        if len(document) > 120:
            problem("document", _("Dài quá %(n)s ký tự.") % {"n": 120})
        admissions = numbers["admissions"]
        if problems or unit is None or period is None or admissions is None:
            return None, problems
        for found in rules.admissions_problems(admissions, numbers["admissions_min"]):
            problem(found.field, found.message)
        if not rules.exists_during(unit.valid_from, unit.valid_to, period):
            problem("period", rules.not_existing_message(unit.name, period))
        if problems:
            return None, problems
        entry = TargetEntry(
            unit, period, admissions, numbers["admissions_min"], document, assigned_on, note
        )
        return entry, []


def _match_headers(header_row: list[Any]) -> tuple[dict[int, Column], list[RowProblem]]:
    keys: dict[str, Column] = {}
    for column in COLUMNS:
        for name in (str(column.header), *column.aliases):
            keys.setdefault(header_key(name), column)
    positions: dict[int, Column] = {}
    for index, value in enumerate(header_row):
        matched = keys.get(header_key(_text(value)))
        if matched is not None and matched not in positions.values():
            positions[index] = matched
    missing = [str(c.header) for c in COLUMNS if c.required and c not in positions.values()]
    if missing:
        return positions, [
            RowProblem(
                0,
                "",
                _("Thiếu cột bắt buộc: %(columns)s (dòng 1 phải là dòng tiêu đề).")
                % {"columns": ", ".join(missing)},
            )
        ]
    return positions, []


def import_targets(
    *, acting_user: Actor, unit: Unit, content: bytes, dry_run: bool
) -> ImportReport:
    """Check a workbook of targets for units of `unit`'s subtree and (unless `dry_run`, and
    only when no row has a problem) write every row in one transaction."""
    report = ImportReport(dry_run=dry_run)
    try:
        cells = read_first_sheet(content, max_rows=MAX_ROWS)
    except WorkbookError as error:
        report.problems.append(RowProblem(0, "", str(error)))
        return report
    if not cells or not any(_text(v) for v in cells[0]):
        report.problems.append(
            RowProblem(0, "", _("Trang đầu của bảng tính không có dòng tiêu đề (dòng 1)."))
        )
        return report
    positions, report.problems = _match_headers(cells[0])
    if report.problems:
        return report
    rows = [
        (number, {c.key: values[i] for i, c in positions.items() if i < len(values)})
        for number, values in enumerate(cells[1:], start=2)
        if any(_text(values[i]) for i in positions if i < len(values))
    ]
    report.total_rows = len(rows)
    if not rows:
        report.problems.append(RowProblem(0, "", _("Bảng tính không có dòng dữ liệu nào.")))
        return report
    parser = _Parser(acting_user, unit)
    entries: list[tuple[int, TargetEntry]] = []
    first_row: dict[tuple[int, str], int] = {}
    for number, values in rows:
        entry, problems = parser.row(number, values)
        report.problems += problems
        if entry is None:
            continue
        key = (entry.unit.pk, entry.period.code)
        if key in first_row:
            report.problems.append(
                RowProblem(
                    number,
                    str(COLUMNS[0].header),
                    _("%(unit)s, kỳ %(period)s trùng với dòng %(first)s.")
                    % {
                        "unit": entry.unit.code,
                        "period": entry.period.code,
                        "first": first_row[key],
                    },
                )
            )
            continue
        first_row[key] = number
        entries.append((number, entry))
    existing = _existing(e for _n, e in entries)
    report.rows = [
        PreviewRow(
            n,
            e.unit,
            e.period,
            e.admissions,
            e.admissions_min,
            existing.get((e.unit.pk, e.period.code)),
        )
        for n, e in entries
    ]
    report.problems.sort(key=lambda p: (p.row, p.column))
    if report.problems or dry_run:
        return report
    try:
        with transaction.atomic():
            targets_bulk_set(acting_user=acting_user, entries=[e for _n, e in entries])
    except ServiceError as error:
        report.problems += [RowProblem(0, "", p.message) for p in error.problems]
        return report
    except PermissionDenied as error:
        report.problems.append(RowProblem(0, "", str(error)))
        return report
    report.written = len(entries)
    return report


def _existing(entries: Iterable[TargetEntry]) -> dict[tuple[int, str], int]:
    wanted = list(entries)
    units = {e.unit.pk for e in wanted}
    periods = {e.period.code for e in wanted}
    if not wanted:
        return {}
    return {
        (unit_id, period): admissions
        for unit_id, period, admissions in Target.objects.filter(
            unit_id__in=units, period__in=periods
        ).values_list("unit_id", "period", "admissions")
    }
