"""Small database helpers with no party meaning."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence, Sized
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from typing import Any

from django.db import connection, connections, models, router

JsonPath = tuple[str | int, ...]


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


def nul_paths(value: Any, path: JsonPath = ()) -> Iterator[JsonPath]:
    """Where NUL lies in a parsed JSON value: the path (keys, list indexes) of each string
    holding one, and of each key holding one. JSON writes NUL as "\\u0000"; PostgreSQL's
    jsonb refuses it as its text does, so a value holding one is refused before it."""
    if isinstance(value, str):
        if holds_nul(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and holds_nul(key):
                yield (*path, key)
            else:
                yield from nul_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from nul_paths(item, (*path, index))


def db_date(value: object) -> date:
    """A date read back from raw SQL or a computed column: PostgreSQL gives a `date`, SQLite
    the ISO text it stores."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def read_sql(model: type[models.Model], sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """The rows of a SELECT written in SQL, read where the ORM would read `model` (the
    replica inside `lib.dbrouter.reading_from_replica`). For the few reads of a page built
    for every request: Django builds and compiles each query in 0.3–0.7 ms of Python, more
    than most of them take to run. Dates come back as `date` on PostgreSQL and as text on
    SQLite (`db_date`)."""
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, list(params))
        return list(cursor.fetchall())


def placeholders(values: Sized) -> str:
    """The placeholders of an SQL `IN (…)` list of `values`: "%s, %s, %s". Never empty (an
    empty list is a syntax error): for no values, NULL, which nothing equals."""
    return ", ".join(["%s"] * len(values)) or "NULL"


def paths_under(columns: Sequence[str], prefixes: Sequence[str]) -> tuple[str, list[str]]:
    """SQL true when one of the materialised-path `columns` (e.g. "u.path") lies under one
    of `prefixes`, with its parameters. A path is base-36 digits: nothing in it is special
    to LIKE. `prefixes` must not be empty."""
    where = " OR ".join(f"{column} LIKE %s" for _prefix in prefixes for column in columns)
    return f"({where})", [f"{prefix}%" for prefix in prefixes for _column in columns]


class LockSpace(IntEnum):
    """The first key of the project's PostgreSQL advisory locks (`session_lock`): one number
    per kind of work, so that two kinds never take each other's locks."""

    IMPORT_JOB = 1


@contextmanager
def session_lock(space: LockSpace, key: int) -> Iterator[None]:
    """Hold an advisory lock on (space, key) in this connection's session while the block
    runs, on PostgreSQL: a sign of life that no open transaction hides and that the server
    drops by itself when the process holding it dies. Nothing on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [int(space), key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [int(space), key])


def session_lock_held(space: LockSpace, key: int) -> bool:
    """Whether a session of this database holds `session_lock(space, key)` (always False on
    SQLite). Read from `pg_locks`, without taking the lock."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        # A lock on two keys shows them as classid and objid, with objsubid 2.
        cursor.execute(
            """
            SELECT EXISTS (
              SELECT 1 FROM pg_locks
              WHERE locktype = 'advisory' AND granted AND objsubid = 2
                AND classid = %s AND objid = %s
                AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            )
            """,
            [int(space), key],
        )
        (held,) = cursor.fetchone()
    return bool(held)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


