from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from dangvien.accounts.context import RequestContext, reset_current_request, set_current_request


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
