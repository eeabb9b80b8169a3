"""Kept counts of open cases by due day (`tallies.dues`): the services keep them equal to the
cases, a move of the tree carries them, the rebuild and the integrity check agree."""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from dangvien.admission.models import Case, Step
from dangvien.admission.services import case_correct_event, case_record_step
from dangvien.orgs.models import Unit
from dangvien.orgs.services import Decision, unit_move
from dangvien.tallies.dues import due_differences, rebuild_dues
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.models import CaseDue
from tests.admission.factories import candidate, cell_members, drive_case, open_case
from tests.conftest import World

REFORM = Decision(effective=date(2025, 7, 1), number="99-QĐ/TU")


def _kept(unit: Unit) -> Counter[date]:
    rows = CaseDue.objects.filter(unit=unit).values_list("day", "total")
    return Counter({day: total for day, total in rows if total})


def _live(unit: Unit) -> Counter[date]:
    unit = Unit.objects.get(pk=unit.pk)
    cases = Case.objects.filter(
        unit__path__startswith=unit.path, state=Case.State.OPEN, due_on__isnull=False
    )
    return Counter(day for day in cases.values_list("due_on", flat=True) if day is not None)


def _assert_kept_is_live(world: World) -> None:
    units = [world.root, world.quang_nam, world.tam_ky, world.an_my, world.cell_1]
    units += [world.cell_2, world.bac_ninh, world.kinh_bac, world.kb_school]
    assert [_kept(u) for u in units] == [_live(u) for u in units]
    assert due_differences() == []


def test_the_services_keep_the_due_counts_equal_to_the_cases(world: World) -> None:
    members = cell_members(world.cell_1)
    at_vote = drive_case(
        open_case(candidate(world.cell_1, "Người Một")), members, "cell_resolution"
    )
    decided = drive_case(open_case(candidate(world.cell_1, "Người Hai")), members, "decision")
    drive_case(open_case(candidate(world.cell_1, "Người Ba")), members, "opinions")
    at_vote.refresh_from_db()
    decided.refresh_from_db()
    assert at_vote.due_on is not None
    assert decided.due_on is not None
    assert _kept(world.root) == Counter({at_vote.due_on: 1, decided.due_on: 1})
    _assert_kept_is_live(world)

    # A corrected date moves the deadline: the count moves with it.
    resolution = at_vote.events.get(step=Step.CELL_RESOLUTION)
    case_correct_event(
        acting_user=None, event=resolution, on=date(2024, 6, 25), reason="Ghi nhầm ngày"
    )
    _assert_kept_is_live(world)
    # An end closes the case: it no longer counts.
    case_record_step(acting_user=None, case=decided, step=Step.WITHDRAWN, on=date(2024, 8, 1))
    _assert_kept_is_live(world)
    assert sum(_kept(world.root).values()) == 1

    # The commune moves to another province: its rows leave Quảng Nam and join Bắc Ninh.
    unit_move(acting_user=None, unit=world.an_my, new_parent=world.bac_ninh, decision=REFORM)
    assert _kept(world.quang_nam) == Counter()
    assert sum(_kept(world.bac_ninh).values()) == 1
    _assert_kept_is_live(world)
    assert [f.message for f in check_integrity()] == []


def test_the_rebuild_writes_what_the_services_kept(world: World) -> None:
    members = cell_members(world.cell_1)
    for n, last in enumerate(["cell_resolution", "decision", "committee_resolution"]):
        drive_case(open_case(candidate(world.cell_1, f"Người {n}")), members, last)
    kept = sorted(CaseDue.objects.filter(total__gt=0).values_list("unit_id", "day", "total"))
    assert kept
    assert rebuild_dues() == len(kept)
    assert sorted(CaseDue.objects.values_list("unit_id", "day", "total")) == kept


def test_a_broken_due_count_is_listed_and_repaired(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, "decision")
    case.refresh_from_db()
    assert case.due_on is not None
    CaseDue.objects.filter(unit=world.tam_ky).update(total=4)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_integrity", "--repair-tallies", stdout=out)
    assert (
        f"Số hồ sơ đến hạn sai: QN.TK, hạn ngày {case.due_on:%d/%m/%Y}: đang lưu 4, "
        "tính lại được 1." in out.getvalue()
    )
    assert check_integrity() == []


def test_the_migration_counts_the_cases_already_there(world: World) -> None:
    members = cell_members(world.cell_1)
    for n, last in enumerate(["cell_resolution", "decision"]):
        drive_case(open_case(candidate(world.cell_1, f"Người {n}")), members, last)
    drive_case(open_case(candidate(world.cell_2, "Người Khác")), members, "decision")
    kept = sorted(CaseDue.objects.filter(total__gt=0).values_list("unit_id", "day", "total"))
    CaseDue.objects.all().delete()
    migration = importlib.import_module("dangvien.tallies.migrations.0003_case_due")
    # The step only executes SQL; SQLite refuses a schema editor inside the test's
    # transaction, so a stand-in runs it on the connection.
    editor = SimpleNamespace(execute=lambda sql: connection.cursor().execute(sql))
    migration.count_open_cases(apps, editor)
    assert sorted(CaseDue.objects.values_list("unit_id", "day", "total")) == kept
    assert len({unit for unit, _day, _n in kept}) == 6  # two cells, commune, town, province, root
