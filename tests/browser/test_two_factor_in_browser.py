"""An administrator's first sign-in: the authenticator set up by clicks, the recovery codes
downloaded, then the next sign-in with a code from the app."""

from __future__ import annotations

import time
from base64 import b32decode
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.totp import fresh_code
from tests.conftest import PASSWORD, World

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _password(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _code_from_secret(shown: str) -> str:
    """What an authenticator app shows for the secret as the page printed it."""
    totp = TOTP(b32decode(shown.replace(" ", "")), 30, 0, 6, 0)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_an_administrator_sets_up_the_second_factor_then_signs_in_with_it(
    page: Any, live_server: Any, world: World, tmp_path: Path
) -> None:
    base = live_server.url
    _password(page, base, "xa")
    page.wait_for_url(f"{base}/tai-khoan/hai-buoc/**")
    page.goto(f"{base}/nguoi/")  # nothing else opens before the set-up
    page.wait_for_url(f"{base}/tai-khoan/hai-buoc/**")
    page.get_by_role("button", name="Bật xác thực hai bước").click()

    assert page.locator(".qr svg").count() == 1
    secret = page.locator("code.secret").inner_text()
    page.get_by_label("Mã 6 chữ số trong ứng dụng").fill(_code_from_secret(secret))
    page.get_by_role("button", name="Xác nhận").click()

    page.get_by_role("heading", name="Mã khôi phục").wait_for()
    codes = page.locator("ul.codes code").all_inner_texts()
    assert len(codes) == 10
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải về (.txt)").click()
    saved = tmp_path / "ma-khoi-phuc.txt"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "ma-khoi-phuc.txt"
    assert all(code in saved.read_text(encoding="utf-8") for code in codes)
    # On to the page last asked for.
    page.get_by_role("link", name="Tôi đã lưu các mã, tiếp tục").click()
    page.wait_for_url(f"{base}/nguoi/")

    page.get_by_role("button", name="Đăng xuất").click()
    _password(page, base, "xa")
    page.wait_for_url(f"{base}/tai-khoan/xac-thuc/**")
    device = TOTPDevice.objects.get(user=world.xa)
    page.get_by_label("Mã xác thực hoặc mã khôi phục").fill(fresh_code(device))
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{base}/to-chuc/")
    assert page.outside_requests == []
