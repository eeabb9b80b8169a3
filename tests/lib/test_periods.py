from datetime import date

import pytest

from dangvien.lib.periods import Period, PeriodError, PeriodKind


@pytest.mark.parametrize(
    ("code", "start", "end"),
    [
        ("2021", date(2021, 1, 1), date(2021, 12, 31)),
        ("2023-H1", date(2023, 1, 1), date(2023, 6, 30)),
        ("2023-H2", date(2023, 7, 1), date(2023, 12, 31)),
        ("2018-Q1", date(2018, 1, 1), date(2018, 3, 31)),
        ("2024-Q1", date(2024, 1, 1), date(2024, 3, 31)),
        ("2018-Q4", date(2018, 10, 1), date(2018, 12, 31)),
        ("2020-2025", date(2021, 1, 1), date(2025, 12, 31)),
    ],
)
def test_period_codes_cover_their_days(code: str, start: date, end: date) -> None:
    period = Period.parse(code)
    assert (period.start, period.end, period.code) == (start, end, code)


@pytest.mark.parametrize("text", ["", "21", "2023-H3", "2018-Q5", "2020-2024", "abcd", "1800"])
def test_bad_period_codes_are_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_terms_do_not_overlap_and_years_add_up_to_them() -> None:
    term = Period.parse("2020-2025")
    assert [p.code for p in term.children()] == ["2021", "2022", "2023", "2024", "2025"]
    assert Period.term_of(date(2025, 12, 31)) == term
    assert Period.term_of(date(2026, 1, 1)).code == "2025-2030"
    assert Period.term_of(date(2020, 12, 31)).code == "2015-2020"


def test_period_of_a_day_and_its_labels() -> None:
    day = date(2018, 3, 31)
    assert Period.quarter_of(day).label == "Quý I/2018"
    assert Period.half_of(day).label == "6 tháng đầu năm 2018"
    assert Period.year_of(day).label == "Năm 2018"
    assert Period(PeriodKind.TERM, 2020).label == "Nhiệm kỳ 2020–2025"
    assert [p.code for p in Period.parse("2023-H2").children()] == ["2023-Q3", "2023-Q4"]
