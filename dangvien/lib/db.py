"""Small database helpers with no party meaning."""

from __future__ import annotations

from datetime import date

from django.db import connection


def refresh_planner_statistics() -> None:
    """After a bulk load on PostgreSQL, gather table statistics at once.

    Autovacuum would do it a minute later; until then the planner assumes the freshly filled
    tables are nearly empty and picks nested loops over sequential scans, which turns the
    next thousand small queries of the same load into seconds each. SQLite needs nothing.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def without_nul(text: str) -> str:
    """The text without NUL characters, for a value whose NUL means nothing (a cell, a
    filter). PostgreSQL's text cannot hold NUL (SQLite's can): a query or a column given one
    fails there, with a 500 on a page."""
    return text.replace("\x00", "")


def holds_nul(text: str) -> bool:
    """Whether the text holds a NUL, for a value refused with one (a key, a code): no stored
    value holds NUL, so nothing could match, and PostgreSQL would fail the query."""
    return "\x00" in text


def db_date(value: object) -> date:
    """A date read back from raw SQL or a computed column: PostgreSQL gives a `date`, SQLite
    the ISO text it stores."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
