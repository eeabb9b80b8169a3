"""Formatters: one `Table` out to text, JSON, Excel, Word and PDF.

Numbers are written the Vietnamese way: 1.732 (dot between thousands), 60,5% (decimal
comma). Percentages are rounded half up (60,4933…% → 60,5%), never banker's rounding, so
a figure reads as a person computing it by hand would write it.

JSON keeps values exact: counts are JSON integers, percentages and other decimals are JSON
*strings* of the exact decimal value (``"104.5454545454545454545454545"``), because a JSON
float would round it differently in every reader; each row also carries the display text
("104,5%") in ``text``. Dates are ISO (``2023-06-30``).
"""

from __future__ import annotations

import functools
import io
import json
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dangvien.lib.xlsx import neutralise
from dangvien.reports.types import Column, ColumnKind, Table, Value

EMPTY = "—"

# --- numbers and cells ------------------------------------------------------------------


def _group(digits: str) -> str:
    parts: list[str] = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return ".".join(parts)


def vn_decimal(value: Decimal | int, decimals: int) -> str:
    """12345.678 → "12.345,68" (decimals=2), rounded half up."""
    number = Decimal(value)
    if decimals > 0:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    else:
        number = number.quantize(Decimal(1), rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _dot, fraction = f"{abs(number):f}".partition(".")
    text = _group(whole)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def vn_number(n: int | Decimal) -> str:
    """1732 → "1.732"."""
    if isinstance(n, int):  # a count: nothing to round
        return ("-" if n < 0 else "") + _group(str(abs(n)))
    return vn_decimal(n, 0)


def vn_percent(d: Decimal | int | None, decimals: int = 1) -> str:
    """60.4933… → "60,5%" (decimals=1); 76.5714… → "76,57%" (decimals=2); None → "—"."""
    if d is None:
        return EMPTY
    return f"{vn_decimal(d, decimals)}%"


def vn_difference(n: int | None) -> str:
    """Over or under the target: 3 → "vượt 3", −2 → "thiếu 2", 0 → "đạt"."""
    if n is None:
        return EMPTY
    over, under, reached = _difference_words(get_language())
    if n > 0:
        return over % {"n": vn_number(n)}
    if n < 0:
        return under % {"n": vn_number(-n)}
    return reached


@functools.lru_cache(maxsize=8)
def _difference_words(language: str | None) -> tuple[str, str, str]:
    """The words of `vn_difference` in a language, looked up once: a province's ranking
    writes one for each of a hundred children, and a lookup costs more than the number."""
    return _("vượt %(n)s"), _("thiếu %(n)s"), _("đạt")


def cell_text(value: Value, kind: ColumnKind | str, decimals: int = 1) -> str:
    """A cell as people read it, by its column's kind."""
    if value is None:
        return EMPTY if kind != ColumnKind.TEXT else ""
    if kind == ColumnKind.PERCENT and isinstance(value, Decimal | int):
        return vn_percent(value, decimals)
    if kind == ColumnKind.SIGNED and isinstance(value, int):
        return vn_difference(value)
    if kind == ColumnKind.DAYS and isinstance(value, Decimal | int):
        return vn_decimal(value, 1 if Decimal(value) % 1 else 0)
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return vn_number(value) if kind == ColumnKind.COUNT else vn_decimal(value, decimals)
    return str(value)


def row_texts(table: Table, row: dict[str, Value]) -> list[str]:
    return [cell_text(row.get(c.key), c.kind, table.decimals) for c in table.columns]


# --- JSON -------------------------------------------------------------------------------


def _json_value(value: Value) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def table_to_json(table: Table) -> dict[str, Any]:
    """The table as a JSON-ready dict: the scope, the headline figures (`summary`, e.g.
    admitted, target, percent, difference of an achievement) at the top level, the columns,
    the rows with exact values and their display text, and the notes."""
    scope = table.scope
    period = scope.period
    data: dict[str, Any] = {
        "report": table.name,
        "title": table.title,
        "unit": {"id": scope.unit_id, "code": scope.unit_code, "name": scope.unit_name},
        "period": {
            "code": period.code,
            "label": period.label,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
        },
        "as_of": scope.as_of.isoformat(),
        "until": scope.until.isoformat(),
        "decimals": table.decimals,
    }
    for key, value in table.summary.items():
        data[key] = _json_value(value)
    kinds = {key: kind for key, kind in _summary_kinds(table).items()}
    data["summary_text"] = {
        key: cell_text(value, kinds.get(key, ColumnKind.TEXT), table.decimals)
        for key, value in table.summary.items()
    }
    data["columns"] = [{"key": c.key, "label": c.label, "kind": str(c.kind)} for c in table.columns]
    data["rows"] = [
        {
            **{c.key: _json_value(row.get(c.key)) for c in table.columns},
            "text": dict(zip([c.key for c in table.columns], row_texts(table, row), strict=True)),
        }
        for row in table.rows
    ]
    data["notes"] = list(table.notes)
    return data


def _summary_kinds(table: Table) -> dict[str, ColumnKind]:
    """How to show each headline figure: like the column of the same key, or by its value."""
    by_column = {c.key: c.kind for c in table.columns}
    kinds: dict[str, ColumnKind] = {}
    for key, value in table.summary.items():
        if key in by_column:
            kinds[key] = by_column[key]
        elif key.endswith("percent"):
            kinds[key] = ColumnKind.PERCENT
        elif key == "difference":
            kinds[key] = ColumnKind.SIGNED
        elif isinstance(value, int):
            kinds[key] = ColumnKind.COUNT
        else:
            kinds[key] = ColumnKind.TEXT
    return kinds


def write_json(table: Table) -> bytes:
    return json.dumps(table_to_json(table), ensure_ascii=False, indent=2).encode()


# --- plain text -------------------------------------------------------------------------

_RIGHT = {ColumnKind.COUNT, ColumnKind.PERCENT, ColumnKind.DAYS, ColumnKind.SIGNED}


def render_text(table: Table) -> str:
    """An aligned plain table for the terminal: title, period, columns, rows, notes."""
    scope = table.scope
    header = [c.label for c in table.columns]
    body = [row_texts(table, row) for row in table.rows]
    widths = [
        max(len(h), *(len(r[i]) for r in body)) if body else len(h) for i, h in enumerate(header)
    ]

    def line(cells: list[str]) -> str:
        parts = [
            cell.rjust(w) if c.kind in _RIGHT else cell.ljust(w)
            for cell, w, c in zip(cells, widths, table.columns, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [
        table.title.upper(),
        f"{scope.unit_name} — {scope.period.label} "
        + _("(số liệu đến ngày %(day)s)") % {"day": f"{scope.until:%d/%m/%Y}"},
        "",
        line(header),
        "  ".join("-" * w for w in widths),
        *[line(r) for r in body],
    ]
    if table.notes:
        out += ["", *[f"- {n}" for n in table.notes]]
    return "\n".join(out) + "\n"


# --- Excel ------------------------------------------------------------------------------


def _xlsx_number_format(kind: ColumnKind, decimals: int) -> str:
    # Excel shows these with the reader's own separators; a Vietnamese Excel shows 1.732
    # and 60,5%. Percent cells hold the fraction (0.605), as Excel expects.
    if kind == ColumnKind.PERCENT:
        return "0" + ("." + "0" * decimals if decimals > 0 else "") + "%"
    if kind == ColumnKind.DAYS:
        return "#,##0.0"
    return "#,##0"


def write_xlsx(table: Table) -> bytes:
    """The table as a workbook: a title block, the header, one row per row, the notes.

    Numbers are numbers (counts as integers, percentages as fractions with a % format
    using the report's decimals, so 104,5% in the cell is 1.04545… underneath); the
    difference is written as its text ("vượt 3"); every text cell is neutralised against
    formula injection.
    """
    import xlsxwriter

    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Báo cáo")[:31])
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 14})
    head = workbook.add_format(
        {"bold": True, "text_wrap": True, "bg_color": "#F0F0F0", "border": 1, "valign": "top"}
    )
    text = workbook.add_format({"border": 1})
    numeric = {
        kind: workbook.add_format({"border": 1, "num_format": _xlsx_number_format(kind, d)})
        for kind, d in (
            (ColumnKind.COUNT, 0),
            (ColumnKind.PERCENT, table.decimals),
            (ColumnKind.DAYS, 1),
        )
    }
    date_format = workbook.add_format({"border": 1, "num_format": "dd/mm/yyyy"})
    scope = table.scope
    sheet.write_string(0, 0, str(neutralise(table.title.upper())), title)
    sheet.write_string(1, 0, str(neutralise(f"{scope.unit_name} — {scope.period.label}")), bold)
    sheet.write_string(2, 0, _("Số liệu đến ngày %(day)s") % {"day": f"{scope.until:%d/%m/%Y}"})
    first = 4
    for index, column in enumerate(table.columns):
        sheet.write_string(first, index, str(neutralise(column.label)), head)
        sheet.set_column(index, index, 36 if index == 0 else 16)
    for offset, row in enumerate(table.rows, 1):
        for index, column in enumerate(table.columns):
            _write_cell(
                sheet,
                first + offset,
                index,
                row.get(column.key),
                column,
                table,
                text,
                numeric,
                date_format,
            )
    last = first + len(table.rows) + 2
    for number, note in enumerate(table.notes):
        sheet.write_string(last + number, 0, str(neutralise(note)))
    sheet.freeze_panes(first + 1, 0)
    workbook.close()
    return out.getvalue()


def _write_cell(
    sheet: Any,
    row: int,
    col: int,
    value: Value,
    column: Column,
    table: Table,
    text: Any,
    numeric: dict[ColumnKind, Any],
    date_format: Any,
) -> None:
    if value is None:
        sheet.write_blank(row, col, None, text)
    elif column.kind == ColumnKind.PERCENT and isinstance(value, Decimal | int):
        sheet.write_number(row, col, float(Decimal(value) / 100), numeric[ColumnKind.PERCENT])
    elif column.kind in (ColumnKind.COUNT, ColumnKind.DAYS) and isinstance(value, Decimal | int):
        sheet.write_number(row, col, float(value), numeric[ColumnKind(column.kind)])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), date_format)
    else:
        shown = cell_text(value, column.kind, table.decimals)
        sheet.write_string(row, col, str(neutralise(shown)), text)


