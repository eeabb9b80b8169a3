"""Where a signed-in session stands with the second factor, kept in the session.

The password step is Django's login; django-otp's middleware then tells whether this session
was verified with a second factor. `login_gate` adds who must give one, for the middleware
(`TwoFactorMiddleware`) and the login views.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django_otp.models import Device

from dangvien.accounts import rules, selectors
from dangvien.accounts.models import Role
from dangvien.accounts.rules import Gate

# The user id whose session was found, after the password, to have no device and need none:
# that user's later requests skip the device query. A role that later requires a second
# factor is still seen at once (the grants are read on every request anyway).
_NO_DEVICE_KEY = "dangvien_2fa_no_device"


# The page of each step a session can be held at after the password.
GATE_PAGE: dict[Gate, str] = {
    Gate.SECOND_STEP: "accounts:second_step",
    Gate.ENROL: "accounts:two_factor",
}


def with_next(view_name: str, next_url: str) -> str:
    """The page's address, with where to go once its step is done."""
    return f"{reverse(view_name)}?{urlencode({'next': next_url})}"


def is_verified(user: Any) -> bool:
    """Verified with a second factor in this session (set by django-otp's middleware)."""
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def login_gate(request: HttpRequest) -> Gate:
    user = request.user
    if not user.is_authenticated or is_verified(user):
        return Gate.OPEN
    required = selectors.two_factor_required_for(user)
    if not required and request.session.get(_NO_DEVICE_KEY) == user.pk:
        return Gate.OPEN
    result = rules.gate(
        verified=False, has_device=selectors.has_confirmed_device(user), required=required
    )
    if result is Gate.OPEN:
        request.session[_NO_DEVICE_KEY] = user.pk
    return result


def forget_gate(request: HttpRequest) -> None:
    """At each password login: the check is made again for the user signing in now."""
    request.session.pop(_NO_DEVICE_KEY, None)


def mark_verified(request: HttpRequest, device: Device) -> None:
    """The second factor was given: remember it for this session under a new session key
    (the session gains rights, so an id seen before this point must not carry them)."""
    django_otp.login(request, device)
    request.session.cycle_key()
    forget_gate(request)


def requirement_text() -> str:
    """One line on who must use a second factor under the current setting (the demo prints
    it under its logins)."""
    name = settings.TWO_FACTOR_REQUIRED_ROLE
    role = rules.required_role(name)
    if role is None:
        return _(
            "Xác thực hai bước: không bắt buộc (DANGVIEN_2FA_REQUIRED_ROLE=none, như make demo "
            "đặt); ai muốn thì bật ở trang “Xác thực hai bước” (bấm vào tên mình). Trên máy chủ "
            "thật, bỏ biến này: vai trò phê duyệt trở lên phải dùng ứng dụng xác thực."
        )
    return _(
        "Xác thực hai bước: bắt buộc từ vai trò “%(role)s” trở lên và cho siêu người dùng "
        "(superuser) (DANGVIEN_2FA_REQUIRED_ROLE=%(name)s): ở lần đăng nhập đầu, các tài khoản "
        "đó phải cài một ứng dụng xác thực trên điện thoại. Để thử mà không cần điện thoại: "
        "DANGVIEN_2FA_REQUIRED_ROLE=none."
    ) % {"role": Role(role).label, "name": name}
