"""Run by `test_replica.py` in a child process whose settings point `default` at a primary
and `replica` at its streaming replica (`DATABASE_URL`, `DATABASE_REPLICA_URL`). Writes through
the services, reads reports and the dashboard, and prints what it saw as one JSON object; the
test asserts on it. Not collected by pytest (no `test_` prefix).

    python -m tests.deploy.replica_scenario
"""

from __future__ import annotations

import json
import time
from datetime import date
from typing import Any

import django


def _sql_of(captured: Any) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def main() -> dict[str, Any]:
    django.setup()
    from django.core.management import call_command
    from django.db import connections, transaction
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from dangvien.lib.dbrouter import reading_from_replica
    from dangvien.lib.periods import Period
    from dangvien.orgs.models import Unit
    from dangvien.people.models import Person
    from dangvien.reports.selectors import achievement
    from tests.conftest import build_world, signed_in
    from tests.reports.helpers import admit

    primary, replica = connections["default"], connections["replica"]
    seen: dict[str, Any] = {"routers": list(django.conf.settings.DATABASE_ROUTERS)}
    started = time.monotonic()

    def replayed(timeout: float = 30.0) -> float:
        """Waits until the replica has replayed all the primary has written; the seconds."""
        begin = time.monotonic()
        with primary.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            (lsn,) = cursor.fetchone()
        while True:
            with replica.cursor() as cursor:
                cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
                (done,) = cursor.fetchone()
            if done:
                return time.monotonic() - begin
            if time.monotonic() - begin > timeout:
                raise TimeoutError(f"replica did not replay {lsn} in {timeout} s")
            time.sleep(0.05)

    def admitted_under(unit: Unit) -> int:
        return achievement(
            unit=unit, period=Period.parse("2024"), as_of=date(2024, 12, 31)
        ).row.admitted

    call_command("migrate", verbosity=0)
    seen["migrate_s"] = round(time.monotonic() - started, 1)
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        seen["replica_in_recovery"] = cursor.fetchone()[0]

    # 1. Written on the primary through the services, read back from the replica.
    world = build_world()
    admit(world.cell_1, 5, date(2024, 3, 1))
    seen["replay_s"] = round(replayed(), 2)
    with (
        CaptureQueriesContext(primary) as on_primary,
        CaptureQueriesContext(replica) as on_replica,
        reading_from_replica(),
    ):
        seen["replica_admitted"] = admitted_under(world.an_my)
    seen["report_queries"] = {"default": len(on_primary), "replica": len(on_replica)}

    # 2. Replay paused: the replica is behind, so what a read returns says where it ran.
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
        while True:
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                break
            time.sleep(0.05)
    admit(world.cell_1, 3, date(2024, 6, 1))
    with reading_from_replica():
        seen["paused_replica_admitted"] = admitted_under(world.an_my)
        # Inside a transaction the reads stay on the primary: a service reads its own writes.
        with transaction.atomic():
            seen["in_transaction_admitted"] = admitted_under(world.an_my)
            seen["in_transaction_people"] = Person.objects.count()
    seen["primary_admitted"] = admitted_under(world.an_my)
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    seen["resumed_replay_s"] = round(replayed(), 2)
    with reading_from_replica():
        seen["resumed_replica_admitted"] = admitted_under(world.an_my)

    # 3. The dashboard page: the session and the user from the primary, the figures from
    # the replica.
    client = signed_in(world.tinh)
    url = reverse("reports:dashboard", args=[world.an_my.pk]) + "?period=2024"
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(replica) as on_replica:
        response = client.get(url)
    seen["dashboard_status"] = response.status_code
    seen["dashboard_sql"] = {"default": _sql_of(on_primary), "replica": _sql_of(on_replica)}
    seen["total_s"] = round(time.monotonic() - started, 1)
    return seen


if __name__ == "__main__":
    print(json.dumps(main()))
