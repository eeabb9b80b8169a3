from datetime import date
from typing import Any

from dangvien.accounts.selectors import grant_paths
from dangvien.lib.periods import Period
from dangvien.orgs.services import Decision, unit_dissolve
from dangvien.targets.selectors import subtree_targets, target_breakdown
from tests.conftest import World
from tests.targets.factories import make_target

YEAR = "2024"


def test_the_breakdown_shows_each_child_and_where_they_do_not_add_up(
    world: World, django_assert_num_queries: Any
) -> None:
    make_target(world.an_my, YEAR, 10)
    make_target(world.cell_1, YEAR, 6)
    grant_paths(world.xa)  # the user's grants are read once per request, before this
    with django_assert_num_queries(3):
        breakdown = target_breakdown(world.xa, world.an_my, Period.parse(YEAR))
    assert [(line.code, line.admissions) for line in breakdown.children] == [
        ("QN.TK.AM.1", 6),
        ("QN.TK.AM.2", None),
    ]
    assert (breakdown.check.children_sum, breakdown.check.missing) == (6, 1)
    assert breakdown.check.needs_attention
    make_target(world.cell_2, YEAR, 4)
    assert target_breakdown(world.xa, world.an_my, Period.parse(YEAR)).check.adds_up


def test_the_breakdown_takes_three_queries_whatever_the_number_of_children(
    world: World, django_assert_num_queries: Any
) -> None:
    for cell in (world.cell_1, world.cell_2):
        make_target(cell, YEAR, 3)
    grant_paths(world.tinh)
    with django_assert_num_queries(3):
        target_breakdown(world.tinh, world.an_my, Period.parse(YEAR))


def test_a_past_period_lists_the_children_the_unit_had_then(world: World) -> None:
    make_target(world.cell_2, YEAR, 4)
    unit_dissolve(
        acting_user=None, unit=world.cell_2, decision=Decision(effective=date(2025, 3, 1))
    )
    then = target_breakdown(world.xa, world.an_my, Period.parse(YEAR))
    assert [(c.code, c.active) for c in then.children] == [
        ("QN.TK.AM.1", True),
        ("QN.TK.AM.2", True),
    ]
    now = target_breakdown(world.xa, world.an_my, Period.parse("2026"))
    assert [c.code for c in now.children] == ["QN.TK.AM.1"]


def test_a_cell_secretary_sees_only_their_cell_among_the_children(world: World) -> None:
    make_target(world.cell_2, YEAR, 4)
    breakdown = target_breakdown(world.bithu, world.an_my, Period.parse(YEAR))
    assert [c.code for c in breakdown.children] == ["QN.TK.AM.1"]


def test_subtree_targets_are_the_periods_and_the_users_only(world: World) -> None:
    make_target(world.quang_nam, YEAR, 100)
    make_target(world.an_my, YEAR, 10)
    make_target(world.cell_1, YEAR, 6)
    make_target(world.cell_1, "2025", 7)
    make_target(world.kinh_bac, YEAR, 8)
    period = Period.parse(YEAR)
    codes = [t.unit.code for t in subtree_targets(world.tinh, world.root, period)]
    assert codes == ["QN", "QN.TK.AM", "QN.TK.AM.1"]
    assert [t.unit.code for t in subtree_targets(world.xa, world.tam_ky, period)] == [
        "QN.TK.AM",
        "QN.TK.AM.1",
    ]
