"""Hypothesis strategies for what people put in workbooks and forms, and a workbook writer."""

from __future__ import annotations

import io
import re
import string
from datetime import date, datetime
from typing import Any

import xlsxwriter
from hypothesis import strategies as st

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
LETTERS = VIETNAMESE + VIETNAMESE.upper() + "Đ"

# Text cells people type or paste: Vietnamese with odd spacing, control characters (which
# XlsxWriter keeps as _xHHHH_ escapes), and anything else Unicode holds (no surrogates).
TEXT = st.one_of(
    st.text(alphabet=LETTERS + string.digits + " /.-;,\t\n", max_size=40),
    st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], max_codepoint=0x2FFFF), max_size=40
    ),
    st.text(alphabet="\x00\x01\x07\x0b\x1b\x7f\u200b\ufeff\u202e", max_size=5),
)
# Strings that a spreadsheet would run (DDE, formulas) if a cell kept them as typed.
FORMULAS = st.sampled_from(
    [
        "=cmd|' /C calc'!A0",
        "=1+1",
        "+SUM(A1:A2)",
        "-2+3",
        "@SUM(1)",
        '=HYPERLINK("http://x","y")',
        "\t=1",
        "=IMPORTXML(A1)",
    ]
)
HUGE = st.one_of(
    st.integers(-(2**70), 2**70).map(float),
    st.sampled_from([1e300, -1e300, 1e-300, 2.0**63, 9.99e307, 0.0, -0.0, 2958466.0, 1e15]),
    st.floats(allow_nan=False, allow_infinity=False),
)


def _date_texts() -> st.SearchStrategy[str]:
    day = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
    forms = [
        "%d/%m/%Y",
        "%d-%m-%Y",
        "%d.%m.%Y",
        "%Y-%m-%d",
        "%m/%d/%Y",
        "%d/%m/%y",
        "%m/%Y",
        "%Y",
        "%d %B %Y",
        "ngày %d tháng %m năm %Y",
        "%Y-%m-%dT%H:%M:%S",
    ]
    return st.tuples(day, st.sampled_from(forms)).map(lambda t: t[0].strftime(t[1]))


DATE_TEXT = st.one_of(
    _date_texts(),
    st.sampled_from(["31/02/2024", "00/00/0000", "29/02/1900", "13/2000", "0/1990", "  1990 "]),
)
# CCCD: twelve digits (a leading 0 is kept only as text), one too few or too many, spaced,
# lettered, or typed in a number cell that loses the leading zero.
CCCD = st.one_of(
    st.from_regex(r"\A0\d{11}\Z"),
    st.from_regex(r"\A\d{11}\Z"),
    st.from_regex(r"\A\d{13}\Z"),
    st.from_regex(r"\A\d{3} \d{3} \d{3} \d{3}\Z"),
    st.from_regex(r"\A\d{11}[A-Za-zĐđ]\Z"),
    st.integers(0, 10**12 - 1),
    st.integers(10**11, 10**12 - 1).map(float),
)
CELL: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    TEXT,
    FORMULAS,
    HUGE,
    DATE_TEXT,
    CCCD,
    st.booleans(),
    st.dates(min_value=date(1900, 3, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(9999, 12, 31)),
)


def write_workbook(header: list[str], rows: list[list[Any]]) -> bytes:
    """An .xlsx of one sheet: the header in row 1, each value as its own cell type."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet("Danh sách")
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for r, values in enumerate([header, *rows]):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, datetime | date):
                sheet.write_datetime(r, c, value, day)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()
    return out.getvalue()


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")


def is_clear_message(message: object) -> bool:
    """A message a user can read: non-empty text in Vietnamese (its own words, not just the
    value it quotes, carry Vietnamese letters), with no Python exception leaking through."""
    if not isinstance(message, str) or not message.strip():
        return False
    own_words = _QUOTED.sub("", message)
    leaked = re.search(r"Traceback|Error\(|Exception|invalid literal|NoneType", own_words)
    return leaked is None and any(ord(c) > 127 and c.isalpha() for c in own_words)
