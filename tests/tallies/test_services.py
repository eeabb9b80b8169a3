"""Kept counts follow every write path, in the same transaction, and match a recount."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.orgs.models import Unit, UnitKind
from dangvien.orgs.rules import path_ids
from dangvien.orgs.services import Decision, NewUnit, unit_move, unit_split, units_merge
from dangvien.people.models import Status
from dangvien.people.services import person_set_status, person_update
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.models import Metric, Tally
from dangvien.tallies.services import (
    expected_tallies,
    tallies_rebuild,
    tally_change,
)
from tests.conftest import World
from tests.people.factories import make_people, make_person

REFORM = Decision(effective=date(2025, 7, 1), number="99-QĐ/TU")
MARCH_2015 = date(2015, 3, 1)


def _kept(unit: Unit, metric: str = Metric.ADMITTED) -> dict[date, int]:
    return dict(
        Tally.objects.filter(unit=unit, metric=metric, total__gt=0).values_list("month", "total")
    )


def _clean() -> None:
    assert [f.message for f in check_integrity()] == []


def test_path_ids_decode_each_step(world: World) -> None:
    assert path_ids(world.cell_1.path) == [
        world.root.pk,
        world.quang_nam.pk,
        world.tam_ky.pk,
        world.an_my.pk,
        world.cell_1.pk,
    ]


def test_bulk_create_counts_the_cell_and_every_ancestor(world: World) -> None:
    make_people(world.cell_1, ["An", "Bình", "Chi"])
    for unit in (world.cell_1, world.an_my, world.tam_ky, world.quang_nam, world.root):
        assert _kept(unit) == {MARCH_2015: 3}
        # Brought in from a register as official members on 20/03/2016.
        assert _kept(unit, Metric.RECOGNISED) == {date(2016, 3, 1): 3}
    assert _kept(world.cell_2) == {}
    assert _kept(world.bac_ninh) == {}
    _clean()


def test_bulk_create_writes_the_counts_in_one_statement(world: World) -> None:
    with CaptureQueriesContext(connection) as queries:
        make_people(world.cell_2, [f"Người {i}" for i in range(40)])
    tally_queries = [q for q in queries.captured_queries if "tallies_tally" in q["sql"]]
    assert len(tally_queries) == 1


def test_status_change_and_admission_are_counted(world: World) -> None:
    person = make_person(world.cell_2, "Dũng", Status.CANDIDATE)
    person_set_status(
        acting_user=world.xa,
        person=person,
        status=Status.PROBATIONARY,
        on=date(2024, 5, 1),
        admission={"decision_date": date(2024, 4, 20), "ceremony_date": date(2024, 5, 1)},
    )
    assert _kept(world.tam_ky) == {date(2024, 4, 1): 1}
    person_update(
        acting_user=world.xa,
        person=person,
        changes={"decision_date": date(2024, 3, 30)},
        basis="Đính chính theo quyết định số 7",
    )
    assert _kept(world.tam_ky) == {date(2024, 3, 1): 1}
    person_set_status(
        acting_user=world.xa,
        person=person,
        status=Status.DECEASED,
        on=date(2024, 9, 3),
    )
    assert _kept(world.root, Metric.DECEASED) == {date(2024, 9, 1): 1}
    _clean()


def test_move_takes_the_counts_to_the_new_ancestors(world: World) -> None:
    make_people(world.an_my, [])
    make_people(world.cell_1, ["An", "Bình"])
    unit_move(acting_user=None, unit=world.an_my, new_parent=world.bac_ninh, decision=REFORM)
    assert _kept(world.quang_nam) == {}
    assert _kept(world.tam_ky) == {}
    assert _kept(world.bac_ninh) == {MARCH_2015: 2}
    assert _kept(world.root) == {MARCH_2015: 2}
    _clean()


def test_merge_and_split_keep_the_counts_exact(world: World) -> None:
    make_people(world.cell_1, ["An", "Bình"])
    make_people(world.cell_2, ["Chi"])
    target = units_merge(
        acting_user=None,
        sources=[world.an_my],
        new_target=NewUnit("QN.TK.X", "Đảng ủy phường Tam Kỳ", UnitKind.COMMUNE),
        new_target_parent=world.tam_ky,
        decision=REFORM,
    )
    assert _kept(target) == {MARCH_2015: 3}
    assert _kept(world.tam_ky) == {MARCH_2015: 3}
    # An Mỹ ended and sits under its successor, with no subtree of its own left.
    assert _kept(Unit.objects.get(pk=world.an_my.pk)) == {}
    _clean()
    created = unit_split(
        acting_user=None,
        source=target,
        results=[
            NewUnit("QN.TK.Y", "Đảng ủy phường Y", UnitKind.COMMUNE),
            NewUnit("QN.TK.Z", "Đảng ủy phường Z", UnitKind.COMMUNE),
        ],
        assignments={world.cell_1.pk: 0, world.cell_2.pk: 1},
        decision=Decision(effective=date(2025, 7, 2)),
    )
    # The old unit moved under the first result, with it the cells' counts of its history.
    assert _kept(created[0]) == {MARCH_2015: 2}
    assert _kept(created[1]) == {MARCH_2015: 1}
    assert _kept(world.tam_ky) == {MARCH_2015: 3}
    _clean()


def test_tally_change_adds_to_existing_rows(world: World) -> None:
    tally_change(unit=world.cell_1, day=date(2026, 1, 9), metric=Metric.ADMITTED, delta=2)
    tally_change(unit=world.cell_2, day=date(2026, 1, 30), metric=Metric.ADMITTED, delta=1)
    assert _kept(world.an_my) == {date(2026, 1, 1): 3}
    assert _kept(world.cell_1) == {date(2026, 1, 1): 2}


def test_rebuild_recomputes_everything_or_a_subtree(world: World) -> None:
    make_people(world.cell_1, ["An", "Bình"])
    make_people(world.kb_school, ["Chi"])
    expected = expected_tallies()
    Tally.objects.all().delete()
    # Both metrics of the two months, in five units on one side and three on the other
    # (16), the member changes of the same eight units (24: probationary from the
    # decision day; on the official day, probationary out and official in), and the ten
    # breakdowns of the new members (alike, admitted the same month) in the units of the
    # top two levels: the root, Quảng Nam and Bắc Ninh (30).
    assert tallies_rebuild() == 16 + 24 + 30
    # The database's recomputation (one statement) writes what the Python one expects.
    kept = {
        (unit, month, metric): total
        for unit, month, metric, total in Tally.objects.values_list(
            "unit", "month", "metric", "total"
        )
    }
    assert kept == {key: n for key, n in expected.items() if n}
    Tally.objects.filter(unit=world.cell_1).update(total=7)
    Tally.objects.filter(unit=world.kinh_bac).update(total=7)
    # An Mỹ and its cell 1, two metrics each (cell 2 counts nothing).
    assert tallies_rebuild([world.an_my]) == 4
    assert _kept(world.cell_1) == {MARCH_2015: 2}
    assert _kept(world.kinh_bac) == {MARCH_2015: 7}
    tallies_rebuild()
    _clean()


def test_the_full_rebuild_leaves_the_constraints_and_indexes_it_dropped(world: World) -> None:
    """On PostgreSQL the rebuild writes without the tables' constraints and indexes
    (`lib.db.DeferredChecks`) and makes them again: the same ones, and the services' upserts
    (ON CONFLICT on the unique keys) still work after it."""
    from dangvien.tallies.models import MemberChange

    tables = [Tally._meta.db_table, MemberChange._meta.db_table]

    def schema() -> list[tuple[str, ...]]:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE conrelid = ANY(%s::regclass[]) "
                    "UNION ALL SELECT tablename, indexname, indexdef FROM pg_indexes "
                    # A primary key is a constraint and an index of the same name: the
                    # definition orders the pair, which the name alone leaves to chance.
                    "WHERE tablename = ANY(%s) ORDER BY 1, 2, 3",
                    [tables, tables],
                )
            else:
                marks = ", ".join("%s" for _t in tables)
                cursor.execute(
                    f"SELECT tbl_name, name, sql FROM sqlite_master WHERE tbl_name IN ({marks}) "  # noqa: S608
                    "ORDER BY 1, 2",
                    tables,
                )
            return [tuple(row) for row in cursor.fetchall()]

    make_people(world.cell_1, ["An"])
    before = schema()
    assert any("unit_id" in str(row) for row in before)
    tallies_rebuild()
    assert schema() == before
    make_people(world.cell_1, ["Bình"])
    assert _kept(world.cell_1) == {MARCH_2015: 2}
    _clean()
