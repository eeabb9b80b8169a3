"""Every figure of the seeds (domain guide, "Targets and what people count"), built from raw
records and read back exactly from the selector, the command's JSON, the text table and the
report page."""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

from django.core.management import call_command

from dangvien.lib.dates import PartialDate
from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit, UnitKind
from dangvien.orgs.services import Decision, units_merge
from dangvien.people.models import Status
from dangvien.people.services import position_start
from dangvien.reports import selectors
from dangvien.reports.formats import render_text, vn_difference, vn_number, vn_percent
from dangvien.reports.registry import build_table
from dangvien.targets.models import StructuralMeasure
from dangvien.targets.services import structural_target_set
from tests.conftest import World, logged_in
from tests.people.factories import category, make_people
from tests.reports.helpers import admit, unit
from tests.targets.factories import make_target

REFORM = Decision(effective=date(2025, 7, 1), number="99-QĐ/TW")


def page_cells(username: str, unit: Unit, name: str, **params: str) -> list[str]:
    """The text of every cell of the report page's table, as the user sees it."""
    response = logged_in(username).get(f"/bao-cao/{unit.pk}/{name}/", params)
    assert response.status_code == 200
    html = response.content.decode()
    return [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html, re.S)
    ]


def report_json(name: str, unit: str, period: str, *extra: str) -> dict[str, Any]:
    out = StringIO()
    call_command(
        "report", name, "--unit", unit, "--period", period, "--format", "json", *extra, stdout=out
    )
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_tam_ky_2021_is_104_5_percent(world: World) -> None:
    admit(world.cell_1, 60, date(2021, 3, 2))
    admit(world.cell_2, 55, date(2021, 11, 30))
    admit(world.cell_2, 3, date(2022, 1, 1))  # next year: not counted
    make_target(world.tam_ky, "2021", 110)

    result = selectors.achievement(unit=world.tam_ky, period=Period.parse("2021"))

    assert (result.row.admitted, result.row.target) == (115, 110)
    assert vn_percent(result.row.percent, 1) == "104,5%"
    data = report_json("achievement", "QN.TK", "2021")
    assert (data["admitted"], data["target"], data["difference"]) == (115, 110, 5)
    assert data["summary_text"]["percent"] == "104,5%"
    assert Decimal(data["percent"]).quantize(Decimal("0.1")) == Decimal("104.5")
    assert "104,5%" in render_text(build_table("achievement", world.tam_ky, Period.parse("2021")))
    cells = page_cells("tinh", world.tam_ky, "achievement", period="2021")
    assert {"115", "110", "104,5%", "vượt 5"} <= set(cells)


def test_tam_ky_2022_is_121_7_percent_and_first_half_2023_counts_80(world: World) -> None:
    admit(world.cell_1, 140, date(2022, 6, 15))
    admit(world.cell_1, 80, date(2023, 4, 1))
    admit(world.cell_2, 7, date(2023, 7, 1))  # after the half-year
    make_target(world.tam_ky, "2022", 115)

    result = selectors.achievement(unit=world.tam_ky, period=Period.parse("2022"))
    half = selectors.achievement(unit=world.tam_ky, period=Period.parse("2023-H1"))

    assert vn_percent(result.row.percent, 1) == "121,7%"
    assert half.row.admitted == 80
    assert report_json("achievement", "QN.TK", "2022")["summary_text"]["percent"] == "121,7%"
    assert report_json("achievement", "QN.TK", "2023-H1")["admitted"] == 80
    text = render_text(build_table("achievement", world.tam_ky, Period.parse("2022")))
    assert "121,7%" in text
    assert "vượt 25" in text
    assert {"140", "121,7%", "vượt 25"} <= set(
        page_cells("tinh", world.tam_ky, "achievement", period="2022")
    )
    assert "80" in page_cells("tinh", world.tam_ky, "achievement", period="2023-H1")


