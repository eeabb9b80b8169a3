"""Each request reads each rule version once."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from dangvien.rulebook.selectors import rules_cached


class RulesPerRequestMiddleware:
    """The whole request in one `rules_cached()` block: a page shows the rules in force for
    every step of a case and a report checks them for every row, and a rule cannot change
    in the middle of a request (its own service forgets what was read when it adds one)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        with rules_cached():
            return self.get_response(request)
