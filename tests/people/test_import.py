"""The workbook importer: every bad file refused with a clear message and nothing written;
tolerant headers and values; duplicates; all or nothing."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from typing import Any

import pytest
import xlsxwriter

from dangvien.lib.xlsx import WorkbookError, check_workbook
from dangvien.people.importer import ImportReport, import_people
from dangvien.people.models import MassOrgMembership, Person, Status
from tests.conftest import World
from tests.people.factories import make_person

HEADERS = [
    "Họ và tên",
    "Ngày sinh",
    "Giới tính",
    "Dân tộc",
    "Số CCCD",
    "Mã chi bộ",
    "Đoàn thể",
    "Ngày quyết định kết nạp",
    "Ngày vào Đảng",
    "Ngày chính thức",
]


def row(name: str, cid: Any = "", **overrides: Any) -> list[Any]:
    values = {
        "Họ và tên": name,
        "Ngày sinh": "17/05/1990",
        "Giới tính": "Nữ",
        "Dân tộc": "Kinh",
        "Số CCCD": cid,
        "Mã chi bộ": "QN.TK.AM.1",
        "Đoàn thể": "",
        "Ngày quyết định kết nạp": "02/03/2015",
        "Ngày vào Đảng": "20/03/2015",
        "Ngày chính thức": "20/03/2016",
    }
    values.update(overrides)
    return [values[h] for h in HEADERS]


def workbook(rows: list[list[Any]], headers: list[str] | None = None, build: Any = None) -> bytes:
    """An .xlsx with the headers in row 1; strings as text cells, numbers as numbers."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    for c, header in enumerate(headers or HEADERS):
        sheet.write_string(0, c, header)
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            if value is None or value == "":
                continue
            if isinstance(value, date):
                sheet.write_datetime(r, c, value, date_format)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    if build is not None:
        build(book, sheet)
    book.close()
    return out.getvalue()


def run(world: World, content: bytes, *, dry_run: bool = False, **kw: Any) -> ImportReport:
    return import_people(
        acting_user=world.bithu,
        unit=kw.pop("unit", world.cell_1),
        kind=kw.pop("kind", "members"),
        content=content,
        dry_run=dry_run,
        **kw,
    )


def messages(report: ImportReport) -> str:
    return "\n".join(f"{p.row}|{p.column}|{p.message}" for p in report.problems)