def test_as_of_stops_the_count_on_that_day(world: World) -> None:
    admit(world.cell_1, 80, date(2023, 6, 30))
    admit(world.cell_1, 5, date(2023, 7, 1))
    make_target(world.tam_ky, "2023", 100)

    year = Period.parse("2023")
    mid = selectors.achievement(unit=world.tam_ky, period=year, as_of=date(2023, 6, 30))
    full = selectors.achievement(unit=world.tam_ky, period=year, as_of=date(2024, 2, 1))

    assert (mid.row.admitted, mid.scope.until, full.row.admitted) == (80, date(2023, 6, 30), 85)
    assert full.scope.as_of == date(2023, 12, 31)  # never after the period's end
    data = report_json("achievement", "QN.TK", "2023", "--as-of", "2023-06-30")
    assert (data["admitted"], data["until"], data["difference"]) == (80, "2023-06-30", -20)
    # The year's halves and quarters up to the as-of day are listed with it.
    assert [r.period.code for r in mid.periods] == ["2023-H1", "2023-Q1", "2023-Q2", "2020-2025"]


def _quang_nam_term(world: World) -> tuple[Unit, Unit]:
    """Quảng Nam 2021–6/2023 (seed 002) in Tam Kỳ and a second district, then merged on
    1/7/2025 into a successor province (the 2025 reform)."""
    nam_giang = unit(world.quang_nam, "QN.NG", "Huyện ủy Nam Giang", UnitKind.DISTRICT)
    thanh_my = unit(nam_giang, "QN.NG.TM", "Đảng ủy thị trấn Thạnh Mỹ", UnitKind.COMMUNE)
    ng_cell = unit(thanh_my, "QN.NG.TM.1", "Chi bộ thôn 1")
    for year, total, in_tam_ky in ((2021, 1732, 900), (2022, 1877, 1000)):
        admit(world.cell_1, in_tam_ky, date(year, 5, 19))
        admit(ng_cell, total - in_tam_ky, date(year, 9, 2))
        make_target(world.quang_nam, str(year), 1500)
    admit(world.cell_2, 500, date(2023, 3, 3))
    admit(ng_cell, 428, date(2023, 6, 30))
    admit(ng_cell, 9, date(2023, 7, 1))  # after the as-of day
    make_target(world.quang_nam, "2020-2025", 7500)
    da_nang = unit(world.root, "DN", "Thành ủy Đà Nẵng", UnitKind.PROVINCE)
    units_merge(acting_user=None, sources=[world.quang_nam], target=da_nang, decision=REFORM)
    world.quang_nam.refresh_from_db()
    da_nang.refresh_from_db()
    return world.quang_nam, da_nang


def test_quang_nam_term_to_date_is_60_5_percent_and_adds_up_in_its_successor(
    world: World,
) -> None:
    quang_nam, da_nang = _quang_nam_term(world)
    term, as_of = Period.parse("2020-2025"), date(2023, 6, 30)

    own = selectors.achievement(unit=quang_nam, period=term, as_of=as_of)
    successor = selectors.achievement(unit=da_nang, period=term, as_of=as_of)

    for result in (own, successor):
        assert (result.row.admitted, result.row.target) == (4537, 7500)
        assert vn_percent(result.row.percent, 1) == "60,5%"
        years = {r.period.code: r for r in result.periods}
        assert (vn_number(years["2021"].admitted), vn_number(years["2021"].target or 0)) == (
            "1.732",
            "1.500",
        )
        assert (years["2022"].admitted, years["2022"].target) == (1877, 1500)
    assert "Bao gồm số liệu của Tỉnh ủy Quảng Nam (đã hợp nhất từ 01/07/2025)." in successor.notes
    data = report_json("achievement", "DN", "2020-2025", "--as-of", "2023-06-30")
    assert (data["admitted"], data["target"], data["summary_text"]["percent"]) == (
        4537,
        7500,
        "60,5%",
    )
    assert any("Tỉnh ủy Quảng Nam" in note for note in data["notes"])
    text = render_text(build_table("achievement", da_nang, term, as_of))
    assert "60,5%" in text
    assert "1.732" in text
    assert "1.500" in text
    assert report_json("achievement", "QN", "2021")["summary_text"]["percent"] == "115,5%"
    cells = page_cells("tinh", quang_nam, "achievement", period="2020-2025", as_of="30/06/2023")
    assert {"4.537", "7.500", "60,5%", "1.732", "1.877", "1.500"} <= set(cells)


