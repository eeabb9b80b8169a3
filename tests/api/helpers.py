"""Clients with a personal token, and the check of the one error shape."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.test import Client
from django.test.client import Client as BaseClient

from dangvien.api.services import api_token_create


def token_for(user: User, days: int = 30, name: str = "Chương trình thử") -> str:
    return api_token_create(acting_user=user, name=name, days=days).secret


def api_client(user: User) -> Client:
    """A client that sends a new token of the user with every request."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")


def post_json(client: BaseClient, url: str, body: Any, **headers: Any) -> Any:
    return client.post(url, body, content_type="application/json", **headers)


def put_json(client: BaseClient, url: str, body: Any, **headers: Any) -> Any:
    return client.put(url, body, content_type="application/json", **headers)


def error_of(response: Any, status: int, code: str) -> dict[str, Any]:
    """The error body, after checking it has exactly the API's one shape."""
    assert response.status_code == status, response.content.decode()
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert set(error) == {"code", "message", "rule", "problems"}
    assert error["code"] == code
    _text(error["message"])
    if error["rule"] is not None:
        _rule(error["rule"])
    for problem in error["problems"]:
        assert set(problem) == {"field", "row", "message", "rule"}
        _text(problem["message"])
        if problem["rule"] is not None:
            _rule(problem["rule"])
    return dict(error)


def _text(message: Any) -> None:
    assert set(message) == {"vi", "en"}
    assert all(isinstance(v, str) and v for v in message.values())


def _rule(rule: Any) -> None:
    assert set(rule) == {"code", "title", "source", "effective_from"}
    assert rule["code"]
    assert rule["source"]
