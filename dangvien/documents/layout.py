"""A small description of a form's layout, from which both the .docx and the HTML are built.

Text may hold template variables (`{{ full_name }}`, the keys of `FormContext.as_mapping()`)
and `**bold**` spans. One description, two renderings: the Word template (docxtpl, Jinja)
and the PDF template (Django) show the same header, title, body and signatures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Align = Literal["left", "center", "right", "justify"]
Header = Literal["party", "youth", "union", "state"]

VARIABLE = re.compile(r"{{\s*([a-z_0-9]+)(?:\.[a-z_]+)?\s*}}")
BOLD = re.compile(r"\*\*(.+?)\*\*")
ORG_LINES: dict[str, tuple[tuple[str, bool], ...]] = {
    # The heading opposite the issuing unit: (text, underlined), all bold.
    "party": (("ĐẢNG CỘNG SẢN VIỆT NAM", True),),
    "youth": (("ĐOÀN TNCS HỒ CHÍ MINH", True),),
    "union": (
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", False),
        ("Độc lập - Tự do - Hạnh phúc", True),
    ),
    "state": (
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", False),
        ("Độc lập - Tự do - Hạnh phúc", True),
    ),
}
DATE_LINE = "{{ place }}, ngày {{ date_d }} tháng {{ date_m }} năm {{ date_y }}"


@dataclass(frozen=True)
class Para:
    text: str
    align: Align = "justify"
    bold: bool = False
    italic: bool = False
    underline: bool = False
    indent: bool = True
    size: int | None = None  # points; the form's default when None


@dataclass(frozen=True)
class Rows:
    """A table with a header row and one row per item of a list in the context."""

    headers: tuple[str, ...]
    cells: tuple[str, ...]  # e.g. "{{ m.name }}"
    loop: str  # e.g. "m in family"
    widths: tuple[float, ...]  # centimetres


@dataclass(frozen=True)
class Sign:
    """Two borderless columns at the foot: recipients or a second signer left, signer right."""

    left: tuple[Para, ...]
    right: tuple[Para, ...]


Block = Para | Rows | Sign


@dataclass(frozen=True)
class Layout:
    code: str
    title: str  # the name in the list of forms
    heading: tuple[str, ...]  # the title on the page: first line uppercase, then subtitles
    body: tuple[Block, ...]
    header: Header = "party"
    number_suffix: str | None = None  # "NQ/CB" gives "Số …-NQ/CB"
    comment: str = ""

    @property
    def slug(self) -> str:
        """ASCII name for files and downloads: "1-KNĐ" → "1-KND"."""
        return self.code.replace("Đ", "D").replace("đ", "d")

    @property
    def fields(self) -> tuple[str, ...]:
        """The template keys (of `FormContext.as_mapping()`) this form shows."""
        found: set[str] = {"higher_committee_upper", "unit_name_upper", "place"}
        found.update({"date_d", "date_m", "date_y"})
        if self.number_suffix:
            found.add("number")
        for text in _texts(self):
            found.update(VARIABLE.findall(text))
            loop = re.match(r"\w+ in (\w+)", text)
            if loop:
                found.add(loop.group(1))
        if self.header == "state":
            found -= {"higher_committee_upper", "unit_name_upper"}
        return tuple(sorted(found))


def _texts(layout: Layout) -> list[str]:
    texts: list[str] = list(layout.heading)
    for block in layout.body:
        if isinstance(block, Para):
            texts.append(block.text)
        elif isinstance(block, Rows):
            texts.append(block.loop)  # cells name the loop variable, not context keys
        else:
            texts.extend(p.text for p in (*block.left, *block.right))
    return texts


def spans(text: str) -> list[tuple[str, bool]]:
    """Split `**bold**` markup into (text, bold) pieces."""
    pieces: list[tuple[str, bool]] = []
    last = 0
    for match in BOLD.finditer(text):
        if match.start() > last:
            pieces.append((text[last : match.start()], False))
        pieces.append((match.group(1), True))
        last = match.end()
    if last < len(text):
        pieces.append((text[last:], False))
    return pieces


# Helpers for the common parts of the forms.


def signer(
    *roles: str, name: str = "{{ signer }}", note: str = "(Ký, ghi rõ họ tên)"
) -> tuple[Para, ...]:
    return (
        *(Para(r, align="center", bold=True, indent=False) for r in roles),
        Para(note, align="center", italic=True, indent=False),
        Para("", indent=False),
        Para("", indent=False),
        Para("", indent=False),
        Para(name, align="center", bold=True, indent=False),
    )


def recipients(*items: str) -> tuple[Para, ...]:
    return (
        Para("Nơi nhận:", align="left", bold=True, italic=True, indent=False, size=12),
        *(Para(f"- {item}", align="left", indent=False, size=11) for item in items),
    )
