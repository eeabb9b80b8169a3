"""The member and candidate lists: filters, Vietnamese order, keyset pages, export."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dangvien.lib.dates import PartialDate
from dangvien.people import list_selectors
from dangvien.people.models import Status
from dangvien.people.services import residence_register
from tests.conftest import World, logged_in
from tests.people.factories import make_people, make_person

pytestmark = pytest.mark.django_db


def _names(client: Client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    table = body.split('<table class="data people">', 1)[1].split("</table>", 1)[0]
    return re.findall(r'<a href="/nguoi/\d+/">([^<]+)</a>', table)


def test_names_are_listed_in_vietnamese_order(world: World) -> None:
    make_people(world.cell_1, ["Đỗ Văn Ân", "Trần Thị Ánh", "Nguyễn Văn An", "Lê Văn An"])
    names = _names(logged_in("bithu"), f"/nguoi/?don_vi={world.cell_1.pk}")
    assert names == ["Lê Văn An", "Nguyễn Văn An", "Trần Thị Ánh", "Đỗ Văn Ân"]


def test_the_list_opens_on_the_users_own_subtree(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An")
    make_person(world.cell_2, "Trần Văn Bình")
    assert _names(logged_in("xa"), "/nguoi/") == ["Lê Văn An", "Trần Văn Bình"]
    assert _names(logged_in("bithu"), "/nguoi/") == ["Lê Văn An"]
    assert logged_in("bithu").get(f"/nguoi/?don_vi={world.cell_2.pk}").status_code == 404


def test_members_and_candidates_are_separate_lists(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An")
    make_person(world.cell_1, "Phạm Thị Hoa", status=Status.CANDIDATE)
    client = logged_in("bithu")
    assert _names(client, "/nguoi/") == ["Lê Văn An"]
    assert _names(client, "/nguoi/?loai=candidates") == ["Phạm Thị Hoa"]
    assert _names(client, "/nguoi/?loai=all") == ["Lê Văn An", "Phạm Thị Hoa"]


def test_filter_by_status_and_sex(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An", sex="M")
    make_person(world.cell_1, "Trần Thị Ánh", sex="F")
    make_person(world.cell_1, "Võ Thị Cúc", sex="F", status=Status.PROBATIONARY)
    client = logged_in("bithu")
    assert _names(client, "/nguoi/?gioi_tinh=F") == ["Trần Thị Ánh", "Võ Thị Cúc"]
    assert _names(client, "/nguoi/?gioi_tinh=F&tinh_trang=probationary") == ["Võ Thị Cúc"]
    assert _names(client, "/nguoi/?tinh_trang=official") == ["Lê Văn An", "Trần Thị Ánh"]


def test_filter_by_age_band_counts_whole_years(world: World) -> None:
    today = timezone.localdate()
    make_person(world.cell_1, "Lê Văn An", birth=PartialDate(today.year - 25))
    make_person(world.cell_1, "Trần Văn Bình", birth=PartialDate(today.year - 40))
    make_person(world.cell_1, "Hồ Văn Cường", birth=PartialDate(today.year - 70))
    client = logged_in("bithu")
    assert _names(client, "/nguoi/?tuoi=18-30") == ["Lê Văn An"]
    assert _names(client, "/nguoi/?tuoi=31-45") == ["Trần Văn Bình"]
    assert _names(client, "/nguoi/?tuoi=tren-60") == ["Hồ Văn Cường"]


def test_age_band_boundary_is_the_birthday(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An", birth=PartialDate(1995, 6, 16))
    make_person(world.cell_1, "Lê Văn Bình", birth=PartialDate(1995, 6, 15))
    # Known only by year: counted from 01/01/1995, as rules.age_in_years does.
    make_person(world.cell_1, "Lê Văn Cúc", birth=PartialDate(1995))
    on = date(2026, 6, 15)

    def band(name: str) -> list[str]:
        flt = list_selectors.PeopleFilter(age_band=name)
        people = list_selectors.people_filtered(world.bithu, world.cell_1, flt, today=on)
        return [p.full_name for p in people]

    assert band("18-30") == ["Lê Văn An"]
    assert band("31-45") == ["Lê Văn Bình", "Lê Văn Cúc"]


def test_filter_by_residence_registration(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An")
    lives_in_1 = make_person(world.cell_2, "Trần Văn Bình")
    residence_register(
        acting_user=world.xa, person=lives_in_1, unit=world.cell_1, start=date(2024, 1, 1)
    )
    client = logged_in("xa")
    assert _names(client, f"/nguoi/?don_vi={world.an_my.pk}&cu_tru=dang_ky") == ["Trần Văn Bình"]
    # The residential cell's secretary sees who lives there, though their home is elsewhere.
    bithu = logged_in("bithu")
    assert _names(bithu, "/nguoi/") == ["Lê Văn An"]
    assert _names(bithu, "/nguoi/?cu_tru=cu_tru") == ["Trần Văn Bình"]


def test_search_ignores_tone_marks(world: World) -> None:
    make_people(world.cell_1, ["Nguyễn Thúy Tình", "Nguyễn Thị Tính", "Đỗ Đức Đạt"])
    client = logged_in("bithu")
    assert _names(client, "/nguoi/?q=nguyen+thuy+tinh") == ["Nguyễn Thúy Tình"]
    assert _names(client, "/nguoi/?q=do+dat") == ["Đỗ Đức Đạt"]


def test_next_page_starts_after_the_last_row(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(list_selectors, "PAGE_SIZE", 3)
    names = ["An", "Bình", "Cúc", "Dũng", "Giang", "Hà", "Khánh"]
    make_people(world.cell_1, [f"Lê Văn {n}" for n in names])
    client = logged_in("bithu")
    body = client.get("/nguoi/").content.decode()
    seen: list[str] = []
    pages = 0
    while True:
        pages += 1
        table = body.split('<table class="data people">', 1)[1].split("</table>", 1)[0]
        seen += re.findall(r'<a href="/nguoi/\d+/">Lê Văn ([^<]+)</a>', table)
        link = re.search(r'<a href="\?([^"]+)" rel="next">', body)
        if link is None:
            break
        assert "trang=" not in link[1]
        body = client.get("/nguoi/?" + link[1].replace("&amp;", "&")).content.decode()
    assert pages == 3
    assert seen == names


def _get_count_queries(client: Client, url: str, django_assert_max_num_queries: Any) -> None:
    # The page's own reads plus the header's alert count (cases, transfers, certificates),
    # and the second factor the session was verified with (django-otp reads it each request).
    with django_assert_max_num_queries(17):
        assert client.get(url).status_code == 200


def test_list_queries_do_not_grow_with_rows(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = logged_in("xa")
    url = f"/nguoi/?don_vi={world.an_my.pk}&gioi_tinh=F&tuoi=31-45"
    make_people(world.cell_1, [f"Lê Thị Số {i}" for i in range(3)], birth=PartialDate(1990))
    _get_count_queries(client, url, django_assert_max_num_queries)
    make_people(world.cell_2, [f"Trần Thị Số {i}" for i in range(80)], birth=PartialDate(1990))
    _get_count_queries(client, url, django_assert_max_num_queries)


def test_a_large_count_is_capped(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(list_selectors, "COUNT_CAP", 2)
    make_people(world.cell_1, ["Lê Văn An", "Lê Văn Bình", "Lê Văn Cúc"])
    assert "Hơn 2 người" in logged_in("bithu").get("/nguoi/").content.decode()


def _sheet(data: bytes) -> list[list[Any]]:
    rows: list[list[Any]] = (
        CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    )
    return rows


def test_export_honours_filters_and_scope(world: World) -> None:
    make_person(world.cell_1, "Lê Văn An", sex="M")
    make_person(world.cell_1, "Trần Thị Ánh", sex="F")
    make_person(world.cell_2, "Võ Thị Cúc", sex="F")
    make_person(world.kb_school, "Hoàng Thị Ngoại", sex="F")
    response = logged_in("xa").get(f"/nguoi/xuat/?don_vi={world.an_my.pk}&gioi_tinh=F")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = _sheet(b"".join(response.streaming_content))  # type: ignore[attr-defined]
    assert rows[0][0] == "Họ và tên"
    assert [r[0] for r in rows[1:]] == ["Trần Thị Ánh", "Võ Thị Cúc"]


def test_export_outside_scope_is_404(world: World) -> None:
    response = logged_in("ngoai").get(f"/nguoi/xuat/?don_vi={world.an_my.pk}")
    assert response.status_code == 404


def test_list_links_to_its_export_with_the_same_filter(world: World) -> None:
    body = logged_in("bithu").get("/nguoi/?gioi_tinh=F&q=an").content.decode()
    link = re.search(r'href="/nguoi/xuat/\?([^"]+)"', body)
    assert link is not None
    assert "gioi_tinh=F" in link[1]
    assert "q=an" in link[1]
    assert f"don_vi={world.cell_1.pk}" in link[1]