def test_nam_giang_term_is_76_57_percent_and_17_percent_over_each_year(world: World) -> None:
    nam_giang = unit(world.quang_nam, "QN.NG", "Huyện ủy Nam Giang", UnitKind.DISTRICT)
    cell = unit(unit(nam_giang, "QN.NG.TM", "Đảng ủy Thạnh Mỹ", UnitKind.COMMUNE), "QN.NG.1", "CB")
    admit(cell, 94, date(2021, 8, 1))  # 80 planned: 17,5% over
    admit(cell, 105, date(2022, 8, 1))  # 90 planned: 16,7% over
    admit(cell, 69, date(2023, 2, 1))
    make_target(nam_giang, "2021", 80)
    make_target(nam_giang, "2022", 90)
    make_target(nam_giang, "2020-2025", 350)

    result = selectors.achievement(
        unit=nam_giang, period=Period.parse("2020-2025"), as_of=date(2023, 6, 30)
    )

    assert (result.row.admitted, result.row.target) == (268, 350)
    assert vn_percent(result.row.percent, 2) == "76,57%"
    assert vn_percent(result.average_over_percent, 0) == "17%"
    data = report_json(
        "achievement", "QN.NG", "2020-2025", "--as-of", "2023-06-30", "--decimals", "2"
    )
    assert data["summary_text"]["percent"] == "76,57%"
    assert Decimal(data["average_over_percent"]).quantize(Decimal(1)) == 17
    table = build_table("achievement", nam_giang, Period.parse("2020-2025"), date(2023, 6, 30), 2)
    assert "76,57%" in render_text(table)
    assert any("vượt 17,08%" in note for note in table.notes)
    cells = page_cells(
        "tinh", nam_giang, "achievement", period="2020-2025", as_of="30/06/2023", decimals="2"
    )
    assert {"268", "350", "76,57%"} <= set(cells)


def test_bloc_committee_has_485_of_its_500(world: World) -> None:
    bloc = unit(world.quang_nam, "QN.KCQ", "Đảng ủy Khối các cơ quan tỉnh", UnitKind.BLOC)
    office = unit(bloc, "QN.KCQ.1", "Chi bộ Văn phòng", UnitKind.CELL)
    admit(office, 200, date(2021, 4, 1))
    admit(office, 285, date(2023, 5, 1))
    make_target(bloc, "2020-2025", 500)

    result = selectors.achievement(
        unit=bloc, period=Period.parse("2020-2025"), as_of=date(2023, 7, 7)
    )

    assert (result.row.admitted, result.row.target, result.row.difference) == (485, 500, -15)
    data = report_json("achievement", "QN.KCQ", "2020-2025", "--as-of", "2023-07-07")
    assert f"{data['admitted']}/{data['target']}" == "485/500"
    assert data["summary_text"]["difference"] == "thiếu 15"
    assert "485" in render_text(build_table("achievement", bloc, Period.parse("2020-2025")))
    cells = page_cells("tinh", bloc, "achievement", period="2020-2025", as_of="07/07/2023")
    assert {"485", "500", "thiếu 15"} <= set(cells)


def test_kinh_bac_2016_is_three_over_a_plan_of_three_to_five(world: World) -> None:
    born = {"birth": PartialDate(1985, 1, 1)}
    admit(world.kb_school, 8, date(2016, 10, 1), **born)
    admit(world.kb_school, 5, date(2017, 10, 1), **born)
    admit(world.kb_school, 2, date(2018, 2, 1), **born)
    for year in ("2016", "2017", "2018"):
        make_target(world.kinh_bac, year, 5, admissions_min=3)

    rows = {
        y: selectors.achievement(
            unit=world.kinh_bac, period=Period.parse(y), as_of=date(2018, 3, 31)
        ).row
        for y in ("2016", "2017", "2018")
    }

    assert vn_difference(rows["2016"].difference) == "vượt 3"
    assert vn_difference(rows["2017"].difference) == "đạt"
    assert (rows["2018"].admitted, vn_difference(rows["2018"].difference)) == (2, "thiếu 1")
    data = report_json("achievement", "BN.KB", "2016")
    assert (data["difference"], data["summary_text"]["difference"]) == (3, "vượt 3")
    assert "vượt 3" in render_text(build_table("achievement", world.kinh_bac, Period.parse("2016")))
    assert {"8", "vượt 3"} <= set(page_cells("ngoai", world.kinh_bac, "achievement", period="2016"))


