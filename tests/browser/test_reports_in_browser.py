"""A province officer opens the province dashboard, chooses the year, drills down to a cell
by clicking, and downloads the workbooks of what they see: the numbers in the files are
the numbers on the page."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.browser.test_admission_in_browser import _login
from tests.conftest import World
from tests.reports.helpers import admit
from tests.reports.test_pages import match_rows, same_figures, xlsx_rows
from tests.targets.factories import make_target

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _table(page: Any, selector: str) -> list[list[str]]:
    """A table as the reader sees it: the text of each cell, row by row."""
    rows = page.locator(f"{selector} tr")
    return [
        [" ".join(t.split()) for t in rows.nth(i).locator("th, td").all_inner_texts()]
        for i in range(rows.count())
    ]


def _download(page: Any, link: Any, target: Path) -> list[list[Any]]:
    with page.expect_download() as info:
        link.click()
    info.value.save_as(target)
    return xlsx_rows(target.read_bytes())


def test_province_dashboard_down_to_a_cell_and_the_workbooks_match(
    page: Any, live_server: Any, world: World, tmp_path: Path
) -> None:
    # Seed 002's Tam Kỳ in 2021: 115 admitted against 110 (104,5%), here in An Mỹ's cells.
    make_target(world.quang_nam, "2021", 1500)
    make_target(world.tam_ky, "2021", 110)
    make_target(world.an_my, "2021", 110)
    make_target(world.cell_1, "2021", 60)
    make_target(world.cell_2, "2021", 50)
    admit(world.cell_1, 70, date(2021, 4, 2))
    admit(world.cell_2, 45, date(2021, 10, 20))
    base = live_server.url
    _login(page, base, "tinh")

    page.goto(f"{base}/bao-cao/")
    assert page.locator("h1").inner_text() == "Tỉnh ủy Quảng Nam"
    page.get_by_label("Kỳ báo cáo").select_option("2021")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_url("**period=2021**")
    progress = _table(page, 'table[data-chart="progress"]')
    assert progress[1] == ["Năm 2021", "115", "1.500", "7,7%", "thiếu 1.385"]

    # The province's children, ranked; the workbook under the ranking holds them.
    ranking = _table(page, 'table[data-chart="ranking"]')
    assert ranking[1] == ["Thành ủy Tam Kỳ", "115", "110", "104,5%", "vượt 5"]
    workbook = _download(
        page, page.locator('a[data-for="ranking"]'), tmp_path / "xep-hang-tinh.xlsx"
    )
    assert match_rows(ranking, workbook, "Đơn vị", {}) == len(ranking) - 1

    # Down: district, commune, cell, each by a click on its name.
    for name in ("Thành ủy Tam Kỳ", "Đảng ủy phường An Mỹ", "Chi bộ khu phố 1"):
        page.locator('table[data-chart="ranking"]').get_by_role("link", name=name).click()
        page.locator("h1", has_text=name).wait_for()
    progress = _table(page, 'table[data-chart="progress"]')
    assert progress[1] == ["Năm 2021", "70", "60", "116,7%", "vượt 10"]
    crumbs = page.locator("nav.breadcrumb a").all_inner_texts()
    assert crumbs == ["Tỉnh ủy Quảng Nam", "Thành ủy Tam Kỳ", "Đảng ủy phường An Mỹ"]

    # The cell's progress, and the workbook offered under it.
    workbook = _download(
        page, page.locator('a[data-for="progress"]'), tmp_path / "chi-tieu-chi-bo.xlsx"
    )
    assert match_rows(progress, workbook, "Kỳ", {"Đơn vị": "Chi bộ khu phố 1"}) == 2

    # The full report of the cell, with two decimals, and its Excel button.
    page.get_by_role("link", name="Kết quả kết nạp so với chỉ tiêu").click()
    page.get_by_label("Số chữ số thập phân của tỷ lệ").select_option("2")
    page.get_by_role("button", name="Xem", exact=True).click()
    page.wait_for_url("**decimals=2**")
    shown = _table(page, 'table[data-report="achievement"]')
    assert shown[1][2:] == ["70", "60", "116,67%", "vượt 10"]
    workbook = _download(
        page, page.get_by_role("link", name="Excel", exact=True), tmp_path / "ket-qua-chi-bo.xlsx"
    )
    assert len(same_figures(shown, workbook)) == len(shown) - 1

    # Back up by the breadcrumb.
    page.locator("nav.breadcrumb").get_by_role("link", name="Tỉnh ủy Quảng Nam").click()
    page.locator("h1", has_text="Tỉnh ủy Quảng Nam").wait_for()
    assert "period=2021" in page.url
    assert page.outside_requests == []
