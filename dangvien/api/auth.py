"""Who a request acts as: a personal token (`Authorization: Bearer <secret>`), or, for
reading only, the browser's signed-in session.

A token acts as its user with exactly the user's grants: every endpoint reads through the
same scoped selectors and writes through the same services as the pages. Writes take a
token only: a page that wants to write uses the pages' own forms (with their CSRF token),
and a browser session can then never be turned into a write by another site.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyCookie, HttpBearer

from dangvien.accounts.rules import Gate
from dangvien.accounts.two_factor import login_gate
from dangvien.api.errors import api_error
from dangvien.api.models import ApiToken
from dangvien.api.ratelimit import rate_limit_take
from dangvien.api.selectors import token_for_secret

SESSION_METHODS = ("GET", "HEAD")


class TokenAuth(HttpBearer):
    """A personal token; an unknown, expired or revoked one is a 401 naming which, a token
    over its rate a 429 (checked before any work is done for the request)."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_for_secret(token.strip())
        now = timezone.now()
        if found is None or not found.user.is_active:
            raise api_error(401, "token_invalid")
        if found.revoked_at is not None:
            raise api_error(401, "token_revoked")
        if found.expires <= now:
            raise api_error(401, "token_expired")
        decision = rate_limit_take(found, now)
        if not decision.allowed:
            raise api_error(
                429,
                "rate_limited",
                {"seconds": decision.retry_after},
                headers={"Retry-After": str(decision.retry_after)},
            )
        # From here on the request is the token's user: the selectors scope by it and the
        # audit trail names them.
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found


class SessionReadAuth(APIKeyCookie):
    """The signed-in browser session, for GET only (see the module's note on writes)."""

    # For the schema; the cookie's real name is read from the settings at each request.
    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        # No CSRF check: only safe methods get here, and they change nothing.
        return request.COOKIES.get(settings.SESSION_COOKIE_NAME)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        if request.method not in SESSION_METHODS or request.headers.get("Authorization"):
            return None
        user: Any = request.user
        if not user.is_authenticated:
            return None
        # A session still owing its second factor (or its set-up) reads nothing, as it may
        # open no page: the same gate as the pages'.
        if login_gate(request) is not Gate.OPEN:
            return None
        return user


def token_of(request: HttpRequest) -> ApiToken | None:
    """The token the request came with, or None for a browser session."""
    token: ApiToken | None = getattr(request, "api_token", None)
    return token


READ_AUTH = [TokenAuth(), SessionReadAuth()]
WRITE_AUTH = [TokenAuth()]
