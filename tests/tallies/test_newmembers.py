"""Kept breakdowns of new members (`tallies.newmembers`): the services keep them equal to the
records, a move of the tree carries them, the rebuild, the migration and the integrity check
agree, and the quality report answers the same from them as from the records."""

from __future__ import annotations

import importlib
from collections import Counter
from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission.models import Source
from dangvien.admission.services import case_open
from dangvien.lib.dates import PartialDate
from dangvien.lib.periods import Period
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import Decision, NewUnit, unit_create, unit_move
from dangvien.people.models import Person, Status
from dangvien.people.rules import age_in_years
from dangvien.people.services import person_set_status, person_update
from dangvien.reports import selectors as reports
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.models import Dimension, NewMemberCount
from dangvien.tallies.newmembers import (
    counted_from_records,
    kept_counts,
    new_member_differences,
    rebuild_new_members,
)
from tests.conftest import FOUNDED, World
from tests.people.factories import category, make_people, make_person, member_dates

REFORM = Decision(effective=date(2025, 7, 1), number="99-QĐ/TU")
LATER = Decision(effective=date(2025, 9, 1), number="120-QĐ/TU")
EVER = (date(1900, 1, 1), date(2100, 1, 1))


def _kept(unit: Unit) -> Counter[tuple[str, str]]:
    return kept_counts(unit.pk, *EVER)


def _live(unit: Unit) -> Counter[tuple[str, str]]:
    """Every new member of the unit's current subtree, counted from the records."""
    unit = Unit.objects.get(pk=unit.pk)
    people = Person.objects.filter(admission_unit__path__startswith=unit.path).values("pk")
    sql, params = people.query.sql_with_params()
    return counted_from_records(sql, params)


def _assert_kept_is_live(world: World) -> None:
    for unit in (world.root, world.quang_nam, world.bac_ninh):
        assert _kept(unit) == _live(unit), unit.code
    # Below the top two levels nothing is kept.
    deeper = (world.tam_ky, world.an_my, world.cell_1, world.kinh_bac, world.kb_school)
    assert not NewMemberCount.objects.filter(unit__in=deeper).exists()
    assert new_member_differences() == []


def _people(world: World) -> list[Person]:
    """New members unlike each other: two in Quảng Nam (one of the Youth Union, one from an
    ethnic minority), one in Bắc Ninh known only by the year of birth."""
    youth = category("mass_organisation", "DTN")
    return [
        make_person(
            world.cell_1,
            "Trần Văn An",
            sex="M",
            birth=PartialDate(2000, 3, 10),
            mass_organisations=(youth,),
            professional=category("professional", "DH"),
        ),
        make_person(
            world.cell_2,
            "Hồ Thị Bình",
            ethnicity=category("ethnicity", "02"),
            occupation=category("occupation", "GV"),
        ),
        make_person(world.kb_school, "Lê Chi", birth=PartialDate(1980)),
    ]


