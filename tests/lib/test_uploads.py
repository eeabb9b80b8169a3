import io
import zipfile

import pytest

from dangvien.lib.uploads import DOCX, JPEG, PDF, PNG, XLSX, UploadError, check_upload, safe_name


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n", PDF),
        (b"\xff\xd8\xff\xe0JFIF", JPEG),
        (b"\x89PNG\r\n\x1a\n....", PNG),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<x/>"}), DOCX),
        (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), XLSX),
    ],
)
def test_accepted_kinds_are_known_by_content(content: bytes, kind: object) -> None:
    assert check_upload(content, max_bytes=10**6) == kind


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "rỗng"),
        (b"MZ\x90\x00", "Chỉ nhận"),
        (b"<html><script>alert(1)</script>", "Chỉ nhận"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "Chỉ nhận"),
        (_zip({"a.txt": b"x"}), "Chỉ nhận"),
        (_zip({"[Content_Types].xml": b"<x/>", "xl/vbaProject.bin": b"x"}), "macro"),
        (_zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"0" * 5_000_000}), "nén"),
        (b"%PDF-" + b"0" * 2_000_000, "giới hạn là 1 MB"),
    ],
)
def test_anything_else_is_refused_with_a_reason(content: bytes, reason: str) -> None:
    with pytest.raises(UploadError, match=reason):
        check_upload(content, max_bytes=1024 * 1024)


def test_names_lose_their_path_and_get_the_true_extension() -> None:
    assert safe_name("C:\\Users\\bt\\Biên bản họp.PDF", PDF) == "Biên bản họp.pdf"
    assert safe_name("../../etc/passwd", PDF) == "passwd.pdf"
    assert safe_name("ảnh.exe", JPEG) == "ảnh.jpg"
    assert safe_name("<>.png", PNG) == "tep.png"
