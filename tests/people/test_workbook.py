"""The blank workbooks: headers the importer reads, drop-downs from the catalogues, a guide."""

from __future__ import annotations

import io
import zipfile

from python_calamine import CalamineWorkbook

from dangvien.people.columns import columns_for
from dangvien.people.importer import import_people
from tests.conftest import World


def test_members_template(world: World) -> None:
    from dangvien.people.workbook import template_xlsx

    content = template_xlsx("members")
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names == ["Danh sách", "Hướng dẫn", "Danh mục"]
    headers = book.get_sheet_by_name("Danh sách").to_python()[0]
    assert headers == [c.header for c in columns_for("members")]
    guide = "\n".join(str(v) for r in book.get_sheet_by_name("Hướng dẫn").to_python() for v in r)
    assert "dd/mm/yyyy" in guide
    assert "12 chữ số" in guide
    assert "chấm phẩy" in guide
    lists = book.get_sheet_by_name("Danh mục").to_python()
    assert "Kinh" in [r[0] for r in lists]
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation " in sheet
    assert "'Danh mục'!$A$2:$A$55" in sheet
    assert "Nam,Nữ" in sheet
    workbook_xml = zipfile.ZipFile(io.BytesIO(content)).read("xl/workbook.xml").decode()
    assert 'state="hidden"' in workbook_xml


def test_a_blank_template_passes_the_file_checks(world: World) -> None:
    from dangvien.people.workbook import template_xlsx

    for kind in ("members", "candidates"):
        report = import_people(
            acting_user=world.bithu,
            unit=world.cell_1,
            kind=kind,
            content=template_xlsx(kind),
            dry_run=True,
        )
        assert [p.message for p in report.problems] == ["Bảng tính không có dòng dữ liệu nào."]
