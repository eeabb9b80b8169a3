"""The class list, opening a class, the class page with its results and enrolling from the
candidate list."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dangvien.people.models import Status
from dangvien.training import services
from dangvien.training.models import ClassKind, Enrolment, Result, TrainingClass
from tests.conftest import World, logged_in
from tests.people.factories import make_people, make_person
from tests.training.factories import make_class, pass_class

pytestmark = pytest.mark.django_db


def test_list_shows_classes_in_scope_with_counts(
    world: World, django_assert_max_num_queries: Any
) -> None:
    people = make_people(world.cell_1, ["An", "Bình", "Chi"], Status.CANDIDATE)
    for n in range(5):
        training_class = make_class(world.an_my, name=f"Lớp số {n}")
        pass_class(training_class, people[n % 3], issued=date(2020, 3, 16))
    make_class(world.kinh_bac, name="Lớp của Kinh Bắc")
    client = logged_in("xa")
    # 13: with the verified second factor's device, which django-otp reads each request.
    with django_assert_max_num_queries(13):
        body = client.get("/boi-duong/").content.decode()
    assert "Lớp số 4" in body
    assert "Lớp của Kinh Bắc" not in body
    assert "Mở lớp" in body


def test_opening_a_class_from_the_page(world: World) -> None:
    client = logged_in("xa")
    assert world.an_my.name in client.get("/boi-duong/mo-lop/").content.decode()
    response = client.post(
        "/boi-duong/mo-lop/",
        {
            "organiser": world.an_my.pk,
            "kind": ClassKind.AWARENESS,
            "name": "Lớp nhận thức khóa II",
            "place": "Hội trường phường",
            "start": "10/03/2025",
            "end": "09/03/2025",
        },
    )
    assert response.status_code == 200
    assert "Ngày kết thúc lớp" in response.content.decode()
    response = client.post(
        "/boi-duong/mo-lop/",
        {
            "organiser": world.an_my.pk,
            "kind": ClassKind.AWARENESS,
            "name": "Lớp nhận thức khóa II",
            "start": "10/03/2025",
            "end": "14/03/2025",
        },
    )
    created = TrainingClass.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/boi-duong/{created.pk}/"


def test_outsider_gets_404_for_a_class_and_its_enrolment(world: World) -> None:
    training_class = make_class(world.an_my)
    client = logged_in("ngoai")
    assert client.get(f"/boi-duong/{training_class.pk}/").status_code == 404
    assert client.get(f"/boi-duong/{training_class.pk}/ghi-danh/").status_code == 404
    assert client.post(f"/boi-duong/{training_class.pk}/ghi-danh/").status_code == 404
    assert "Lớp nhận thức khóa I" not in client.get("/boi-duong/").content.decode()


def test_bulk_enrol_from_the_candidate_list(world: World) -> None:
    training_class = make_class(world.an_my)
    candidates = make_people(world.cell_1, ["Quần Chúng Một", "Quần Chúng Hai"], Status.CANDIDATE)
    make_person(world.cell_2, "Quần Chúng Ba", Status.CANDIDATE)
    make_person(world.cell_1, "Đảng Viên Cũ")
    client = logged_in("xa")
    url = f"/boi-duong/{training_class.pk}/ghi-danh/"
    body = client.get(f"{url}?don_vi={world.cell_1.pk}").content.decode()
    assert "Quần Chúng Một" in body
    assert "Quần Chúng Hai" in body
    assert "Quần Chúng Ba" not in body
    assert "Đảng Viên Cũ" not in body
    response = client.post(
        url, {"don_vi": world.cell_1.pk, "person": [str(p.pk) for p in candidates]}
    )
    assert response.status_code == 302
    assert set(Enrolment.objects.values_list("person__full_name", flat=True)) == {
        "Quần Chúng Một",
        "Quần Chúng Hai",
    }
    # Once enrolled they leave the list; the commune shows the other cell's candidate.
    body = client.get(f"{url}?don_vi={world.an_my.pk}").content.decode()
    assert "Quần Chúng Ba" in body
    assert "Quần Chúng Một" not in body


def test_results_are_recorded_row_by_row_in_one_post(
    world: World, django_assert_max_num_queries: Any
) -> None:
    training_class = make_class(world.an_my)
    people = make_people(world.cell_1, ["Học Viên A", "Học Viên B"], Status.CANDIDATE)
    client = logged_in("xa")
    client.post(
        f"/boi-duong/{training_class.pk}/ghi-danh/",
        {"don_vi": world.cell_1.pk, "person": [str(p.pk) for p in people]},
    )
    a, b = Enrolment.objects.order_by("person__sort_key")
    url = f"/boi-duong/{training_class.pk}/"
    rows = {
        f"{a.pk}-attended": "yes",
        f"{a.pk}-result": Result.PASSED,
        f"{a.pk}-certificate_number": "",
        f"{a.pk}-certificate_date": "",
        f"{b.pk}-attended": "no",
        f"{b.pk}-result": Result.ABSENT,
    }
    response = client.post(url, rows)
    assert response.status_code == 200
    assert "Học Viên A: hoàn thành lớp phải có số giấy chứng nhận" in response.content.decode()
    rows[f"{a.pk}-certificate_number"] = "GCN-01"
    rows[f"{a.pk}-certificate_date"] = "16/03/2020"
    assert client.post(url, rows).status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.result, a.certificate_number, a.attended) == (Result.PASSED, "GCN-01", True)
    assert (b.result, b.attended) == (Result.ABSENT, False)
    # 13: with the verified second factor's device, which django-otp reads each request.
    with django_assert_max_num_queries(13):
        body = client.get(url).content.decode()
    assert "GCN-01" in body


def test_classes_are_scoped_by_their_organiser(world: World) -> None:
    """A cell secretary's grant lies below the commune that organises the class."""
    training_class = make_class(world.an_my)
    assert logged_in("bithu").get(f"/boi-duong/{training_class.pk}/").status_code == 404


def test_a_cell_sees_the_commune_class_its_candidates_sit_with_only_its_own_people(
    world: World,
) -> None:
    training_class = make_class(world.an_my)
    mine = make_person(world.cell_1, "Lê Văn An", status=Status.CANDIDATE)
    theirs = make_person(world.cell_2, "Trần Thị Ánh", status=Status.CANDIDATE)
    services.class_enrol(acting_user=None, training_class=training_class, people=[mine, theirs])
    client = logged_in("bithu")
    assert training_class.name in client.get("/boi-duong/").content.decode()
    page = client.get(f"/boi-duong/{training_class.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Lê Văn An" in body
    assert "Trần Thị Ánh" not in body
    assert page.context["can_edit"] is False
    # Reading is not organising: enrolling stays with the commune.
    assert client.get(f"/boi-duong/{training_class.pk}/ghi-danh/").status_code == 404
    assert (
        "Trần Thị Ánh" in logged_in("xa").get(f"/boi-duong/{training_class.pk}/").content.decode()
    )
