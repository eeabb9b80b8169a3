"""Reads from a streaming replica, only where it was asked for.

Installed by the settings only when `DATABASE_REPLICA_URL` configures a `replica` alias.
Every write, every migration and every read outside an opted-in block goes to `default`
(the primary). A report page, a dashboard or the `report` command opts in with
`reading_from_replica()` (or the `reads_from_replica` view decorator); then its reads go to
the replica, unless a transaction is open on the primary: a service that locks rows and
reads them back, or a page that has just written, must read its own writes, which a replica
a few hundred milliseconds behind cannot promise.

Why not every read: after a form post the next page would show the state before the post
until the replica replays it (read-your-own-writes), and `select_for_update` cannot run on a
hot standby at all. Reports and dashboards tolerate being a few seconds behind; forms do not.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ParamSpec, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

# A context variable, not a thread-local: right per thread under the WSGI server and per
# task under ASGI, and reset by the context manager even when the body raises.
_replica_wanted: ContextVar[bool] = ContextVar("dangvien_replica_wanted", default=False)

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Within this block, reads outside a transaction go to the replica (when configured)."""
    token = _replica_wanted.set(True)
    try:
        yield
    finally:
        _replica_wanted.reset(token)


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """A view decorator: the view's body reads from the replica (the session and the user
    were already read from the primary by the middleware, outside this block)."""

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> R:
        with reading_from_replica():
            return view(*args, **kwargs)

    return wrapped


def replica_in_use() -> bool:
    """Whether a read now would go to the replica."""
    return (
        _replica_wanted.get()
        and REPLICA in connections.databases
        and not connections[DEFAULT_DB_ALIAS].in_atomic_block
    )


class PrimaryReplicaRouter:
    """Django database router: the primary for everything but opted-in reads."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str:
        return REPLICA if replica_in_use() else DEFAULT_DB_ALIAS

    def db_for_write(self, model: type[Any], **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: a row read from one may point at a row
        # read from the other.
        aliases = {DEFAULT_DB_ALIAS, REPLICA}
        if obj1._state.db in aliases and obj2._state.db in aliases:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        # A hot standby is read-only: its schema arrives by replication.
        return db == DEFAULT_DB_ALIAS
