"""Signing in through the real login page, second step included.

The named world's administrators (`tinh`, `xa`, `ngoai`) must use a second factor
(DANGVIEN_2FA_REQUIRED_ROLE stays on): they get an authenticator here, and the code it
shows now is typed at the second step, as a user would.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from dangvien.accounts.selectors import two_factor_required_for
from tests.accounts.totp import fresh_code
from tests.conftest import PASSWORD, enrolled


def sign_in(page: Any, base: str, username: str, landing: str = "/to-chuc/") -> None:
    user = User.objects.get(username=username)
    device = enrolled(user) if two_factor_required_for(user) else None
    page.goto(f"{base}/tai-khoan/dang-nhap/")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    if device is not None:
        page.wait_for_url(f"{base}/tai-khoan/xac-thuc/**")
        page.get_by_label("Mã xác thực hoặc mã khôi phục").fill(fresh_code(device))
        page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"{base}{landing}")
