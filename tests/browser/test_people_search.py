from __future__ import annotations

from typing import Any

import pytest

from tests.browser.signing_in import sign_in
from tests.conftest import World
from tests.people.factories import make_person

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _login(page: Any, base: str, username: str) -> None:
    sign_in(page, base, username)


def test_secretary_finds_a_person_typing_without_tone_marks(
    page: Any, live_server: Any, world: World
) -> None:
    make_person(world.cell_1, "Nguyễn Thúy Tình")
    make_person(world.cell_1, "Trần Văn Bình")
    _login(page, live_server.url, "bithu")
    page.get_by_role("link", name="Đảng viên", exact=True).click()
    table = page.locator("table.people")
    assert "Trần Văn Bình" in table.inner_text()
    page.get_by_label("Tìm theo tên").fill("nguyen thuy tinh")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**q=nguyen+thuy+tinh**")
    text = table.inner_text()
    assert "Nguyễn Thúy Tình" in text
    assert "Trần Văn Bình" not in text
    assert page.outside_requests == []
