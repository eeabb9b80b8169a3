"""Resetting a forgotten password by e-mail: short-lived single-use links, the same answer for
every address, a rate limit, an audit trail, and the second factor still asked for."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from dangvien.accounts.models import AuditEvent
from tests.accounts.totp import fresh_code, password_login
from tests.conftest import PASSWORD, World, enrolled, logged_in

EMAIL = "bithu@example.org"
NEW_PASSWORD = "hoa-sen-no-giua-mua-he-2026"
LINK = re.compile(r"http://testserver(/tai-khoan/dat-lai-mat-khau/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _mail(settings: Settings, world: World) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.filter(pk=world.bithu.pk).update(email=EMAIL)


def _ask(email: str, client: Client | None = None) -> Any:
    return (client or Client()).post("/tai-khoan/quen-mat-khau/", {"email": email})


def _link() -> str:
    body = str(mail.outbox[-1].body)
    match = LINK.search(body)
    assert match is not None, body
    return match.group(1)


def _set_password(client: Client, link: str, password: str = NEW_PASSWORD) -> Any:
    form = client.get(link)
    assert form.status_code == 302  # the token moves out of the address, into the session
    return client.post(form["Location"], {"new_password1": password, "new_password2": password})


def test_the_login_page_links_to_the_reset(db: None) -> None:
    body = Client().get("/tai-khoan/dang-nhap/").content.decode()
    assert 'href="/tai-khoan/quen-mat-khau/"' in body
    assert "Quên mật khẩu?" in body


def test_the_link_arrives_by_mail_and_sets_a_new_password(world: World) -> None:
    response = _ask(EMAIL.upper())
    assert response["Location"] == "/tai-khoan/quen-mat-khau/da-gui/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [EMAIL]
    assert "Đặt lại mật khẩu" in message.subject
    assert "30 phút" in message.body
    client = Client()
    done = _set_password(client, _link())
    assert done["Location"] == "/tai-khoan/dat-lai-mat-khau/xong/"
    assert "Đã đổi mật khẩu" in client.get(done["Location"]).content.decode()
    assert password_login(Client(), "bithu", NEW_PASSWORD) == "/to-chuc/"


def test_the_link_works_once(world: World) -> None:
    _ask(EMAIL)
    link = _link()
    _set_password(Client(), link)
    again = Client().get(link)
    assert again.status_code == 200
    assert "không còn dùng được" in again.content.decode()
    world.bithu.refresh_from_db()
    assert world.bithu.check_password(NEW_PASSWORD)


def test_the_link_expires_after_the_timeout(
    world: World, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert settings.PASSWORD_RESET_TIMEOUT == 30 * 60
    _ask(EMAIL)
    link = _link()
    later = datetime.now() + timedelta(minutes=31)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    response = Client().get(link)
    assert response.status_code == 200
    assert "không còn dùng được" in response.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(world: World) -> None:
    known = _ask(EMAIL)
    unknown = _ask("khong-co-ai@example.org")
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"]
    assert len(mail.outbox) == 1
    page = Client().get(unknown["Location"]).content.decode()
    assert "Nếu địa chỉ vừa nhập có tài khoản" in page


def test_requests_are_limited_per_address_per_hour(world: World, settings: Settings) -> None:
    settings.PASSWORD_RESET_PER_HOUR = 2
    answers = {_ask(EMAIL)["Location"] for _ in range(4)}
    assert answers == {"/tai-khoan/quen-mat-khau/da-gui/"}  # the same answer every time
    assert len(mail.outbox) == 2


def test_requests_are_limited_per_client_address_across_e_mails(
    world: World, settings: Settings
) -> None:
    settings.PASSWORD_RESET_PER_HOUR = 1  # ten a client address
    for n in range(10):
        _ask(f"nguoi-{n}@example.org")
    _ask(EMAIL)
    assert len(mail.outbox) == 0


def test_a_reset_password_still_needs_the_second_factor(world: World) -> None:
    device = enrolled(world.bithu)
    _ask(EMAIL)
    _set_password(Client(), _link())
    client = Client()
    assert password_login(client, "bithu", NEW_PASSWORD).startswith("/tai-khoan/xac-thuc/")
    assert client.get("/to-chuc/").status_code == 302
    assert client.post("/tai-khoan/xac-thuc/", {"code": fresh_code(device)}).status_code == 302
    assert client.get("/to-chuc/").status_code == 200


def test_a_reset_ends_the_sessions_signed_in_with_the_old_password(world: World) -> None:
    signed_in_before = logged_in("bithu")
    _ask(EMAIL)
    _set_password(Client(), _link())
    assert signed_in_before.get("/to-chuc/")["Location"].startswith("/tai-khoan/dang-nhap/")


def test_the_request_and_the_reset_are_audited_without_the_password(world: World) -> None:
    _ask(EMAIL)
    _set_password(Client(), _link())
    events = AuditEvent.objects.filter(action__startswith="user.password_reset").order_by("id")
    assert [e.action for e in events] == ["user.password_reset_request", "user.password_reset"]
    assert events[0].actor is None
    assert events[0].ip_address == "127.0.0.1"
    assert events[1].actor == world.bithu
    assert NEW_PASSWORD not in str([e.changes for e in events])


def test_a_weak_new_password_is_refused_in_vietnamese(world: World) -> None:
    _ask(EMAIL)
    response = _set_password(Client(), _link(), "12345678")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mật khẩu quá ngắn: cần ít nhất 10 ký tự." in body
    world.bithu.refresh_from_db()
    assert world.bithu.check_password(PASSWORD)


def test_an_administrator_gives_a_new_user_an_e_mail_for_resets(world: World) -> None:
    response = logged_in("xa").post(
        "/tai-khoan/nguoi-dung/",
        {
            "username": "vanphong",
            "full_name": "Lê Thị Văn Phòng",
            "email": "vanphong@example.org",
            "password": "chi-bo-khu-pho-hai-2026",
            "unit": world.an_my.pk,
            "role": 20,
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="vanphong").email == "vanphong@example.org"
