"""The planner keeps 300 values of the unit paths (`orgs` migration 0006), so that a
subtree's `path LIKE 'prefix%'` is estimated near its real size whatever sample ANALYZE
draws."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner"),
]


def test_the_unit_path_keeps_more_statistics_than_the_default() -> None:
    migration = importlib.import_module("dangvien.orgs.migrations.0006_unit_path_statistics")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstattarget FROM pg_attribute "
            "WHERE attrelid = 'orgs_unit'::regclass AND attname = 'path'"
        )
        (target,) = cursor.fetchone()
    assert target == migration.PATH_STATISTICS == 300
