"""`lib.db`: SQL reads on the database the ORM would read the model from, and the pieces of
SQL the reads share."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, router
from django.utils.connection import ConnectionDoesNotExist

from dangvien.lib.db import db_date, paths_under, placeholders, read_sql
from dangvien.orgs.models import Unit
from tests.conftest import World


def test_read_sql_reads_on_the_database_the_router_names(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[type[Any]] = []
    answer = DEFAULT_DB_ALIAS

    def db_for_read(model: type[Any], **hints: Any) -> str:
        asked.append(model)
        return answer

    monkeypatch.setattr(router, "db_for_read", db_for_read)
    cell = world.cell_1
    sql, params = "SELECT code, valid_from FROM orgs_unit WHERE path LIKE %s", [f"{cell.path}%"]
    rows = read_sql(Unit, sql, params)
    assert asked == [Unit]
    assert [(code, db_date(day)) for code, day in rows] == [(cell.code, cell.valid_from)]
    # Another answer, another database: here one that does not exist.
    answer = "nowhere"
    with pytest.raises(ConnectionDoesNotExist):
        read_sql(Unit, sql, params)


def test_placeholders_are_never_an_empty_list() -> None:
    assert placeholders([7, 8, 9]) == "%s, %s, %s"
    assert placeholders(set()) == "NULL"


@pytest.mark.django_db
def test_paths_under_finds_each_column_under_each_prefix(world: World) -> None:
    where, params = paths_under(["u.path", "p.path"], [world.an_my.path, world.kinh_bac.path])
    assert params == [f"{world.an_my.path}%"] * 2 + [f"{world.kinh_bac.path}%"] * 2
    rows = read_sql(
        Unit,
        f"SELECT u.code FROM orgs_unit u JOIN orgs_unit p ON p.id = u.parent_id WHERE {where}",  # noqa: S608
        params,
    )
    # A unit counts when it or its parent lies under An Mỹ or Kinh Bắc.
    assert sorted(code for (code,) in rows) == sorted(
        ["QN.TK.AM", "QN.TK.AM.1", "QN.TK.AM.2", "BN.KB", "BN.KB.TH"]
    )
