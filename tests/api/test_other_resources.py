"""Classes, targets, reports and alerts through the API: scoped, in the pages' terms."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from dangvien.admission.models import Case, Source
from dangvien.admission.services import case_open
from dangvien.targets.models import Target
from tests.admission.factories import set_deadline
from tests.api.conftest import Registry
from tests.api.helpers import api_client, error_of, put_json
from tests.conftest import World, logged_in
from tests.people.factories import make_person
from tests.training.factories import make_class, pass_class

pytestmark = pytest.mark.django_db


# --- classes ------------------------------------------------------------------------------


def test_classes_list_with_counts_and_show_their_people(world: World, registry: Registry) -> None:
    older = make_class(world.an_my, name="Lớp nhận thức khóa I")
    newer = make_class(world.an_my, start=date(2024, 3, 4), end=date(2024, 3, 8), name="Khóa II")
    pass_class(newer, registry.candidate, date(2024, 3, 8))
    client = api_client(world.xa)
    listed = client.get("/api/v1/classes").json()["items"]
    assert [(c["name"], c["enrolled"], c["passed"]) for c in listed] == [
        ("Khóa II", 1, 1),
        ("Lớp nhận thức khóa I", 0, 0),
    ]
    detail = client.get(f"/api/v1/classes/{newer.pk}").json()
    assert [(e["person"]["full_name"], e["result"]) for e in detail["enrolments"]] == [
        ("Nguyễn Thị Thu Hà", "passed")
    ]
    assert detail["enrolments"][0]["certificate_date"] == "2024-03-08"
    assert client.get("/api/v1/classes", {"kind": "new_member"}).json()["items"] == []
    error_of(api_client(world.ngoai).get(f"/api/v1/classes/{older.pk}"), 404, "not_found")
    assert api_client(world.ngoai).get("/api/v1/classes").json()["items"] == []


# --- targets ------------------------------------------------------------------------------


def test_a_commune_approver_sets_a_cells_target_and_reads_the_breakdown(world: World) -> None:
    client = api_client(world.xa)
    url = f"/api/v1/targets/{world.cell_1.pk}/2025"
    response = put_json(client, url, {"admissions": 3, "document": "05-NQ/ĐU"})
    assert response.status_code == 200, response.content
    assert response.json()["assigned_by"]["code"] == "QN.TK.AM"
    # The same again changes nothing more (a PUT is safe to repeat).
    assert put_json(client, url, {"admissions": 3, "document": "05-NQ/ĐU"}).status_code == 200
    assert Target.objects.count() == 1
    body = client.get("/api/v1/targets", {"unit": str(world.an_my.pk), "period": "2025"}).json()
    assert body["period"]["label"] == "Năm 2025"
    lines = {line["unit"]["code"]: line["target"] for line in body["children"]}
    assert lines["QN.TK.AM.1"]["admissions"] == 3
    assert lines["QN.TK.AM.2"] is None
    assert (body["check"]["children_sum"], body["check"]["missing"]) == (3, 1)


def test_setting_a_target_is_refused_to_an_editor_and_outside_the_subtree(world: World) -> None:
    url = f"/api/v1/targets/{world.cell_1.pk}/2025"
    error_of(put_json(api_client(world.bithu), url, {"admissions": 3}), 403, "forbidden")
    error_of(put_json(api_client(world.ngoai), url, {"admissions": 3}), 404, "not_found")
    assert not Target.objects.exists()


def test_a_target_that_breaks_a_rule_is_refused_with_the_problem(world: World) -> None:
    url = f"/api/v1/targets/{world.cell_1.pk}/2025"
    body = {"admissions": 3, "admissions_min": 5}
    error = error_of(put_json(api_client(world.xa), url, body), 422, "refused")
    assert error["problems"][0]["field"] == "admissions_min"
    error = error_of(put_json(api_client(world.xa), f"/api/v1/targets/{world.cell_1.pk}/2025-H3",
                              {"admissions": 3}), 422, "invalid")  # fmt: skip
    assert error["problems"][0]["field"] == "period"
    assert not Target.objects.exists()


# --- reports ------------------------------------------------------------------------------


def test_a_report_is_the_same_json_as_its_download(world: World, registry: Registry) -> None:
    client = api_client(world.xa)
    names = [r["name"] for r in client.get("/api/v1/reports").json()]
    assert names[:2] == ["achievement", "quality"]
    params = {"unit": str(world.an_my.pk), "period": "2015", "as_of": "2015-12-31"}
    body = client.get("/api/v1/reports/achievement", params).json()
    # The report page's JSON download for the same selection.
    download = logged_in("xa").get(
        f"/bao-cao/{world.an_my.pk}/achievement/",
        {"period": "2015", "as_of": "31/12/2015", "format": "json"},
    )
    assert download.status_code == 200
    assert body == download.json()
    assert (body["unit"]["code"], body["admitted"]) == ("QN.TK.AM", 11)


def test_an_unknown_report_or_a_foreign_unit_is_a_404(world: World) -> None:
    client = api_client(world.xa)
    error_of(client.get("/api/v1/reports/khong-co"), 404, "not_found")
    error_of(
        client.get("/api/v1/reports/achievement", {"unit": world.kinh_bac.pk}), 404, "not_found"
    )


# --- alerts -------------------------------------------------------------------------------


def _due(world: World, name: str, due: date) -> Case:
    case = case_open(
        acting_user=None,
        person=make_person(world.cell_1, name, status="candidate"),
        source=Source.OTHER,
        on=date(2024, 1, 5),
    )
    return set_deadline(case, due, "Lễ kết nạp")


def test_alerts_are_scoped_soonest_first_and_paged(world: World) -> None:
    today = timezone.localdate()
    _due(world, "Lê Văn An", today - timedelta(days=3))
    _due(world, "Trần Thị Ánh", today + timedelta(days=5))
    _due(world, "Đỗ Văn Ân", today + timedelta(days=200))
    client = api_client(world.bithu)
    page = client.get("/api/v1/alerts", {"limit": 1}).json()
    assert [(a["person_name"], a["band"], a["days_left"]) for a in page["items"]] == [
        ("Lê Văn An", "overdue", -3)
    ]
    rest = client.get("/api/v1/alerts", {"limit": 1, "cursor": page["next"]}).json()
    assert [a["person_name"] for a in rest["items"]] == ["Trần Thị Ánh"]
    assert rest["next"] is None
    assert len(client.get("/api/v1/alerts", {"days": 366}).json()["items"]) == 3
    assert api_client(world.ngoai).get("/api/v1/alerts").json()["items"] == []
