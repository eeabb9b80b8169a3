"""Importing a workbook in the browser: an error listed with its row, then the fixed file
checked and committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dangvien.people.models import Person
from tests.browser.signing_in import sign_in
from tests.conftest import World
from tests.people.test_import import row, workbook

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: Any) -> None:
    # The live server runs in a thread of this process: it sees the changed setting.
    settings.TASKS = IMMEDIATE


def _login(page: Any, base: str, username: str) -> None:
    sign_in(page, base, username)


def _upload(page: Any, base: str, world: World, path: Path) -> None:
    page.goto(f"{base}/nhap-excel/")
    page.get_by_label("Đơn vị").select_option(str(world.cell_1.pk))
    page.get_by_label("Danh sách").select_option("members")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Gửi tệp và kiểm tra").click()
    page.wait_for_url(f"{base}/nhap-excel/*/")


def test_upload_see_the_error_fix_and_commit(
    page: Any, live_server: Any, world: World, tmp_path: Path
) -> None:
    base = live_server.url
    _login(page, base, "bithu")
    bad = tmp_path / "danh-sach-sai.xlsx"
    bad.write_bytes(
        workbook([row("Nguyễn Thị An"), row("Trần Văn Bình", **{"Ngày sinh": "31/02/1990"})])
    )
    _upload(page, base, world, bad)
    table = page.locator("table.problems")
    table.wait_for()
    first = table.locator("tbody tr").first
    assert first.locator("td").nth(0).inner_text() == "3"
    assert first.locator("td").nth(1).inner_text() == "Ngày sinh"
    assert "31/02/1990" in first.locator("td").nth(2).inner_text()
    assert page.get_by_role("button", name="Ghi vào hệ thống").count() == 0

    good = tmp_path / "danh-sach-dung.xlsx"
    good.write_bytes(workbook([row("Nguyễn Thị An"), row("Trần Văn Bình")]))
    _upload(page, base, world, good)
    page.get_by_role("button", name="Ghi vào hệ thống").click()
    page.locator(".created").wait_for()
    assert "Đã ghi 2 người vào hệ thống." in page.locator(".created").inner_text()
    assert Person.objects.filter(unit=world.cell_1).count() == 2
    assert page.outside_requests == []
