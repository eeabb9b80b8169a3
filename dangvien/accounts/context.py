"""Which request a write came from, for the audit trail, without passing it everywhere."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str
    ip_address: str | None
    path: str


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "dangvien_request", default=None
)


def current_request() -> RequestContext | None:
    return _current.get()


def set_current_request(context: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(context)


def reset_current_request(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
