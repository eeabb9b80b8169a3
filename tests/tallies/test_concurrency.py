"""Two transactions adding to the same kept rows at once both count (PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from dangvien.orgs.models import UnitKind
from dangvien.orgs.services import Decision, NewUnit, unit_create
from dangvien.tallies.models import Metric, Tally
from dangvien.tallies.services import tally_change

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks and concurrent upserts: PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_changes_to_one_row_both_count() -> None:
    root = unit_create(
        acting_user=None,
        parent=None,
        spec=NewUnit("TW", "Trung ương", UnitKind.CENTRAL),
        decision=Decision(effective=date(1930, 2, 3)),
    )
    cells = [
        unit_create(
            acting_user=None,
            parent=root,
            spec=NewUnit(f"C{i}", f"Chi bộ {i}", UnitKind.CELL, "agency"),
            decision=Decision(effective=date(2015, 1, 1)),
        )
        for i in range(2)
    ]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def admit(index: int) -> None:
        try:
            start.wait()
            for _ in range(25):
                with transaction.atomic():
                    tally_change(
                        unit=cells[index], day=date(2026, 1, 5), metric=Metric.ADMITTED, delta=1
                    )
        except BaseException as error:  # reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=admit, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    # The shared root row got every change of both writers.
    assert Tally.objects.get(unit=root, metric=Metric.ADMITTED).total == 50
    assert Tally.objects.get(unit=cells[0], metric=Metric.ADMITTED).total == 25