@dataclass
class DeferredChecks:
    """Indexes and constraints (other than primary keys and checks) of some tables, dropped
    before a bulk write on PostgreSQL and created again after it: PostgreSQL's advice for
    populating a database. One sort per index instead of millions of random inserts, one
    join per foreign key instead of a trigger per row at commit; the same names and
    definitions come back, and their creation checks every row as the row-by-row checks
    would. Both steps run in the caller's transaction (a failure leaves everything as it
    was). On SQLite only the indexes are dropped (its foreign keys are checked once, at
    commit)."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    constraints: list[tuple[str, str, str, str]] = field(default_factory=list)

    @classmethod
    def drop(cls, tables: list[str], *, foreign_keys_only: bool = False) -> DeferredChecks:
        """`foreign_keys_only` (PostgreSQL): the foreign keys alone, for writers of these
        tables on other connections at the same time — dropping a foreign key locks the
        table it points to, which such writers, all reading it, would otherwise wait for
        each other on (a deadlock)."""
        deferred = cls()
        if foreign_keys_only and connection.vendor != "postgresql":
            return deferred
        if connection.vendor == "sqlite":
            return cls._drop_sqlite(deferred, tables)
        if connection.vendor != "postgresql":
            return deferred
        with connection.cursor() as cursor:
            # Checks still queued in this transaction must run first: PostgreSQL alters no
            # table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                """
                SELECT c.conrelid::regclass::text, c.conname, c.contype,
                       pg_get_constraintdef(c.oid)
                FROM pg_constraint c
                WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype = ANY(%s)
                ORDER BY c.contype, c.conname
                """,
                [tables, ["f"] if foreign_keys_only else ["f", "u"]],
            )
            deferred.constraints = list(cursor.fetchall())
            if not foreign_keys_only:
                cursor.execute(
                    """
                    SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
                    FROM pg_index i
                    WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary
                      AND NOT EXISTS (
                        SELECT 1 FROM pg_constraint c
                        WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid
                      )
                    ORDER BY 1
                    """,
                    [tables],
                )
                deferred.indexes = list(cursor.fetchall())
            # Foreign keys first (contype 'f' sorts before 'u'), then what they may rest on.
            for table, name, _kind, _definition in deferred.constraints:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quote(name)}")
            for name, _definition in deferred.indexes:
                cursor.execute(f"DROP INDEX {name}")
        return deferred

    @staticmethod
    def _drop_sqlite(deferred: DeferredChecks, tables: list[str]) -> DeferredChecks:
        """SQLite: the indexes only. Indexes that SQLite made itself for UNIQUE columns have
        no SQL and stay."""
        marks = ", ".join("%s" for _t in tables)
        # Only placeholders go into the text; the table names are parameters.
        query = f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name"  # noqa: E501, S608
        with connection.cursor() as cursor:
            cursor.execute(query, tables)
            deferred.indexes = list(cursor.fetchall())
            for name, _definition in deferred.indexes:
                cursor.execute(f"DROP INDEX {_quote(name)}")
        return deferred

    def restore(self) -> None:
        if not (self.indexes or self.constraints):
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, _kind, definition in reversed(self.constraints):
                cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quote(name)} {definition}")


def replace_rows(table: str, columns: str, select: str, params: list[str]) -> int:
    """Replace every row of `table` by those of `select` (its `columns`, in order), in the
    caller's transaction; the number of rows written. On PostgreSQL the table is emptied
    by TRUNCATE and its constraints and indexes are made again after the write
    (`DeferredChecks`): millions of kept rows then cost one sort and one join each instead of
    an index insertion and a foreign-key trigger per row. TRUNCATE locks the table until
    the commit: readers of the kept rows wait for the rebuild (a repair or a load)."""
    quoted = _quote(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            deferred = DeferredChecks.drop([table])
            cursor.execute(f"TRUNCATE {quoted}")
        else:
            deferred = DeferredChecks()
            cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608
        cursor.execute(f"INSERT INTO {quoted} ({columns}) {select}", params)
        written = int(cursor.rowcount)
    deferred.restore()
    return written


def upsert_add(
    table: str,
    keys: tuple[str, ...],
    value: str,
    deltas: Mapping[tuple[Any, ...], int],
    chunk: int = 500,
) -> None:
    """Add each delta to the row of `table` with those `keys` (creating it at the delta): one
    `INSERT … ON CONFLICT (keys) DO UPDATE SET value = value + excluded.value` per `chunk`
    rows (PostgreSQL ≥ 9.5 and SQLite ≥ 3.24 share the syntax). Additive and atomic per
    row, so two transactions adding to the same row both count — which Django's
    `bulk_create(update_conflicts=True)` cannot do: it sets the column to the excluded
    value, losing the other writer's count. Rows go in key order, so concurrent writers lock
    shared rows in the same order and cannot deadlock on them. A unique constraint on
    `keys` must exist."""
    rows = sorted((k, n) for k, n in deltas.items() if n)
    quoted = _quote(table)
    names = ", ".join(keys)
    marks = "(" + ", ".join(["%s"] * (len(keys) + 1)) + ")"
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        params: list[Any] = []
        for key, n in part:
            params += [*key, n]
        # Only quoted names from the models and placeholders are formatted in.
        sql = (
            f"INSERT INTO {quoted} ({names}, {value}) VALUES "  # noqa: S608
            f"{', '.join([marks] * len(part))} ON CONFLICT ({names}) DO UPDATE "
            f"SET {value} = {quoted}.{value} + excluded.{value}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
