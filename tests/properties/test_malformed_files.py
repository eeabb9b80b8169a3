"""Files that are not plain workbooks: random bytes, truncated or corrupted archives, zip
bombs, XML with DOCTYPE/ENTITY, macro workbooks. The workbook check and the attachment check
refuse them with their one error and a Vietnamese reason; the importers turn that into a
problem of the file as a whole (row 0) and write nothing."""

from __future__ import annotations

import io
import struct
import zipfile
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dangvien.lib.uploads import ACCEPTED, UploadError, check_upload, safe_name, sniff
from dangvien.lib.xlsx import WorkbookError, check_workbook, read_first_sheet
from dangvien.people.importer import import_people
from dangvien.people.models import Person
from dangvien.targets.excel import import_targets
from dangvien.targets.models import Target
from tests.conftest import World
from tests.people.test_import import _zip
from tests.properties.strategies import TEXT, is_clear_message, write_workbook

FILES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
GOOD = write_workbook(
    ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã chi bộ"],
    [["Nguyễn Thị An", "17/05/1990", "Nữ", "Kinh", "QN.TK.AM.1"]],
)
SHEET = "xl/worksheets/sheet1.xml"


def _entries(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _doctype(xml: bytes, declaration: bytes) -> bytes:
    head, _sep, body = xml.partition(b"?>")
    return head + b"?>" + declaration + body


def _shifted_directory(content: bytes) -> bytes:
    """The archive with its directory said to start 2 bytes later than it does: zipfile then
    places the first member before the file's start (found by the property below: a bare
    ValueError escaped the workbook check)."""
    end = content.rindex(b"PK\x05\x06")
    (start,) = struct.unpack("<I", content[end + 16 : end + 20])
    return content[: end + 16] + struct.pack("<I", start + 2) + content[end + 20 :]


def _future_zip_version(content: bytes) -> bytes:
    """The archive with its first member said to need zip version 8.4: zipfile refuses it
    with NotImplementedError (found by the attachment property: it escaped the check)."""
    entry = content.index(b"PK\x01\x02")
    return content[: entry + 6] + struct.pack("<H", 84) + content[entry + 8 :]


# Each way a hostile or broken workbook is made from a good one, with the words its refusal
# must carry.
HOSTILE: dict[str, tuple[Any, str]] = {
    "macro": (lambda e: {**e, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, "macro"),
    "xlsm": (
        lambda e: {
            **e,
            "[Content_Types].xml": e.get("[Content_Types].xml", b"").replace(
                b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml"
            ),
        },
        "macro",
    ),
    "entity": (
        lambda e: {
            **e,
            SHEET: _doctype(
                e.get(SHEET, b""), b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            ),
        },
        "DOCTYPE",
    ),
    "external entity": (
        lambda e: {
            **e,
            "xl/sharedStrings.xml": _doctype(
                e.get("xl/sharedStrings.xml", b""),
                b'<!doctype x [ <!entity  xxe SYSTEM "file:///etc/passwd"> ]>',
            ),
        },
        "DOCTYPE",
    ),
    "bomb": (
        lambda e: {**e, "xl/media/padding.xml": b"<a>" + b"\0" * (8 * 1024 * 1024)},
        "nén bất thường",
    ),
    "no workbook part": (
        lambda e: {k: v for k, v in e.items() if k != "xl/workbook.xml"},
        "không phải là bảng tính",
    ),
    "sheet part missing": (
        lambda e: {k: v for k, v in e.items() if k != SHEET},
        "không phải là bảng tính",
    ),
    "formula": (
        lambda e: {
            **e,
            SHEET: e.get(SHEET, b"").replace(b"</row>", b'<c r="Z2"><f>1+1</f></c></row>', 1),
        },
        "công thức",
    ),
    "merged header": (
        lambda e: {
            **e,
            SHEET: e.get(SHEET, b"").replace(
                b"</sheetData>",
                b'</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>',
            ),
        },
        "ô gộp",
    ),
}


@pytest.mark.parametrize("way", sorted(HOSTILE))
def test_a_hostile_workbook_is_refused_with_its_reason(world: World, way: str) -> None:
    make, words = HOSTILE[way]
    content = _zip(make(_entries(GOOD)))
    with pytest.raises(WorkbookError, match=words):
        check_workbook(content)
    before = (Person.objects.count(), Target.objects.count())
    people = import_people(
        acting_user=world.xa, unit=world.an_my, kind="members", content=content, dry_run=False
    )
    targets = import_targets(acting_user=world.xa, unit=world.an_my, content=content, dry_run=False)
    for report in (people, targets):
        assert [(p.row, p.column) for p in report.problems] == [(0, "")]
        assert words in report.problems[0].message
    assert (Person.objects.count(), Target.objects.count()) == before


def test_the_good_workbook_passes_the_checks() -> None:
    """The hostile files above differ from this one only by what they inject."""
    assert check_workbook(GOOD) == SHEET
    assert read_first_sheet(GOOD)[1][0] == "Nguyễn Thị An"


@st.composite
def broken_files(draw: st.DrawFn) -> bytes:
    """Bytes that may or may not be a workbook: random, truncated, bit-flipped, hostile parts
    combined, or the archive rewritten without compression."""
    how = draw(st.sampled_from(["random", "zip-like", "truncated", "flipped", "hostile", "stored"]))
    if how == "random":
        return draw(st.binary(max_size=2000))
    if how == "zip-like":
        return b"PK\x03\x04" + draw(st.binary(max_size=2000))
    if how == "truncated":
        return GOOD[: draw(st.integers(0, len(GOOD) - 1))]
    if how == "flipped":
        data = bytearray(GOOD)
        for _flip in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] ^= draw(st.integers(1, 255))
        return bytes(data)
    entries = _entries(GOOD)
    if how == "stored":
        return _zip(entries, zipfile.ZIP_STORED)
    for way in draw(st.sets(st.sampled_from(sorted(HOSTILE)), min_size=1, max_size=3)):
        entries = HOSTILE[way][0](entries)
    if draw(st.booleans()):
        entries[draw(st.sampled_from(sorted(entries)))] = draw(st.binary(max_size=200))
    return _zip(entries)


@FILES
@given(content=broken_files())
@example(content=b"")
@example(content=b"PK\x05\x06" + b"\0" * 18)  # an empty archive
@example(content=_shifted_directory(GOOD))
@example(content=_future_zip_version(GOOD))
def test_a_broken_file_is_refused_by_the_workbook_check_and_writes_nothing(
    world: World, content: bytes
) -> None:
    reason = ""
    try:
        sheet = check_workbook(content)
    except WorkbookError as error:
        reason = str(error)
    refused = bool(reason)
    if refused:
        assert is_clear_message(reason), reason
    else:
        assert sheet in _entries(content)
    before = (Person.objects.count(), Target.objects.count())
    people = import_people(
        acting_user=world.bithu, unit=world.cell_1, kind="members", content=content, dry_run=False
    )
    targets = import_targets(acting_user=world.xa, unit=world.an_my, content=content, dry_run=False)
    for report in (people, targets):
        for problem in report.problems:
            assert is_clear_message(problem.message), problem
        if refused:
            assert report.problems[0].row == 0
    if people.problems:
        assert Person.objects.count() == before[0]
    if targets.problems:
        assert Target.objects.count() == before[1]


@FILES
@given(content=broken_files(), limit=st.integers(1, 4 * 1024 * 1024))
@example(content=b"", limit=100)
@example(content=_future_zip_version(GOOD), limit=10**6)
@example(content=b"%PDF-", limit=100)
@example(content=b"\x89PNG\r\n\x1a\n", limit=100)
def test_an_attachment_is_accepted_as_a_known_kind_or_refused_with_upload_error(
    content: bytes, limit: int
) -> None:
    try:
        kind = check_upload(content, max_bytes=limit)
    except UploadError as error:
        reason = str(error)
        assert is_clear_message(reason), reason
        return
    assert kind in ACCEPTED
    assert 0 < len(content) <= limit
    assert sniff(content) == kind


@FILES
@given(
    content=st.one_of(
        st.binary(min_size=1, max_size=200).map(lambda b: b"%PDF-" + b),
        st.binary(min_size=2, max_size=300),
    ),
    data=st.data(),
)
def test_an_attachment_over_the_size_limit_is_refused_whatever_it_holds(
    content: bytes, data: st.DataObject
) -> None:
    limit = data.draw(st.integers(1, len(content) - 1))
    with pytest.raises(UploadError, match="quá lớn"):
        check_upload(content, max_bytes=limit)


@FILES
@given(name=st.one_of(TEXT, st.sampled_from(["../../etc/passwd", "a\\b\\c.exe", ".", "..", ""])))
def test_safe_name_keeps_no_path_and_the_right_extension(name: str) -> None:
    for kind in ACCEPTED:
        shown = safe_name(name, kind)
        assert shown.endswith("." + kind.extension)
        assert "/" not in shown
        assert "\\" not in shown
        assert not shown.startswith(".")
        assert len(shown) <= 100 + 1 + len(kind.extension)
        assert shown.isprintable()
