"""Charts drawn on the server: accessible, self-contained SVG with the same figures in a
table, numbers written the Vietnamese way. Built from hand-made rows, no database."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.template.loader import render_to_string

from dangvien.lib.periods import Period
from dangvien.reports.charts import (
    Chart,
    breakdown_chart,
    monthly_chart,
    progress_chart,
    ranking_chart,
)
from dangvien.reports.types import AchievementRow, Breakdown, MonthPoint, ShareRow

SVG = "{http://www.w3.org/2000/svg}"
YEAR_2021 = Period.parse("2021")
TERM = Period.parse("2020-2025")


def _row(
    name: str, admitted: int, target: int | None, period: Period = YEAR_2021, uid: int = 1
) -> AchievementRow:
    return AchievementRow(uid, f"U{uid}", name, period, admitted, target)


def _svg(chart: Chart) -> ElementTree.Element:
    root = ElementTree.fromstring(str(chart.svg))  # noqa: S314 - our own drawing, not input
    assert root.tag == f"{SVG}svg"
    return root


def _cells(chart: Chart) -> list[list[str]]:
    return [[c.text for c in row] for row in chart.table.rows]


def test_progress_bars_say_the_figures_the_vietnamese_way() -> None:
    chart = progress_chart(
        [
            ("Năm 2021", _row("Quảng Nam", 1732, 1500)),
            ("Nhiệm kỳ", _row("Quảng Nam", 4537, 7500, TERM)),
        ],
        title="Tiến độ",
    )
    root = _svg(chart)
    assert root.get("role") == "img"
    label = root.get("aria-label") or ""
    assert "1.732 trên 1.500, 115,5%, vượt 232" in label
    assert "4.537 trên 7.500, 60,5%, thiếu 2.963" in label
    assert root.find(f"{SVG}title") is not None
    assert _cells(chart) == [
        ["Năm 2021", "1.732", "1.500", "115,5%", "vượt 232"],
        ["Nhiệm kỳ", "4.537", "7.500", "60,5%", "thiếu 2.963"],
    ]
    # The reached target is drawn green, the one not reached in the warning colour.
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert "#2e7d32" in fills
    assert "#a50e0e" in fills


def test_a_bar_over_its_target_is_longer_than_the_target_line() -> None:
    chart = progress_chart([("Năm 2021", _row("Tam Kỳ", 115, 110))], title="Tiến độ")
    root = _svg(chart)
    line = next(e for e in root.iter(f"{SVG}line") if e.get("class") == "target")
    bar = next(r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#2e7d32")
    bar_end = float(bar.get("x") or 0) + float(bar.get("width") or 0)
    assert bar_end > float(line.get("x1") or 0)


def test_a_unit_without_target_is_listed_without_a_bar_or_percent() -> None:
    chart = progress_chart([("Năm 2021", _row("Chi bộ 1", 2, None))], title="Tiến độ")
    assert _cells(chart) == [["Năm 2021", "2", "—", "—", "—"]]
    assert "chưa giao chỉ tiêu" in (_svg(chart).get("aria-label") or "")


def test_ranking_rows_link_to_each_childs_dashboard_in_the_given_order() -> None:
    children = [_row("Tam Kỳ", 140, 115, uid=7), _row("Nam Giang", 50, 60, uid=9)]
    chart = ranking_chart(children, title="Xếp hạng", link=lambda r: f"/bao-cao/{r.unit_id}/")
    assert [row[0].text for row in chart.table.rows] == ["Tam Kỳ", "Nam Giang"]
    assert [row[0].href for row in chart.table.rows] == ["/bao-cao/7/", "/bao-cao/9/"]
    assert chart.table_visible
    assert _cells(chart)[0][3] == "121,7%"


def test_breakdown_shares_with_two_decimals() -> None:
    breakdown = Breakdown(
        "education_professional",
        "Trình độ chuyên môn",
        400,
        [
            ShareRow("Cao đẳng, đại học", 239, Decimal("59.75")),
            ShareRow("Trung cấp", 30, Decimal("7.5")),
            ShareRow("Chưa qua đào tạo", 131, Decimal("32.75")),
        ],
    )
    chart = breakdown_chart(breakdown, decimals=2)
    cells = _cells(chart)
    assert cells[0] == ["Cao đẳng, đại học", "239", "59,75%"]
    assert cells[-1][:2] == ["Tổng số", "400"]
    assert "59,75%" in (_svg(chart).get("aria-label") or "")
    assert chart.key == "breakdown-education_professional"
    assert not chart.table_visible


def _months(year: int, admitted: list[int], target: int | None) -> list[MonthPoint]:
    points, total = [], 0
    for i, n in enumerate(admitted):
        total += n
        planned = None if target is None else Decimal(target) * (i + 1) / len(admitted)
        points.append(MonthPoint(date(year, i + 1, 1), n, total, planned))
    return points


def test_monthly_columns_with_the_cumulative_target_line() -> None:
    admitted = [3, 10, 5, 0, 12, 20, 8, 9, 11, 14, 10, 13]
    chart = monthly_chart(_months(2021, admitted, 110), title="Theo tháng")
    root = _svg(chart)
    lines = {p.get("class"): p for p in root.iter(f"{SVG}polyline")}
    assert set(lines) == {"cumulative", "target"}
    assert len((lines["target"].get("points") or "").split()) == 12
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "T1" in texts
    assert "T12" in texts
    rows = _cells(chart)
    assert rows[0] == ["01/2021", "3", "3", "9"]
    assert rows[-1] == ["12/2021", "13", "115", "110"]
    assert "115" in (root.get("aria-label") or "")
    # A month with no admission draws no column (its cell in the table says 0).
    columns = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#0b4f9c"]
    assert len(columns) == 11 + 1  # eleven months and the legend's swatch


def test_monthly_chart_without_target_draws_no_target_line() -> None:
    chart = monthly_chart(_months(2021, [1] * 12, None), title="Theo tháng")
    classes = [p.get("class") for p in _svg(chart).iter(f"{SVG}polyline")]
    assert classes == ["cumulative"]
    assert _cells(chart)[0][3] == "—"


def test_a_term_of_sixty_months_labels_years_not_months() -> None:
    points = []
    for year in range(2021, 2026):
        points += _months(year, [2] * 12, None)
    chart = monthly_chart(points, title="Nhiệm kỳ")
    texts = [t.text for t in _svg(chart).iter(f"{SVG}text")]
    assert "T1" not in texts
    assert {"2021", "2025"} <= set(texts)
    assert len(chart.table.rows) == 60


def test_an_empty_chart_still_draws() -> None:
    chart = monthly_chart([], title="Theo tháng")
    _svg(chart)
    assert chart.table.rows == []


def test_text_in_a_chart_is_escaped() -> None:
    chart = progress_chart(
        [("<script>alert(1)</script> & co", _row("x", 1, 2))], title="<b>Tiến độ</b>"
    )
    svg = str(chart.svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    _svg(chart)  # still well-formed XML


def test_charts_reference_no_outside_asset() -> None:
    chart = monthly_chart(_months(2021, [1] * 12, 12), title="x")
    urls = set(re.findall(r"https?://[^\"' ]+", str(chart.svg)))
    assert urls == {"http://www.w3.org/2000/svg"}  # the namespace name, never fetched


@pytest.mark.parametrize("visible", [True, False])
def test_figure_puts_the_data_table_right_after_the_drawing(visible: bool) -> None:
    rows = [("Năm 2021", _row("Tam Kỳ", 115, 110))]
    chart = progress_chart(rows, title="Tiến độ")
    if not visible:
        chart = breakdown_chart(Breakdown("sex", "Giới tính", 2, [ShareRow("Nữ", 2, Decimal(100))]))
    html = render_to_string("reports/_chart.html", {"chart": chart})
    assert html.index("<figure") < html.index("<figcaption>") < html.index("<svg")
    assert html.index("</svg>") < html.index("<table") < html.index("</figure>")
    assert 'role="img"' in html
    # A chart whose table is hidden on screen offers to show it (no script needed).
    assert ("toggle-data" in html) is not visible
