"""Retrying a write safely: a client that sends `Idempotency-Key: <its own unique key>` with
a write and retries it (the answer was lost on the way) gets the first answer again, and
the write is done once.

Without the header a retried step is still never recorded twice (the service refuses a step
that is no longer the next one), but the client then sees a refusal for a write that in fact
succeeded; with the header it sees the success.

Keys are per token and kept for a day. The same key with a different request is a 409. Two
requests with one key at the same moment: the one that finishes second is rolled back and
answered 409, and its retry gets the first one's answer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Status

from dangvien.api.auth import token_of
from dangvien.api.errors import api_error, invalid
from dangvien.api.models import IdempotentWrite

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEEP = timedelta(days=1)
KEY_MAX_LENGTH = 100


def _fingerprint(request: HttpRequest, body: dict[str, Any]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    raw = f"{request.method} {request.path}\n{canonical}".encode("utf-8", errors="replace")
    return hashlib.sha256(raw).hexdigest()


def idempotent(
    request: HttpRequest,
    body: dict[str, Any],
    write: Callable[[], dict[str, Any]],
    *,
    status: int = 201,
) -> tuple[dict[str, Any], bool]:
    """Run `write` (which returns the JSON-ready answer) at most once per key; returns the
    answer and whether it is a replay of an earlier one."""
    key = request.headers.get(HEADER, "").strip()
    token = token_of(request)
    if not key or token is None:
        return write(), False
    if len(key) > KEY_MAX_LENGTH or not key.isprintable():
        raise invalid(
            HEADER, _("Khóa dài quá %(n)s ký tự hoặc có ký tự lạ."), {"n": KEY_MAX_LENGTH}
        )
    fingerprint = _fingerprint(request, body)
    since = timezone.now() - KEEP
    earlier = IdempotentWrite.objects.filter(token=token, key=key, created__gte=since).first()
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            raise api_error(409, "idempotency_mismatch")
        return dict(earlier.response), True
    with transaction.atomic():
        answer = write()
        try:
            with transaction.atomic():
                IdempotentWrite.objects.filter(token=token, created__lt=since).delete()
                IdempotentWrite.objects.create(
                    token=token, key=key, fingerprint=fingerprint, status=status, response=answer
                )
        except IntegrityError:
            # Raised inside the outer block: the write above is rolled back with it.
            raise api_error(409, "idempotency_in_progress") from None
    return answer, False


def answered_once(
    request: HttpRequest,
    response: HttpResponse,
    body: dict[str, Any],
    write: Callable[[], dict[str, Any]],
    *,
    status: int = 201,
) -> Status[dict[str, Any]]:
    """An endpoint's write through `idempotent`: its answer with its status, and the replay
    header when it is an earlier answer sent again."""
    answer, replayed = idempotent(request, body, write, status=status)
    if replayed:
        response[REPLAYED_HEADER] = "true"
    return Status(status, answer)