def test_the_services_keep_the_breakdowns_equal_to_the_records(world: World) -> None:
    an, binh, _chi = _people(world)
    _assert_kept_is_live(world)
    decided = f"{member_dates()['decision_date']:%Y-%m}-01"
    assert (
        NewMemberCount.objects.filter(
            unit=world.quang_nam, month=decided, dimension=Dimension.YOUTH_UNION, key="1"
        ).values_list("total", flat=True)[0]
        == 1
    )
    assert _kept(world.root)[(Dimension.SEX, "F")] == 2

    # A corrected record: sex, birth and a category change what is counted.
    person_update(
        acting_user=None,
        person=an,
        changes={"sex": "F", "birth": PartialDate(1990, 1, 1), "political_theory": None},
        basis="Quyết định đính chính số 4",
    )
    person_update(
        acting_user=None,
        person=binh,
        changes={"ethnicity": category("ethnicity", "01"), "decision_date": date(2015, 2, 10)},
        basis="Quyết định đính chính số 5",
    )
    _assert_kept_is_live(world)
    assert _kept(world.quang_nam)[(Dimension.SEX, "F")] == 2

    # A candidate admitted through the status service joins the counts of their month.
    candidate = make_person(world.cell_1, "Ngô Thị Dung", status=Status.CANDIDATE)
    person_set_status(
        acting_user=None,
        person=candidate,
        status=Status.PROBATIONARY,
        on=date(2024, 6, 1),
        admission={"decision_date": date(2024, 6, 1), "ceremony_date": date(2024, 6, 1)},
    )
    _assert_kept_is_live(world)
    assert _kept(world.root)[(Dimension.SOURCE, "")] == 4

    # A member who left opens a case for readmission: their source is the new case's.
    left = make_person(world.cell_2, "Phan Văn Em", status=Status.LEFT, **member_dates())
    case_open(
        acting_user=None,
        person=left,
        source=Source.DEMOBILISED,
        on=date(2024, 1, 15),
        readmission=True,
        consent_document="15-CV/TU",
    )
    _assert_kept_is_live(world)
    assert _kept(world.quang_nam)[(Dimension.SOURCE, Source.DEMOBILISED)] == 1

    # The commune moves to another province: its new members leave Quảng Nam and join
    # Bắc Ninh; the root is unchanged.
    root_before = _kept(world.root)
    unit_move(acting_user=None, unit=world.an_my, new_parent=world.bac_ninh, decision=REFORM)
    assert _kept(world.quang_nam) == Counter()
    assert sum(_kept(world.bac_ninh)[(Dimension.SEX, s)] for s in "FM") == 5
    assert _kept(world.root) == root_before
    _assert_kept_is_live(world)
    assert [f.message for f in check_integrity()] == []


def test_the_age_is_counted_in_whole_years_as_the_rules_count_it(world: World) -> None:
    """The SQL's age against `people.rules.age_in_years`: the birthday on the decision day,
    the day after it, and births known only by month or year (their first day)."""
    decided = member_dates()["decision_date"]  # 02/03/2015
    births = [
        PartialDate(1990, 3, 2),
        PartialDate(1990, 3, 3),
        PartialDate(1990, 3),
        PartialDate(1990, 4),
        PartialDate(1990),
        PartialDate(1997, 3, 2),
    ]
    for n, birth in enumerate(births):
        make_person(world.cell_1, f"Người Số {n}", birth=birth)
    ages = {
        key: n for (dimension, key), n in _live(world.root).items() if dimension == Dimension.AGE
    }
    assert ages == Counter(str(age_in_years(b, decided)) for b in births)
    assert ages == {"25": 3, "24": 2, "18": 1}


