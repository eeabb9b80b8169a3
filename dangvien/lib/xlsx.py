"""Writing workbooks people open in Excel, safely."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from dangvien.lib.uploads import BROKEN_ARCHIVE

# A cell that starts with one of these is read by Excel as a formula (or DDE): a name typed
# as "=HYPERLINK(...)" must stay text. Prefixing an apostrophe-like quote makes it inert.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """Text that Excel would take for a formula gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# --- reading uploaded workbooks, safely ------------------------------------------------

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_RATIO = 200  # an XML part may compress well, but not a thousandfold
MAX_DATA_ROWS = 200_000
_CHUNK = 1 << 20
_TAIL = 64

_DANGEROUS = re.compile(rb"<!\s*(?:doctype|entity)", re.IGNORECASE)
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?[A-Z]*(\d+)\"")
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
_SHEET = re.compile(r"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_RELATIONSHIP = re.compile(r"<Relationship\b[^>]*>")
_ATTRIBUTE = re.compile(r"(\w+)=\"([^\"]*)\"")

Cell = Any


class WorkbookError(ValueError):
    """The upload is not a workbook this application will read; the message says why."""


@dataclass(frozen=True)
class SheetFacts:
    rows: int
    has_formulas: bool
    merged_header: bool


def _scan(archive: zipfile.ZipFile, name: str) -> SheetFacts:
    """Stream one sheet's XML once: rows, formulas and merged cells touching row 1."""
    rows = 0
    dimension_rows = 0
    formulas = False
    merged_header = False
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            buffer = tail + chunk
            done = len(tail)
            rows += sum(1 for m in _ROW.finditer(buffer) if m.end() > done)
            formulas = formulas or bool(_FORMULA.search(buffer))
            for m in _DIMENSION.finditer(buffer):
                dimension_rows = max(dimension_rows, int(m[1]))
            for m in _MERGE.finditer(buffer):
                if int(m[2]) == 1:
                    merged_header = True
            tail = buffer[-_TAIL:]
    return SheetFacts(max(rows, dimension_rows), formulas, merged_header)


def _has_dangerous_xml(archive: zipfile.ZipFile, name: str) -> bool:
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(_CHUNK):
            buffer = tail + chunk
            if _DANGEROUS.search(buffer):
                return True
            tail = buffer[-_TAIL:]
    return False


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """The path of the first worksheet, from the workbook and its relationships."""
    try:
        workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        raise WorkbookError(_("Tệp không phải là bảng tính Excel (.xlsx).")) from None
    first = _SHEET.search(workbook)
    if first is None:
        raise WorkbookError(_("Bảng tính không có trang nào."))
    for tag in _RELATIONSHIP.findall(rels):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get("Id") == first[1]:
            target = attributes.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else "xl/" + target
    raise WorkbookError(_("Bảng tính không có trang nào."))


def check_workbook(
    content: bytes,
    *,
    max_rows: int = MAX_DATA_ROWS,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
) -> str:
    """Refuse anything but a plain .xlsx workbook of typed values; returns the first sheet's
    part name. Raises WorkbookError with a Vietnamese message naming the reason."""
    if len(content) > max_bytes:
        raise WorkbookError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {"size": len(content) // (1024 * 1024), "limit": max_bytes // (1024 * 1024)}
        )
    not_workbook = _("Tệp không phải là bảng tính Excel (.xlsx). Hãy lưu lại tệp dạng .xlsx.")
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise WorkbookError(not_workbook)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except BROKEN_ARCHIVE:
        raise WorkbookError(not_workbook) from None
    with archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise WorkbookError(not_workbook)
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise WorkbookError(
                _("Tệp có chứa macro (VBA); hãy lưu lại dạng .xlsx không có macro.")
            )
        total = 0
        for info in infos:
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if total > max_uncompressed or (info.file_size > _CHUNK and ratio > MAX_RATIO):
                raise WorkbookError(
                    _(
                        "Tệp giải nén ra quá lớn hoặc nén bất thường (có thể là tệp độc hại); "
                        "không đọc."
                    )
                )
        try:
            types = archive.read("[Content_Types].xml")
            if b"macroEnabled" in types or b"vbaProject" in types:
                raise WorkbookError(
                    _("Tệp có chứa macro (.xlsm); hãy lưu lại dạng .xlsx không có macro.")
                )
            for name in sorted(names):
                if name.lower().endswith((".xml", ".rels", ".vml")) and _has_dangerous_xml(
                    archive, name
                ):
                    raise WorkbookError(
                        _(
                            "Tệp có khai báo DOCTYPE/ENTITY trong XML (có thể là tệp độc hại); "
                            "không đọc."
                        )
                    )
            sheet = _first_sheet_part(archive)
            if sheet not in names:
                raise WorkbookError(not_workbook)
            facts = _scan(archive, sheet)
        # WorkbookError is a ValueError, which BROKEN_ARCHIVE catches: let it through first.
        except WorkbookError:
            raise
        except BROKEN_ARCHIVE:
            raise WorkbookError(not_workbook) from None
    if facts.rows - 1 > max_rows:
        raise WorkbookError(
            _("Tệp có %(rows)s dòng dữ liệu, vượt giới hạn %(limit)s dòng; hãy chia nhỏ tệp.")
            % {
                "rows": f"{facts.rows - 1:,}".replace(",", "."),
                "limit": f"{max_rows:,}".replace(",", "."),
            }
        )
    if facts.merged_header:
        raise WorkbookError(
            _("Dòng tiêu đề (dòng 1) có ô gộp (merge); mỗi cột phải có một ô tiêu đề riêng.")
        )
    if facts.has_formulas:
        raise WorkbookError(
            _("Tệp có công thức; hãy sao chép và dán dạng giá trị (Paste Values) rồi nhập lại.")
        )
    return sheet


def read_first_sheet(content: bytes, *, max_rows: int = MAX_DATA_ROWS) -> list[list[Cell]]:
    """The first sheet's cells as Python values, after `check_workbook` let the file in."""
    from python_calamine import CalamineError, CalamineWorkbook

    check_workbook(content, max_rows=max_rows)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
        with workbook:
            rows = workbook.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, ValueError, OSError):
        raise WorkbookError(_("Không đọc được bảng tính; tệp có thể bị hỏng.")) from None
    return [list(row) for row in rows]
