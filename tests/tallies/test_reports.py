"""Reports read admissions from the kept counts, with the same figures as the records."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit
from dangvien.orgs.services import Decision, units_merge
from dangvien.people.models import Status
from dangvien.reports import selectors
from dangvien.tallies.models import Metric, Tally
from dangvien.tallies.selectors import by_month, split_span
from tests.conftest import World
from tests.people.factories import make_people

YEAR = Period.parse("2024")


def _admit(world: World, count: int, cell: Unit | None = None) -> None:
    days = [date(2024, 1 + i % 12, 1 + i % 28) for i in range(count)]
    for i, day in enumerate(days):
        make_people(
            cell or world.cell_1,
            [f"Người {i}"],
            Status.PROBATIONARY,
            decision_date=day,
            ceremony_date=day,
        )


def test_split_span_cuts_whole_months_and_a_tail() -> None:
    whole = split_span(date(2024, 1, 1), date(2024, 3, 31))
    assert whole is not None
    assert (whole.first, whole.last, whole.tail) == (
        date(2024, 1, 1),
        date(2024, 3, 1),
        None,
    )
    part = split_span(date(2024, 1, 1), date(2024, 3, 15))
    assert part is not None
    assert (part.last, part.tail) == (
        date(2024, 2, 1),
        (date(2024, 3, 1), date(2024, 3, 15)),
    )
    first = split_span(date(2024, 1, 1), date(2024, 1, 9))
    assert first is not None
    assert not first.has_months
    assert split_span(date(2024, 1, 5), date(2024, 3, 31)) is None


def test_achievement_reads_the_kept_counts(world: World) -> None:
    _admit(world, 14)
    mid = selectors.achievement(unit=world.root, period=YEAR, as_of=date(2024, 6, 15))
    # January and February two each, March to May one each, and 6 June.
    assert mid.row.admitted == 8
    early = selectors.achievement(unit=world.root, period=YEAR, as_of=date(2024, 6, 5))
    assert early.row.admitted == 7
    assert selectors.achievement(unit=world.root, period=YEAR).row.admitted == 14
    # Proof that the figure comes from the kept rows: a broken one shows through.
    Tally.objects.filter(unit=world.root, metric=Metric.ADMITTED, month=date(2024, 2, 1)).update(
        total=10
    )
    assert selectors.achievement(unit=world.root, period=YEAR).row.admitted == 22
    children = selectors.achievement(unit=world.an_my, period=YEAR).children
    assert {c.unit_code: c.admitted for c in children} == {"QN.TK.AM.1": 14, "QN.TK.AM.2": 0}


def test_a_root_count_reads_a_constant_number_of_queries(
    world: World, django_assert_num_queries: Any
) -> None:
    _admit(world, 3)
    root = Unit.objects.get(pk=world.root.pk)
    with django_assert_num_queries(1):
        assert sum(by_month(root, Metric.ADMITTED, YEAR.start, YEAR.end).values()) == 3
    _admit(world, 30, world.kb_school)
    with django_assert_num_queries(1):
        assert sum(by_month(root, Metric.ADMITTED, YEAR.start, YEAR.end).values()) == 33
    # As `tests/reports/test_selectors.py`'s budget: the units merged into the root are
    # looked up by successor, one query per generation of merges (none here).
    with django_assert_num_queries(7):
        assert selectors.achievement(unit=root, period=YEAR).row.admitted == 33


@pytest.mark.parametrize(
    ("period", "as_of"),
    [
        (YEAR, date(2024, 6, 15)),  # a tail of days in June
        (YEAR, date(2024, 6, 30)),  # whole months only
        (YEAR, date(2024, 1, 9)),  # nothing but a tail
        (Period.parse("2024-Q3"), date(2024, 8, 20)),
        (Period.parse("2020-2025"), date(2024, 5, 3)),  # a term: each of its years
    ],
)
def test_achievement_from_kept_counts_equals_the_records(
    world: World, monkeypatch: pytest.MonkeyPatch, period: Period, as_of: date
) -> None:
    """Every figure of `achievement` (the unit's periods, each child, the months of the
    chart) read from the kept months and the days of an unfinished month is what the
    records alone give; the chart's months are `admissions_by_month`'s and the ranking's
    lines the children's (or the unit's, without children)."""
    _admit(world, 20)
    _admit(world, 9, world.kb_school)
    for unit in (world.root, world.tam_ky, world.an_my):
        kept = selectors.achievement(unit=unit, period=period, as_of=as_of)
        assert kept.months == selectors.admissions_by_month(unit=unit, period=period, as_of=as_of)
        ranked = selectors.ranking(unit=unit, period=period, as_of=as_of).rows
        assert [r.row for r in ranked] == (kept.children or [kept.row])
        with monkeypatch.context() as patch:
            patch.setattr(selectors, "_kept", lambda sub: False)
            raw = selectors.achievement(unit=unit, period=period, as_of=as_of)
        assert (kept.row, kept.periods, kept.children, kept.months) == (
            raw.row,
            raw.periods,
            raw.children,
            raw.months,
        )
    root = selectors.achievement(unit=world.root, period=YEAR, as_of=date(2024, 6, 15))
    # Each month two in cell 1 and one in the school (the 1st–9th), June's second one in
    # cell 1 on the 18th: after the day counted.
    assert [p.admitted for p in root.months] == [3, 3, 3, 3, 3, 2]


def test_an_ended_unit_is_counted_from_the_records(world: World) -> None:
    _admit(world, 5)
    units_merge(
        acting_user=None,
        sources=[world.an_my],
        target=world.kinh_bac,
        decision=Decision(effective=date(2025, 7, 1)),
    )
    Tally.objects.all().update(total=0)
    ended = Unit.objects.get(pk=world.an_my.pk)
    # Its cells now sit under Kinh Bắc: the tree of its last day is not what any kept row
    # counts, so the records answer.
    assert selectors.achievement(unit=ended, period=YEAR).row.admitted == 5


def test_a_child_counts_the_targets_and_admissions_of_the_cells_merged_into_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The dashboard asks its children's chains and targets by parent: a cell merged into a
    child adds its target and its history to the child's row, kept or counted raw."""
    from tests.targets.factories import make_target

    _admit(world, 4, world.cell_1)
    _admit(world, 3, world.cell_2)
    make_target(world.cell_1, "2024", 5)
    make_target(world.cell_2, "2024", 2)
    make_target(world.an_my, "2024", 9)
    units_merge(
        acting_user=None,
        sources=[world.cell_2],
        target=world.cell_1,
        decision=Decision(effective=date(2025, 7, 1)),
    )
    an_my = Unit.objects.get(pk=world.an_my.pk)
    kept = selectors.achievement(unit=an_my, period=YEAR)
    assert [(c.unit_code, c.admitted, c.target) for c in kept.children] == [("QN.TK.AM.1", 7, 7)]
    assert (kept.row.admitted, kept.row.target) == (7, 9)
    with monkeypatch.context() as patch:
        patch.setattr(selectors, "_kept", lambda sub: False)
        raw = selectors.achievement(unit=an_my, period=YEAR)
    assert (raw.row, raw.children) == (kept.row, kept.children)
