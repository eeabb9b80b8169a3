"""People through the API: the same filtered, scoped list as the people page, in Vietnamese
name order, with a cursor; a person outside the user's subtrees is a 404."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import MEMBERS_1, Registry
from tests.api.helpers import api_client, error_of
from tests.conftest import World

pytestmark = pytest.mark.django_db


def _names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [p["full_name"] for p in response.json()["items"]]


def test_a_cell_secretary_lists_the_members_of_their_cell(world: World, registry: Registry) -> None:
    assert _names(api_client(world.bithu).get("/api/v1/people")) == MEMBERS_1


def test_a_unit_outside_the_subtree_is_a_404(world: World, registry: Registry) -> None:
    client = api_client(world.bithu)
    error_of(client.get("/api/v1/people", {"unit": world.cell_2.pk}), 404, "not_found")
    error_of(client.get(f"/api/v1/people/{registry.cell_2[0].pk}"), 404, "not_found")
    error_of(client.get(f"/api/v1/people/{registry.outsider.pk}"), 404, "not_found")


def test_people_filter_by_kind_and_name_without_tone_marks(
    world: World, registry: Registry
) -> None:
    client = api_client(world.xa)
    found = client.get("/api/v1/people", {"kind": "candidates", "q": "nguyen thi thu ha"})
    assert _names(found) == ["Nguyễn Thị Thu Hà"]
    person = found.json()["items"][0]
    assert (person["status"], person["status_label"]) == (
        "candidate",
        "Quần chúng (đối tượng kết nạp)",
    )
    assert person["unit"]["code"] == "QN.TK.AM.1"
    assert person["general_education"] is not None
    # Names sort by the given name: Ấn before Bích, then the nine members.
    assert _names(client.get("/api/v1/people", {"unit": world.cell_2.pk})) == [
        "Trần Văn Ấn",
        "Lê Thị Bích",
    ]
    assert len(_names(client.get("/api/v1/people", {"kind": "all", "limit": "200"}))) == 12


def test_the_cursor_walks_the_list_in_order_in_a_few_queries_a_page(
    world: World, registry: Registry, django_assert_max_num_queries: Any
) -> None:
    client = api_client(world.xa)
    names: list[str] = []
    params: dict[str, Any] = {"limit": 4}
    pages = 0
    while True:
        with django_assert_max_num_queries(8):
            page = client.get("/api/v1/people", params).json()
        pages += 1
        names += [p["full_name"] for p in page["items"]]
        if page["next"] is None:
            break
        params = {"limit": 4, "cursor": page["next"]}
    assert pages == 3
    assert names == _names(client.get("/api/v1/people", {"limit": 200}))
    assert len(names) == 11


def test_a_person_in_scope_is_shown_with_their_admission_dates(
    world: World, registry: Registry
) -> None:
    member = registry.members[0]
    body = api_client(world.bithu).get(f"/api/v1/people/{member.pk}").json()
    assert body["full_name"] == member.full_name
    assert (body["decision_date"], body["ceremony_date"]) == ("2015-03-02", "2015-03-20")
    assert body["birth"] == "17/05/1990"
