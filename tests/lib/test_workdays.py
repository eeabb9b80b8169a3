from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dangvien.lib.workdays import PLAIN, WorkingCalendar


def test_a_day_before_tet_2026_is_due_after_the_break() -> None:
    # Tết Bính Ngọ: Monday 16/02 to Friday 20/02/2026 are days off.
    assert PLAIN.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 23)
    assert PLAIN.add_working_days(date(2026, 2, 12), 2) == date(2026, 2, 23)
    assert not PLAIN.is_working_day(date(2026, 2, 17))


def test_sixty_working_days_across_tet_hung_kings_and_may_day_2026() -> None:
    # Counted by hand: 9 days in February (Tết skipped), 22 in March, 25 in April (27/04, the
    # observed Hùng Kings' day, and 30/04 off), then 01/05 off and 4 more days of May.
    assert PLAIN.add_working_days(date(2026, 2, 2), 60) == date(2026, 5, 7)


def test_tet_2027_starts_on_a_thursday() -> None:
    # Tết Đinh Mùi: Thursday 04/02 to Wednesday 10/02/2027.
    assert PLAIN.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 11)
    assert PLAIN.working_days_between(date(2027, 2, 3), date(2027, 2, 11)) == 1
    assert PLAIN.add_working_days(date(2027, 2, 11), -1) == date(2027, 2, 3)


def test_announced_days_off_and_make_up_saturdays_count() -> None:
    calendar = WorkingCalendar.with_days(
        days_off=[date(2027, 2, 11)], working_days=[date(2027, 1, 30)]
    )
    assert calendar.add_working_days(date(2027, 2, 3), 1) == date(2027, 2, 12)
    assert calendar.add_working_days(date(2027, 1, 29), 1) == date(2027, 1, 30)
    assert PLAIN.add_working_days(date(2027, 1, 29), 1) == date(2027, 2, 1)


def test_zero_days_is_the_same_day() -> None:
    assert PLAIN.add_working_days(date(2026, 2, 17), 0) == date(2026, 2, 17)


@given(
    start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    count=st.integers(min_value=0, max_value=120),
)
def test_counting_back_the_days_added_gives_the_count(start: date, count: int) -> None:
    due = PLAIN.add_working_days(start, count)
    assert PLAIN.working_days_between(start, due) == count
    assert count == 0 or PLAIN.is_working_day(due)
    assert due - start >= timedelta(days=count)


def test_months_added_to_a_day_the_target_month_lacks() -> None:
    from dangvien.lib.dates import add_months

    # A period of one month from 31/01 ends on the last day of February: the next starts 01/03.
    assert add_months(date(2026, 1, 31), 1) == date(2026, 3, 1)
    # A due date six months after 31/08 is the last day of February.
    assert add_months(date(2025, 8, 31), 6, clamp=True) == date(2026, 2, 28)
    assert add_months(date(2024, 2, 29), 12, clamp=True) == date(2025, 2, 28)
    assert add_months(date(2026, 3, 15), 12) == date(2027, 3, 15)
