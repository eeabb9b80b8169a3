"""The page of each report: its table written the Vietnamese way, the period and decimals
chosen, downloads whose numbers are those of the page, scope, bounded queries."""

from __future__ import annotations

import io
import json
import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit
from dangvien.people.models import Status
from dangvien.reports.registry import REPORTS
from tests.conftest import World, logged_in
from tests.people.factories import make_people
from tests.targets.factories import make_target

# --- reading pages and files (the dashboard tests and the browser test use these too) ---


class _Tables(HTMLParser):
    """Every table with a `data-chart` or `data-report` attribute, as rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._current: list[list[str]] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "table":
            key = found.get("data-chart") or found.get("data-report")
            if key:
                self._current = self.tables.setdefault(key, [])
        elif tag == "tr" and self._current is not None:
            self._current.append([])
        elif tag in ("td", "th") and self._current is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._current is not None:
            self._current[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table":
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables_in(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def xlsx_rows(content: bytes) -> list[list[Any]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return [list(row) for row in book.get_sheet_by_index(0).to_python()]


_NUMBER = re.compile(r"^-?[\d.]+(,\d+)?%?$")


def page_value(text: str) -> Decimal | str:
    """A cell of the page as a number when it is written as one (1.732 → 1732, 60,5% →
    60.5), otherwise its text."""
    if _NUMBER.match(text):
        return Decimal(text.rstrip("%").replace(".", "").replace(",", ".")).normalize()
    return text


def shown_in_file(text: str, value: Any) -> bool:
    """Whether a workbook cell shows what the page shows: the same text, the same count,
    or a percentage cell (a fraction under a "0.0%" format) that reads the same with the
    page's decimals."""
    expected = page_value(text)
    if not isinstance(expected, Decimal):
        return str(value).strip() == ("" if text == "—" else text)
    if isinstance(value, str):
        return page_value(value.strip()) == expected
    number = Decimal(str(value))
    if text.endswith("%"):
        decimals = len(text.rstrip("%").partition(",")[2])
        number = (number * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number.normalize() == expected


def same_figures(page: list[list[str]], workbook: list[list[Any]]) -> list[list[Any]]:
    """The workbook's rows under the page's header row, checked cell by cell against the
    page; returns the rows read from the file."""
    header = page[0]
    start = next(
        i
        for i, row in enumerate(workbook)
        if [str(c).strip() for c in row[: len(header)]] == header
    )
    body = workbook[start + 1 : start + len(page)]
    for shown, stored in zip(page[1:], body, strict=True):
        for text, value in zip(shown, stored, strict=False):
            assert shown_in_file(text, value), (text, value, shown, stored)
    return body


def match_rows(
    page: list[list[str]], workbook: list[list[Any]], key: str, where: dict[str, str]
) -> int:
    """Each row of a page table (a chart's figures) found in the workbook by its `key`
    column (and the `where` columns), every column the two share by name showing the same;
    returns how many rows were matched."""
    header = page[0]
    start = next(i for i, row in enumerate(workbook) if key in [str(c).strip() for c in row])
    names = [str(c).strip() for c in workbook[start]]
    records = [dict(zip(names, row, strict=False)) for row in workbook[start + 1 :]]
    matched = 0
    for shown in page[1:]:
        values = dict(zip(header, shown, strict=True))
        found = [
            r
            for r in records
            if str(r[key]).strip() == values[key]
            and all(str(r[k]).strip() == v for k, v in where.items())
        ]
        assert len(found) == 1, (values, found)
        for name, text in values.items():
            if name in found[0]:
                assert shown_in_file(text, found[0][name]), (name, text, found[0][name])
        matched += 1
    return matched


# --- data -----------------------------------------------------------------------------


def admit(unit: Unit, n: int, on: date, tag: str) -> None:
    make_people(
        unit,
        [f"Đảng viên {tag} {i}" for i in range(n)],
        Status.PROBATIONARY,
        decision_date=on,
        ceremony_date=on + timedelta(days=10),
        official_date=None,
    )


@pytest.fixture
def figures(world: World) -> World:
    """Tam Kỳ 2021 (seed 002): 115 admitted against a plan of 110 = 104,5%; An Mỹ's two
    cells share it."""
    make_target(world.tam_ky, "2021", 110)
    make_target(world.an_my, "2021", 110)
    make_target(world.cell_1, "2021", 60)
    make_target(world.cell_2, "2021", 50)
    admit(world.cell_1, 70, date(2021, 4, 2), "Một")
    admit(world.cell_2, 45, date(2021, 10, 20), "Hai")
    return world


def _report(unit: Unit, name: str, query: str = "period=2021") -> str:
    return f"/bao-cao/{unit.pk}/{name}/?{query}"


pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(REPORTS))
def test_every_report_has_a_page_with_its_table(figures: World, name: str) -> None:
    response = logged_in("tinh").get(_report(figures.tam_ky, name))
    assert response.status_code == 200
    html = response.content.decode()
    table = REPORTS[name].build(unit=figures.tam_ky, period=Period.parse("2021"))
    assert f"<h1>{table.title}</h1>" in html
    shown = tables_in(html)[name]
    assert shown[0] == [c.label for c in table.columns]
    assert len(shown) == 1 + (len(table.rows) or 1)
    for fmt in ("xlsx", "docx", "pdf", "json"):
        assert f"format={fmt}" in html


