"""The second step of the login, and who must set up a second factor before any page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.fixtures import Settings

from dangvien.accounts.models import AuditEvent, RoleGrant
from dangvien.accounts.services import grant_revoke, recovery_codes_regenerate
from dangvien.accounts.two_factor import requirement_text
from tests.accounts.totp import fresh_code, password_login, wrong_code
from tests.conftest import PASSWORD, World, enrolled

SECOND_STEP = "/tai-khoan/xac-thuc/"
ENROL = "/tai-khoan/hai-buoc/"


def _second_step(client: Client, code: str, next_url: str = "/to-chuc/") -> Any:
    return client.post(SECOND_STEP, {"code": code, "next": next_url})


def test_a_user_with_an_authenticator_gives_a_code_after_the_password(world: World) -> None:
    device = enrolled(world.bithu)  # an editor: optional, but once set up it is asked for
    client = Client()
    assert password_login(client, "bithu", PASSWORD) == f"{SECOND_STEP}?next=%2Fto-chuc%2F"
    # The password alone opens nothing.
    response = client.get("/nguoi/")
    assert response.status_code == 302
    assert response["Location"] == f"{SECOND_STEP}?next=%2Fnguoi%2F"
    assert client.get(SECOND_STEP).status_code == 200

    response = _second_step(client, fresh_code(device), "/nguoi/")
    assert response.status_code == 302
    assert response["Location"] == "/nguoi/"
    assert client.get("/nguoi/").status_code == 200
    event = AuditEvent.objects.filter(action="auth.second_factor").get()
    assert event.actor == world.bithu
    assert event.changes == {"method": [None, "totp"]}


def test_the_session_key_changes_when_the_second_factor_is_given(world: World) -> None:
    device = enrolled(world.bithu)
    client = Client()
    password_login(client, "bithu", PASSWORD)
    before = client.session.session_key
    _second_step(client, fresh_code(device))
    assert client.session.session_key != before


def test_an_administrator_without_an_authenticator_sets_one_up_before_any_page(
    world: World,
) -> None:
    client = Client()
    assert password_login(client, "xa", PASSWORD) == f"{ENROL}?next=%2Fto-chuc%2F"
    for url in ("/to-chuc/", "/tai-khoan/nguoi-dung/", "/nguoi/", "/quan-tri-he-thong/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL), url
    # A form sent from a page loaded before is turned away too, without its data.
    response = client.post(f"/to-chuc/{world.cell_2.pk}/doi-ten/", {"name": "X"})
    assert response["Location"] == ENROL
    page = client.get(ENROL)
    assert page.status_code == 200
    assert "Vai trò của bạn bắt buộc xác thực hai bước" in page.content.decode()
    # The second step is not theirs to skip to: they have nothing to give there.
    assert client.get(SECOND_STEP)["Location"].startswith(ENROL)
    # The language switch and signing out still work.
    assert client.post("/ngon-ngu/", {"language": "en", "next": ENROL}).status_code == 302
    assert client.post("/tai-khoan/dang-xuat/").status_code == 302
    assert client.get("/to-chuc/")["Location"].startswith("/tai-khoan/dang-nhap/")


def test_an_htmx_request_is_sent_to_the_step_by_a_client_redirect(world: World) -> None:
    client = Client()
    password_login(client, "xa", PASSWORD)
    response = client.get("/nguoi/", headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(ENROL)


def test_a_superuser_must_set_one_up_too(db: None) -> None:
    User.objects.create_superuser("vanhanh", password=PASSWORD)
    client = Client()
    assert password_login(client, "vanhanh", PASSWORD).startswith(ENROL)


def test_an_editor_without_an_authenticator_goes_straight_in(world: World) -> None:
    client = Client()
    assert password_login(client, "bithu", PASSWORD) == "/to-chuc/"
    assert client.get("/to-chuc/").status_code == 200


@pytest.mark.parametrize(
    ("required", "xa_goes_to", "bithu_goes_to"),
    [
        ("none", "/to-chuc/", "/to-chuc/"),
        ("approver", ENROL, "/to-chuc/"),
        ("editor", ENROL, ENROL),
    ],
)
def test_the_requirement_follows_the_setting(
    world: World, settings: Settings, required: str, xa_goes_to: str, bithu_goes_to: str
) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLE = required
    assert password_login(Client(), "xa", PASSWORD).startswith(xa_goes_to)
    assert password_login(Client(), "bithu", PASSWORD).startswith(bithu_goes_to)


def test_a_grant_given_during_the_session_requires_the_second_factor_at_once(
    world: World, settings: Settings
) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLE = "administrator"
    client = Client()
    password_login(client, "bithu", PASSWORD)
    assert client.get("/to-chuc/").status_code == 200
    settings.TWO_FACTOR_REQUIRED_ROLE = "editor"
    assert client.get("/to-chuc/")["Location"].startswith(ENROL)


def test_a_revoked_approver_grant_no_longer_requires_it(world: World) -> None:
    for grant in RoleGrant.objects.filter(user=world.xa):
        grant_revoke(acting_user=None, grant=grant)
    assert password_login(Client(), "xa", PASSWORD) == "/to-chuc/"


def test_a_recovery_code_works_once(world: World) -> None:
    enrolled(world.bithu)
    code = recovery_codes_regenerate(acting_user=world.bithu, user=world.bithu)[0]
    first = Client()
    password_login(first, "bithu", PASSWORD)
    response = _second_step(first, f"{code[:5]}-{code[5:]}".upper())  # as printed, retyped
    assert response["Location"] == "/to-chuc/"
    second = Client()
    password_login(second, "bithu", PASSWORD)
    response = _second_step(second, code)
    assert response.status_code == 200
    assert "Mã không đúng" in response.content.decode()
    event = AuditEvent.objects.filter(action="auth.second_factor").get()
    assert event.changes == {"method": [None, "recovery"], "recovery_codes": [10, 9]}


def test_wrong_codes_lock_the_second_step_even_for_a_right_code(
    world: World, settings: Settings
) -> None:
    settings.TWO_FACTOR_FAILURE_LIMIT = 3
    device = enrolled(world.bithu)
    client = Client()
    password_login(client, "bithu", PASSWORD)
    first = _second_step(client, wrong_code(device))
    assert "Còn 2 lần thử" in first.content.decode()
    _second_step(client, "not-a-code")  # malformed input counts as well
    locked = _second_step(client, wrong_code(device))
    assert locked.status_code == 429
    assert "tạm khóa" in locked.content.decode()
    right = _second_step(client, fresh_code(device))
    assert right.status_code == 429
    assert client.get("/to-chuc/").status_code == 302
    # Signing in again with the password does not reset the count.
    again = Client()
    password_login(again, "bithu", PASSWORD)
    assert again.get(SECOND_STEP).status_code == 429
    actions = list(
        AuditEvent.objects.filter(action__startswith="auth.second_factor")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert actions == ["auth.second_factor_failed"] * 2 + ["auth.second_factor_locked"]


def test_after_the_cool_off_a_right_code_passes_and_the_count_starts_again(
    world: World, settings: Settings
) -> None:
    settings.TWO_FACTOR_FAILURE_LIMIT = 2
    settings.TWO_FACTOR_COOLOFF_MINUTES = 30
    device = enrolled(world.bithu)
    client = Client()
    password_login(client, "bithu", PASSWORD)
    _second_step(client, wrong_code(device))
    assert _second_step(client, wrong_code(device)).status_code == 429
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timedelta(minutes=31)
    )
    assert _second_step(client, fresh_code(device))["Location"] == "/to-chuc/"
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_next_page_must_be_on_this_site(world: World) -> None:
    device = enrolled(world.bithu)
    client = Client()
    password_login(client, "bithu", PASSWORD)
    response = _second_step(client, fresh_code(device), "https://example.org/gia-mao/")
    assert response["Location"] == "/to-chuc/"


def test_an_editor_without_a_device_costs_no_device_query_after_the_first_page(
    world: World,
) -> None:
    client = Client()
    password_login(client, "bithu", PASSWORD)
    client.get("/to-chuc/")
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/to-chuc/").status_code == 200
    assert not [q for q in queries.captured_queries if "otp_" in q["sql"]]


def test_a_new_login_in_the_same_session_looks_for_a_device_again(world: World) -> None:
    client = Client()
    password_login(client, "bithu", PASSWORD)
    assert client.get("/to-chuc/").status_code == 200
    enrolled(world.bithu)  # set up from another browser
    client.force_login(world.bithu)  # signs in again, keeping the session's data
    assert client.get("/to-chuc/")["Location"].startswith(SECOND_STEP)


def test_the_menu_is_hidden_until_the_second_factor_is_given(world: World) -> None:
    device = enrolled(world.bithu)
    client = Client()
    password_login(client, "bithu", PASSWORD)
    pending = client.get(SECOND_STEP).content.decode()
    assert 'href="/to-chuc/"' not in pending
    assert "Đăng xuất" in pending
    _second_step(client, fresh_code(device))
    page = client.get("/to-chuc/").content.decode()
    assert 'href="/to-chuc/"' in page
    assert f'href="{ENROL}"' in page  # the user's name leads to the two-factor page


def test_the_demo_says_whether_its_logins_need_a_second_factor(settings: Settings) -> None:
    settings.TWO_FACTOR_REQUIRED_ROLE = "none"
    assert "không bắt buộc" in requirement_text()
    settings.TWO_FACTOR_REQUIRED_ROLE = "approver"
    assert "bắt buộc từ vai trò “Phê duyệt" in requirement_text()
