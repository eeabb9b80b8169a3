"""The "Xác thực hai bước" page: setting up an authenticator, recovery codes, turning it off."""

from __future__ import annotations

import json
import re
from base64 import b32encode
from io import StringIO
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.models import AuditEvent
from dangvien.accounts.services import totp_device_start
from tests.accounts.totp import fresh_code, password_login, wrong_code
from tests.conftest import PASSWORD, World, enrolled, logged_in

ENROL = "/tai-khoan/hai-buoc/"
CODE = re.compile(r"<code>([a-z2-9]{5}-[a-z2-9]{5})</code>")


def _start(client: Client, next_url: str = "") -> TOTPDevice:
    response = client.post(f"{ENROL}bat/", {"next": next_url} if next_url else {})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(confirmed=False)
    return device


def _confirm(client: Client, code: str, next_url: str = "") -> str:
    response = client.post(f"{ENROL}xac-nhan/", {"code": code, "next": next_url})
    return response.content.decode() if response.status_code == 200 else response["Location"]


def test_the_new_secret_is_shown_as_a_qr_code_and_as_text_without_inline_script_or_style(
    world: World,
) -> None:
    client = logged_in("bithu")
    device = _start(client)
    body = client.get(f"{ENROL}xac-nhan/").content.decode()
    secret = b32encode(device.bin_key).decode()
    assert "<svg" in body
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in body
    assert "<script>" not in body
    assert "style=" not in body
    assert " onclick=" not in body
    # Not confirmed yet: signing in still asks for nothing.
    assert password_login(Client(), "bithu", PASSWORD) == "/to-chuc/"


def test_a_wrong_first_code_does_not_confirm_the_authenticator(world: World) -> None:
    client = logged_in("bithu")
    device = _start(client)
    body = _confirm(client, wrong_code(device))
    assert "Mã không đúng" in body
    device.refresh_from_db()
    assert not device.confirmed


def test_the_first_code_confirms_it_and_ten_recovery_codes_are_shown_once(world: World) -> None:
    client = logged_in("bithu")
    device = _start(client)
    body = _confirm(client, fresh_code(device))
    codes = CODE.findall(body)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    download = re.search(r'href="data:text/plain;charset=utf-8,([^"]+)" download="([^"]+)"', body)
    assert download is not None
    assert download.group(2) == "ma-khoi-phuc.txt"
    assert all(code in unquote(download.group(1)) for code in codes)
    device.refresh_from_db()
    assert device.confirmed
    # Stored as keyed hashes, not in clear; the page does not show them again.
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {code.replace("-", "") for code in codes}
    page = client.get(ENROL).content.decode()
    assert not CODE.findall(page)
    assert "Còn 10 mã khôi phục" in page
    # This session gave the code: it is verified and goes on working.
    assert client.get("/to-chuc/").status_code == 200


