"""Personal API tokens: made and revoked by their owner, kept hashed, with an expiry; a
token acts as its user and stops at once when revoked or expired."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from dangvien.accounts.models import AuditEvent
from dangvien.api.models import ApiToken
from dangvien.api.services import api_token_create, api_token_revoke
from dangvien.lib.errors import ServiceError
from tests.api.helpers import error_of
from tests.conftest import World, logged_in

pytestmark = pytest.mark.django_db


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_is_kept_as_its_hash_with_a_prefix_and_an_expiry(world: World) -> None:
    new = api_token_create(acting_user=world.xa, name="Báo cáo tự động", days=30)
    token = ApiToken.objects.get()
    assert token.hash == hashlib.sha256(new.secret.encode()).hexdigest()
    assert token.prefix == new.secret[:8]
    assert new.secret not in {token.hash, token.name, token.prefix}
    assert len(new.secret) >= 43
    assert timedelta(days=29, hours=23) < token.expires - timezone.now() <= timedelta(days=30)


def test_making_and_revoking_a_token_are_audited(world: World) -> None:
    new = api_token_create(acting_user=world.xa, name="Báo cáo", days=30)
    api_token_revoke(acting_user=world.xa, token=new.token)
    events = AuditEvent.objects.filter(action__startswith="api_token.").order_by("at", "id")
    assert [e.action for e in events] == ["api_token.create", "api_token.revoke"]
    assert all(e.actor == world.xa and e.unit == world.an_my for e in events)
    assert all(new.secret not in str(e.changes) for e in events)


def test_a_token_cannot_outlive_the_configured_maximum(world: World, settings: object) -> None:
    settings.API_TOKEN_MAX_DAYS = 60  # type: ignore[attr-defined]
    with pytest.raises(ServiceError) as refused:
        api_token_create(acting_user=world.xa, name="Lâu", days=61)
    assert refused.value.by_field() == {"days": ["Thời hạn từ 1 đến 60 ngày."]}
    with pytest.raises(ServiceError):
        api_token_create(acting_user=world.xa, name="  ", days=10)
    assert not ApiToken.objects.exists()


def test_a_token_acts_as_its_user_and_records_its_last_use(world: World) -> None:
    new = api_token_create(acting_user=world.bithu, name="Chi bộ", days=10)
    response = _bearer(new.secret).get("/api/v1/me")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "bithu"
    assert [g["unit"]["code"] for g in body["grants"]] == ["QN.TK.AM.1"]
    assert body["token_name"] == "Chi bộ"
    new.token.refresh_from_db()
    assert new.token.last_used is not None


def test_a_revoked_token_stops_at_once(world: World) -> None:
    new = api_token_create(acting_user=world.xa, name="Báo cáo", days=10)
    client = _bearer(new.secret)
    assert client.get("/api/v1/me").status_code == 200
    api_token_revoke(acting_user=world.xa, token=new.token)
    error = error_of(client.get("/api/v1/me"), 401, "token_revoked")
    assert error["message"]["vi"] == "Mã truy cập đã bị thu hồi."


def test_an_expired_token_is_refused_with_its_reason(world: World) -> None:
    new = api_token_create(acting_user=world.xa, name="Báo cáo", days=1)
    ApiToken.objects.filter(pk=new.token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    error = error_of(_bearer(new.secret).get("/api/v1/me"), 401, "token_expired")
    assert error["message"]["vi"] == "Mã truy cập đã hết hạn; hãy tạo mã mới."


def test_an_unknown_token_or_a_deactivated_user_is_refused(world: World) -> None:
    error_of(_bearer("khong-phai-ma-that").get("/api/v1/me"), 401, "token_invalid")
    new = api_token_create(acting_user=world.bithu, name="Chi bộ", days=10)
    world.bithu.is_active = False
    world.bithu.save(update_fields=["is_active"])
    error_of(_bearer(new.secret).get("/api/v1/me"), 401, "token_invalid")


def test_no_credentials_is_a_401_asking_for_a_bearer_token(world: World) -> None:
    response = Client().get("/api/v1/units")
    error = error_of(response, 401, "unauthorized")
    assert response["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer" in error["message"]["vi"]


def test_the_signed_in_browser_reads_but_does_not_write(world: World) -> None:
    client = logged_in("bithu")
    assert client.get("/api/v1/me").json()["username"] == "bithu"
    response = client.post("/api/v1/cases", {}, content_type="application/json")
    error_of(response, 401, "unauthorized")


# --- the token page -----------------------------------------------------------------------


def test_the_page_shows_a_new_secret_once(world: World) -> None:
    client = logged_in("bithu")
    response = client.post("/tai-khoan/token/", {"name": "Báo cáo quý", "days": "30"})
    assert response.status_code == 302
    token = ApiToken.objects.get(user=world.bithu)
    page = client.get("/tai-khoan/token/").content.decode()
    secret = page.split('<code class="secret">')[1].split("</code>")[0]
    assert hashlib.sha256(secret.encode()).hexdigest() == token.hash
    again = client.get("/tai-khoan/token/").content.decode()
    assert secret not in again
    assert "Báo cáo quý" in again
    assert f"{token.prefix}…" in again


def test_the_page_refuses_a_term_beyond_the_maximum(world: World, settings: object) -> None:
    settings.API_TOKEN_MAX_DAYS = 30  # type: ignore[attr-defined]
    response = logged_in("bithu").post("/tai-khoan/token/", {"name": "Lâu", "days": "31"})
    assert response.status_code == 200
    assert not ApiToken.objects.exists()


def test_a_user_revokes_their_own_token_and_not_anothers(world: World) -> None:
    mine = api_token_create(acting_user=world.bithu, name="Của tôi", days=10).token
    theirs = api_token_create(acting_user=world.xa, name="Của xã", days=10).token
    client = logged_in("bithu")
    assert client.post(f"/tai-khoan/token/{theirs.pk}/thu-hoi/").status_code == 404
    assert client.post(f"/tai-khoan/token/{mine.pk}/thu-hoi/").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.revoked_at is not None
    assert theirs.revoked_at is None
    assert "Của xã" not in client.get("/tai-khoan/token/").content.decode()


def test_the_page_template_has_no_inline_script_or_style() -> None:
    import dangvien.api

    text = (Path(dangvien.api.__file__).parent / "templates/api/tokens.html").read_text()
    assert "<script" not in text
    assert "style=" not in text
    assert not re.search(r"\son[a-z]+\s*=", text)
