"""The database orders units the Vietnamese way, whatever collation the cluster was made with."""

from __future__ import annotations

import pytest
from django.db import connection

from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import NewUnit, unit_create
from tests.conftest import FOUNDED, World

NAMES = [
    "Chi bộ khu phố 2",
    "Chi bộ khu phố 10",
    "Chi bộ thôn Ấp Bắc",
    "Chi bộ thôn An Bình",
    "Chi bộ thôn Đông",
    "Chi bộ thôn Dương Liễu",
    "Chi bộ Trường Mầm non",
]
EXPECTED = [
    "Chi bộ khu phố 2",
    "Chi bộ khu phố 10",
    "Chi bộ thôn An Bình",
    "Chi bộ thôn Ấp Bắc",
    "Chi bộ thôn Dương Liễu",
    "Chi bộ thôn Đông",
    "Chi bộ Trường Mầm non",
]


def test_units_come_out_of_the_database_in_vietnamese_order(world: World) -> None:
    for i, name in enumerate(NAMES):
        unit_create(
            acting_user=None,
            parent=world.kinh_bac,
            spec=NewUnit(f"BN.KB.X{i}", name, UnitKind.CELL, CellKind.RESIDENTIAL),
            decision=FOUNDED,
        )
    names = list(
        Unit.objects.filter(code__startswith="BN.KB.X")
        .order_by("sort_key")
        .values_list("name", flat=True)
    )
    assert names == EXPECTED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL column property")
@pytest.mark.django_db
def test_sort_keys_compare_bytewise_in_postgresql() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT collation_name FROM information_schema.columns "
            "WHERE table_name = 'orgs_unit' AND column_name = 'sort_key'"
        )
        assert cursor.fetchone() == ("C",)
