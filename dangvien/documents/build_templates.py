"""Author the form templates from the layouts of `forms_registry`.

Writes `docx/<slug>.docx` (Jinja-tagged Word templates for docxtpl) and
`templates/documents/pdf/<slug>.html` (Django templates for the PDF). Both are committed:
they are the templates; this script is how they were made and how to regenerate them:

    .venv/bin/python -m dangvien.documents.build_templates
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from dangvien.documents.forms_registry import FORMS
from dangvien.documents.layout import DATE_LINE, ORG_LINES, Layout, Para, Rows, Sign, spans

HERE = Path(__file__).resolve().parent
DOCX_DIR = HERE / "docx"
HTML_DIR = HERE / "templates" / "documents" / "pdf"
FONT = "Times New Roman"
BODY_PT = 14
ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


# Word ------------------------------------------------------------------------------


def _paragraph(container: Any, para: Para) -> None:
    p = container.add_paragraph()
    _fill(p, para)


def _fill(p: Any, para: Para) -> None:
    p.alignment = ALIGN[para.align]
    fmt = p.paragraph_format
    fmt.space_after = Pt(3)
    if para.indent and para.align == "justify":
        fmt.first_line_indent = Cm(1)
    for text, bold in spans(para.text):
        run = p.add_run(text)
        run.bold = para.bold or bold
        run.italic = para.italic
        run.underline = para.underline
        if para.size:
            run.font.size = Pt(para.size)


def _no_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    # Word wants the children of tblPr in schema order: borders before shading and layout.
    for name in ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"):
        following = tbl_pr.find(qn(name))
        if following is not None:
            following.addprevious(borders)
            return
    tbl_pr.append(borders)


def _cell_lines(cell: Any, paras: tuple[Para, ...]) -> None:
    first = True
    for para in paras:
        if first:
            _fill(cell.paragraphs[0], para)
            first = False
        else:
            _paragraph(cell, para)


def _two_columns(document: Any, left: tuple[Para, ...], right: tuple[Para, ...]) -> None:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    widths = (Cm(7.5), Cm(9.0))
    for cell, width, paras in zip(table.rows[0].cells, widths, (left, right), strict=True):
        cell.width = width
        _cell_lines(cell, paras)


def _header(document: Any, layout: Layout) -> None:
    _paragraph(
        document, Para(f"Mẫu {layout.code}", align="right", bold=True, indent=False, size=12)
    )
    org = tuple(
        Para(text, align="center", bold=True, underline=under, indent=False, size=13)
        for text, under in ORG_LINES[layout.header]
    )
    date = Para(DATE_LINE, align="center", italic=True, indent=False, size=13)
    if layout.header == "state":
        for para in org:
            _paragraph(document, para)
        _paragraph(document, Para(DATE_LINE, align="right", italic=True, indent=False, size=13))
        return
    left = [
        Para("{{ higher_committee_upper }}", align="center", indent=False, size=13),
        Para("{{ unit_name_upper }}", align="center", bold=True, indent=False, size=13),
        Para("*", align="center", indent=False, size=13),
    ]
    if layout.number_suffix:
        left.append(
            Para(
                f"Số {{{{ number }}}}-{layout.number_suffix}", align="center", indent=False, size=13
            )
        )
    _two_columns(document, tuple(left), (*org, Para("", indent=False), date))


def _rows(document: Any, rows: Rows) -> None:
    table = document.add_table(rows=4, cols=len(rows.headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, rows.headers, strict=True):
        _fill(cell.paragraphs[0], Para(text, align="center", bold=True, indent=False, size=12))
    table.rows[1].cells[0].paragraphs[0].add_run(f"{{%tr for {rows.loop} %}}")
    for cell, text in zip(table.rows[2].cells, rows.cells, strict=True):
        _fill(cell.paragraphs[0], Para(text, align="left", indent=False, size=12))
    table.rows[3].cells[0].paragraphs[0].add_run("{%tr endfor %}")
    for row in table.rows:
        for cell, width in zip(row.cells, rows.widths, strict=True):
            cell.width = Cm(width)


def build_docx(layout: Layout) -> Any:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    _header(document, layout)
    _paragraph(document, Para("", indent=False))
    for n, text in enumerate(layout.heading):
        shown = text.upper() if n == 0 else text
        _paragraph(
            document,
            Para(shown, align="center", bold=True, indent=False, size=15 if n == 0 else 14),
        )
    _paragraph(document, Para("", indent=False))
    for block in layout.body:
        if isinstance(block, Para):
            _paragraph(document, block)
        elif isinstance(block, Rows):
            _rows(document, block)
        else:
            _paragraph(document, Para("", indent=False))
            _two_columns(document, block.left, block.right)
    return document


# HTML ------------------------------------------------------------------------------


def _html_para(para: Para, tag: str = "p") -> str:
    classes: list[str] = [para.align]
    if para.bold:
        classes.append("b")
    if para.italic:
        classes.append("i")
    if para.underline:
        classes.append("u")
    if para.indent and para.align == "justify":
        classes.append("indent")
    if para.size:
        classes.append(f"pt{para.size}")
    inner = "".join(
        f"<b>{html.escape(text, quote=False)}</b>" if bold else html.escape(text, quote=False)
        for text, bold in spans(para.text)
    )
    return f'<{tag} class="{" ".join(classes)}">{inner or "&nbsp;"}</{tag}>'


def _html_block(block: Para | Rows | Sign) -> str:
    if isinstance(block, Para):
        return _html_para(block)
    if isinstance(block, Rows):
        head = "".join(f"<th>{html.escape(h)}</th>" for h in block.headers)
        cells = "".join(f"<td>{c}</td>" for c in block.cells)
        return (
            f'<table class="grid"><thead><tr>{head}</tr></thead><tbody>'
            f"{{% for {block.loop} %}}<tr>{cells}</tr>{{% endfor %}}</tbody></table>"
        )
    left = "\n".join(_html_para(p) for p in block.left)
    right = "\n".join(_html_para(p) for p in block.right)
    return (
        '<table class="sign"><tr>'
        f'<td class="sign-left">{left}</td><td class="sign-right">{right}</td>'
        "</tr></table>"
    )


def build_html(layout: Layout) -> str:
    heading = "\n".join(
        f'<p class="{"title" if n == 0 else "subtitle"}">'
        f"{html.escape(text.upper() if n == 0 else text)}</p>"
        for n, text in enumerate(layout.heading)
    )
    body = "\n".join(_html_block(block) for block in layout.body)
    return (
        "{# Generated by dangvien.documents.build_templates from forms_registry; "
        "edit there. #}\n"
        '{% extends "documents/pdf/base.html" %}\n'
        f"{{% block heading %}}\n{heading}\n{{% endblock %}}\n"
        f"{{% block body %}}\n{body}\n{{% endblock %}}\n"
    )


def main() -> None:
    DOCX_DIR.mkdir(exist_ok=True)
    HTML_DIR.mkdir(parents=True, exist_ok=True)
    for layout in FORMS:
        document = build_docx(layout)
        document.save(str(DOCX_DIR / f"{layout.slug}.docx"))
        (HTML_DIR / f"{layout.slug}.html").write_text(build_html(layout), encoding="utf-8")
        print(f"{layout.code}: {layout.slug}.docx, {layout.slug}.html")


if __name__ == "__main__":
    main()
