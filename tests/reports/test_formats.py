"""Formatters (numbers, text, JSON, XLSX, DOCX, PDF) and the `dangvien report` command."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from python_calamine import CalamineWorkbook

from dangvien.lib.periods import Period
from dangvien.reports.formats import (
    cell_text,
    render_text,
    table_to_json,
    vn_decimal,
    vn_difference,
    vn_number,
    vn_percent,
    write_docx,
    write_pdf,
    write_xlsx,
)
from dangvien.reports.registry import REPORTS, build_table
from dangvien.reports.types import Column, ColumnKind, ReportScope, Table
from tests.conftest import World
from tests.reports.helpers import admit
from tests.targets.factories import make_target


def test_vietnamese_numbers_percentages_and_differences() -> None:
    assert (vn_number(1732), vn_number(71441), vn_number(7), vn_number(-1500)) == (
        "1.732",
        "71.441",
        "7",
        "-1.500",
    )
    assert vn_percent(Decimal(4537) * 100 / 7500, 1) == "60,5%"
    assert vn_percent(Decimal(268) * 100 / 350, 2) == "76,57%"
    assert vn_percent(Decimal("0.05"), 1) == "0,1%"  # half up, not to even
    assert vn_percent(Decimal("12.25"), 1) == "12,3%"
    assert vn_percent(None) == "—"
    assert vn_decimal(Decimal("12345.678"), 2) == "12.345,68"
    assert (vn_difference(3), vn_difference(-2), vn_difference(0)) == ("vượt 3", "thiếu 2", "đạt")
    assert cell_text(date(2023, 6, 30), ColumnKind.DATE) == "30/06/2023"
    assert cell_text(Decimal("12.5"), ColumnKind.DAYS) == "12,5"
    assert cell_text(None, ColumnKind.COUNT) == "—"


def _tam_ky_table(world: World) -> Table:
    admit(world.cell_1, 60, date(2021, 3, 2))
    admit(world.cell_2, 55, date(2021, 11, 30))
    make_target(world.tam_ky, "2021", 110)
    make_target(world.an_my, "2021", 100)
    return build_table("achievement", world.tam_ky, Period.parse("2021"))


def test_json_keeps_exact_values_with_their_text(world: World) -> None:
    data = table_to_json(_tam_ky_table(world))

    assert data["unit"] == {"id": world.tam_ky.pk, "code": "QN.TK", "name": "Thành ủy Tam Kỳ"}
    assert data["period"]["code"] == "2021"
    assert (data["admitted"], data["target"], data["difference"]) == (115, 110, 5)
    assert Decimal(data["percent"]) == Decimal(115) * 100 / 110
    assert [c["key"] for c in data["columns"]] == [
        "unit",
        "period",
        "admitted",
        "target",
        "percent",
        "difference",
    ]
    child = next(r for r in data["rows"] if r["unit"] == "Đảng ủy phường An Mỹ")
    assert (child["admitted"], child["text"]["percent"], child["text"]["difference"]) == (
        115,
        "115,0%",
        "vượt 15",
    )
    json.dumps(data)  # plain JSON all through


def test_xlsx_holds_numbers_with_percent_formats_and_no_formulas(world: World) -> None:
    table = _tam_ky_table(world)
    table.notes.append('=HYPERLINK("http://x")')

    content = write_xlsx(table)

    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = rows.index(["Đơn vị", "Kỳ", "Kết nạp", "Chỉ tiêu", "Tỷ lệ đạt", "So với chỉ tiêu"])
    first = rows[header + 1]
    assert first[:4] == ["Thành ủy Tam Kỳ", "Năm 2021", 115.0, 110.0]
    assert first[4] == pytest.approx(115 / 110)
    assert first[5] == "vượt 5"
    assert any(r and r[0] == '\'=HYPERLINK("http://x")' for r in rows)


def test_docx_is_an_official_report_with_the_table(world: World) -> None:
    document = Document(io.BytesIO(write_docx(_tam_ky_table(world))))

    text = "\n".join(
        p.text for t in document.tables for row in t.rows for c in row.cells for p in c.paragraphs
    ) + "\n".join(p.text for p in document.paragraphs)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in text
    assert "THÀNH ỦY TAM KỲ" in text
    assert "Năm 2021" in text
    assert "104,5%" in text
    assert "BÍ THƯ" in text


def test_pdf_is_printed(world: World) -> None:
    assert write_pdf(_tam_ky_table(world)).startswith(b"%PDF")


def test_text_table_aligns_columns() -> None:
    scope = ReportScope(1, "X", "Đơn vị X", Period.parse("2021"), date(2021, 12, 31))
    table = Table(
        "achievement",
        "Thử",
        scope,
        [Column("unit", "Đơn vị"), Column("admitted", "Kết nạp", ColumnKind.COUNT)],
        [{"unit": "A", "admitted": 1732}, {"unit": "Bốn", "admitted": 5}],
        notes=["Ghi chú một."],
    )

    lines = render_text(table).splitlines()

    assert lines[-6:] == [
        "Đơn vị  Kết nạp",
        "------  -------",
        "A         1.732",
        "Bốn           5",
        "",
        "- Ghi chú một.",
    ]


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_builds_in_every_format(world: World, name: str, tmp_path: Path) -> None:
    admit(world.cell_1, 3, date(2023, 3, 1))
    for fmt in ("table", "json", "xlsx", "docx", "pdf"):
        out = tmp_path / f"{name}.{fmt}"
        call_command(
            "report",
            name,
            "--unit",
            "QN",
            "--period",
            "2023",
            "--format",
            fmt,
            "--out",
            str(out),
            stdout=StringIO(),
        )
        assert out.stat().st_size > 0
    assert json.loads((tmp_path / f"{name}.json").read_text())["report"] == name


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["khong-co", "--unit", "QN", "--period", "2021"], "Không có báo cáo"),
        (["achievement", "--period", "2021"], "Cần mã đơn vị"),
        (["achievement", "--unit", "XX", "--period", "2021"], "Không có đơn vị mã"),
        (["achievement", "--unit", "QN"], "Cần kỳ báo cáo"),
        (["achievement", "--unit", "QN", "--period", "2021-H3"], "không hợp lệ"),
        (["achievement", "--unit", "QN", "--period", "2020-2024"], "không hợp lệ"),
        (["achievement", "--unit", "QN", "--period", "2021", "--as-of", "30/06/2023"], "YYYY"),
        (["achievement", "--unit", "QN", "--period", "2021", "--format", "csv"], "Định dạng"),
        (["achievement", "--unit", "QN", "--period", "2021", "--format", "xlsx"], "--out"),
        (["achievement", "--unit", "QN", "--period", "2021", "--decimals", "x"], "thập phân"),
    ],
)
def test_command_refuses_bad_arguments_in_vietnamese(
    world: World, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("report", *args, stdout=StringIO())


def test_command_prints_the_table(world: World) -> None:
    admit(world.cell_1, 2, date(2021, 3, 2))
    out = StringIO()

    call_command("report", "achievement", "--unit", "QN.TK", "--period", "2021", stdout=out)

    assert "KẾT QUẢ KẾT NẠP ĐẢNG VIÊN SO VỚI CHỈ TIÊU" in out.getvalue()
    assert "Đảng ủy phường An Mỹ" in out.getvalue()