def test_the_quality_report_answers_the_same_from_the_kept_rows(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _people(world)
    make_person(
        world.cell_1,
        "Vũ Thị Giang",
        decision_date=date(2015, 4, 10),
        ceremony_date=date(2015, 4, 20),
        official_date=date(2016, 4, 20),
    )
    asked = [
        (world.root, Period.parse("2015"), None),
        (world.quang_nam, Period.parse("2015"), None),
        # An unfinished month: the days of April from the records.
        (world.quang_nam, Period.parse("2015"), date(2015, 4, 15)),
        (world.bac_ninh, Period.parse("2015-Q1"), None),
        (world.root, Period.parse("2016"), None),
    ]
    kept = [reports.quality(unit=u, period=p, as_of=a) for u, p, a in asked]
    with monkeypatch.context() as patch:
        patch.setattr(reports, "_kept", lambda sub: False)
        raw = [reports.quality(unit=u, period=p, as_of=a) for u, p, a in asked]
    assert kept == raw
    by_key = {b.key: b for b in kept[1]}
    assert by_key["sex"].total == 3
    assert {r.label: r.count for r in by_key["ethnic_minority"].rows} == {"Có": 1, "Không": 2}
    assert {r.label: r.count for r in by_key["youth_union"].rows} == {"Có": 1, "Không": 2}
    assert {r.label: r.count for r in by_key["occupation"].rows} == {"Chưa rõ": 2, "Giáo viên": 1}
    assert kept[2][0].total == 3  # Giang, decided on 10/04, is counted up to the 15th
    assert kept[4][0].total == 0


def test_a_province_reads_its_breakdowns_from_a_few_kept_rows(world: World) -> None:
    _people(world)
    with CaptureQueriesContext(connection) as queries:
        reports.quality(unit=world.quang_nam, period=Period.parse("2015"))
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "tallies_newmembercount" in tables
    assert "people_massorgmembership" not in tables


def test_the_rebuild_writes_what_the_services_kept(world: World) -> None:
    _people(world)
    kept = sorted(
        NewMemberCount.objects.values_list("unit_id", "month", "dimension", "key", "total")
    )
    assert kept
    assert rebuild_new_members() == len(kept)
    assert (
        sorted(NewMemberCount.objects.values_list("unit_id", "month", "dimension", "key", "total"))
        == kept
    )


def test_a_broken_breakdown_is_listed_and_repaired(world: World) -> None:
    _people(world)
    NewMemberCount.objects.filter(unit=world.quang_nam, dimension=Dimension.SEX, key="F").update(
        total=9
    )
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_integrity", "--repair-tallies", stdout=out)
    assert (
        "Số đảng viên mới theo cơ cấu sai: QN, tháng 03/2015, Giới tính “F”: đang lưu 9, "
        "tính lại được 1." in out.getvalue()
    )
    assert check_integrity() == []


def test_the_migration_counts_the_new_members_already_there(world: World) -> None:
    _people(world)
    make_people(world.cell_1, ["Hai", "Ba"])
    kept = sorted(
        NewMemberCount.objects.values_list("unit_id", "month", "dimension", "key", "total")
    )
    NewMemberCount.objects.all().delete()
    migration = importlib.import_module("dangvien.tallies.migrations.0004_new_member_count")
    migration.count_new_members(apps, None)
    assert (
        sorted(NewMemberCount.objects.values_list("unit_id", "month", "dimension", "key", "total"))
        == kept
    )


def test_a_unit_moved_across_the_kept_depth_keeps_its_own_rows_or_drops_them(
    world: World,
) -> None:
    """A bloc committee under a province (depth 3) moved under the centre (depth 2), as the
    central bloc committees stand, starts keeping its own breakdowns; moved back, it drops
    them. Below the bloc nothing crosses: only the root is above depth 2."""
    bloc = unit_create(
        acting_user=None,
        parent=world.quang_nam,
        spec=NewUnit("QN.KCQ", "Đảng bộ Khối các cơ quan tỉnh", UnitKind.BLOC),
        decision=FOUNDED,
    )
    cell = unit_create(
        acting_user=None,
        parent=bloc,
        spec=NewUnit("QN.KCQ.1", "Chi bộ Sở Nội vụ", UnitKind.CELL, CellKind.AGENCY),
        decision=FOUNDED,
    )
    _people(world)
    make_person(cell, "Vũ Thị Giang", birth=PartialDate(1998, 8, 2))
    make_person(cell, "Đinh Văn Hải", sex="M", birth=PartialDate(1985))
    _assert_kept_is_live(world)
    in_bloc = _live(bloc)
    assert sum(in_bloc[(Dimension.SEX, s)] for s in "FM") == 2
    assert not NewMemberCount.objects.filter(unit=bloc).exists()
    province_before, root_before = _kept(world.quang_nam), _kept(world.root)

    unit_move(acting_user=None, unit=bloc, new_parent=world.root, decision=REFORM)
    assert _kept(bloc) == in_bloc
    assert _kept(world.quang_nam) == province_before - in_bloc
    assert _kept(world.root) == root_before
    _assert_kept_is_live(world)
    assert [f.message for f in check_integrity()] == []

    unit_move(acting_user=None, unit=bloc, new_parent=world.quang_nam, decision=LATER)
    assert _kept(bloc) == Counter()
    assert _kept(world.quang_nam) == province_before
    assert _kept(world.root) == root_before
    _assert_kept_is_live(world)
    assert [f.message for f in check_integrity()] == []
