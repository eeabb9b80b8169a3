"""The replica settings and the router, without a replica: the strict readers, and where the
router sends reads, writes and migrations."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from dangvien import settings as project_settings
from dangvien.lib.dbrouter import (
    REPLICA,
    PrimaryReplicaRouter,
    reading_from_replica,
    reads_from_replica,
    replica_in_use,
)
from dangvien.lib.env import EnvError
from dangvien.orgs.models import Unit

PRIMARY = "postgres://app:pw@db1.tinh.local:5432/dangvien"
STANDBY = "postgres://app:pw@db2.tinh.local:5432/dangvien"


def test_without_replica_url_there_is_one_database_and_no_router() -> None:
    databases = project_settings._databases({"DATABASE_URL": PRIMARY})
    assert set(databases) == {"default"}
    assert project_settings._database_routers(databases) == []


def test_postgresql_connections_get_the_planner_settings_unless_the_url_says() -> None:
    databases = project_settings._databases(
        {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": STANDBY}
    )
    ours = "-c jit=off -c random_page_cost=1.1"
    assert databases["default"]["OPTIONS"]["options"] == ours  # type: ignore[index]
    assert databases["replica"]["OPTIONS"]["options"] == ours  # type: ignore[index]
    own = project_settings._databases({"DATABASE_URL": PRIMARY + "?options=-c%20jit%3Don"})
    mine = "-c jit=on -c random_page_cost=1.1"
    assert own["default"]["OPTIONS"]["options"] == mine  # type: ignore[index]
    sqlite = project_settings._databases({})
    assert "options" not in sqlite["default"]["OPTIONS"]  # type: ignore[operator]


@pytest.mark.django_db
def test_the_connection_runs_with_the_planner_settings() -> None:
    if connections[DEFAULT_DB_ALIAS].vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), current_setting('random_page_cost')")
        assert cursor.fetchone() == ("off", "1.1")


def test_replica_url_adds_a_mirrored_alias_and_the_router() -> None:
    databases = project_settings._databases(
        {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": STANDBY}
    )
    assert databases["replica"]["HOST"] == "db2.tinh.local"
    assert databases["replica"]["TEST"] == {"MIRROR": "default"}
    assert project_settings._database_routers(databases) == [
        "dangvien.lib.dbrouter.PrimaryReplicaRouter"
    ]


def test_urls_can_come_from_secret_files(tmp_path: Path) -> None:
    secret = tmp_path / "replica-url"
    secret.write_text(STANDBY + "\n", encoding="utf-8")
    databases = project_settings._databases(
        {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL_FILE": str(secret)}
    )
    assert databases["replica"]["HOST"] == "db2.tinh.local"


@pytest.mark.parametrize(
    ("environ", "names"),
    [
        ({"DATABASE_REPLICA_URL": STANDBY}, "without DATABASE_URL"),
        ({"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": "nonsense"}, "not a database URL"),
        (
            {"DATABASE_URL": PRIMARY, "DATABASE_REPLICA_URL": "sqlite:///tmp/x.sqlite3"},
            "not the same database engine",
        ),
    ],
)
def test_bad_replica_settings_stop_the_start(environ: dict[str, str], names: str) -> None:
    with pytest.raises(EnvError, match=names) as raised:
        project_settings._databases(environ)
    assert "pw" not in str(raised.value)


def test_writes_and_migrations_go_to_primary_only() -> None:
    router = PrimaryReplicaRouter()
    with reading_from_replica():
        assert router.db_for_write(Unit) == DEFAULT_DB_ALIAS
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "orgs") is True
    assert router.allow_migrate(REPLICA, "orgs") is False


def test_reads_go_to_replica_only_inside_the_block(monkeypatch: pytest.MonkeyPatch) -> None:
    # A replica alias as the settings would add it; the test needs no connection to it.
    monkeypatch.setitem(connections.databases, REPLICA, {})
    router = PrimaryReplicaRouter()
    assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS
    with reading_from_replica():
        assert router.db_for_read(Unit) == REPLICA
    assert router.db_for_read(Unit) == DEFAULT_DB_ALIAS


def test_block_without_replica_configured_reads_primary() -> None:
    with reading_from_replica():
        assert not replica_in_use()
        assert PrimaryReplicaRouter().db_for_read(Unit) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_open_transaction_keeps_reads_on_primary(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(connections.databases, REPLICA, {})
    with reading_from_replica():
        assert replica_in_use()
        with transaction.atomic():
            assert not replica_in_use()
        assert replica_in_use()


def test_view_decorator_opts_in_and_resets_even_on_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(connections.databases, REPLICA, {})

    @reads_from_replica
    def view(fail: bool) -> bool:
        if fail:
            raise ValueError("boom")
        return replica_in_use()

    assert view(False) is True
    with pytest.raises(ValueError, match="boom"):
        view(True)
    assert not replica_in_use()
