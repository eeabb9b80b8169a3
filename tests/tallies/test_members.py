"""Kept member counts (`tallies.members`): the services keep them, the database rebuilds
them, and they answer exactly what the live count over the records answers."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.orgs.models import Unit
from dangvien.orgs.services import Decision, unit_move
from dangvien.people.models import Person, Status, StatusEvent, Transfer
from dangvien.people.services import (
    person_set_status,
    person_update,
    transfer_receive,
    transfer_request,
    transfer_send,
)
from dangvien.reports import selectors as reports
from dangvien.tallies.integrity import check_integrity
from dangvien.tallies.members import member_differences, rebuild_members
from dangvien.tallies.models import MemberChange
from dangvien.tallies.selectors import members_on
from tests.conftest import World
from tests.people.factories import make_people, make_person

REFORM = Decision(effective=date(2025, 7, 1), number="99-QĐ/TU")
OFFICIAL, PROBATIONARY = Status.OFFICIAL.value, Status.PROBATIONARY.value


def _units(world: World) -> list[Unit]:
    return [
        Unit.objects.get(pk=u.pk)
        for u in (
            world.root,
            world.quang_nam,
            world.tam_ky,
            world.an_my,
            world.cell_1,
            world.cell_2,
            world.bac_ninh,
            world.kinh_bac,
            world.kb_school,
        )
    ]


def _live(unit: Unit, days: list[date]) -> list[Counter[str]]:
    """The count over the raw records, a few days per query (each day is two subqueries)."""
    sub = reports._subtree(unit)
    found: list[Counter[str]] = []
    for start in range(0, len(days), 8):
        found += reports._members_on_raw(sub, days[start : start + 8])
    return found


def _assert_kept_is_live(world: World, days: list[date]) -> None:
    for unit in _units(world):
        kept = members_on(unit.pk, days)
        live = _live(unit, days)
        for day, k, v in zip(days, kept, live, strict=True):
            assert +k == +v, (unit.code, day)


def _around(days: set[date]) -> list[date]:
    return sorted({d + timedelta(days=k) for d in days for k in (-1, 0, 1)})


def test_a_member_counts_probationary_then_official_in_the_cell_and_its_ancestors(
    world: World,
) -> None:
    make_people(world.cell_1, ["An", "Bình"])  # decided 02/03/2015, official 20/03/2016
    days = [date(2015, 3, 1), date(2015, 3, 2), date(2016, 3, 19), date(2016, 3, 20)]
    for unit in (world.cell_1, world.an_my, world.quang_nam, world.root):
        assert members_on(unit.pk, days) == [
            Counter(),
            Counter({PROBATIONARY: 2}),
            Counter({PROBATIONARY: 2}),
            Counter({OFFICIAL: 2}),
        ]
    assert members_on(world.cell_2.pk, days) == [Counter()] * 4
    assert members_on(world.bac_ninh.pk, days) == [Counter()] * 4
    assert member_differences() == []


def test_the_services_keep_the_counts_equal_to_the_records(world: World) -> None:
    an, binh = make_people(world.cell_1, ["An", "Bình"])
    chi = make_person(world.cell_2, "Chi", Status.PROBATIONARY)
    dung = make_person(world.kb_school, "Dũng")
    checked: set[date] = {date(2015, 3, 2), date(2016, 3, 20)}

    # Recognised, deceased: status events.
    person_set_status(
        acting_user=None,
        person=chi,
        status=Status.OFFICIAL,
        on=date(2016, 4, 1),
        admission={"official_date": date(2016, 3, 20)},
    )
    person_set_status(acting_user=None, person=binh, status=Status.DECEASED, on=date(2024, 5, 6))
    checked |= {date(2016, 4, 1), date(2024, 5, 6)}
    assert member_differences() == []

    # A transfer from Quảng Nam to Bắc Ninh, received two weeks after it was sent.
    transfer = transfer_request(
        acting_user=None, person=an, to_unit=world.kb_school, on=date(2025, 2, 3)
    )
    transfer = transfer_send(
        acting_user=None, transfer=transfer, on=date(2025, 2, 4), document="5-GGT"
    )
    transfer_receive(acting_user=None, transfer=transfer, on=date(2025, 2, 18))
    checked |= {date(2025, 2, 18)}
    assert member_differences() == []

    # A corrected decision date (the party file's correction, with its basis).
    person_update(
        acting_user=None,
        person=dung,
        changes={"decision_date": date(2015, 1, 9)},
        basis="Quyết định 7-QĐ/TU đính chính",
    )
    checked |= {date(2015, 1, 9)}
    assert member_differences() == []

    # The commune moves to another province: its rows leave Quảng Nam and join Bắc Ninh.
    unit_move(acting_user=None, unit=world.an_my, new_parent=world.bac_ninh, decision=REFORM)
    assert member_differences() == []
    assert members_on(world.quang_nam.pk, [date(2016, 3, 20)]) == [Counter()]
    _assert_kept_is_live(world, _around(checked))
    assert [f.message for f in check_integrity()] == []


def test_the_database_rebuild_agrees_with_the_records_on_any_history(world: World) -> None:
    """Histories the services refuse (events before the decision, several a day, corrected
    ones, official before decided, two transfers a day) written past them, then rebuilt:
    the definition in SQL answers what the live count answers, on every day around a
    change."""
    rng = random.Random(20261124)
    cells = [world.cell_1, world.cell_2, world.kb_school]
    statuses = [OFFICIAL, PROBATIONARY, Status.DECEASED, Status.REMOVED, Status.CANDIDATE]
    base = date(2015, 1, 1)
    checked: set[date] = set()
    people = make_people(world.cell_1, [f"Người {i}" for i in range(24)])
    for i, person in enumerate(people):
        decision = base + timedelta(days=rng.randrange(0, 900)) if i % 7 else None
        official = (
            decision + timedelta(days=rng.randrange(-30, 500)) if decision and i % 3 else None
        )
        cell = rng.choice(cells)
        Person.objects.filter(pk=person.pk).update(
            decision_date=decision, official_date=official, unit=cell
        )
        checked |= {d for d in (decision, official) if d}
        events: list[StatusEvent] = []
        for _n in range(rng.randrange(0, 5)):
            on = base + timedelta(days=rng.randrange(-60, 1200))
            events.append(
                StatusEvent.objects.create(
                    person=person, status=rng.choice(statuses), on=on, unit=cell
                )
            )
            checked.add(on)
        if events and rng.random() < 0.5:
            # Two events on one day: the later recorded one holds.
            same = rng.choice(events)
            events.append(
                StatusEvent.objects.create(
                    person=person, status=rng.choice(statuses), on=same.on, unit=cell
                )
            )
        if events and rng.random() < 0.4:
            wrong = rng.choice(events)
            StatusEvent.objects.create(
                person=person, status=rng.choice(statuses), on=wrong.on, unit=cell, corrects=wrong
            )
        here, last = cell, None
        for _n in range(rng.randrange(0, 3)):
            there = rng.choice([c for c in cells if c != here])
            received = base + timedelta(days=rng.randrange(0, 1200))
            if rng.random() < 0.3 and checked:
                received = rng.choice(sorted(checked))  # on the day something else happened
            if last is not None and rng.random() < 0.5:
                received = last  # two transfers received the same day: the first one holds
            last = received
            Transfer.objects.create(
                person=person,
                from_unit=here,
                to_unit=there,
                state=Transfer.State.RECEIVED,
                requested_on=received,
                received_on=received,
            )
            checked.add(received)
            here = there
    rebuild_members()
    assert member_differences() == []
    assert MemberChange.objects.exists()
    _assert_kept_is_live(world, _around(checked))


def test_a_broken_member_count_is_listed_and_repaired(world: World) -> None:
    make_people(world.cell_1, ["An", "Bình"])
    MemberChange.objects.filter(unit=world.tam_ky, status=OFFICIAL).update(delta=5)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("check_integrity", "--repair-tallies", stdout=out)
    assert (
        "Biến động số đảng viên sai: QN.TK, ngày 20/03/2016, Đảng viên chính thức: "
        "đang lưu +5, tính lại được +2." in out.getvalue()
    )
    assert check_integrity() == []


def test_the_report_reads_members_from_the_kept_rows(world: World) -> None:
    make_people(world.cell_1, ["An", "Bình", "Chi"])
    with CaptureQueriesContext(connection) as queries:
        assert members_on(world.quang_nam.pk, [date(2020, 1, 1), date(2015, 3, 2)]) == [
            Counter({OFFICIAL: 3}),
            Counter({PROBATIONARY: 3}),
        ]
    assert len(queries) == 1
    person_table = Person._meta.db_table
    sub = reports._subtree(world.quang_nam)
    with CaptureQueriesContext(connection) as queries:
        reports._members_on(sub, [date(2020, 1, 1)])
    assert not any(person_table in q["sql"] for q in queries.captured_queries)
