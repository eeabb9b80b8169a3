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


def db_date(value: object) -> date:
    """A date read back from raw SQL or a computed column: PostgreSQL gives a `date`, SQLite
    the ISO text it stores."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
