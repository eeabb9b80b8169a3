"""Administrators see the API tokens of the users of their subtrees (never a secret or a
hash) and revoke them: audited as the administrator's act, at once, and the owner's page
shows it; a token of another subtree does not exist for them."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangvien.accounts.models import AuditEvent, Role
from dangvien.accounts.services import grant_role, user_create
from dangvien.api.models import ApiToken
from dangvien.api.services import NewToken, api_token_create, api_token_revoke
from tests.api.helpers import error_of
from tests.conftest import PASSWORD, World, logged_in

pytestmark = pytest.mark.django_db

PAGE = "/tai-khoan/token/quan-tri/"


def _made(world: World) -> dict[str, NewToken]:
    return {
        user.username: api_token_create(acting_user=user, name=f"Mã của {user.username}", days=30)
        for user in (world.tinh, world.xa, world.bithu, world.ngoai)
    }


def _revoke_url(token: ApiToken) -> str:
    return f"{PAGE}{token.pk}/thu-hoi/"


def test_an_administrator_lists_the_tokens_of_their_subtrees_users_and_no_secret(
    world: World,
) -> None:
    made = _made(world)
    page = logged_in("xa").get(PAGE).content.decode()
    # An Mỹ's administrator: their own and the cell secretary's, not the province's nor
    # the other province's.
    assert "Mã của xa" in page
    assert "Mã của bithu" in page
    assert "Mã của tinh" not in page
    assert "Mã của ngoai" not in page
    bithu = made["bithu"].token
    assert f"{bithu.prefix}…" in page
    for new in made.values():
        assert new.secret not in page
        assert new.token.hash not in page
    province = logged_in("tinh").get(PAGE).content.decode()
    assert all(f"Mã của {name}" in province for name in ("tinh", "xa", "bithu"))
    assert "Mã của ngoai" not in province


def test_a_user_who_administers_nothing_sees_no_ones_tokens(world: World) -> None:
    _made(world)
    page = logged_in("bithu").get(PAGE).content.decode()
    assert "Mã của" not in page
    assert "Không có mã truy cập nào" in page
    # The token page links here for administrators only.
    assert PAGE not in logged_in("bithu").get("/tai-khoan/token/").content.decode()
    assert PAGE in logged_in("xa").get("/tai-khoan/token/").content.decode()


def test_a_token_outside_the_subtree_answers_404_and_stays(world: World) -> None:
    made = _made(world)
    bithu, tinh = made["bithu"].token, made["tinh"].token
    assert logged_in("ngoai").post(_revoke_url(bithu)).status_code == 404
    assert logged_in("xa").post(_revoke_url(tinh)).status_code == 404  # above, not below
    assert logged_in("bithu").post(_revoke_url(made["xa"].token)).status_code == 404
    assert not ApiToken.objects.filter(revoked_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(action="api_token.revoke").exists()


def test_the_service_refuses_an_administrator_of_another_subtree(world: World) -> None:
    bithu = _made(world)["bithu"].token
    with pytest.raises(PermissionDenied):
        api_token_revoke(acting_user=world.ngoai, token=bithu)
    bithu.refresh_from_db()
    assert bithu.revoked_at is None


def test_an_administrator_revokes_a_token_audited_and_its_owner_sees_it(world: World) -> None:
    new = _made(world)["bithu"]
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {new.secret}")
    assert bearer.get("/api/v1/me").status_code == 200
    response = logged_in("xa").post(_revoke_url(new.token), follow=True)
    assert response.status_code == 200
    assert "Đã thu hồi mã truy cập “Mã của bithu” của bithu." in response.content.decode()
    new.token.refresh_from_db()
    assert new.token.revoked_at is not None
    event = AuditEvent.objects.get(action="api_token.revoke")
    # The administrator's act, filed under the cell where the owner works (in the
    # administrator's audit log), naming whose token it was.
    assert (event.actor, event.unit, event.target_id) == (world.xa, world.cell_1, str(new.token.pk))
    assert event.changes["owner"] == "bithu"
    assert new.secret not in str(event.changes)
    assert event in logged_in("xa").get("/tai-khoan/nhat-ky/").context["page"].object_list
    # It stops at once, and its owner's page says so.
    error_of(bearer.get("/api/v1/me"), 401, "token_revoked")
    assert "Đã thu hồi (" in logged_in("bithu").get("/tai-khoan/token/").content.decode()
    # Again changes nothing (the list no longer offers it; a replayed post is a no-op).
    assert logged_in("xa").post(_revoke_url(new.token)).status_code == 302
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_the_list_costs_the_same_queries_for_many_tokens(world: World) -> None:
    _made(world)
    client = logged_in("tinh")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    queries()  # the first page of the session costs a few more (session, two-factor)
    few = queries()
    for n in range(12):
        user = user_create(
            acting_user=None,
            username=f"canbo{n}",
            full_name=f"Cán bộ Số {n}",
            password=PASSWORD,
            unit=world.cell_2 if n % 2 else world.tam_ky,
            role=Role.EDITOR,
            check_password=False,
        )
        api_token_create(acting_user=user, name=f"Mã số {n}", days=30)
        api_token_create(acting_user=user, name=f"Mã phụ {n}", days=30)
    grant_role(acting_user=None, user=world.bithu, unit=world.cell_2, role=Role.VIEWER)
    page = client.get(PAGE).content.decode()
    assert "Mã số 11" in page
    assert page.count("Mã của bithu") == 1  # two grants in the subtree: listed once
    assert queries() == few
