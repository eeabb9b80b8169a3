"""Every error the API answers has one JSON shape, with its message in Vietnamese and
English, whichever part of the stack produced it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy

from dangvien.api.errors import in_both
from tests.api.helpers import api_client, error_of, post_json
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_message_is_rendered_in_each_language() -> None:
    # A string Django's own catalogues translate: the two renderings differ.
    assert in_both(gettext_lazy("This field is required.")) == {
        "vi": "Trường này là bắt buộc.",
        "en": "This field is required.",
    }


def test_an_unknown_path_under_the_api_is_a_404_in_the_shape(world: World) -> None:
    client = api_client(world.xa)
    for url in ("/api/v1/khong-co", "/api/v1/", "/api/v1/units/"):
        error = error_of(client.get(url), 404, "not_found")
        assert error["message"] == {
            "vi": "Không tìm thấy (hoặc nằm ngoài phạm vi bạn được xem).",
            "en": "Not found (or outside what you may see).",
        }


def test_a_method_the_path_does_not_take_is_a_405_in_the_shape(world: World) -> None:
    response = api_client(world.xa).delete("/api/v1/units")
    error = error_of(response, 405, "method_not_allowed")
    assert error["message"]["vi"] == "Địa chỉ này không nhận phương thức DELETE."
    assert response["Allow"] == "GET"


def test_a_bad_parameter_is_a_422_naming_the_field_and_the_limit(world: World) -> None:
    error = error_of(api_client(world.xa).get("/api/v1/units?limit=0"), 422, "invalid")
    assert error["problems"] == [
        {
            "field": "limit",
            "row": None,
            "message": {"vi": "Phải từ 1 trở lên.", "en": "Must be 1 or more."},
            "rule": None,
        }
    ]


def test_an_invalid_body_names_each_field_and_the_row_of_a_list(world: World) -> None:
    body: dict[str, Any] = {
        "step": "khong-co",
        "on": "31/12/2024",
        "introducers": [{"kind": "member", "member_id": 1}, {"kind": "x"}],
    }
    response = post_json(api_client(world.xa), "/api/v1/cases/1/steps", body)
    error = error_of(response, 422, "invalid")
    found = {(p["field"], p["row"]): p["message"]["vi"] for p in error["problems"]}
    assert found[("step", None)].startswith("Giá trị không nằm trong danh sách cho phép")
    assert found[("on", None)] == "Phải là ngày dạng YYYY-MM-DD."
    assert found[("introducers.kind", 1)].startswith("Giá trị không nằm trong danh sách")


def test_a_body_that_is_not_json_is_a_400(world: World) -> None:
    response = api_client(world.xa).post("/api/v1/cases", "{khong", content_type="application/json")
    error_of(response, 400, "bad_request")


def test_values_the_database_cannot_hold_are_refused_before_it(world: World) -> None:
    client = api_client(world.xa)
    error_of(client.get(f"/api/v1/units/{2**63}"), 422, "invalid")
    error_of(client.get("/api/v1/units", {"q": "a\x00b"}), 400, "bad_request")
    error_of(client.get("/api/v1/tree", {"on": "0001-01-01"}), 422, "invalid")


def test_an_unexpected_failure_is_a_500_in_the_shape(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("hỏng")

    monkeypatch.setattr("dangvien.api.endpoints.me.root_units_for", broken)
    error = error_of(api_client(world.xa).get("/api/v1/me"), 500, "server_error")
    assert "hỏng" not in str(error)


def test_the_schema_is_public_but_no_documentation_page_is_served() -> None:
    assert Client().get("/api/v1/openapi.json").status_code == 200
    error_of(Client().get("/api/v1/docs"), 404, "not_found")
