"""`lib.db.read_sql`: SQL reads on the database the ORM would read the model from."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, router

from dangvien.lib.db import db_date, read_sql
from dangvien.orgs.models import Unit
from tests.conftest import World


def test_read_sql_asks_the_router_for_the_model_and_returns_its_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[type[Any]] = []

    def db_for_read(model: type[Any], **hints: Any) -> str:
        asked.append(model)
        return DEFAULT_DB_ALIAS

    monkeypatch.setattr(router, "db_for_read", db_for_read)
    cell = world.cell_1
    rows = read_sql(
        Unit, "SELECT code, valid_from FROM orgs_unit WHERE path LIKE %s", [f"{cell.path}%"]
    )
    assert asked == [Unit]
    assert [(code, db_date(day)) for code, day in rows] == [(cell.code, cell.valid_from)]
    assert isinstance(cell.valid_from, date)
