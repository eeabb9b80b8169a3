"""The dashboard of a unit: progress against the year and term targets, admissions by month,
the quality of new members, the children ranked with links down and a breadcrumb up, the
alerts of the subtree; the period picker; scope; bounded queries."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangvien.admission.models import Source
from dangvien.admission.services import case_open
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import NewUnit, unit_create
from dangvien.people.models import Status
from tests.admission.factories import set_deadline
from tests.conftest import FOUNDED, World, logged_in
from tests.people.factories import make_people, make_person
from tests.reports.test_pages import match_rows, tables_in, xlsx_rows
from tests.targets.factories import make_target

pytestmark = pytest.mark.django_db


def admit(unit: Unit, n: int, on: date, tag: str) -> None:
    """`n` members admitted in `unit` by a decision of `on` (probationary since the
    ceremony ten days later)."""
    make_people(
        unit,
        [f"Đảng viên {tag} {i}" for i in range(n)],
        Status.PROBATIONARY,
        decision_date=on,
        ceremony_date=on + timedelta(days=10),
        official_date=None,
    )


def plans_and_admissions(world: World) -> None:
    """An Mỹ 2021: plan 8 (cell 1: 5, cell 2: 4), term plan 40; admitted 6 in March in
    cell 1 and 3 in September in cell 2."""
    make_target(world.an_my, "2021", 8)
    make_target(world.an_my, "2020-2025", 40)
    make_target(world.cell_1, "2021", 5)
    make_target(world.cell_2, "2021", 4)
    admit(world.cell_1, 6, date(2021, 3, 15), "Một")
    admit(world.cell_2, 3, date(2021, 9, 1), "Hai")


def _url(unit: Unit, query: str = "period=2021") -> str:
    return f"/bao-cao/{unit.pk}/?{query}"


def _h1(html: str) -> str:
    match = re.search(r"<h1>(.*?)</h1>", html, re.S)
    assert match is not None
    return match[1].strip()


@pytest.mark.parametrize(
    ("username", "unit_name"),
    [("bithu", "Chi bộ khu phố 1"), ("xa", "Đảng ủy phường An Mỹ"), ("tinh", "Tỉnh ủy Quảng Nam")],
)
def test_without_a_unit_the_dashboard_opens_the_users_own(
    world: World, username: str, unit_name: str
) -> None:
    response = logged_in(username).get("/bao-cao/")
    assert response.status_code == 200
    assert _h1(response.content.decode()) == unit_name


def test_the_default_period_is_the_current_year(world: World) -> None:
    html = logged_in("xa").get("/bao-cao/").content.decode()
    year = timezone.localdate().year
    assert f"Năm {year}" in html
    assert f'<option value="{year}" selected>' in html


def test_progress_against_the_year_and_the_term_targets(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my)).content.decode()
    progress = tables_in(html)["progress"]
    assert progress[0] == ["Kỳ", "Kết nạp", "Chỉ tiêu", "Tỷ lệ đạt", "So với chỉ tiêu"]
    assert progress[1] == ["Năm 2021", "9", "8", "112,5%", "vượt 1"]
    assert progress[2] == [
        "Nhiệm kỳ 2020–2025 (đến 31/12/2021)",
        "9",
        "40",
        "22,5%",
        "thiếu 31",
    ]
    assert 'aria-label="Số đảng viên kết nạp so với chỉ tiêu. Năm 2021: 9 trên 8' in html


def test_two_decimals_when_asked(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my, "period=2021&decimals=2")).content.decode()
    assert tables_in(html)["progress"][1][3] == "112,50%"
    # Links down keep the choice.
    assert f"/bao-cao/{world.cell_1.pk}/?period=2021&amp;decimals=2" in html


def test_the_terms_yearly_average_against_the_targets(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my, "period=2022")).content.decode()
    assert "Bình quân mỗi năm của nhiệm kỳ đã qua: vượt 12,5% chỉ tiêu." in html


def test_months_and_their_cumulative_target(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my)).content.decode()
    monthly = tables_in(html)["monthly"]
    assert len(monthly) == 1 + 12
    assert monthly[3] == ["03/2021", "6", "6", "2"]
    assert monthly[9] == ["09/2021", "3", "9", "6"]
    assert monthly[12] == ["12/2021", "0", "9", "8"]


def test_quality_of_new_members_as_charts_with_tables(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my)).content.decode()
    sex = tables_in(html)["breakdown-sex"]
    assert sex[1] == ["Nữ", "9", "100,0%"]
    assert sex[-1][:2] == ["Tổng số", "9"]
    assert 'id="chart-breakdown-sex"' in html
    # A breakdown with nobody in it is left out rather than drawn empty.
    empty = logged_in("xa").get(_url(world.an_my, "period=2019")).content.decode()
    assert "breakdown-sex" not in tables_in(empty)


def test_children_ranked_best_first_each_a_link_down(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my)).content.decode()
    ranking = tables_in(html)["ranking"]
    assert ranking[1] == ["Chi bộ khu phố 1", "6", "5", "120,0%", "vượt 1"]
    assert ranking[2] == ["Chi bộ khu phố 2", "3", "4", "75,0%", "thiếu 1"]
    assert f'href="/bao-cao/{world.cell_1.pk}/?period=2021"' in html
    assert f'href="/bao-cao/{world.cell_2.pk}/?period=2021"' in html


def test_a_cell_has_no_ranking(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("bithu").get(_url(world.cell_1)).content.decode()
    assert "ranking" not in tables_in(html)
    assert tables_in(html)["progress"][1] == ["Năm 2021", "6", "5", "120,0%", "vượt 1"]


def test_breadcrumb_goes_back_up_within_the_users_scope(world: World) -> None:
    html = logged_in("xa").get(_url(world.cell_1)).content.decode()
    crumbs = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', html, re.S)
    assert crumbs is not None
    assert f'href="/bao-cao/{world.an_my.pk}/?period=2021"' in crumbs[1]
    # Tam Kỳ is above the commune officer's grant: not offered.
    assert "Thành ủy Tam Kỳ" not in crumbs[1]
    wide = logged_in("tinh").get(_url(world.cell_1)).content.decode()
    crumbs = re.search(r'<nav class="breadcrumb"[^>]*>(.*?)</nav>', wide, re.S)
    assert crumbs is not None
    names = re.findall(r">([^<]+)</a>", crumbs[1])
    assert names == ["Tỉnh ủy Quảng Nam", "Thành ủy Tam Kỳ", "Đảng ủy phường An Mỹ"]


def test_no_breadcrumb_is_read_above_the_top_of_the_scope(
    world: World, django_assert_num_queries: Any
) -> None:
    from dangvien.accounts.selectors import grant_paths
    from dangvien.orgs.selectors import unit_breadcrumb

    grant_paths(world.xa)  # read once per request (by the login gate on a page)
    with django_assert_num_queries(0):
        assert unit_breadcrumb(world.xa, world.an_my) == []
    with django_assert_num_queries(1):
        assert unit_breadcrumb(world.xa, world.cell_1) == [world.an_my]


@pytest.mark.parametrize(
    ("period", "label"),
    [
        ("2021-H1", "6 tháng đầu năm 2021"),
        ("2021-Q3", "Quý III/2021"),
        ("2020-2025", "Nhiệm kỳ 2020–2025"),
    ],
)
def test_the_period_picker_offers_halves_quarters_and_terms(
    world: World, period: str, label: str
) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my, f"period={period}")).content.decode()
    assert f'<option value="{period}" selected>{label}</option>' in html
    assert tables_in(html)["progress"][1][0].startswith(label)


def test_half_year_lists_its_year_and_term_too(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my, "period=2021-H1")).content.decode()
    progress = tables_in(html)["progress"]
    assert [row[0] for row in progress[1:]] == [
        "6 tháng đầu năm 2021",
        "Năm 2021 (đến 30/06/2021)",
        "Nhiệm kỳ 2020–2025 (đến 30/06/2021)",
    ]
    assert progress[1][1] == "6"


def test_as_of_counts_only_what_was_decided_by_that_day(world: World) -> None:
    plans_and_admissions(world)
    html = logged_in("xa").get(_url(world.an_my, "period=2021&as_of=30/06/2021")).content.decode()
    assert "số liệu tính đến ngày 30/06/2021" in html
    progress = tables_in(html)["progress"]
    assert progress[1] == ["Năm 2021 (đến 30/06/2021)", "6", "8", "75,0%", "thiếu 2"]
    assert len(tables_in(html)["monthly"]) == 1 + 6
    assert 'value="30/06/2021"' in html
    assert "as_of=30%2F06%2F2021" in html  # kept on the links down


def test_a_wrong_period_says_so_and_shows_the_current_year(world: World) -> None:
    response = logged_in("xa").get(_url(world.an_my, "period=2021-H3&as_of=31/02/2021"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="errorlist"' in html
    assert tables_in(html)["progress"][1][0].startswith(f"Năm {timezone.localdate().year}")


def test_alerts_of_the_subtree_counted_with_a_link(world: World) -> None:
    today = timezone.localdate()
    for name, unit, due in [
        ("Lê Văn An", world.cell_1, today - timedelta(days=3)),
        ("Trần Thị Ánh", world.cell_2, today + timedelta(days=20)),
    ]:
        person = make_person(unit, name, status=Status.CANDIDATE)
        set_deadline(
            case_open(acting_user=None, person=person, source=Source.OTHER, on=date(2026, 1, 5)),
            due,
        )
    html = logged_in("xa").get(f"/bao-cao/{world.an_my.pk}/").content.decode()
    assert "1 việc quá hạn, 0 việc đến hạn trong 7 ngày, 1 việc đến hạn trong 30 ngày." in html
    assert f'href="/canh-bao/?don_vi={world.an_my.pk}">Xem 2 cảnh báo' in html
    cell = logged_in("xa").get(f"/bao-cao/{world.cell_2.pk}/").content.decode()
    assert "0 việc quá hạn" in cell
    assert "Xem 1 cảnh báo" in cell


def test_the_excel_under_each_chart_holds_the_figures_of_the_chart(world: World) -> None:
    plans_and_admissions(world)
    client = logged_in("xa")
    html = client.get(_url(world.an_my, "period=2021&decimals=2")).content.decode()
    tables = tables_in(html)
    for chart, report, key, where in [
        ("progress", "achievement", "Kỳ", {"Đơn vị": "Đảng ủy phường An Mỹ"}),
        ("ranking", "ranking", "Đơn vị", {}),
    ]:
        link = re.search(rf'href="([^"]+)" download data-for="{chart}"', html)
        assert link is not None
        url = link[1].replace("&amp;", "&")
        assert url == f"/bao-cao/{world.an_my.pk}/{report}/?period=2021&decimals=2&format=xlsx"
        matched = match_rows(tables[chart], xlsx_rows(client.get(url).content), key, where)
        assert matched == len(tables[chart]) - 1


def test_the_dashboard_links_every_report_with_the_same_choice(world: World) -> None:
    from dangvien.reports.registry import REPORTS

    html = logged_in("xa").get(_url(world.an_my, "period=2021-Q1")).content.decode()
    for name in REPORTS:
        assert f'href="/bao-cao/{world.an_my.pk}/{name}/?period=2021-Q1"' in html


def test_a_unit_outside_the_users_scope_answers_404(world: World) -> None:
    assert logged_in("ngoai").get(_url(world.an_my)).status_code == 404
    assert logged_in("bithu").get(_url(world.cell_2)).status_code == 404
    assert logged_in("bithu").get(_url(world.an_my)).status_code == 404
    assert logged_in("ngoai").get(_url(world.kinh_bac)).status_code == 200


def test_the_page_loads_its_own_stylesheet_and_no_outside_asset(world: World) -> None:
    html = logged_in("xa").get(_url(world.an_my)).content.decode()
    assert '<link rel="stylesheet" href="/static/reports/reports.css">' in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


# --- bounded queries --------------------------------------------------------------------


def grow(world: World, communes: int, cells: int) -> None:
    """More communes under Tam Kỳ, each with cells, members admitted and targets."""
    for c in range(communes):
        commune = unit_create(
            acting_user=None,
            parent=world.tam_ky,
            spec=NewUnit(f"QN.TK.X{c}", f"Đảng ủy phường Thử {c}", UnitKind.COMMUNE, ""),
            decision=FOUNDED,
        )
        make_target(commune, "2021", 6)
        for k in range(cells):
            cell = unit_create(
                acting_user=None,
                parent=commune,
                spec=NewUnit(
                    f"QN.TK.X{c}.{k}", f"Chi bộ thử {c}-{k}", UnitKind.CELL, CellKind.RESIDENTIAL
                ),
                decision=FOUNDED,
            )
            make_target(cell, "2021", 2)
            admit(cell, 2, date(2021, 1 + k % 12, 5), f"X{c} {k}")


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def test_dashboard_queries_do_not_grow_with_the_tree(world: World, settings: Any) -> None:
    settings.PAGE_CACHE_SECONDS = 0  # the page built each time (the kept copy: test_cache)
    plans_and_admissions(world)
    client = logged_in("tinh")
    urls = [_url(world.tam_ky), _url(world.quang_nam, "period=2020-2025")]
    client.get(urls[0])  # warm the caches that live for the process (rulebook, categories)
    small = [_queries(client, url) for url in urls]
    grow(world, communes=4, cells=3)
    large = [_queries(client, url) for url in urls]
    assert large == small, (small, large)
    assert max(small) <= 40


def test_the_header_counts_the_whole_scope_on_any_dashboard(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header's count is the alert list's overdue and soon alerts of the user's whole
    scope — a transfer sent out of it included — on their own unit's dashboard (taken from
    the dashboard's bands, not counted again) and on a dashboard below it."""
    import dangvien.web.context_processors as navigation
    from dangvien.admission.alerts import alerts_for, urgent_count
    from dangvien.people.models import Transfer
    from dangvien.people.services import transfer_request, transfer_send

    today = timezone.localdate()
    for name, unit, due in [
        ("Lê Văn An", world.cell_1, today - timedelta(days=3)),
        ("Trần Thị Ánh", world.cell_2, today + timedelta(days=2)),
        ("Đỗ Văn Ân", world.cell_2, today + timedelta(days=20)),
    ]:
        person = make_person(unit, name, status=Status.CANDIDATE)
        set_deadline(
            case_open(acting_user=None, person=person, source=Source.OTHER, on=date(2026, 1, 5)),
            due,
        )
    leaving = make_person(world.cell_1, "Vũ Thị Bình")
    transfer = transfer_request(acting_user=None, person=leaving, to_unit=world.kb_school, on=today)
    transfer_send(acting_user=None, transfer=transfer, on=today, document="5/GT")
    Transfer.objects.filter(pk=transfer.pk).update(due_on=today + timedelta(days=1))
    urgent = [a for a in alerts_for(world.xa, today) if a.band(today) != "later"]
    assert len(urgent) == urgent_count(world.xa, today) == 3

    counted: list[Any] = []

    def counting(user: Any, day: date) -> int:
        counted.append(user)
        return urgent_count(user, day)

    monkeypatch.setattr(navigation, "urgent_count", counting)
    client = logged_in("xa")
    for unit, counts_again in [(world.an_my, False), (world.cell_2, True)]:
        counted.clear()
        html = client.get(f"/bao-cao/{unit.pk}/").content.decode()
        assert re.search(r'class="alerts urgent" href="/canh-bao/">3 cảnh báo</a>', html)
        assert bool(counted) == counts_again
