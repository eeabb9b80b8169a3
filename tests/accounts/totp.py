"""Codes from a TOTP device, as the user's authenticator app would show them."""

from __future__ import annotations

import time

from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def _totp(device: TOTPDevice, steps_ahead: int = 0) -> TOTP:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return totp


def fresh_code(device: TOTPDevice) -> str:
    """A code the device will accept now: the current one, or the next step's when the
    current one was already used (a code works once; the device accepts one step ahead)."""
    device.refresh_from_db()
    ahead = max(0, device.last_t + 1 - _totp(device).t())
    assert ahead <= device.tolerance, "no unused code within the device's tolerance"
    return f"{_totp(device, ahead).token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits that are none of the codes the device would accept now."""
    accepted = {f"{_totp(device, s).token():06d}" for s in range(-2, 3)}
    return next(c for c in (f"{n:06d}" for n in range(1000000)) if c not in accepted)


def password_login(client: Client, username: str, password: str) -> str:
    """Submit the login form; where it sends the browser next."""
    response = client.post("/tai-khoan/dang-nhap/", {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])
