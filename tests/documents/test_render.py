"""Every registered form renders to Word and to PDF, filled with the sample or left blank.

The PDF text is read from WeasyPrint's own layout (the text boxes of the rendered pages, the
same document that is written as PDF): no PDF text extractor is installed here. Each form's
PDF is laid out once for the whole module.
"""

from __future__ import annotations

import re
from functools import cache
from io import BytesIO

import pytest
from docx import Document

from dangvien.documents.context import DOTS, FormContext, Vote
from dangvien.documents.forms_registry import FORMS, UnknownForm
from dangvien.documents.render import render_docx, render_html, render_pdf, render_pdf_document

CODES = [form.code for form in FORMS]
SAMPLE = FormContext.sample()
BLANK = FormContext.blank()
NAME = "Nguyễn Thị Thu Hà"


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells of a Word file, read back with python-docx."""
    document = Document(BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


@cache
def pdf(code: str) -> tuple[bytes, str]:
    """The sample PDF of a form and the text of its laid-out pages, rendered once."""
    document = render_pdf_document(code, SAMPLE)
    text = " ".join(
        box.text
        for page in document.pages
        for box in page._page_box.descendants()
        if hasattr(box, "text") and isinstance(box.text, str)
    )
    return bytes(document.write_pdf()), text


def _words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize("code", CODES)
def test_sample_docx_shows_the_name_and_the_form_code(code: str) -> None:
    text = docx_text(render_docx(code, SAMPLE))
    assert NAME in text
    assert f"Mẫu {code}" in text
    assert "{{" not in text
    assert "{%" not in text
    assert "None" not in text


@pytest.mark.parametrize("code", CODES)
def test_blank_docx_has_dotted_lines_and_no_none(code: str) -> None:
    text = docx_text(render_docx(code, BLANK))
    assert DOTS in text
    assert "None" not in text
    assert "{{" not in text
    assert NAME not in text


def test_resolution_of_the_cell_shows_the_vote() -> None:
    text = docx_text(render_docx("6-KNĐ", SAMPLE))
    # 21 official members, 1 attached elsewhere, 2 exempt and absent: 18 count for the vote.
    assert "Tổng số đảng viên chính thức của chi bộ: 21 đồng chí" in text
    assert "số đảng viên chính thức được tính để biểu quyết: 18 đồng chí" in text
    assert "Có mặt: 17 đồng chí" in text
    assert "tán thành việc kết nạp: 16 đồng chí, đạt 88,9%" in text
    assert "không tán thành: 1 đồng chí, chiếm 5,6%" in text
    assert "Số 07-NQ/CB" in text


def test_vote_share_is_written_the_vietnamese_way() -> None:
    vote = Vote(official_members=3, in_favour=2)
    assert vote.share(2) == "66,7"
    assert Vote(official_members=4).share(4) == "100"
    assert Vote().share(1) == "………"


def test_text_is_escaped_in_word_and_html() -> None:
    context = FormContext(unit_name="Chi bộ <A> & B")
    assert "Chi bộ <A> & B" in docx_text(render_docx("6-KNĐ", context))
    assert "Chi bộ &lt;A&gt; &amp; B" in render_html("6-KNĐ", context)


def test_personal_history_lists_the_family() -> None:
    text = docx_text(render_docx("2-KNĐ", SAMPLE))
    assert "Nguyễn Văn Hùng" in text
    assert "Phạm Thị Lan" in text
    assert "NGUYỄN THỊ THU HÀ" in text


def test_unknown_code_is_refused() -> None:
    with pytest.raises(UnknownForm):
        render_docx("99-KNĐ", SAMPLE)
    with pytest.raises(LookupError):
        render_pdf("99-KNĐ", SAMPLE)


@pytest.mark.parametrize("code", CODES)
def test_sample_pdf_is_a_pdf_with_the_name(code: str) -> None:
    data, text = pdf(code)
    assert data.startswith(b"%PDF")
    words = _words(text)
    assert NAME in words
    assert f"Mẫu {code}" in words
    assert "None" not in words


def test_pdf_of_the_cell_resolution_shows_the_vote() -> None:
    _, text = pdf("6-KNĐ")
    words = _words(text)
    assert "88,9%" in words
    assert "Số 07-NQ/CB" in words
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in words


def test_every_placeholder_of_a_form_is_a_context_key() -> None:
    keys = set(BLANK.as_mapping())
    for form in FORMS:
        assert set(form.fields) <= keys, form.code