# --- official-style documents (Word, PDF) ------------------------------------------------


def _heading_lines(table: Table) -> tuple[str, str]:
    """The issuing unit's lines at the top left: the higher committee and the unit."""
    from dangvien.orgs.models import Unit

    unit = Unit.objects.filter(pk=table.scope.unit_id).select_related("parent").first()
    parent = unit.parent.name.upper() if unit and unit.parent else ""
    return parent, table.scope.unit_name.upper()


def _date_line(day: date) -> str:
    return _("ngày %(d)s tháng %(m)s năm %(y)s") % {
        "d": f"{day.day:02d}",
        "m": f"{day.month:02d}",
        "y": day.year,
    }


def _title_lines(table: Table) -> tuple[str, str]:
    scope = table.scope
    return (
        _("BÁO CÁO"),
        f"{table.title} — {scope.period.label} "
        + _("(số liệu đến ngày %(day)s)") % {"day": f"{scope.until:%d/%m/%Y}"},
    )


def write_docx(table: Table) -> bytes:
    """An official-style Word report: the unit heading (higher committee, unit, "*") facing
    the party heading ("ĐẢNG CỘNG SẢN VIỆT NAM", underlined) and the place-and-date line;
    the title with the period; the table; the notes; the signature block (T/M the committee,
    secretary), as python-docx builds it (the forms use docxtpl; a report has no template
    blanks)."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin, section.right_margin = Cm(3.0), Cm(1.5)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)

    def para(
        cell_or_doc: Any,
        text: str,
        *,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        align: Any = WD_ALIGN_PARAGRAPH.CENTER,
        size: int | None = None,
    ) -> None:
        paragraph = cell_or_doc.add_paragraph()
        paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)

    higher, unit_name = _heading_lines(table)
    head = document.add_table(rows=1, cols=2)
    left, right = head.rows[0].cells
    left._element.remove(left.paragraphs[0]._element)
    right._element.remove(right.paragraphs[0]._element)
    if higher:
        para(left, higher, size=12)
    para(left, unit_name, bold=True, size=12)
    para(left, "*", size=12)
    para(right, _("ĐẢNG CỘNG SẢN VIỆT NAM"), bold=True, underline=True, size=12)
    para(right, "")
    para(right, f"……, {_date_line(timezone.localdate())}", italic=True, size=12)
    heading, subtitle = _title_lines(table)
    para(document, "")
    para(document, heading, bold=True, size=14)
    para(document, subtitle, bold=True)
    para(document, "")
    grid = document.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, column in zip(grid.rows[0].cells, table.columns, strict=True):
        cell.paragraphs[0].add_run(column.label).bold = True
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, column, shown in zip(cells, table.columns, row_texts(table, row), strict=True):
            cell.paragraphs[0].add_run(shown)
            if column.kind in _RIGHT:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if table.notes:
        para(document, "")
        para(document, _("Ghi chú:"), bold=True, align=WD_ALIGN_PARAGRAPH.LEFT)
        for note in table.notes:
            para(document, f"- {note}", align=WD_ALIGN_PARAGRAPH.JUSTIFY, size=12)
    para(document, "")
    sign = document.add_table(rows=1, cols=2)
    recipients, signer = sign.rows[0].cells
    recipients._element.remove(recipients.paragraphs[0]._element)
    signer._element.remove(signer.paragraphs[0]._element)
    para(recipients, _("Nơi nhận:"), bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT, size=12)
    para(recipients, _("- Như trên,"), align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    para(recipients, _("- Lưu văn phòng."), align=WD_ALIGN_PARAGRAPH.LEFT, size=11)
    para(signer, _("T/M BAN THƯỜNG VỤ"), bold=True)
    para(signer, _("BÍ THƯ"), bold=True)
    para(signer, "")
    para(signer, "")
    para(signer, "")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_html(table: Table) -> str:
    """The same official layout as HTML, from which WeasyPrint prints the PDF (A4)."""
    higher, unit_name = _heading_lines(table)
    heading, subtitle = _title_lines(table)
    head_cells = "".join(
        f'<th class="{"r" if c.kind in _RIGHT else ""}">{escape(c.label)}</th>'
        for c in table.columns
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"r" if c.kind in _RIGHT else ""}">{escape(text)}</td>'
            for c, text in zip(table.columns, row_texts(table, row), strict=True)
        )
        + "</tr>"
        for row in table.rows
    )
    notes = "".join(f"<li>{escape(n)}</li>" for n in table.notes)
    notes_block = f'<p class="b">{escape(_("Ghi chú:"))}</p><ul>{notes}</ul>' if notes else ""
    return f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>{escape(table.title)}</title><style>
@page {{ size: A4; margin: 20mm 15mm 20mm 30mm; }}
body {{ font-family: "DejaVu Serif", "Times New Roman", serif; font-size: 12pt; color: #000; }}
p {{ margin: 0 0 3pt 0; }} .c {{ text-align: center; }} .b {{ font-weight: bold; }}
.i {{ font-style: italic; }} .u {{ text-decoration: underline; }} .r {{ text-align: right; }}
table.head, table.sign {{ width: 100%; border-collapse: collapse; }}
table.head td, table.sign td {{ vertical-align: top; width: 50%; text-align: center; }}
h1 {{ font-size: 14pt; text-align: center; margin: 16pt 0 2pt 0; }}
h2 {{ font-size: 12.5pt; text-align: center; margin: 0 0 10pt 0; }}
table.grid {{ width: 100%; border-collapse: collapse; font-size: 11pt; }}
table.grid th, table.grid td {{ border: 0.6pt solid #000; padding: 2pt 4pt; vertical-align: top; }}
table.grid th {{ background: #eee; }} ul {{ margin: 2pt 0 0 0; padding-left: 14pt; }}
table.sign {{ margin-top: 14pt; page-break-inside: avoid; }}
table.sign td.left {{ text-align: left; }}
</style></head><body>
<table class="head"><tr><td>
<p>{escape(higher)}</p><p class="b">{escape(unit_name)}</p><p>*</p></td>
<td><p class="b u">{escape(_("ĐẢNG CỘNG SẢN VIỆT NAM"))}</p><p>&nbsp;</p>
<p class="i">……, {escape(_date_line(timezone.localdate()))}</p></td></tr></table>
<h1>{escape(heading)}</h1><h2>{escape(subtitle)}</h2>
<table class="grid"><thead><tr>{head_cells}</tr></thead><tbody>{body}</tbody></table>
{notes_block}
<table class="sign"><tr><td class="left"><p class="b i">{escape(_("Nơi nhận:"))}</p>
<p>{escape(_("- Như trên,"))}</p><p>{escape(_("- Lưu văn phòng."))}</p></td>
<td><p class="b">{escape(_("T/M BAN THƯỜNG VỤ"))}</p><p class="b">{escape(_("BÍ THƯ"))}</p>
</td></tr></table>
</body></html>"""


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # A report needs nothing from outside: no remote fonts, images or style sheets.
    raise ValueError(f"Báo cáo không được tải tài nguyên ngoài: {url}")


def write_pdf(table: Table) -> bytes:
    """The official-style report as PDF (A4), printed by WeasyPrint from `render_html`."""
    import weasyprint

    html = render_html(table)
    return bytes(weasyprint.HTML(string=html, url_fetcher=_refuse).write_pdf())
