"""Files attached to a record: what is accepted, judged by content rather than by name.

A dossier holds scanned signed forms and decisions: PDF, JPEG, PNG, and Word or Excel files
without macros. Anything else (executables, HTML, SVG with scripts, macro documents) is
refused, as are archives that would unpack to far more than they weigh.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass

from django.utils.translation import gettext as _

# A zip-based document may unpack to at most this many times its size, and this much in all.
MAX_RATIO = 100
MAX_UNCOMPRESSED = 200 * 1024 * 1024
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)
# What zipfile raises on a damaged or hostile archive besides BadZipFile: a directory that
# points a member before the file's start (ValueError), names an unknown zip version
# (NotImplementedError) or is cut short (EOFError), a member that does not inflate
# (zlib.error). The attachment check and the workbook check (lib/xlsx.py) both catch these.
BROKEN_ARCHIVE = (
    zipfile.BadZipFile,
    OSError,
    ValueError,
    NotImplementedError,
    EOFError,
    zlib.error,
)


class UploadError(ValueError):
    """The file is refused; the message says why, in Vietnamese."""


@dataclass(frozen=True)
class Kind:
    extension: str
    content_type: str
    label: str


PDF = Kind("pdf", "application/pdf", "PDF")
JPEG = Kind("jpg", "image/jpeg", "JPEG")
PNG = Kind("png", "image/png", "PNG")
DOCX = Kind(
    "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word"
)
XLSX = Kind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")
ACCEPTED = (PDF, JPEG, PNG, DOCX, XLSX)


def accepted_text() -> str:
    return ", ".join(k.label for k in ACCEPTED)


def _zip_kind(content: bytes) -> Kind:
    refused = UploadError(
        _("Tệp không đúng định dạng. Chỉ nhận: %(kinds)s.") % {"kinds": accepted_text()}
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except BROKEN_ARCHIVE:
        raise refused from None
    with archive:
        infos = archive.infolist()
        names = {i.filename for i in infos}
        if any(n.lower().endswith("vbaproject.bin") for n in names):
            raise UploadError(_("Tệp có chứa macro (VBA); hãy lưu lại dạng không có macro."))
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(content), 1):
            raise UploadError(_("Tệp nén bất thường (giải nén quá lớn); không nhận."))
        if "[Content_Types].xml" not in names:
            raise refused
        if "word/document.xml" in names:
            return DOCX
        if "xl/workbook.xml" in names:
            return XLSX
    raise refused


def sniff(content: bytes) -> Kind:
    """The kind of the file by its first bytes; UploadError when it is none we accept."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"PK\x03\x04"):
        return _zip_kind(content)
    raise UploadError(
        _("Tệp không đúng định dạng. Chỉ nhận: %(kinds)s.") % {"kinds": accepted_text()}
    )


def check_upload(content: bytes, *, max_bytes: int) -> Kind:
    if not content:
        raise UploadError(_("Tệp rỗng."))
    if len(content) > max_bytes:
        raise UploadError(
            _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
            % {
                "size": f"{len(content) / (1024 * 1024):.1f}".replace(".", ","),
                "limit": max_bytes // (1024 * 1024),
            }
        )
    return sniff(content)


def safe_name(name: str, kind: Kind) -> str:
    """A file name to show and download: no path, no odd characters, the right extension."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE_NAME.sub("_", stem).strip(" ._")[:100] or "tep"
    return f"{stem}.{kind.extension}"