def test_thuy_xuan_has_14_of_14_group_heads_members(world: World) -> None:
    heads = make_people(world.cell_1, [f"TDP {i}" for i in range(14)])
    non_member = make_people(world.cell_1, ["Trưởng thôn"], Status.CANDIDATE)[0]
    group_head = category("position", "TDP")
    structural_target_set(
        acting_user=None,
        unit=world.an_my,
        period=Period.parse("2020-2025"),
        measure=StructuralMeasure.POSITION_MEMBERS,
        position=group_head,
        percent=Decimal(100),
    )
    for head in heads:
        position_start(
            acting_user=None,
            person=head,
            position=group_head,
            unit=world.cell_1,
            start=date(2021, 1, 1),
        )
    position_start(
        acting_user=None,
        person=non_member,
        position=category("position", "TT"),
        unit=world.cell_1,
        start=date(2021, 1, 1),
    )

    result = selectors.structure(unit=world.an_my, period=Period.parse("2023"))

    rows = {r.code: r for r in result.positions}
    assert (rows["TDP"].members, rows["TDP"].holders, rows["TDP"].met) == (14, 14, True)
    assert (rows["TT"].members, rows["TT"].holders) == (0, 1)
    data = report_json("structure", "QN.TK.AM", "2023")
    group = next(r for r in data["rows"] if r["item"] == group_head.name)
    assert f"{group['count']}/{group['total']}" == "14/14"
    assert group["text"]["percent"] == "100,0%"
    assert group["text"]["met"] == "Đạt"
    cells = page_cells("tinh", world.an_my, "structure", period="2023")
    row = cells.index(group_head.name)
    assert cells[row + 1 : row + 3] == ["14", "14"]
    assert "100,0%" in cells[row:]


def test_tam_ky_new_members_are_over_91_percent_young_59_75_percent_college(
    world: World,
) -> None:
    college, university = category("professional", "CD"), category("professional", "DH")
    intermediate, elementary = category("professional", "TC"), category("professional", "SC")
    on = date(2022, 9, 1)
    older = {"birth": PartialDate(1980, 3, 1)}
    admit(world.cell_1, 300, on, professional=college)
    admit(world.cell_1, 187, on, professional=university)
    admit(world.cell_2, 61, on, professional=intermediate)
    admit(world.cell_2, 197, on, professional=elementary)
    admit(world.cell_2, 70, on, **older)  # untrained, aged 42: 745 of 815 are 18–30

    breakdowns = {
        b.key: b for b in selectors.quality(unit=world.tam_ky, period=Period.parse("2022"))
    }

    young = {r.label: r for r in breakdowns["age_group"].rows}["Từ 18 đến 30 tuổi"]
    assert breakdowns["age_group"].total == 815
    assert young.percent is not None
    assert young.percent > 91
    education = {r.label: r for r in breakdowns["education_professional"].rows}
    assert vn_percent(education["Cao đẳng, đại học trở lên"].percent, 2) == "59,75%"
    assert vn_percent(education["Trung cấp"].percent, 2) == "7,48%"
    data = report_json("quality", "QN.TK", "2022", "--decimals", "2")
    texts = {(r["breakdown"], r["label"]): r["text"]["percent"] for r in data["rows"]}
    assert texts[("Chuyên môn, nghiệp vụ", "Cao đẳng, đại học trở lên")] == "59,75%"
    assert texts[("Chuyên môn, nghiệp vụ", "Trung cấp")] == "7,48%"
    assert texts[("Độ tuổi (đảng viên trẻ)", "Từ 18 đến 30 tuổi")] == "91,41%"
    text = render_text(build_table("quality", world.tam_ky, Period.parse("2022"), decimals=2))
    assert "59,75%" in text
    assert "7,48%" in text
    cells = page_cells("tinh", world.tam_ky, "quality", period="2022", decimals="2")
    assert {"59,75%", "7,48%", "91,41%"} <= set(cells)
