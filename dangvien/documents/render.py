"""Fill an official form: Word through its docxtpl template, PDF through WeasyPrint.

The admission pipeline calls `render_docx(code, FormContext(...))` with a case's data; the
forms pages call both with a blank or the sample context.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from dangvien.documents.context import FormContext
from dangvien.documents.forms_registry import UnknownForm, get_form
from dangvien.documents.layout import ORG_LINES

__all__ = ["UnknownForm", "render_docx", "render_html", "render_pdf", "render_pdf_document"]

DOCX_DIR = Path(__file__).resolve().parent / "docx"


def render_docx(code: str, context: FormContext) -> bytes:
    """The filled Word document; `UnknownForm` for a code that names no form."""
    from docxtpl import DocxTemplate  # slow import, needed only here

    form = get_form(code)
    template = DocxTemplate(str(DOCX_DIR / f"{form.slug}.docx"))
    template.render(context.as_mapping(), autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue()


def render_html(code: str, context: FormContext) -> str:
    """The HTML the PDF is printed from (same header, title, body and signatures)."""
    form = get_form(code)
    values = {**context.as_mapping(), "form": form, "org_lines": ORG_LINES[form.header]}
    return render_to_string(f"documents/pdf/{form.slug}.html", values)


def _refuse(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # A form needs nothing from outside: no remote fonts, images or style sheets.
    raise ValueError(f"Biểu mẫu không được tải tài nguyên ngoài: {url}")


def render_pdf_document(code: str, context: FormContext) -> Any:
    """WeasyPrint's laid-out document (pages and boxes), before it is written as PDF."""
    import weasyprint

    html = render_html(code, context)
    return weasyprint.HTML(string=html, url_fetcher=_refuse).render()


def render_pdf(code: str, context: FormContext) -> bytes:
    """The filled form as PDF (A4); `UnknownForm` for a code that names no form."""
    return bytes(render_pdf_document(code, context).write_pdf())
