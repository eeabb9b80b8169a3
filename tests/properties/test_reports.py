"""Report parameters from anyone's hands: the pages' query string (period, as_of, decimals,
format) and the `dangvien report` command's arguments. A page answers 200 (a bad value falls
back to its default, as the form says) or 404 (no such report or format), never 500; the
command answers or raises CommandError with a Vietnamese message, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dangvien.lib.periods import MAX_YEAR, MIN_YEAR, Period
from dangvien.reports.registry import REPORTS
from dangvien.reports.selectors import ranking
from tests.conftest import World, logged_in
from tests.properties.strategies import DATE_TEXT, TEXT, is_clear_message
from tests.targets.factories import make_target

PAGES = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
NAMES = sorted(REPORTS)
YEARS = st.integers(MIN_YEAR - 5, MAX_YEAR + 5)
PERIOD = st.one_of(
    YEARS.map(str),
    st.tuples(YEARS, st.integers(0, 5)).map(lambda t: f"{t[0]}-H{t[1]}"),
    st.tuples(YEARS, st.integers(0, 5)).map(lambda t: f"{t[0]}-Q{t[1]}"),
    st.tuples(YEARS, st.integers(-2, 8)).map(lambda t: f"{t[0]}-{t[0] + t[1]}"),
    TEXT,
)
AS_OF = st.one_of(
    DATE_TEXT,
    st.dates().map(lambda d: f"{d:%d/%m/%Y}"),
    st.dates().map(str),
    TEXT,
)
DECIMALS = st.one_of(st.integers(-3, 9).map(str), TEXT)
# A file format: the known ones (PDF is left to the report tests: a second per file here)
# and anything else.
FORMAT = st.one_of(st.sampled_from(["xlsx", "json", "docx", "html", "XLSX", "../json"]), TEXT)


def _query(draw: st.DrawFn, *, with_format: bool) -> dict[str, str]:
    query: dict[str, str] = {}
    for key, values in (("period", PERIOD), ("as_of", AS_OF), ("decimals", DECIMALS)):
        if draw(st.booleans()):
            query[key] = draw(values)
    if with_format and draw(st.integers(0, 3)) == 0:
        query["format"] = draw(FORMAT)
    return query


@st.composite
def page_queries(draw: st.DrawFn) -> dict[str, str]:
    return _query(draw, with_format=False)


@st.composite
def report_queries(draw: st.DrawFn) -> dict[str, str]:
    return _query(draw, with_format=True)


@settings(PAGES, max_examples=25)
@given(query=page_queries())
@example(query={"period": "2100", "as_of": "01/01/0001"})
@example(query={"period": "1930-Q1", "as_of": "31/12/9999", "decimals": "2"})
@example(query={"period": "2020-2025", "as_of": "\x00"})
def test_the_dashboard_answers_whatever_the_query(world: World, query: dict[str, str]) -> None:
    client = logged_in("xa")
    response = client.get(f"/bao-cao/{world.an_my.pk}/", query)
    assert response.status_code == 200, (query, response.status_code)


@PAGES
@given(name=st.sampled_from(NAMES), query=report_queries())
@example(name="achievement", query={"period": "2100-2105", "as_of": "01/01/1000"})
@example(name="movement", query={"period": "1930", "as_of": "31/12/9999", "format": "xlsx"})
@example(name="ranking", query={"period": "2026-Q4", "format": "docx", "decimals": "2"})
def test_a_report_page_answers_whatever_the_query(
    world: World, name: str, query: dict[str, str]
) -> None:
    client = logged_in("xa")
    response = client.get(f"/bao-cao/{world.an_my.pk}/{name}/", query)
    known_format = query.get("format", "") in ("", "xlsx", "json", "docx", "pdf")
    assert response.status_code == (200 if known_format else 404), (query, response.status_code)


@PAGES
@given(name=st.one_of(TEXT, st.sampled_from(NAMES)), unit=st.integers(-(2**63), 2**63))
def test_an_unknown_report_or_unit_answers_404(world: World, name: str, unit: int) -> None:
    client = logged_in("xa")
    response = client.get(f"/bao-cao/{unit}/{name}/")
    assert response.status_code in (404, 200)
    if response.status_code == 200:
        assert unit == world.an_my.pk


# --- the command ------------------------------------------------------------------------------

COMMAND_FORMATS = st.one_of(st.sampled_from(["table", "json", "xlsx", "docx", "csv", ""]), TEXT)


@st.composite
def command_options(draw: st.DrawFn) -> dict[str, Any]:
    options: dict[str, Any] = {
        "name": draw(st.one_of(st.sampled_from(NAMES), TEXT)),
        "unit": draw(st.one_of(st.sampled_from(["QN.TK.AM", "TW", " QN "]), TEXT)),
        "period": draw(PERIOD),
        "as_of": draw(st.one_of(st.dates().map(str), AS_OF, st.just(""))),
        "fmt": draw(COMMAND_FORMATS),
        "decimals": draw(DECIMALS),
    }
    return options


@PAGES
@given(options=command_options(), out=st.sampled_from(["", "file", "folder", "missing"]))
@example(
    options={
        "name": "achievement",
        "unit": "QN.TK.AM",
        "period": "2026",
        "as_of": "0001-01-01",
        "fmt": "json",
        "decimals": "6",
    },
    out="",
)
def test_the_report_command_answers_or_says_why_in_vietnamese(
    world: World, tmp_path: Path, options: dict[str, Any], out: str
) -> None:
    targets = {
        "": "",
        "file": str(tmp_path / "bao-cao.bin"),
        "folder": str(tmp_path),
        "missing": str(tmp_path / "khong-co" / "bao-cao.bin"),
    }
    try:
        call_command("report", **options, out=targets[out], stdout=_Null(), stderr=_Null())
    except CommandError as error:
        reason = str(error)
        assert is_clear_message(reason), reason


def test_the_report_command_runs_with_good_arguments(world: World, tmp_path: Path) -> None:
    """The property above is not only refusals: good arguments write the report."""
    target = tmp_path / "bao-cao.xlsx"
    call_command(
        "report", "achievement", unit="QN.TK.AM", period="2026", fmt="xlsx", out=str(target),
        stdout=_Null(),
    )  # fmt: skip
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError, match="Kỳ"):
        call_command("report", "achievement", unit="QN.TK.AM", period="2026-H3", stdout=_Null())


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def test_a_ranking_before_the_first_grade_thresholds_is_ranked_without_grades(
    world: World,
) -> None:
    """Found by the property above: `reports.grade_thresholds` is in force from 01/01/2016,
    and the ranking of an earlier period was a 500 on the page and a traceback in the
    command."""
    client = logged_in("xa")
    response = client.get(f"/bao-cao/{world.an_my.pk}/ranking/", {"period": "2010"})
    assert response.status_code == 200
    assert "Không xếp loại" in response.content.decode()
    out = io.StringIO()
    call_command("report", "ranking", unit="QN.TK.AM", period="2010", stdout=out)
    assert "Không xếp loại" in out.getvalue()
    assert client.get(f"/bao-cao/{world.an_my.pk}/ranking/", {"period": "2026"}).status_code == 200


def test_a_ranking_before_the_thresholds_still_ranks_and_later_periods_are_graded(
    world: World,
) -> None:
    """The world's units exist from 2015, the thresholds from 2016: 2015 is ranked (a unit
    with a target has its place) and every row says why it has no grade; 2026 is graded."""
    make_target(world.cell_1, "2015", 4)
    make_target(world.cell_1, "2026", 4)
    early = ranking(unit=world.an_my, period=Period.parse("2015"))
    ungraded = "Không xếp loại (chưa có quy định xếp loại áp dụng ngày 31/12/2015)"
    assert early.grade_source == ""
    assert early.notes[0] == ungraded
    assert len(early.rows) > 1
    assert [r.grade for r in early.rows] == [ungraded] * len(early.rows)
    assert [r.rank for r in early.rows if r.row.unit_id == world.cell_1.pk] == [1]
    later = ranking(unit=world.an_my, period=Period.parse("2026"))
    assert later.grade_source
    assert later.notes[0] == f"Xếp loại theo: {later.grade_source}."
    assert not any(r.grade.startswith("Không xếp loại") for r in later.rows)


def test_a_unit_code_with_nul_is_an_unknown_unit(world: World) -> None:
    """Found on PostgreSQL by the command property: the code reached the query."""
    with pytest.raises(CommandError, match="Không có đơn vị"):
        call_command("report", "achievement", unit="QN\x00", period="2026", stdout=_Null())