def test_achievement_page_shows_the_published_figure(figures: World) -> None:
    html = logged_in("tinh").get(_report(figures.tam_ky, "achievement")).content.decode()
    table = tables_in(html)["achievement"]
    assert any("104,5%" in row for row in table), table
    assert any("vượt 5" in row for row in table), table


def test_two_decimals_when_asked(figures: World) -> None:
    html = logged_in("tinh").get(_report(figures.tam_ky, "achievement", "period=2021&decimals=2"))
    table = tables_in(html.content.decode())["achievement"]
    assert any("104,55%" in row for row in table), table
    assert "format=xlsx" in html.content.decode()
    assert "decimals=2&amp;format=xlsx" in html.content.decode()


def test_unknown_report_or_format_answers_404(figures: World) -> None:
    client = logged_in("tinh")
    assert client.get(_report(figures.tam_ky, "khong-co")).status_code == 404
    assert client.get(_report(figures.tam_ky, "achievement", "format=exe")).status_code == 404


def test_a_unit_outside_the_users_scope_answers_404(figures: World) -> None:
    for name in REPORTS:
        assert logged_in("ngoai").get(_report(figures.an_my, name)).status_code == 404
        assert (
            logged_in("ngoai").get(_report(figures.an_my, name, "format=xlsx")).status_code == 404
        )
    assert logged_in("bithu").get(_report(figures.cell_2, "achievement")).status_code == 404


@pytest.mark.parametrize("decimals", [1, 2])
def test_the_xlsx_holds_the_numbers_of_the_page(figures: World, decimals: int) -> None:
    client = logged_in("tinh")
    query = f"period=2021&decimals={decimals}"
    for name in ("achievement", "ranking", "quality"):
        page = tables_in(client.get(_report(figures.an_my, name, query)).content.decode())[name]
        response = client.get(_report(figures.an_my, name, f"{query}&format=xlsx"))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        disposition = response["Content-Disposition"]
        assert f"{name}-QN.TK.AM-2021.xlsx" in disposition
        assert disposition.startswith("attachment")
        rows = same_figures(page, xlsx_rows(response.content))
        assert len(rows) == len(page) - 1


def test_the_json_has_the_achievement_figures(figures: World) -> None:
    response = logged_in("tinh").get(
        _report(figures.tam_ky, "achievement", "period=2021&format=json")
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["admitted"] == 115
    assert data["target"] == 110
    assert "achievement-QN.TK-2021.json" in response["Content-Disposition"]


@pytest.mark.parametrize(("fmt", "magic"), [("docx", b"PK"), ("pdf", b"%PDF")])
def test_word_and_pdf_downloads(figures: World, fmt: str, magic: bytes) -> None:
    response = logged_in("tinh").get(
        _report(figures.tam_ky, "achievement", f"period=2021&format={fmt}")
    )
    assert response.status_code == 200
    assert response.content.startswith(magic)
    assert f"achievement-QN.TK-2021.{fmt}" in response["Content-Disposition"]


def test_period_and_as_of_reach_the_report(figures: World) -> None:
    html = logged_in("tinh").get(
        _report(figures.an_my, "achievement", "period=2021&as_of=30/06/2021")
    )
    text = html.content.decode()
    assert "số liệu tính đến ngày 30/06/2021" in text
    table = tables_in(text)["achievement"]
    assert any("70" in row for row in table), table


# --- bounded queries --------------------------------------------------------------------


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_report_queries_do_not_grow_with_the_tree(figures: World) -> None:
    from tests.reports.test_dashboard import grow

    client = logged_in("tinh")
    urls = [_report(figures.tam_ky, name) for name in sorted(REPORTS)]
    urls += [_report(figures.tam_ky, "achievement", "period=2021&format=xlsx")]
    for url in urls:
        client.get(url)  # warm the caches that live for the process (rulebook, categories)
    small = [_queries(client, url) for url in urls]
    grow(figures, communes=4, cells=3)
    large = [_queries(client, url) for url in urls]
    assert large == small, list(zip(urls, small, large, strict=True))
