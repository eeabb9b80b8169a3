from __future__ import annotations

from typing import Any

import pytest

from dangvien.orgs.models import Unit
from tests.browser.signing_in import sign_in
from tests.conftest import World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _login(page: Any, base: str, username: str) -> None:
    sign_in(page, base, username)


def _tree_text(page: Any) -> str:
    return str(page.locator("#tree").inner_text())


def test_cell_secretary_and_province_officer_see_different_trees(
    page: Any, live_server: Any, world: World
) -> None:
    _login(page, live_server.url, "bithu")
    tree = _tree_text(page)
    assert "Chi bộ khu phố 1" in tree
    assert "Tỉnh ủy Quảng Nam" not in tree
    assert "Chi bộ khu phố 2" not in tree

    page.get_by_role("button", name="Đăng xuất").click()
    _login(page, live_server.url, "tinh")
    assert "Tỉnh ủy Quảng Nam" in _tree_text(page)
    assert "Bắc Ninh" not in _tree_text(page)
    # Expanding loads the children (htmx, from the app's own static files).
    page.locator("summary", has_text="Tỉnh ủy Quảng Nam").click()
    page.locator("summary", has_text="Thành ủy Tam Kỳ").click()
    page.locator("summary", has_text="Đảng ủy phường An Mỹ").click()
    page.get_by_role("link", name="Chi bộ khu phố 2").wait_for()
    assert page.outside_requests == []


def test_a_reorganisation_in_the_browser_shows_in_the_as_of_view(
    page: Any, live_server: Any, world: World
) -> None:
    _login(page, live_server.url, "xa")
    page.goto(f"{live_server.url}/to-chuc/{world.cell_2.pk}/")
    page.get_by_role("link", name="Đổi tên").click()
    page.get_by_label("Tên mới").fill("Chi bộ khu phố Hòa Bình")
    page.get_by_label("Ngày hiệu lực").fill("01/07/2025")
    page.get_by_label("Số quyết định").fill("15-QĐ/ĐU")
    page.get_by_role("button", name="Xem trước").click()
    assert "Chi bộ khu phố Hòa Bình" in page.locator(".preview").inner_text()
    page.get_by_role("button", name="Xác nhận và ghi").click()
    page.wait_for_url(f"{live_server.url}/to-chuc/{world.cell_2.pk}/")
    assert Unit.objects.get(pk=world.cell_2.pk).name == "Chi bộ khu phố Hòa Bình"

    page.goto(f"{live_server.url}/to-chuc/")
    page.get_by_label("Xem cây tổ chức tại ngày").fill("30/06/2025")
    page.get_by_role("button", name="Xem").click()
    page.locator("summary", has_text="Đảng ủy phường An Mỹ").click()
    page.get_by_role("link", name="Chi bộ khu phố 2").wait_for()
    assert "Chi bộ khu phố Hòa Bình" not in _tree_text(page)

    page.get_by_label("Xem cây tổ chức tại ngày").fill("01/07/2025")
    page.get_by_role("button", name="Xem").click()
    page.locator("summary", has_text="Đảng ủy phường An Mỹ").click()
    page.get_by_role("link", name="Chi bộ khu phố Hòa Bình").wait_for()
    assert page.outside_requests == []
