"""A rendered dashboard is sent again from the cache while nothing changed, and never after
a write, to another session, in another language or on another day."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.messages import constants, get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from dangvien.lib.periods import Period
from dangvien.reports.cache import cached_page, data_generation
from dangvien.targets.services import target_set
from tests.conftest import World, logged_in
from tests.reports.test_dashboard import plans_and_admissions

pytestmark = pytest.mark.django_db

URL = "/bao-cao/{pk}/?period=2021"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def _get(client: Any, url: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_same_page_comes_from_the_cache_with_a_few_queries(world: World) -> None:
    plans_and_admissions(world)
    client = logged_in("xa")
    url = URL.format(pk=world.an_my.pk)
    first, built = _get(client, url)
    again, kept = _get(client, url)
    assert again == first
    # The session, the user, the two-factor device, the scope check, the unit and the
    # generation: none of the report's queries.
    assert kept <= 6, (kept, built)
    assert built > 2 * kept, (kept, built)
    assert "text/html" in client.get(url)["Content-Type"]


def test_a_write_shows_at_once(world: World) -> None:
    plans_and_admissions(world)
    client = logged_in("xa")
    url = URL.format(pk=world.an_my.pk)
    before, _n = _get(client, url)
    assert "112,5%" in before  # 9 admitted of a plan of 8
    generation = data_generation()
    target_set(acting_user=None, unit=world.an_my, period=Period.parse("2021"), admissions=9)
    assert data_generation() > generation
    after, _n = _get(client, url)
    assert "112,5%" not in after
    assert "100,0%" in after


def test_another_session_gets_its_own_page(world: World) -> None:
    plans_and_admissions(world)
    url = URL.format(pk=world.an_my.pk)
    mine, _n = _get(logged_in("xa"), url)
    theirs, built = _get(logged_in("tinh"), url)
    # The province officer's breadcrumb starts at the province; the commune officer's at
    # the commune (and each page carries its own session's CSRF token).
    assert "Tỉnh ủy Quảng Nam" in theirs
    assert "Tỉnh ủy Quảng Nam" not in mine
    assert built > 10


def test_another_language_or_choice_is_another_page(world: World) -> None:
    plans_and_admissions(world)
    client = logged_in("xa")
    url = URL.format(pk=world.an_my.pk)
    vietnamese, _n = _get(client, url)
    client.cookies["django_language"] = "en"
    english, _n = _get(client, url)
    assert english != vietnamese
    two_decimals, _n = _get(client, url + "&decimals=2")
    assert two_decimals != english


class _Counted:
    """A page builder that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> HttpResponse:
        self.calls += 1
        return HttpResponse("trang")


def _request(rf: RequestFactory) -> HttpRequest:
    """A signed-in request with an empty message store."""
    request = rf.get("/bao-cao/")
    request.session = logged_in("xa").session
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    return request


def test_a_page_with_messages_waiting_is_built_and_not_kept(
    world: World, rf: RequestFactory
) -> None:
    request = _request(rf)
    request._messages.add(constants.SUCCESS, "Đã lưu.")  # type: ignore[attr-defined]
    build = _Counted()
    cached_page(request, "test", (), build)
    cached_page(request, "test", (), build)
    assert build.calls == 2
    assert len(get_messages(request)) == 1
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    cached_page(request, "test", (), build)
    cached_page(request, "test", (), build)
    assert build.calls == 3


def test_another_day_is_another_page(world: World, rf: RequestFactory, monkeypatch: Any) -> None:
    from django.utils import timezone

    request = _request(rf)
    build = _Counted()
    cached_page(request, "test", (), build)
    cached_page(request, "test", (), build)
    assert build.calls == 1
    monkeypatch.setattr(timezone, "localdate", lambda: date(2099, 1, 1))
    cached_page(request, "test", (), build)
    assert build.calls == 2


def test_off_when_the_setting_says_zero(world: World, settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0
    plans_and_admissions(world)
    client = logged_in("xa")
    url = URL.format(pk=world.an_my.pk)
    _page, built = _get(client, url)
    _page, again = _get(client, url)
    assert again == built
