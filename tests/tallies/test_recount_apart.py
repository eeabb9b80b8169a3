"""The loader's recount with each kept table rebuilt on its own connection at the same time
(`tallies_recount(apart=True)`, PostgreSQL): the same rows as the one-transaction recount.
Outside a wrapping transaction (the threads must see the records), so the migrations' rows
are written again first (`tests.migration_rows`)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from dangvien.accounts.models import AuditEvent
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.models import CaseDue, MemberChange, NewMemberCount, Tally
from dangvien.tallies.services import KEPT_TABLES, tallies_recount
from tests.admission.factories import candidate, cell_members, drive_case, open_case
from tests.conftest import build_world
from tests.migration_rows import ensure_migration_rows
from tests.people.factories import make_people

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite has one writer: one transaction"
    ),
]


def _kept() -> list[list[tuple[Any, ...]]]:
    return [
        sorted(
            Tally.objects.filter(total__gt=0).values_list("unit_id", "month", "metric", "total")
        ),
        sorted(
            MemberChange.objects.exclude(delta=0).values_list("unit_id", "day", "status", "delta")
        ),
        sorted(CaseDue.objects.filter(total__gt=0).values_list("unit_id", "day", "total")),
        sorted(
            NewMemberCount.objects.filter(total__gt=0).values_list(
                "unit_id", "month", "dimension", "key", "total"
            )
        ),
    ]


def _checks() -> list[tuple[Any, ...]]:
    """The kept tables' constraints and indexes, as PostgreSQL describes them."""
    tables = list(KEPT_TABLES)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        found = list(cursor.fetchall())
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE tablename = ANY(%s) ORDER BY 1, 2",
            [tables],
        )
        return found + list(cursor.fetchall())


def test_the_tables_rebuilt_apart_hold_what_one_transaction_writes() -> None:
    ensure_migration_rows()
    world = build_world()
    make_people(world.cell_1, ["An", "Bình", "Chi"])
    members = cell_members(world.cell_2)
    drive_case(open_case(candidate(world.cell_2)), members, "decision")
    kept = _kept()
    assert all(kept)
    checks = _checks()
    assert any("FOREIGN KEY" in str(row[-1]) for row in checks)
    Tally.objects.all().delete()
    MemberChange.objects.all().delete()
    CaseDue.objects.all().delete()
    NewMemberCount.objects.all().delete()
    rows = tallies_recount(acting_user=None, apart=True)
    assert _kept() == kept
    assert _checks() == checks
    assert rows == sum(len(table) for table in kept)
    assert AuditEvent.objects.filter(action="tallies.recount").count() == 1
    assert check_integrity() == []
    assert tallies_recount(acting_user=None) == rows
    assert _kept() == kept
