from datetime import date

from dangvien.lib.periods import Period
from dangvien.targets.rules import admissions_problems, exists_during, sum_check


def test_children_adding_up_exactly_is_the_only_state_without_a_warning() -> None:
    assert sum_check(10, [6, 4]).adds_up
    assert not sum_check(10, [6, 4]).needs_attention
    over = sum_check(10, [6, 5])
    assert (over.difference, over.over, over.short, over.needs_attention) == (1, 1, 0, True)
    short = sum_check(10, [6, None])
    assert (short.children_sum, short.missing, short.short, short.adds_up) == (6, 1, 4, False)
    assert sum_check(None, [1]).needs_attention
    assert not sum_check(None, []).needs_attention


def test_a_range_plan_needs_its_minimum_between_zero_and_the_plan() -> None:
    assert admissions_problems(5, 3) == []
    assert [p.field for p in admissions_problems(3, 5)] == ["admissions_min"]
    assert [p.field for p in admissions_problems(-1, None, prefix="7-")] == ["7-admissions"]


def test_a_unit_exists_during_a_period_it_overlaps() -> None:
    term = Period.parse("2020-2025")
    assert exists_during(date(2015, 1, 1), date(2025, 7, 1), term)
    assert not exists_during(date(2015, 1, 1), date(2021, 1, 1), term)
    assert not exists_during(date(2026, 1, 1), None, term)
