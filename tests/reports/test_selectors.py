"""The other reports' figures (movement, pipeline, ranking, structure's areas) and the query
budget of every selector: the same number of queries for a small and a bigger subtree."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission.models import CaseEvent, Source, Step
from dangvien.admission.services import case_open
from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit, UnitKind
from dangvien.people.models import Person, Status
from dangvien.people.services import (
    person_set_status,
    person_update,
    position_start,
    residence_register,
    transfer_receive,
    transfer_request,
    transfer_send,
)
from dangvien.reports import selectors
from dangvien.reports.formats import vn_percent
from dangvien.targets.areas import area_create
from dangvien.training.models import ClassKind
from dangvien.training.services import class_create, class_enrol
from tests.admission import factories as cases
from tests.conftest import World
from tests.people.factories import category, make_people
from tests.reports.helpers import admit, unit
from tests.targets.factories import make_target

YEAR = Period.parse("2023")
AS_OF = date(2023, 12, 31)


def grow(world: World, size: int) -> None:
    """`size` more cells under An Mỹ and a commune of Tam Kỳ, each with admitted and
    recognised members, candidates with cases and a class, a post, an area, a transfer and a
    residence registration: every row kind a report reads."""
    commune = unit(world.tam_ky, f"QN.TK.X{size}", f"Đảng ủy phường X{size}", UnitKind.COMMUNE)
    klass = class_create(
        acting_user=None,
        organiser=world.an_my,
        kind=ClassKind.AWARENESS,
        name=f"Lớp {size}",
        place="Hội trường",
        start=date(2023, 3, 1),
        end=date(2023, 3, 5),
    )
    for i in range(size):
        cell = unit(world.an_my if i % 2 else commune, f"QN.C{size}.{i}", f"Chi bộ {size}-{i}")
        make_target(cell, "2023", 3 + i)
        admit(cell, 2 + i, date(2023, 2, 1))
        members = make_people(
            cell,
            [f"M{size}-{i}-{k}" for k in range(2)],
            Status.PROBATIONARY,
            decision_date=date(2022, 1, 5),
            ceremony_date=date(2022, 1, 10),
            official_date=None,
        )
        person_set_status(
            acting_user=None,
            person=members[0],
            status=Status.OFFICIAL,
            on=date(2023, 1, 10),
            admission={"official_date": date(2023, 1, 10)},
        )
        candidates = make_people(cell, [f"Q{size}-{i}-{k}" for k in range(2)], Status.CANDIDATE)
        for candidate in candidates:
            case_open(
                acting_user=None, person=candidate, source=Source.YOUTH_UNION, on=date(2023, 4, 1)
            )
        class_enrol(acting_user=None, training_class=klass, people=candidates)
        position_start(
            acting_user=None,
            person=members[1],
            position=category("position", "TDP"),
            unit=cell,
            start=date(2022, 2, 1),
        )
        area = area_create(
            acting_user=None,
            unit=world.an_my,
            name=f"Khu {size}-{i}",
            cell=cell if i % 2 else None,
            valid_from=date(2020, 1, 1),
        )
        person_update(acting_user=None, person=members[1], changes={"area": area})
        residence_register(
            acting_user=None, person=members[0], unit=world.cell_2, start=date(2023, 5, 1)
        )
        transfer = transfer_request(
            acting_user=None, person=members[1], to_unit=world.kb_school, on=date(2023, 6, 1)
        )
        transfer_send(acting_user=None, transfer=transfer, on=date(2023, 6, 2), document="1/GT")
        transfer_receive(acting_user=None, transfer=transfer, on=date(2023, 6, 20))


SELECTORS: dict[str, Callable[..., Any]] = {
    "achievement": selectors.achievement,
    "admissions_by_month": selectors.admissions_by_month,
    "quality": selectors.quality,
    "movement": selectors.movement,
    "structure": selectors.structure,
    "pipeline": selectors.pipeline,
    "ranking": selectors.ranking,
}
# Queries of each selector, whatever the size of the subtree (measured; see the test).
# Merged units add one query per generation of merges (`_Subtree.chains`): none here.
BUDGET = {
    "achievement": 7,
    "admissions_by_month": 3,
    "quality": 2,
    "movement": 6,
    "structure": 5,
    "pipeline": 4,
    "ranking": 6,
}


def _queries(name: str, unit_: Unit) -> int:
    with CaptureQueriesContext(connection) as context:
        SELECTORS[name](unit=unit_, period=YEAR, as_of=AS_OF)
    return len(context.captured_queries)


@pytest.mark.parametrize("name", sorted(SELECTORS))
def test_queries_do_not_grow_with_the_subtree(
    world: World, name: str, django_assert_num_queries: Any
) -> None:
    grow(world, 2)
    tam_ky = Unit.objects.get(pk=world.tam_ky.pk)
    with django_assert_num_queries(BUDGET[name]):
        SELECTORS[name](unit=tam_ky, period=YEAR, as_of=AS_OF)
    grow(world, 7)
    with django_assert_num_queries(BUDGET[name]):
        SELECTORS[name](unit=tam_ky, period=YEAR, as_of=AS_OF)


def test_movement_counts_status_events_transfers_and_residences(world: World) -> None:
    grow(world, 3)

    m = selectors.movement(unit=world.tam_ky, period=YEAR, as_of=AS_OF)

    # 3 cells: 2+3+4 admitted in 2023; two 2022 members each, one recognised in 2023, one
    # transferred out to Bắc Ninh.
    assert m.admitted == 9
    assert (m.official_start, m.probationary_start) == (0, 6)
    assert m.recognised == 3
    assert (m.transferred_out, m.transferred_in) == (3, 0)
    assert (m.official_end, m.probationary_end) == (3, 9)
    assert (m.residence_registered, m.residence_new) == (3, 3)
    bac_ninh = selectors.movement(unit=world.bac_ninh, period=YEAR, as_of=AS_OF)
    assert bac_ninh.transferred_in == 3
    assert bac_ninh.members_end == 3


def test_pipeline_counts_open_cases_overdue_and_classes(world: World) -> None:
    grow(world, 2)

    p = selectors.pipeline(unit=world.tam_ky, period=YEAR, as_of=AS_OF)

    listed = next(s for s in p.stages if s.stage == "listed")
    assert (listed.open_cases, listed.median_days) == (4, Decimal(274))
    assert p.open_cases == 4
    first = p.conversions[0]
    assert (first.reached_from, first.reached_to) == (4, 0)
    awareness = next(t for t in p.training if t.kind == ClassKind.AWARENESS)
    assert (awareness.classes, awareness.enrolled, awareness.passed) == (1, 4, 0)


def test_ranking_grades_children_by_the_rulebook(world: World) -> None:
    admit(world.cell_1, 12, date(2023, 3, 1))
    admit(world.cell_2, 7, date(2023, 3, 1))
    make_target(world.cell_1, "2023", 10)
    make_target(world.cell_2, "2023", 10)

    r = selectors.ranking(unit=world.an_my, period=YEAR, as_of=AS_OF)

    assert [(x.rank, x.row.unit_code, x.grade) for x in r.rows] == [
        (1, "QN.TK.AM.1", "Hoàn thành xuất sắc nhiệm vụ"),
        (2, "QN.TK.AM.2", "Không hoàn thành nhiệm vụ"),
    ]
    assert "[U]" in r.grade_source


def test_structure_counts_areas_without_member_candidate_or_cell(world: World) -> None:
    member, candidate = (
        make_people(world.cell_1, ["A"])[0],
        make_people(world.cell_1, ["B"], Status.CANDIDATE)[0],
    )
    with_member = area_create(
        acting_user=None,
        unit=world.an_my,
        name="Khu 1",
        cell=world.cell_1,
        valid_from=date(2020, 1, 1),
    )
    with_candidate = area_create(
        acting_user=None, unit=world.an_my, name="Khu 2", valid_from=date(2020, 1, 1)
    )
    area_create(acting_user=None, unit=world.an_my, name="Khu 3", valid_from=date(2020, 1, 1))
    person_update(acting_user=None, person=member, changes={"area": with_member})
    person_update(acting_user=None, person=candidate, changes={"area": with_candidate})

    s = selectors.structure(unit=world.an_my, period=Period.parse("2024"), as_of=date(2024, 6, 1))

    a = s.areas
    assert (a.areas, a.with_member, a.with_candidate, a.with_cell) == (3, 1, 1, 1)
    assert (a.without_member, a.without_candidate, a.without_cell) == (2, 2, 2)
    assert a.without_member_names == ("Khu 2", "Khu 3")


def test_corrected_status_events_do_not_count(world: World) -> None:
    (person,) = make_people(
        world.cell_1,
        ["C"],
        Status.PROBATIONARY,
        decision_date=date(2022, 1, 5),
        ceremony_date=date(2022, 1, 10),
        official_date=None,
    )
    wrong = person_set_status(
        acting_user=None, person=person, status=Status.DECEASED, on=date(2023, 2, 1)
    )
    from dangvien.people.models import StatusEvent
    from dangvien.tallies.members import members_kept
    from dangvien.tallies.services import tally_status_event

    # Written past the services (no correction service yet): the kept counts' hooks, as a
    # correction service will call them.
    with members_kept([person.pk]):
        correction = StatusEvent.objects.create(
            person=person,
            status=Status.PROBATIONARY,
            on=date(2023, 2, 1),
            unit=world.cell_1,
            corrects=wrong,
            note="Ghi nhầm",
        )
    tally_status_event(correction, world.cell_1.path)
    Person.objects.filter(pk=person.pk).update(status=Status.PROBATIONARY)

    m = selectors.movement(unit=world.an_my, period=YEAR, as_of=AS_OF)

    assert m.deceased == 0
    assert m.probationary_end == 1


def test_guideline_share_of_members_at_the_start_of_the_year(world: World) -> None:
    make_people(world.cell_1, [f"Đ{i}" for i in range(100)])  # official since 2016
    admit(world.cell_1, 4, date(2023, 5, 1))

    result = selectors.achievement(unit=world.tam_ky, period=YEAR, as_of=AS_OF)

    assert (result.members_at_year_start, result.year_admitted) == (100, 4)
    assert vn_percent(result.year_share_percent, 1) == "4,0%"
    assert result.guideline_percent == (Decimal(3), Decimal(4))


def test_admissions_by_month_cumulate_against_the_target_line(world: World) -> None:
    admit(world.cell_1, 3, date(2023, 1, 15))
    admit(world.cell_1, 2, date(2023, 3, 1))
    make_target(world.tam_ky, "2023", 12)

    points = selectors.admissions_by_month(unit=world.tam_ky, period=YEAR, as_of=date(2023, 3, 31))

    assert [(p.month.month, p.admitted, p.cumulative) for p in points] == [
        (1, 3, 3),
        (2, 0, 3),
        (3, 2, 5),
    ]
    assert [p.target_cumulative for p in points] == [Decimal(1), Decimal(2), Decimal(3)]


def test_pipeline_conversions_equal_a_count_over_every_event(world: World) -> None:
    """Cases opened in 2024 and stopped at different steps, one opened in 2023: for periods
    that cut their histories at different places, the report's conversions equal the
    definition applied to every event in Python (the report skips cases without a
    milestone in the period: this holds it to counting the same)."""
    members = cases.cell_members(world.cell_1)
    for n, last in enumerate(
        [Step.HELPER, Step.AWARENESS_CLASS, Step.CELL_RESOLUTION, Step.DECISION, Step.DECISION]
    ):
        cases.drive_case(
            cases.open_case(cases.candidate(world.cell_1, f"Quần Chúng {n}")), members, last
        )
    cases.open_case(cases.candidate(world.cell_2, "Quần Chúng Cũ"), on=date(2023, 5, 2))
    for text, as_of in [
        ("2024", date(2024, 12, 31)),
        ("2024-H1", date(2024, 6, 30)),
        ("2024-Q2", date(2024, 6, 30)),
        ("2024-H2", date(2024, 12, 31)),
        ("2023", date(2023, 12, 31)),
        ("2024", date(2024, 5, 1)),
    ]:
        period = Period.parse(text)
        report = selectors.pipeline(unit=world.an_my, period=period, as_of=as_of)
        day = min(as_of, period.end)
        firsts: dict[int, dict[str, date]] = {}
        for event in CaseEvent.objects.filter(corrections__isnull=True):
            if event.outcome != CaseEvent.Outcome.FAILED and event.step in selectors.MILESTONES:
                seen = firsts.setdefault(event.case_id, {})
                seen[event.step] = min(event.on, seen.get(event.step, event.on))
        expected = []
        for here, following in itertools.pairwise(selectors.MILESTONES):
            started = [
                f
                for f in firsts.values()
                if here in f and period.start <= f[here] <= day and f[Step.LISTED] <= day
            ]
            expected.append(
                (len(started), sum(1 for f in started if f.get(following, date.max) <= day))
            )
        got = [(c.reached_from, c.reached_to) for c in report.conversions]
        assert got == expected, text
        assert any(n for pair in got for n in pair)
