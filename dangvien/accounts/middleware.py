from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from dangvien.accounts.context import RequestContext, reset_current_request, set_current_request
from dangvien.accounts.rules import Gate
from dangvien.accounts.two_factor import GATE_PAGE, login_gate, with_next


class RequestContextMiddleware:
    """Remembers the request each write comes from, so audit events can name it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        context = RequestContext(
            request_id=str(uuid.uuid4()),
            ip_address=request.META.get("REMOTE_ADDR") or None,
            path=request.path[:300],
        )
        token = set_current_request(context)
        try:
            response = self.get_response(request)
        finally:
            reset_current_request(token)
        response["X-Request-Id"] = context.request_id
        return response


# The idle timeout's expiry is pushed ahead at most this often (seconds): a session then
# ends between DANGVIEN_IDLE_TIMEOUT_MINUTES less a minute and that many minutes idle.
SESSION_REFRESH_SECONDS = 60
_REFRESHED = "dangvien_refreshed_at"


class IdleSessionMiddleware:
    """Keeps a session alive while it is used, writing its row at most once a minute.

    Why not Django's SESSION_SAVE_EVERY_REQUEST: it writes the session row on every request,
    a write (and its WAL) for each page view even when the page itself is a kept copy
    (`reports.cache`); at hundreds of requests a second that is the database's main work.
    Marking the session changed once a minute moves its expiry as often as an idle timeout
    in minutes needs.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if session.session_key is not None:
            stamp = session.get(_REFRESHED)
            if not isinstance(stamp, int) or time.time() - stamp >= SESSION_REFRESH_SECONDS:
                session_refreshed(request)
        return self.get_response(request)


def session_refreshed(request: HttpRequest) -> None:
    """Mark the session changed (so saved, its expiry moved ahead) as of now."""
    request.session[_REFRESHED] = int(time.time())


class VietnameseFirstMiddleware:
    """The interface is Vietnamese unless the user chose English with the language switch.

    Many officials' computers run an English-language browser; following its Accept-Language
    header would show them English pages they did not ask for. The explicit choice (the
    language cookie set by the switch) still wins, in Django's LocaleMiddleware after this.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


# The pages a session may reach while the second factor is outstanding (besides the public
# ones: login, password reset, language): signing out, and the step it is at.
_ALLOWED_AT_GATE: dict[Gate, frozenset[str]] = {
    Gate.SECOND_STEP: frozenset({"accounts:second_step", "accounts:logout"}),
    Gate.ENROL: frozenset(
        {
            "accounts:two_factor",
            "accounts:two_factor_start",
            "accounts:two_factor_confirm",
            "accounts:logout",
        }
    ),
}


class TwoFactorMiddleware:
    """After the password, a user with an authenticator must give a code from it, and a user
    whose role requires one (DANGVIEN_2FA_REQUIRED_ROLE) must set one up, before any page
    other than that step, signing out and the public pages. After django-otp's middleware
    and Django's LoginRequiredMiddleware (anonymous visitors are sent to the login page
    there)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        # Pages open to anyone (marked with Django's login_not_required) stay open.
        if getattr(view_func, "login_required", True) is False:
            return None
        gate = login_gate(request)
        if gate is Gate.OPEN:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in _ALLOWED_AT_GATE[gate]:
            # The page header then leaves out the menu the user cannot use yet.
            request.two_factor_pending = True  # type: ignore[attr-defined]
            return None
        step = GATE_PAGE[gate]
        # A form's data would be lost on the way: a POST is not sent back to after the step.
        url = with_next(step, request.get_full_path()) if request.method == "GET" else reverse(step)
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return redirect(url)
