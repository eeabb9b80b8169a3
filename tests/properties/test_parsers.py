"""Properties of the text parsers every boundary relies on: periods, dates, Vietnamese text.

Each parser either answers or raises its one documented error (a `ValueError` subclass the
callers turn into a Vietnamese message); nothing else may escape, whatever the text."""

from __future__ import annotations

import contextlib
import itertools
import string
from datetime import date, datetime

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dangvien.lib.dates import (
    DateFormatError,
    PartialDate,
    add_months,
    parse_date,
    parse_partial_date,
    whole_months_between,
)
from dangvien.lib.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError, PeriodKind
from dangvien.lib.vntext import collation_key, fold, given_name, name_sort_key

FAST = settings(max_examples=200, deadline=None)

VIETNAMESE = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
_LETTERS = VIETNAMESE + VIETNAMESE.upper() + "Đ"
# Text as it arrives: Vietnamese, digits, the separators of dates and periods, spaces of
# every kind, control characters, and anything else Unicode holds.
NOISY_TEXT = st.one_of(
    st.text(alphabet=_LETTERS + string.digits + "/.-_ HhQq\t\n\r\x00\u00a0\u200b", max_size=30),
    st.text(max_size=30),
)


def _period_codes() -> st.SearchStrategy[str]:
    year = st.integers(MIN_YEAR, MAX_YEAR)
    return st.one_of(
        year.map(str),
        st.tuples(year, st.integers(1, 2)).map(lambda t: f"{t[0]}-H{t[1]}"),
        st.tuples(year, st.integers(1, 4)).map(lambda t: f"{t[0]}-Q{t[1]}"),
        st.integers(MIN_YEAR, MAX_YEAR - 5).map(lambda y: f"{y}-{y + 5}"),
    )


PERIODS = _period_codes().map(Period.parse)


# --- periods ----------------------------------------------------------------------------


@FAST
@given(NOISY_TEXT)
@example("9999-Q4")
@example("2020-2026")
@example("0000")
@example("２０２６")  # full-width digits match \d in Python; the year check must still hold
def test_period_parse_answers_or_raises_period_error(text: str) -> None:
    try:
        period = Period.parse(text)
    except PeriodError:
        return
    assert MIN_YEAR <= period.year <= MAX_YEAR
    assert period.start <= period.end


@FAST
@given(_period_codes())
def test_period_code_round_trips(code: str) -> None:
    period = Period.parse(code)
    assert period.code == code
    assert Period.parse(period.code) == period
    assert Period.parse(f"  {code.lower()}  ") == period


@FAST
@given(PERIODS)
def test_period_children_tile_the_period(period: Period) -> None:
    children = period.children()
    if period.kind == PeriodKind.QUARTER:
        assert children == []
        return
    assert children[0].start == period.start
    assert children[-1].end == period.end
    for before, after in itertools.pairwise(children):
        assert date.fromordinal(before.end.toordinal() + 1) == after.start


@FAST
@given(st.dates(min_value=date(MIN_YEAR + 1, 1, 1), max_value=date(MAX_YEAR - 5, 12, 31)))
def test_every_day_lies_in_its_year_half_quarter_and_term(day: date) -> None:
    for period in (
        Period.year_of(day),
        Period.half_of(day),
        Period.quarter_of(day),
        Period.term_of(day),
    ):
        assert period.contains(day), (period, day)
        assert Period.parse(period.code) == period


# --- dates ------------------------------------------------------------------------------


@FAST
@given(
    st.one_of(
        NOISY_TEXT,
        st.integers(-(10**20), 10**20),
        st.floats(),
        st.booleans(),
        st.none(),
        st.dates(),
        st.datetimes(),
    )
)
@example(float("nan"))
@example(float("inf"))
@example(2958466)
@example("31/02/2024")
@example("00/00/0000")
@example("2024-13-01")
def test_parse_date_answers_or_raises_date_format_error(value: object) -> None:
    with contextlib.suppress(DateFormatError):
        parse_date(value)


@FAST
@given(
    st.one_of(
        NOISY_TEXT,
        st.integers(-(10**20), 10**20),
        st.floats(),
        st.booleans(),
        st.none(),
        st.dates(),
    )
)
@example("13/2000")
@example("00/1990")
@example(0.5)
def test_parse_partial_date_answers_or_raises_date_format_error(value: object) -> None:
    try:
        parsed = parse_partial_date(value)
    except DateFormatError:
        return
    parsed.earliest()  # a partial date answered is a real date


@FAST
@given(st.dates(min_value=date(1000, 1, 1)), st.sampled_from(["/", ".", "-"]))
def test_a_date_written_dd_mm_yyyy_reads_back(day: date, sep: str) -> None:
    assert parse_date(f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year}") == day
    assert parse_date(f" {day.day}{sep}{day.month}{sep}{day.year} ") == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(datetime(day.year, day.month, day.day, 13, 5)) == day


@FAST
@given(st.dates(min_value=date(1000, 1, 1)))
def test_partial_date_display_reads_back(day: date) -> None:
    for partial in (
        PartialDate(day.year),
        PartialDate(day.year, day.month),
        PartialDate(day.year, day.month, day.day),
    ):
        assert parse_partial_date(partial.display()) == partial


@FAST
@given(st.dates(max_value=date(9000, 1, 1)), st.integers(0, 1200))
def test_add_months_then_count_gives_the_months_back(day: date, months: int) -> None:
    later = add_months(day, months, clamp=True)
    assert later >= day
    assert whole_months_between(day, later) in (months, months - 1)
    if day.day <= 28:
        assert whole_months_between(day, later) == months


# --- Vietnamese text --------------------------------------------------------------------


@FAST
@given(NOISY_TEXT)
def test_fold_is_idempotent_and_has_no_tone_marks(text: str) -> None:
    folded = fold(text)
    assert fold(folded) == folded
    assert folded == folded.strip()
    assert "đ" not in folded
    assert "  " not in folded
    assert not any(c in folded for c in "àáảãạăâêôơưẠẮ")


@FAST
@given(st.text(alphabet=_LETTERS + " ", max_size=30))
def test_fold_ignores_case_and_tones(text: str) -> None:
    assert fold(text.upper()) == fold(text.lower()) == fold(fold(text))


@FAST
@given(NOISY_TEXT, NOISY_TEXT)
def test_sort_keys_never_raise_and_are_plain_ascii(a: str, b: str) -> None:
    # ASCII keys are what lets SQL's binary ORDER BY agree with Python's `<`.
    for key in (collation_key, name_sort_key):
        assert key(a).isascii()
        assert key(a + " " + b).isascii()
    given_name(a)


@FAST
@given(st.text(alphabet=_LETTERS + " ", max_size=30))
def test_collation_key_ignores_spacing_and_case(text: str) -> None:
    assert collation_key(text) == collation_key("  " + " ".join(text.split()).lower() + " ")