# --- bad files ------------------------------------------------------------------------


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def _with_entries(content: bytes, extra: dict[str, bytes], replace: dict[str, bytes]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    entries = {i.filename: source.read(i.filename) for i in source.infolist()}
    entries.update(replace)
    entries.update(extra)
    return _zip(entries)


def _refused(world: World, content: bytes, words: str, **kw: Any) -> ImportReport:
    before = Person.objects.count()
    report = run(world, content, **kw)
    assert report.created == 0
    assert Person.objects.count() == before
    assert report.problems, "the file should have been refused"
    assert report.problems[0].row == 0
    assert words in report.problems[0].message, messages(report)
    return report


def test_random_bytes_are_not_a_workbook(world: World) -> None:
    _refused(world, b"\x00\x01 not a zip at all" * 100, "không phải là bảng tính Excel")


def test_a_docx_like_zip_is_not_a_workbook(world: World) -> None:
    docx = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
    _refused(world, docx, "không phải là bảng tính Excel")


def test_zip_bomb_is_refused(world: World) -> None:
    good = workbook([row("Nguyễn Thị An")])
    bomb = _with_entries(good, {"xl/padding.xml": b"<a>" + b" " * (50 * 1024 * 1024)}, {})
    assert len(bomb) < 1024 * 1024
    _refused(world, bomb, "nén bất thường")


def test_xml_entity_is_refused(world: World) -> None:
    good = workbook([row("Nguyễn Thị An")])
    source = zipfile.ZipFile(io.BytesIO(good))
    strings = source.read("xl/worksheets/sheet1.xml")
    evil = b'<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY lol "lol">]>' + strings.split(b"?>", 1)[1]
    _refused(world, _with_entries(good, {}, {"xl/worksheets/sheet1.xml": evil}), "DOCTYPE")


def test_macro_is_refused(world: World) -> None:
    good = workbook([row("Nguyễn Thị An")])
    _refused(world, _with_entries(good, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0"}, {}), "macro")


def test_xlsm_content_type_is_refused(world: World) -> None:
    good = workbook([row("Nguyễn Thị An")])
    types = zipfile.ZipFile(io.BytesIO(good)).read("[Content_Types].xml")
    types = types.replace(b"spreadsheetml.sheet.main+xml", b"sheet.macroEnabled.main+xml")
    _refused(world, _with_entries(good, {}, {"[Content_Types].xml": types}), "macro")


def test_too_many_rows_is_refused_with_its_count(world: World) -> None:
    rows = [row(f"Người {i}") for i in range(12)]
    report = _refused(world, workbook(rows), "12 dòng", max_rows=10)
    assert "10 dòng" in report.problems[0].message
    assert len(report.problems) == 1


def test_a_million_rows_by_dimension_is_refused_cheaply(world: World) -> None:
    good = workbook([row("Nguyễn Thị An")])
    sheet = zipfile.ZipFile(io.BytesIO(good)).read("xl/worksheets/sheet1.xml")
    sheet = sheet.replace(b'<dimension ref="A1:J2"/>', b'<dimension ref="A1:J1000001"/>')
    assert b"1000001" in sheet
    bad = _with_entries(good, {}, {"xl/worksheets/sheet1.xml": sheet})
    report = _refused(world, bad, "1.000.000 dòng")
    assert "200.000" in report.problems[0].message


def test_upload_size_limit() -> None:
    with pytest.raises(WorkbookError, match="quá lớn"):
        check_workbook(b"x" * 2000, max_bytes=1000)


def test_missing_required_columns(world: World) -> None:
    content = workbook([["Nguyễn Thị An", "Nữ"]], headers=["Họ và tên", "Giới tính"])
    report = _refused(world, content, "Thiếu cột bắt buộc")
    assert "Ngày sinh" in report.problems[0].message
    assert "Mã chi bộ" in report.problems[0].message
    assert len(report.problems) == 1


def test_merged_header_cells_are_refused(world: World) -> None:
    def merge(book: Any, sheet: Any) -> None:
        sheet.merge_range("J1:K1", "Ghi chú")

    _refused(world, workbook([row("Nguyễn Thị An")], build=merge), "ô gộp")


def test_formulas_are_refused(world: World) -> None:
    def formula(book: Any, sheet: Any) -> None:
        sheet.write_formula("J2", "=1+1")

    _refused(world, workbook([row("Nguyễn Thị An")], build=formula), "Tệp có công thức")


# --- good files -----------------------------------------------------------------------


def test_a_good_file_is_checked_then_committed(world: World) -> None:
    content = workbook(
        [
            row("Nguyễn Thị An", "049190001234", **{"Đoàn thể": "PN; Công đoàn"}),
            row("Trần Văn Bình", **{"Giới tính": "nam", "Ngày chính thức": ""}),
        ]
    )
    progress: list[tuple[int, int]] = []
    checked = run(world, content, dry_run=True, on_progress=lambda d, t: progress.append((d, t)))
    assert checked.problems == []
    assert checked.total_rows == 2
    assert checked.created == 0
    assert progress[-1] == (2, 2)
    assert not Person.objects.exists()
    report = run(world, content)
    assert report.problems == []
    assert report.created == 2
    an = Person.objects.get(full_name="Nguyễn Thị An")
    assert an.status == Status.OFFICIAL
    assert an.status_since == date(2016, 3, 20)
    assert an.citizen_id == "049190001234"
    assert an.unit == world.cell_1
    assert {m.organisation.code for m in MassOrgMembership.objects.filter(person=an)} == {
        "PN",
        "CD",
    }
    binh = Person.objects.get(full_name="Trần Văn Bình")
    assert binh.status == Status.PROBATIONARY
    assert binh.sex == "M"
    assert binh.status_since == date(2015, 3, 20)


def test_tolerant_headers_serial_dates_partial_births_codes_and_aliases(world: World) -> None:
    headers = ["ho va ten", "NGÀY SINH", "Phái", "DT", "Số  CCCD", "mã chi bộ",
               "Ngày QĐ kết nạp", "Ngày vào đảng", "Ngày CT", "Trình độ văn hóa",
               "Cột lạ"]  # fmt: skip
    rows = [
        ["Lê Thị Cúc", "05/1988", "F", "01", "", "QN.TK.AM.2", "02/03/2015", 42083.0,
         date(2016, 3, 20), "lớp 12", "bỏ qua"],
        ["Phạm Văn Dũng", 1975, "Nam", "kinh", "", "qn.tk.am.1", "02/03/2015", "20/03/2015", "",
         "12/12", ""],
    ]  # fmt: skip
    report = import_people(
        acting_user=world.xa,
        unit=world.an_my,
        kind="members",
        content=workbook(rows, headers=headers),
        dry_run=False,
    )
    assert report.problems == [], messages(report)
    cuc = Person.objects.get(full_name="Lê Thị Cúc")
    assert (cuc.birth_year, cuc.birth_month, cuc.birth_day) == (1988, 5, None)
    assert cuc.ceremony_date == date(2015, 3, 20)  # serial 42083
    assert cuc.official_date == date(2016, 3, 20)
    assert cuc.unit == world.cell_2
    assert cuc.ethnicity.name == "Kinh"
    assert cuc.general_education is not None
    assert cuc.general_education.code == "12/12"
    dung = Person.objects.get(full_name="Phạm Văn Dũng")
    assert dung.birth_display == "1975"
    assert dung.unit == world.cell_1


def test_candidates_file(world: World) -> None:
    headers = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã chi bộ"]
    report = run(
        world,
        workbook([["Võ Thị Em", "01/02/2000", "Nữ", "Kinh", "QN.TK.AM.1"]], headers=headers),
        kind="candidates",
    )
    assert report.problems == []
    assert report.created == 1
    assert Person.objects.get().status == Status.CANDIDATE


def test_row_column_and_rule_named_in_problems(world: World) -> None:
    content = workbook(
        [
            row("Nguyễn Thị An"),
            row("", **{"Ngày sinh": "31/02/1990"}),
            row("Trần Văn Bình", **{"Giới tính": "X", "Dân tộc": "Sao Hỏa"}),
            row("Đỗ Văn Cường", "12345"),
            row("Hồ Văn Dư", 49190001234.0),
            row("Mai Văn Én", **{"Mã chi bộ": "QN.TK.AM.2"}),
            row("Lý Thị Phương", **{"Mã chi bộ": "BN.KB.TH"}),
            row("Ngô Văn Giang", **{"Ngày vào Đảng": "20/03/2017"}),
        ]
    )
    report = run(world, content, unit=world.an_my)
    assert report.created == 0
    assert not Person.objects.exists()
    found = {(p.row, p.column) for p in report.problems}
    text = messages(report)
    assert (3, "Họ và tên") in found
    assert (3, "Ngày sinh") in found
    assert "31/02/1990" in text
    assert (4, "Giới tính") in found
    assert (4, "Dân tộc") in found
    assert "Sao Hỏa" in text
    assert (5, "Số CCCD") in found
    assert "12 chữ số" in text
    assert (6, "Số CCCD") in found
    assert "dạng văn bản" in text
    assert (7, "Mã chi bộ") in found
    assert "không có quyền" in text
    assert (8, "Mã chi bộ") in found
    assert "BN.KB.TH" in text
    assert (9, "Ngày chính thức") in found
    assert 2 not in {p.row for p in report.problems}


def test_empty_rows_are_skipped(world: World) -> None:
    content = workbook([row("Nguyễn Thị An"), ["", "", ""], row("Trần Văn Bình", "")])
    report = run(world, content)
    assert report.problems == []
    assert report.total_rows == 2
    assert report.created == 2


def test_duplicates_in_the_file(world: World) -> None:
    content = workbook(
        [
            row("Nguyễn Thị An", "049190001234"),
            row("Trần Văn Bình", "049190001234"),
            row("Nguyễn  thị an"),
        ]
    )
    report = run(world, content, dry_run=True)
    text = messages(report)
    assert "3|Số CCCD|Số CCCD 049190001234 trùng với dòng 2." in text
    assert "4|Họ và tên|Trùng họ tên và ngày sinh với dòng 2." in text


def test_names_differing_only_in_tone_marks_are_different_people(world: World) -> None:
    report = run(world, workbook([row("Nguyễn Văn Ân"), row("Nguyễn Văn An")]))
    assert report.problems == []
    assert report.created == 2


def test_duplicates_against_the_database(world: World) -> None:
    make_person(world.cell_2, "Nguyễn Thị An", citizen_id="049190009999")
    make_person(world.kb_school, "Người Ở Xa", citizen_id="049190008888")
    content = workbook(
        [
            row("Trần Văn Bình", "049190009999"),
            row("Nguyễn Thị An"),
            row("Lê Văn Cao", "049190008888"),
        ]
    )
    report = import_people(
        acting_user=world.xa, unit=world.an_my, kind="members", content=content, dry_run=True
    )
    text = messages(report)
    assert "2|Số CCCD|Số CCCD 049190009999 đã có trong hệ thống: Nguyễn Thị An" in text
    assert "3|Họ và tên|Đã có Nguyễn Thị An, sinh 17/05/1990, ở QN.TK.AM.2" in text
    assert "4|Số CCCD|Số CCCD 049190008888 đã có trong hệ thống (ở đơn vị khác)." in text
    assert "Người Ở Xa" not in text
    # The cell secretary of cell 1 is not told who is in cell 2.
    text = messages(run(world, content, unit=world.an_my, dry_run=True))
    assert "2|Số CCCD|Số CCCD 049190009999 đã có trong hệ thống (ở đơn vị khác)." in text
    assert "3|Họ và tên|Đã có người trùng họ tên và ngày sinh (ở đơn vị khác)." in text
    assert "QN.TK.AM.2" not in text


def test_one_bad_row_among_fifty_writes_nothing(world: World) -> None:
    rows = [row(f"Người Số {i}", f"04919000{i:04d}") for i in range(50)]
    rows[37] = row("Người Số 37", **{"Ngày sinh": "hôm qua"})
    report = run(world, workbook(rows))
    assert [(p.row, p.column) for p in report.problems] == [(39, "Ngày sinh")]
    assert report.created == 0
    assert not Person.objects.exists()
    rows[37] = row("Người Số 37")
    assert run(world, workbook(rows)).created == 50


def test_outsider_cannot_import(world: World) -> None:
    report = import_people(
        acting_user=world.ngoai,
        unit=world.cell_1,
        kind="members",
        content=workbook([row("Nguyễn Thị An")]),
        dry_run=False,
    )
    assert report.created == 0
    assert report.problems
    assert not Person.objects.exists()
