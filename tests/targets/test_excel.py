import io
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from dangvien.lib.periods import Period
from dangvien.targets.excel import import_targets, template_xlsx
from dangvien.targets.models import Target
from tests.conftest import World, logged_in
from tests.targets.factories import make_target

HEADER = ["Mã đơn vị", "Tên đơn vị", "Kỳ", "Chỉ tiêu kết nạp", "Chỉ tiêu tối thiểu", "Văn bản giao"]


def workbook(rows: list[list[Any]], header: list[str] = HEADER) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([header, *rows]):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def test_a_clean_file_previews_then_commits_every_row(world: World) -> None:
    make_target(world.cell_1, "2026", 2)
    content = workbook(
        [
            ["QN.TK.AM.1", "Chi bộ khu phố 1", "2026", 5, 3, "15-KH/ĐU"],
            ["qn.tk.am.2", "", "2025-2030", "1.200", None, ""],
        ]
    )
    preview = import_targets(acting_user=world.xa, unit=world.an_my, content=content, dry_run=True)
    assert preview.problems == []
    assert [(r.row, r.unit.code, r.admissions, r.before) for r in preview.rows] == [
        (2, "QN.TK.AM.1", 5, 2),
        (3, "QN.TK.AM.2", 1200, None),
    ]
    assert Target.objects.get(unit=world.cell_1).admissions == 2
    done = import_targets(acting_user=world.xa, unit=world.an_my, content=content, dry_run=False)
    assert done.written == 2
    assert Target.objects.get(unit=world.cell_1, period="2026").admissions_min == 3
    assert Target.objects.get(unit=world.cell_2).period_kind == "term"


def test_every_problem_is_named_by_row_column_and_rule_and_nothing_is_written(
    world: World,
) -> None:
    content = workbook(
        [
            ["QN.TK.AM.1", "", "2026", 5, None, ""],
            ["QN.TK.AM.9", "", "2026", 5, None, ""],
            ["QN.TK.AM.2", "", "2026-H3", "năm", None, ""],
            ["QN.TK.AM.2", "", "2026", 2.5, 4, ""],
            ["QN.TK.AM.1", "", "2026", 6, None, ""],
            ["BN.KB.TH", "", "2026", 1, None, ""],
        ]
    )
    report = import_targets(acting_user=world.xa, unit=world.root, content=content, dry_run=False)
    found = {(p.row, p.column) for p in report.problems}
    assert found == {
        (3, "Mã đơn vị"),
        (4, "Kỳ"),
        (4, "Chỉ tiêu kết nạp"),
        (5, "Chỉ tiêu kết nạp"),
        (6, "Mã đơn vị"),
        (7, "Mã đơn vị"),
    }
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert "trùng với dòng 2" in messages[(6, "Mã đơn vị")]
    assert "không có quyền phê duyệt" in messages[(7, "Mã đơn vị")]
    assert "không phải kỳ" in messages[(4, "Kỳ")]
    assert report.written == 0
    assert not Target.objects.exists()


def test_a_file_without_the_required_columns_is_refused_whole(world: World) -> None:
    content = workbook([["QN.TK.AM.1", 5]], header=["Mã đơn vị", "Số"])
    report = import_targets(acting_user=None, unit=world.an_my, content=content, dry_run=True)
    assert [(p.row, p.column) for p in report.problems] == [(0, "")]
    assert "Kỳ" in report.problems[0].message
    assert "Chỉ tiêu kết nạp" in report.problems[0].message


def test_a_file_that_is_not_a_workbook_is_refused(world: World) -> None:
    report = import_targets(acting_user=None, unit=world.an_my, content=b"abc", dry_run=True)
    assert "không phải là bảng tính" in report.problems[0].message


def test_the_template_lists_the_children_and_reads_back_clean(world: World) -> None:
    content = template_xlsx(
        [world.an_my, world.cell_1, world.cell_2],
        [(world.cell_1, world.cell_1.name), (world.cell_2, world.cell_2.name)],
        Period.parse("2026"),
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    assert book.sheet_names[:2] == ["Chỉ tiêu", "Hướng dẫn"]
    rows = [list(r) for r in book.get_sheet_by_index(0).to_python()]
    assert rows[0][:4] == HEADER[:4]
    assert [r[0] for r in rows[1:]] == ["QN.TK.AM.1", "QN.TK.AM.2"]
    # Left unfilled, every row lacks its number: the importer says so row by row.
    report = import_targets(acting_user=None, unit=world.an_my, content=content, dry_run=True)
    assert {(p.row, p.column) for p in report.problems} == {
        (2, "Chỉ tiêu kết nạp"),
        (3, "Chỉ tiêu kết nạp"),
    }


def test_the_import_page_previews_and_the_button_commits(world: World) -> None:
    client = logged_in("xa")
    url = f"/chi-tieu/{world.an_my.pk}/nhap/?period=2026"
    content = workbook([["QN.TK.AM.1", "", "2026", 4, None, ""]])
    upload = io.BytesIO(content)
    upload.name = "chi-tieu.xlsx"
    response = client.post(url, {"file": upload})
    body = response.content.decode()
    assert 'id="preview"' in body
    assert 'name="content"' in body
    assert not Target.objects.exists()
    carried = body.split('name="content" value="', 1)[1].split('"', 1)[0]
    response = client.post(url, {"content": carried})
    assert response.status_code == 302
    assert Target.objects.get().admissions == 4


def test_the_template_page_downloads_the_childrens_rows(world: World) -> None:
    response = logged_in("xa").get(f"/chi-tieu/{world.an_my.pk}/mau/?period=2026")
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = list(book.get_sheet_by_index(0).to_python())
    assert [(r[0], r[2]) for r in rows[1:]] == [("QN.TK.AM.1", "2026"), ("QN.TK.AM.2", "2026")]


def test_the_commands_export_and_import_the_same_columns(world: World, tmp_path: Path) -> None:
    make_target(world.an_my, "2026", 10)
    make_target(world.cell_1, "2026", 6)
    out = tmp_path / "chi-tieu.xlsx"
    stdout = io.StringIO()
    args = ["--unit", "QN.TK.AM", "--period", "2026", "--out", str(out)]
    call_command("export_targets", *args, stdout=stdout)
    assert "Đã xuất 2 chỉ tiêu" in stdout.getvalue()
    Target.objects.filter(unit=world.cell_1).delete()
    stdout = io.StringIO()
    call_command("import_targets", str(out), unit="QN.TK", dry_run=True, stdout=stdout)
    assert "không có lỗi (chưa ghi)" in stdout.getvalue()
    assert not Target.objects.filter(unit=world.cell_1).exists()
    call_command("import_targets", str(out), unit="QN.TK", stdout=io.StringIO())
    assert Target.objects.get(unit=world.cell_1).admissions == 6


def test_the_import_command_lists_problems_and_fails(world: World, tmp_path: Path) -> None:
    path = tmp_path / "sai.xlsx"
    path.write_bytes(workbook([["QN.TK.AM.1", "", "2026", -3, None, ""]]))
    stdout = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_targets", str(path), unit="QN.TK.AM", stdout=stdout)
    assert "dòng 2 [Chỉ tiêu kết nạp]: Chỉ tiêu không được là số âm." in stdout.getvalue()