def test_a_forced_set_up_goes_on_to_the_page_first_asked_for(world: World) -> None:
    client = Client()
    where = password_login(client, "xa", PASSWORD)
    assert where == f"{ENROL}?next=%2Fto-chuc%2F"
    assert 'name="next" value="/to-chuc/"' in client.get(where).content.decode()
    device = _start(client, "/to-chuc/")
    body = _confirm(client, fresh_code(device), "/to-chuc/")
    assert 'href="/to-chuc/"' in body
    assert client.get("/to-chuc/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(world: World) -> None:
    client = logged_in("bithu")
    device = _start(client)
    old = CODE.findall(_confirm(client, fresh_code(device)))
    new = CODE.findall(client.post(f"{ENROL}ma-khoi-phuc/").content.decode())
    assert len(new) == 10
    assert not set(old) & set(new)
    second = Client()
    password_login(second, "bithu", PASSWORD)
    refused = second.post("/tai-khoan/xac-thuc/", {"code": old[0]})
    assert "Mã không đúng" in refused.content.decode()
    assert second.post("/tai-khoan/xac-thuc/", {"code": new[0]})["Location"] == "/to-chuc/"


def test_a_new_phone_replaces_the_old_authenticator_and_keeps_the_recovery_codes(
    world: World,
) -> None:
    client = logged_in("bithu")
    old = _start(client)
    codes = CODE.findall(_confirm(client, fresh_code(old)))
    new = _start(client)
    assert _confirm(client, fresh_code(new)) == ENROL
    assert list(TOTPDevice.objects.filter(user=world.bithu)) == [new]
    assert StaticToken.objects.count() == len(codes)
    assert client.get("/to-chuc/").status_code == 200
    assert AuditEvent.objects.filter(action="two_factor.replace").count() == 1


def test_turning_it_off_needs_a_current_code(world: World) -> None:
    client = logged_in("bithu")
    device = _start(client)
    _confirm(client, fresh_code(device))
    refused = client.post(f"{ENROL}tat/", {"code": wrong_code(device)})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=world.bithu).exists()
    assert client.post(f"{ENROL}tat/", {"code": fresh_code(device)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=world.bithu).exists()
    assert not StaticToken.objects.exists()
    assert password_login(Client(), "bithu", PASSWORD) == "/to-chuc/"


def test_it_cannot_be_turned_off_while_the_role_requires_it(world: World) -> None:
    client = logged_in("xa")
    device = TOTPDevice.objects.get(user=world.xa)
    page = client.get(ENROL).content.decode()
    assert "không thể tắt" in page
    assert 'action="/tai-khoan/hai-buoc/tat/"' not in page
    refused = client.post(f"{ENROL}tat/", {"code": fresh_code(device)})
    assert refused.status_code == 400
    assert TOTPDevice.objects.filter(user=world.xa).exists()


def test_a_session_that_has_not_given_the_code_cannot_touch_the_authenticator(
    world: World,
) -> None:
    enrolled(world.bithu)
    client = Client()
    password_login(client, "bithu", PASSWORD)
    for url in (f"{ENROL}ma-khoi-phuc/", f"{ENROL}bat/", f"{ENROL}tat/"):
        response = client.post(url, {"code": "123456"})
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/xac-thuc/"), url
    assert not StaticToken.objects.exists()
    assert TOTPDevice.objects.filter(user=world.bithu).count() == 1


def test_nobody_sets_up_a_second_factor_for_someone_else(world: World) -> None:
    with pytest.raises(PermissionDenied):
        totp_device_start(acting_user=world.xa, user=world.bithu)
    with pytest.raises(PermissionDenied):
        totp_device_start(acting_user=None, user=world.bithu)


def test_every_change_is_audited_without_the_secret_or_the_codes(world: World) -> None:
    client = logged_in("bithu")
    device = _start(client)
    codes = CODE.findall(_confirm(client, fresh_code(device)))
    codes += CODE.findall(client.post(f"{ENROL}ma-khoi-phuc/").content.decode())
    client.post(f"{ENROL}tat/", {"code": fresh_code(device)})
    events = AuditEvent.objects.filter(action__startswith="two_factor.").order_by("at", "id")
    assert [e.action for e in events] == [
        "two_factor.start",
        "two_factor.enable",
        "two_factor.recovery_codes",
        "two_factor.disable",
    ]
    assert all(e.actor == world.bithu and e.target_id == str(world.bithu.pk) for e in events)
    written = json.dumps([e.changes for e in AuditEvent.objects.all()])
    secret = b32encode(device.bin_key).decode()
    for hidden in [device.key, secret, *codes, *(c.replace("-", "") for c in codes)]:
        assert hidden not in written


def test_the_operator_removes_a_lost_second_factor_from_the_command_line(world: World) -> None:
    enrolled(world.xa)
    out = StringIO()
    call_command("two_factor_reset", "xa", stdout=out)
    assert "sẽ cài lại ở lần đăng nhập sau" in out.getvalue()
    assert not TOTPDevice.objects.filter(user=world.xa).exists()
    assert AuditEvent.objects.filter(action="two_factor.reset", actor=None).count() == 1
    assert password_login(Client(), "xa", PASSWORD).startswith(ENROL)
