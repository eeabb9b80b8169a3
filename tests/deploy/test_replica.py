"""Two real PostgreSQL 15 clusters, a primary and its streaming replica: data written through
the services on the primary is read by the reports and the dashboard from the replica.

The clusters need their own settings (`DATABASE_URL` and `DATABASE_REPLICA_URL` read at
start-up), so the scenario runs in a child process (`tests/deploy/replica_scenario.py`); this
process never touches a database. Run by its own step of `make test`: `pytest -m replica`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.deploy import clusters

pytestmark = pytest.mark.replica
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not clusters.available():
        pytest.skip(f"PostgreSQL 15 is missing ({clusters.PG_BIN}): install postgresql-15")
    with clusters.primary_and_replica() as pair:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dangvien.settings",
            "DATABASE_URL": pair.primary_url,
            "DATABASE_REPLICA_URL": pair.replica_url,
            "DANGVIEN_DATA_DIR": str(tmp_path_factory.mktemp("data")),
            "DANGVIEN_ALLOWED_HOSTS": "testserver",
            "DANGVIEN_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        }
        done = subprocess.run(
            [sys.executable, "-m", "tests.deploy.replica_scenario"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-4000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_replica_is_a_hot_standby_routed_by_the_settings(seen: dict[str, Any]) -> None:
    assert seen["replica_in_recovery"] is True
    assert seen["routers"] == ["dangvien.lib.dbrouter.PrimaryReplicaRouter"]


def test_report_written_on_primary_is_read_from_replica(seen: dict[str, Any]) -> None:
    assert seen["replica_admitted"] == 5
    assert seen["report_queries"]["replica"] > 0
    assert seen["report_queries"]["default"] == 0


def test_paused_replica_shows_its_own_older_figures(seen: dict[str, Any]) -> None:
    # Replay paused, three more admitted on the primary: the report inside the opt-in block
    # still says 5, which only the replica can answer; outside it the primary says 8.
    assert seen["paused_replica_admitted"] == 5
    assert seen["primary_admitted"] == 8
    assert seen["resumed_replica_admitted"] == 8


def test_reads_inside_a_transaction_stay_on_primary(seen: dict[str, Any]) -> None:
    assert seen["in_transaction_admitted"] == 8
    assert seen["in_transaction_people"] == 8


def test_dashboard_figures_come_from_replica(seen: dict[str, Any]) -> None:
    assert seen["dashboard_status"] == 200
    replica_sql, primary_sql = seen["dashboard_sql"]["replica"], seen["dashboard_sql"]["default"]
    assert any('"people_person"' in sql for sql in replica_sql)
    # The primary served the session and the user (read-your-own-writes after a login), not
    # the figures.
    assert primary_sql
    assert not any('"people_person"' in sql for sql in primary_sql)
    assert not any('"orgs_unit"' in sql for sql in primary_sql)


def test_whole_run_stays_quick(seen: dict[str, Any]) -> None:
    assert seen["total_s"] < 60
