import io
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from dangvien.orgs.models import CellKind, ResidentialArea, UnitKind
from dangvien.orgs.services import NewUnit, unit_create
from dangvien.targets.models import StructuralTarget, Target
from tests.conftest import FOUNDED, World, logged_in
from tests.targets.factories import make_target


def _page(client: Any, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return str(response.content.decode())


def test_targets_home_opens_the_users_own_unit(world: World) -> None:
    response = logged_in("xa").get("/chi-tieu/")
    assert response.status_code == 302
    assert response["Location"] == f"/chi-tieu/{world.an_my.pk}/"


def test_the_unit_page_shows_children_their_sum_and_the_mismatch(world: World) -> None:
    make_target(world.an_my, "2021", 1500)
    make_target(world.cell_1, "2021", 1000)
    body = _page(logged_in("xa"), f"/chi-tieu/{world.an_my.pk}/?period=2021")
    assert "Năm 2021" in body
    assert 'id="children-sum">1.000<' in body
    assert 'id="own-target">1.500<' in body
    assert 'id="mismatch"' in body
    assert "còn thiếu 500" in body
    assert "1 đơn vị trực thuộc chưa được giao chỉ tiêu" in body
    make_target(world.cell_2, "2021", 500)
    body = _page(logged_in("xa"), f"/chi-tieu/{world.an_my.pk}/?period=2021")
    assert 'id="mismatch"' not in body
    assert 'id="adds-up"' in body


def test_a_bad_period_says_so_and_shows_the_current_year(world: World) -> None:
    body = _page(logged_in("xa"), f"/chi-tieu/{world.an_my.pk}/?period=2021-H3")
    assert "không phải kỳ" in body
    assert f"Năm {date.today().year}" in body


def test_a_unit_outside_the_users_subtree_is_not_found(world: World) -> None:
    client = logged_in("ngoai")
    for path in ("", "giao/", "co-cau/", "khu-dan-cu/", "xuat/", "mau/", "nhap/"):
        assert client.get(f"/chi-tieu/{world.an_my.pk}/{path}").status_code == 404, path


def test_the_unit_page_queries_do_not_grow_with_the_children(world: World) -> None:
    client = logged_in("xa")
    url = f"/chi-tieu/{world.an_my.pk}/?period=2026"
    client.get(url)
    with CaptureQueriesContext(connection) as two:
        client.get(url)
    for n in range(3, 8):
        cell = unit_create(
            acting_user=None,
            parent=world.an_my,
            spec=NewUnit(
                f"QN.TK.AM.{n}", f"Chi bộ khu phố {n}", UnitKind.CELL, CellKind.RESIDENTIAL
            ),
            decision=FOUNDED,
        )
        make_target(cell, "2026", n)
    with CaptureQueriesContext(connection) as seven:
        client.get(url)
    assert len(seven) == len(two)


def test_an_approver_assigns_the_childrens_targets(world: World) -> None:
    client = logged_in("xa")
    url = f"/chi-tieu/{world.an_my.pk}/giao/?period=2026"
    assert "Giao chỉ tiêu kết nạp" in _page(client, url)
    response = client.post(
        url,
        {
            f"{world.cell_1.pk}-admissions": "5",
            f"{world.cell_1.pk}-admissions_min": "3",
            f"{world.cell_2.pk}-admissions": "",
            "document": "15-KH/ĐU",
            "assigned_on": "20/01/2026",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get()
    assert (target.unit, target.admissions, target.admissions_min) == (world.cell_1, 5, 3)
    assert target.assigned_on == date(2026, 1, 20)


def test_the_assign_form_shows_the_rule_under_the_row(world: World) -> None:
    response = logged_in("xa").post(
        f"/chi-tieu/{world.an_my.pk}/giao/?period=2026",
        {
            f"{world.cell_1.pk}-admissions": "2",
            f"{world.cell_1.pk}-admissions_min": "4",
            "document": "15-KH/ĐU",
        },
    )
    assert response.status_code == 200
    assert "Chỉ tiêu tối thiểu phải từ 0 đến chỉ tiêu (2)" in response.content.decode()
    assert not Target.objects.exists()


def test_a_cell_secretary_cannot_open_the_assign_form(world: World) -> None:
    assert logged_in("bithu").get(f"/chi-tieu/{world.an_my.pk}/giao/").status_code == 404


def test_the_parents_approver_sets_a_structural_target(world: World) -> None:
    url = f"/chi-tieu/{world.an_my.pk}/co-cau/"
    assert 'name="percent"' not in _page(logged_in("xa"), url)
    assert logged_in("xa").post(url, {}).status_code == 403
    response = logged_in("tinh").post(
        url,
        {
            "period": "2025-2030",
            "measure": "areas_with_member",
            "percent": "60",
            "strict": "on",
            "document": "NQ đại hội",
        },
    )
    assert response.status_code == 302
    target = StructuralTarget.objects.get()
    assert (target.percent, target.strict, target.period) == (Decimal(60), True, "2025-2030")
    assert "trên 60%" in _page(logged_in("xa"), url)


def test_an_editor_adds_residential_areas_one_or_many(world: World) -> None:
    client = logged_in("xa")
    url = f"/chi-tieu/{world.an_my.pk}/khu-dan-cu/"
    assert client.post(url, {"name": "Khu phố 1", "cell": world.cell_1.pk}).status_code == 302
    response = client.post(url, {"lines": "Khu phố 2 | QN.TK.AM.2\nKhu phố 3\n"})
    assert response.status_code == 302
    assert list(ResidentialArea.objects.order_by("sort_key").values_list("name", "cell__code")) == [
        ("Khu phố 1", "QN.TK.AM.1"),
        ("Khu phố 2", "QN.TK.AM.2"),
        ("Khu phố 3", None),
    ]
    body = _page(client, url)
    assert "3 khu dân cư đang có, 2 khu có chi bộ phụ trách" in body
    response = client.post(url, {"lines": "Khu phố 4 | XX.9"})
    assert "không có chi bộ mã “XX.9”" in response.content.decode()
    assert logged_in("bithu").post(url, {"name": "Khu phố 9"}).status_code == 404


def _sheet(content: bytes) -> list[list[Any]]:
    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return [list(r) for r in workbook.get_sheet_by_index(0).to_python()]


def test_the_export_downloads_the_subtrees_targets(world: World) -> None:
    make_target(world.an_my, "2026", 10)
    make_target(world.cell_1, "2026", 6)
    response = logged_in("xa").get(f"/chi-tieu/{world.an_my.pk}/xuat/?period=2026")
    assert response["Content-Type"].startswith("application/vnd.openxml")
    rows = _sheet(response.content)
    assert [(r[0], r[2], r[3]) for r in rows[1:]] == [
        ("QN.TK.AM", "2026", 10),
        ("QN.TK.AM.1", "2026", 6),
    ]
