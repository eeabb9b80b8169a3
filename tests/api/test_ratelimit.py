"""The per-token rate limit: a fixed one-minute window shared by every worker (kept in the
database), 429 with Retry-After over it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.test import Client

from dangvien.api.models import ApiToken
from dangvien.api.ratelimit import rate_limit_take
from dangvien.api.services import api_token_create
from tests.api.helpers import error_of, token_for
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_over_the_limit_a_token_gets_429_with_retry_after(world: World, settings: object) -> None:
    settings.API_RATE_PER_MINUTE = 3  # type: ignore[attr-defined]
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.xa)}")
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/me")
    error = error_of(response, 429, "rate_limited")
    assert 1 <= int(response["Retry-After"]) <= 60
    assert (
        error["message"]["vi"]
        == f"Quá nhiều yêu cầu; hãy thử lại sau {response['Retry-After']} giây."
    )
    # The limit is the token's: the same user's other token still works.
    other = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.xa, name='Khác')}")
    assert other.get("/api/v1/me").status_code == 200


def test_the_window_opens_again_the_next_minute(world: World, settings: object) -> None:
    settings.API_RATE_PER_MINUTE = 2  # type: ignore[attr-defined]
    token = api_token_create(acting_user=world.xa, name="Báo cáo", days=10).token
    minute = datetime(2026, 3, 2, 8, 15, 0, tzinfo=UTC)
    allowed = [rate_limit_take(token, minute.replace(second=s)).allowed for s in (1, 20, 59)]
    assert allowed == [True, True, False]
    refused = rate_limit_take(token, minute.replace(second=50))
    assert refused.retry_after == 10
    assert rate_limit_take(token, minute.replace(minute=16, second=0)).allowed
    token.refresh_from_db()
    assert (token.window_count, token.last_used) == (1, minute.replace(minute=16, second=0))


def test_a_refused_request_counts_nothing(world: World, settings: object) -> None:
    settings.API_RATE_PER_MINUTE = 1  # type: ignore[attr-defined]
    token = api_token_create(acting_user=world.xa, name="Báo cáo", days=10).token
    minute = datetime(2026, 3, 2, 8, 15, 0, tzinfo=UTC)
    assert rate_limit_take(token, minute).allowed
    assert not rate_limit_take(token, minute.replace(second=5)).allowed
    assert ApiToken.objects.get(pk=token.pk).window_count == 1
