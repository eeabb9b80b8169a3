from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, get_hasher, make_password
from django.contrib.contenttypes.models import ContentType
from django.test import Client, override_settings

from dangvien import settings as project_settings
from dangvien.accounts.audit import audit_record_many
from dangvien.accounts.models import AuditEvent, Role, RoleGrant
from dangvien.accounts.services import grant_revoke, grant_role
from dangvien.orgs.services import Decision, unit_rename
from tests.append_only import assert_append_only
from tests.conftest import PASSWORD, World, logged_in


def test_every_write_leaves_an_audit_event_with_the_request(world: World) -> None:
    client = logged_in("xa")
    response = client.post(
        f"/to-chuc/{world.cell_2.pk}/doi-ten/",
        {
            "name": "Chi bộ khu phố Hai",
            "effective": "01/07/2025",
            "number": "5-QĐ/ĐU",
            "action": "confirm",
        },
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="unit.rename")
    assert event.actor == world.xa
    assert event.changes["name"] == ["Chi bộ khu phố 2", "Chi bộ khu phố Hai"]
    assert event.request_path == f"/to-chuc/{world.cell_2.pk}/doi-ten/"
    assert event.request_id
    assert event.ip_address == "127.0.0.1"


def test_audit_events_cannot_be_edited_or_deleted(world: World) -> None:
    event = AuditEvent.objects.first()
    assert event is not None
    assert_append_only(event, action="changed")


def test_grants_are_audited_and_revocable(world: World) -> None:
    grant = grant_role(acting_user=world.xa, user=world.bithu, unit=world.cell_2, role=Role.VIEWER)
    grant_revoke(acting_user=world.xa, grant=grant)
    events = AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(RoleGrant), target_id=str(grant.pk)
    )
    actions = list(events.values_list("action", flat=True))
    assert sorted(actions) == ["grant.revoke", "grant.set"]


def test_audit_view_shows_only_events_of_the_administrators_subtree(world: World) -> None:
    unit_rename(
        acting_user=None,
        unit=world.kb_school,
        name="Chi bộ Trường TH Kinh Bắc",
        decision=Decision(effective=date(2025, 7, 1)),
    )
    body = logged_in("xa").get("/tai-khoan/nhat-ky/").content.decode()
    assert "Chi bộ khu phố 1" in body
    assert "Chi bộ Trường TH Kinh Bắc" not in body
    secretary = logged_in("bithu").get("/tai-khoan/nhat-ky/").content.decode()
    assert "Chi bộ khu phố 1" not in secretary


def test_the_audit_pages_keep_the_filter(world: World) -> None:
    # One page more than the 50 a page shows, all matching the filter.
    audit_record_many(
        actor=None,
        action="thu.loc",
        items=[(world.cell_1, world.cell_1, {}) for _ in range(51)],
    )
    body = logged_in("xa").get("/tai-khoan/nhat-ky/?thao_tac=thu.").content.decode()
    assert 'href="?thao_tac=thu.&amp;trang=2"' in body
    second = logged_in("xa").get("/tai-khoan/nhat-ky/?thao_tac=thu.&trang=2").content.decode()
    assert 'href="?thao_tac=thu.&amp;trang=1"' in second


def test_login_page_is_vietnamese_and_english_on_request(db: None) -> None:
    client = Client()
    body = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Đăng nhập" in body
    assert "Mật khẩu" in body
    client.post("/ngon-ngu/", {"language": "en", "next": "/tai-khoan/dang-nhap/"})
    english = client.get("/tai-khoan/dang-nhap/").content.decode()
    assert "Log in" in english
    assert "Password" in english


def test_pages_require_login(db: None) -> None:
    response = Client().get("/to-chuc/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_repeated_failed_logins_lock_the_account(world: World, settings: object) -> None:
    client = Client()
    for _attempt in range(5):
        client.post("/tai-khoan/dang-nhap/", {"username": "xa", "password": "sai"})
    response = client.post("/tai-khoan/dang-nhap/", {"username": "xa", "password": PASSWORD})
    assert response.status_code == 429
    assert "tạm khóa" in response.content.decode()


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    assert world.xa.password.startswith("argon2$argon2id$")
    # The tests' Argon2 is the cheapest (tests/hashers.py); the site's is Django's, at its
    # full cost, and it raises a cheaper hash to that cost at the next login.
    with override_settings(PASSWORD_HASHERS=project_settings.PASSWORD_HASHERS):
        hasher = get_hasher()
        assert type(hasher) is Argon2PasswordHasher
        assert (hasher.time_cost, hasher.memory_cost) >= (2, 100 * 1024)
        assert make_password(PASSWORD).startswith("argon2$argon2id$")
        assert hasher.must_update(world.xa.password)


def test_sessions_expire_when_idle(world: World) -> None:
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = logged_in("xa")
    assert client.get("/to-chuc/").status_code == 200
    session = Session.objects.get()
    # Each request pushes the expiry 30 minutes (DANGVIEN_IDLE_TIMEOUT_MINUTES) ahead.
    ahead = session.expire_date - timezone.now()
    assert timedelta(minutes=29) < ahead <= timedelta(minutes=30)
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/to-chuc/")
    assert response.status_code == 302
    assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_the_session_row_is_written_at_most_once_a_minute(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in("xa")
    assert client.get("/to-chuc/").status_code == 200

    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/to-chuc/").status_code == 200
        return sum(
            q["sql"].startswith("UPDATE") and "django_session" in q["sql"]
            for q in queries.captured_queries
        )

    assert session_writes() == 0
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert session_writes() == 1
    assert session_writes() == 0


def test_an_english_browser_still_gets_vietnamese_until_english_is_chosen(db: None) -> None:
    client = Client(headers={"accept-language": "en-US,en;q=0.9"})
    assert "Đăng nhập" in client.get("/tai-khoan/dang-nhap/").content.decode()
    client.post("/ngon-ngu/", {"language": "en", "next": "/tai-khoan/dang-nhap/"})
    assert "Log in" in client.get("/tai-khoan/dang-nhap/").content.decode()
