from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.orgs.models import Unit
from tests.conftest import World, logged_in

_client = logged_in


def test_tree_starts_at_the_users_own_units(world: World) -> None:
    cell_page = _client("bithu").get("/to-chuc/").content.decode()
    province_page = _client("tinh").get("/to-chuc/").content.decode()
    assert "Chi bộ khu phố 1" in cell_page
    assert "Tỉnh ủy Quảng Nam" not in cell_page
    assert "Tỉnh ủy Quảng Nam" in province_page
    assert "Bắc Ninh" not in province_page


def test_tree_children_fragment_and_cell_counts(world: World) -> None:
    client = _client("tinh")
    body = client.get(f"/to-chuc/{world.tam_ky.pk}/con/").content.decode()
    assert "Đảng ủy phường An Mỹ" in body
    assert "2 chi bộ" in body


def test_search_ignores_tone_marks(world: World) -> None:
    body = _client("tinh").get("/to-chuc/", {"q": "dang uy phuong an my"}).content.decode()
    assert "1 đơn vị khớp" in body
    outsider = _client("ngoai").get("/to-chuc/", {"q": "an my"}).content.decode()
    assert "0 đơn vị khớp" in outsider


def test_tree_as_of_a_date_before_a_unit_existed(world: World) -> None:
    body = _client("tinh").get("/to-chuc/", {"ngay": "01/01/2010"}).content.decode()
    assert "Tỉnh ủy Quảng Nam" not in body
    assert "01/01/2010" in body


def test_unit_page_shows_history_authority_and_actions(world: World) -> None:
    body = _client("xa").get(f"/to-chuc/{world.cell_1.pk}/").content.decode()
    assert "01/01/2015" in body
    assert "Cấp quyết định kết nạp" in body
    assert "Đảng ủy phường An Mỹ" in body
    assert "Đổi tên" in body
    # A cell secretary (editor) sees the page but no reorganisation buttons.
    secretary = _client("bithu").get(f"/to-chuc/{world.cell_1.pk}/").content.decode()
    assert "Đổi tên" not in secretary


def test_merge_form_previews_then_confirms(world: World) -> None:
    client = _client("xa")
    data = {
        "others": [world.cell_2.pk],
        "new_code": "QN.TK.AM.12",
        "new_name": "Chi bộ khu phố 1-2",
        "effective": "01/07/2025",
        "number": "7-QĐ/ĐU",
        "action": "preview",
    }
    preview = client.post(f"/to-chuc/{world.cell_1.pk}/hop-nhat/", data)
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "Xem trước" in body
    assert "Chi bộ khu phố 1-2" in body
    assert not Unit.objects.filter(code="QN.TK.AM.12").exists()
    confirmed = client.post(f"/to-chuc/{world.cell_1.pk}/hop-nhat/", {**data, "action": "confirm"})
    assert confirmed.status_code == 302
    merged = Unit.objects.get(code="QN.TK.AM.12")
    world.cell_1.refresh_from_db()
    assert world.cell_1.successor == merged
    assert world.cell_1.valid_to == date(2025, 7, 1)


def test_bad_input_gets_a_vietnamese_error_and_writes_nothing(world: World) -> None:
    client = _client("xa")
    response = client.post(
        f"/to-chuc/{world.an_my.pk}/them/",
        {
            "code": "QN.TK.AM.1",
            "name": "Trùng mã",
            "kind": "cell",
            "cell_kind": "school",
            "effective": "01/07/2025",
            "number": "1",
            "action": "confirm",
        },
    )
    assert response.status_code == 200
    assert "đã được dùng" in response.content.decode()
    assert not Unit.objects.filter(name="Trùng mã").exists()


def test_tree_page_query_count_does_not_grow_with_children(world: World) -> None:
    client = _client("tinh")
    with CaptureQueriesContext(connection) as few:
        client.get(f"/to-chuc/{world.an_my.pk}/con/")
    for n in range(3, 9):
        from dangvien.orgs.services import Decision, NewUnit, unit_create

        unit_create(
            acting_user=None,
            parent=world.an_my,
            spec=NewUnit(f"QN.TK.AM.{n}", f"Chi bộ khu phố {n}", "cell", "residential"),
            decision=Decision(effective=date(2016, 1, 1)),
        )
    with CaptureQueriesContext(connection) as many:
        client.get(f"/to-chuc/{world.an_my.pk}/con/")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_tree_nodes_count_members_today(world: World) -> None:
    from tests.people.factories import make_people

    make_people(world.cell_1, ["Lê Văn An", "Trần Thị Ánh"])
    make_people(world.cell_2, ["Đỗ Văn Ân"])
    make_people(world.cell_2, ["Hoàng Văn Bảo"], status="candidate")
    body = _client("tinh").get(f"/to-chuc/{world.tam_ky.pk}/con/").content.decode()
    assert "3 đảng viên" in body  # An Mỹ: two cells, candidates not counted
    cells = _client("tinh").get(f"/to-chuc/{world.an_my.pk}/con/").content.decode()
    assert "2 đảng viên" in cells
    assert "1 đảng viên" in cells
    past = _client("tinh").get(f"/to-chuc/{world.tam_ky.pk}/con/", {"ngay": "01/01/2020"})
    assert "đảng viên" not in past.content.decode()
