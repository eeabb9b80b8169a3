"""Units and the tree through the API: scoped like the tree page, searched without tone
marks, paged by cursor."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.helpers import api_client, error_of
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _codes(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [u["code"] for u in response.json()["items"]]


def test_a_user_lists_the_units_of_their_subtree_only(world: World) -> None:
    codes = _codes(api_client(world.xa).get("/api/v1/units"))
    assert sorted(codes) == ["QN.TK.AM", "QN.TK.AM.1", "QN.TK.AM.2"]


def test_units_filter_by_parent_kind_and_words_without_tone_marks(world: World) -> None:
    client = api_client(world.tinh)
    assert _codes(client.get("/api/v1/units", {"parent": world.an_my.pk})) == [
        "QN.TK.AM.1",
        "QN.TK.AM.2",
    ]
    assert _codes(client.get("/api/v1/units", {"kind": "commune"})) == ["QN.TK.AM"]
    assert _codes(client.get("/api/v1/units", {"q": "khu pho 2"})) == ["QN.TK.AM.2"]
    # In Vietnamese order of the names: Chi bộ…, Đảng ủy…, Thành ủy…
    assert _codes(
        client.get("/api/v1/units", {"under": str(world.tam_ky.pk), "active": "true"})
    ) == [
        "QN.TK.AM.1",
        "QN.TK.AM.2",
        "QN.TK.AM",
        "QN.TK",
    ]
    assert _codes(client.get("/api/v1/units", {"active": "false"})) == []


def test_the_cursor_walks_every_unit_once_in_order(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = api_client(world.tinh)
    whole = _codes(client.get("/api/v1/units"))
    seen: list[str] = []
    url, params = "/api/v1/units", {"limit": "2"}
    while True:
        with django_assert_max_num_queries(6):
            page = client.get(url, params).json()
        seen += [u["code"] for u in page["items"]]
        if page["next"] is None:
            break
        params = {"limit": "2", "cursor": page["next"]}
    assert seen == whole
    assert len(whole) == 5


def test_a_cursor_not_made_by_the_api_is_a_400(world: World) -> None:
    client = api_client(world.tinh)
    for cursor in ("abc", "WyJ4Il0", "WyJ4IiwgdHJ1ZV0"):  # junk, ["x"], ["x", true]
        error_of(client.get("/api/v1/units", {"cursor": cursor}), 400, "invalid_cursor")


def test_a_unit_outside_the_subtree_is_a_404(world: World) -> None:
    client = api_client(world.xa)
    assert client.get(f"/api/v1/units/{world.cell_1.pk}").json()["name"] == "Chi bộ khu phố 1"
    error_of(client.get(f"/api/v1/units/{world.kinh_bac.pk}"), 404, "not_found")
    error_of(client.get("/api/v1/units", {"parent": world.bac_ninh.pk}), 404, "not_found")


def test_the_tree_starts_at_the_users_units_and_opens_a_level(world: World) -> None:
    client = api_client(world.tinh)
    roots = client.get("/api/v1/tree").json()
    assert [n["code"] for n in roots["nodes"]] == ["QN"]
    assert roots["nodes"][0]["has_children"] is True
    children = client.get(
        "/api/v1/tree", {"parent": str(world.an_my.pk), "on": "2020-01-01"}
    ).json()
    assert [n["name"] for n in children["nodes"]] == ["Chi bộ khu phố 1", "Chi bộ khu phố 2"]
    assert children["on"] == "2020-01-01"
    error_of(
        api_client(world.xa).get("/api/v1/tree", {"parent": world.tam_ky.pk}), 404, "not_found"
    )
