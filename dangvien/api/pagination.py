"""Cursor pagination: the answer's `next` is an opaque cursor, base64 of the last row's sort
key, and the following page starts after that key (a keyset, not OFFSET: page 2,000 of a
province costs what page 1 costs, as on the people pages).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

from dangvien.api.errors import api_error

M = TypeVar("M", bound=models.Model)
X = TypeVar("X")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, types: Sequence[type]) -> list[Any]:
    """The values in the cursor, each checked against its expected type; a cursor that was
    not made by this API is a 400."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (ValueError, UnicodeError, binascii.Error):
        raise api_error(400, "invalid_cursor") from None
    if (
        not isinstance(values, list)
        or len(values) != len(types)
        or not all(_fits(v, t) for v, t in zip(values, types, strict=True))
    ):
        raise api_error(400, "invalid_cursor")
    return values


def _fits(value: Any, kind: type) -> bool:
    """The value is of the type and the database can compare it: a 64-bit integer (bool is
    an int to Python; a cursor never holds one), a string without NUL."""
    if isinstance(value, bool) or not isinstance(value, kind):
        return False
    if isinstance(value, int):
        return -(2**63) < value < 2**63
    if isinstance(value, str):
        return "\x00" not in value
    return True


@dataclass(frozen=True)
class Keyset:
    """Rows ordered by (`field`, id), ascending, or by id alone when `field` is empty and
    `descending` (newest first)."""

    field: str = ""
    field_type: type = str
    descending: bool = False

    def order(self) -> list[str]:
        if not self.field:
            return ["-id" if self.descending else "id"]
        return [self.field, "id"]

    def key_of(self, row: models.Model) -> list[Any]:
        if not self.field:
            return [row.pk]
        return [getattr(row, self.field), row.pk]

    def after(self, cursor: str) -> Q:
        if not self.field:
            (pk,) = decode_cursor(cursor, [int])
            return Q(id__lt=pk) if self.descending else Q(id__gt=pk)
        key, pk = decode_cursor(cursor, [self.field_type, int])
        return Q(**{f"{self.field}__gt": key}) | Q(**{self.field: key, "id__gt": pk})


def keyset_page(
    queryset: QuerySet[M], keyset: Keyset, cursor: str | None, limit: int
) -> tuple[list[M], str | None]:
    """One page of `limit` rows after the cursor, and the cursor of the page after it."""
    if cursor:
        queryset = queryset.filter(keyset.after(cursor))
    rows = list(queryset.order_by(*keyset.order())[: limit + 1])
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, encode_cursor(keyset.key_of(rows[-1]))


def list_page(items: Sequence[X], cursor: str | None, limit: int) -> tuple[list[X], str | None]:
    """A page of a list computed whole in memory (the alerts): the cursor is the position."""
    start = decode_cursor(cursor, [int])[0] if cursor else 0
    if start < 0:
        raise api_error(400, "invalid_cursor")
    page = list(items[start : start + limit])
    following = start + limit
    return page, encode_cursor([following]) if following < len(items) else None
