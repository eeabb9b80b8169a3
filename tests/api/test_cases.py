"""Cases through the API: read scoped, opened and moved through the same services as the
pages, refused with every problem and the rule behind it, safe to retry."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import IntegrityError
from django.test import Client

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import Case, CaseEvent, Step
from dangvien.admission.services import case_open, case_record_step
from dangvien.api.models import IdempotentWrite
from tests.api.conftest import Registry
from tests.api.helpers import api_client, error_of, post_json, token_for
from tests.conftest import World
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def _open(world: World, registry: Registry) -> Case:
    return case_open(
        acting_user=world.bithu,
        person=registry.candidate,
        source="youth_union",
        on=date(2024, 1, 15),
    )


def _at_helper(world: World, registry: Registry) -> Case:
    case = _open(world, registry)
    case_record_step(
        acting_user=world.bithu,
        case=case,
        step=Step.HELPER,
        on=date(2024, 2, 1),
        helper=registry.members[0],
    )
    return case


def _steps(case: Case) -> list[str]:
    return list(case.events.order_by("on", "id").values_list("step", flat=True))


def test_a_case_is_opened_through_the_service(world: World, registry: Registry) -> None:
    client = api_client(world.bithu)
    body = {"person_id": registry.candidate.pk, "source": "youth_union", "on": "2024-01-15"}
    response = post_json(client, "/api/v1/cases", body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["stage"], created["state"], created["person"]["full_name"]) == (
        "listed",
        "open",
        "Nguyễn Thị Thu Hà",
    )
    event = AuditEvent.objects.get(action="case.open")
    assert (event.actor, event.request_path) == (world.bithu, "/api/v1/cases")
    # Once open, a second case for the same person is refused by the service.
    error = error_of(post_json(client, "/api/v1/cases", body), 422, "refused")
    assert error["problems"][0]["message"] == {
        "vi": "Người này đang có một hồ sơ kết nạp chưa kết thúc.",
        "en": "This person already has an open admission case.",
    }
    assert Case.objects.count() == 1


def test_a_step_is_recorded_through_the_service(world: World, registry: Registry) -> None:
    case = _open(world, registry)
    body = {"step": "helper", "on": "2024-02-01", "helper_id": registry.members[0].pk}
    response = post_json(api_client(world.bithu), f"/api/v1/cases/{case.pk}/steps", body)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["event"]["step"], answer["case"]["stage"]) == ("helper", "helper")
    assert answer["case"]["helper_id"] == registry.members[0].pk
    assert _steps(case) == ["listed", "helper"]
    assert (
        AuditEvent.objects.filter(action="case.step", request_path__startswith="/api/v1/").count()
        == 1
    )


def test_a_refused_step_names_each_problem_and_its_rule(world: World, registry: Registry) -> None:
    case = _at_helper(world, registry)
    body = {"step": "awareness_class", "on": "2024-03-01"}
    response = post_json(api_client(world.bithu), f"/api/v1/cases/{case.pk}/steps", body)
    error = error_of(response, 422, "refused")
    (problem,) = error["problems"]
    assert problem["field"] == "certificate"
    assert problem["message"]["vi"].startswith(
        "Chưa có giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng — "
    )
    # The English text comes from running the refused write again in English.
    assert problem["message"]["en"].startswith("No awareness class certificate — ")
    assert problem["rule"]["code"] == "training.awareness_certificate_months"
    assert problem["rule"]["source"] in problem["message"]["vi"]
    assert error["rule"] == problem["rule"]
    assert _steps(case) == ["listed", "helper"]


def test_a_step_that_is_not_next_is_refused_without_a_rule(
    world: World, registry: Registry
) -> None:
    case = _open(world, registry)
    body = {"step": "application", "on": "2024-02-01"}
    error = error_of(
        post_json(api_client(world.bithu), f"/api/v1/cases/{case.pk}/steps", body), 422, "refused"
    )
    assert error["problems"][0]["message"]["vi"] == (
        "Bước “Đơn xin vào Đảng” không phải bước tiếp theo của hồ sơ "
        "(đang ở “Đưa vào danh sách quần chúng ưu tú”)."
    )
    assert error["rule"] is None


def test_a_step_an_editor_may_not_record_is_a_403(world: World, registry: Registry) -> None:
    case = _open(world, registry)
    body = {"step": "not_admitted", "on": "2024-02-01"}
    error = error_of(
        post_json(api_client(world.bithu), f"/api/v1/cases/{case.pk}/steps", body),
        403,
        "forbidden",
    )
    assert error["message"]["vi"].startswith("Bạn không có quyền Phê duyệt")
    assert error["message"]["en"].startswith("You do not hold the role ")
    assert _steps(case) == ["listed"]


def test_a_form_that_saw_another_stage_is_a_409(world: World, registry: Registry) -> None:
    case = _at_helper(world, registry)
    body = {"step": "application", "on": "2024-04-01", "expected_stage": "listed"}
    error = error_of(
        post_json(api_client(world.bithu), f"/api/v1/cases/{case.pk}/steps", body),
        409,
        "stage_changed",
    )
    assert "Phân công đảng viên giúp đỡ" in error["message"]["vi"]


def test_fields_that_do_not_belong_to_the_step_are_a_422(world: World, registry: Registry) -> None:
    case = _open(world, registry)
    client = api_client(world.bithu)
    vote = {"official_members": 9, "present": 9, "votes_for": 9}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"step": "helper", "on": "2024-02-01", "vote": vote}, "vote"),
        ({"step": "application", "on": "2024-02-01", "helper_id": 1}, "helper_id"),
        ({"step": "helper", "on": "2024-02-01", "introducers": []}, "introducers"),
        ({"step": "helper", "on": "2024-02-01", "certificate_number": "1"}, "certificate_date"),
    ]
    for body, field in cases:
        error = error_of(post_json(client, f"/api/v1/cases/{case.pk}/steps", body), 422, "invalid")
        assert [p["field"] for p in error["problems"]] == [field]
    assert _steps(case) == ["listed"]


def test_an_introducer_whose_kind_and_member_disagree_is_a_422_naming_its_row(
    world: World, registry: Registry
) -> None:
    case = _open(world, registry)
    client = api_client(world.bithu)
    member = registry.members[0].pk
    for introducers, row in (
        ([{"kind": "member", "member_id": member}, {"kind": "member"}], 1),
        ([{"kind": "youth_union", "member_id": member}], 0),
    ):
        body = {"step": "introductions", "on": "2024-02-01", "introducers": introducers}
        error = error_of(post_json(client, f"/api/v1/cases/{case.pk}/steps", body), 422, "invalid")
        (problem,) = error["problems"]
        assert (problem["field"], problem["row"]) == ("introducers.member_id", row)
        assert "member_id" in problem["message"]["vi"]
    assert _steps(case) == ["listed"]


def test_a_helper_outside_the_users_scope_is_a_404(world: World, registry: Registry) -> None:
    case = _open(world, registry)
    body = {"step": "helper", "on": "2024-02-01", "helper_id": registry.outsider.pk}
    response = post_json(api_client(world.bithu), f"/api/v1/cases/{case.pk}/steps", body)
    error_of(response, 404, "not_found")
    assert _steps(case) == ["listed"]


def test_a_retried_step_is_recorded_once(world: World, registry: Registry) -> None:
    case = _open(world, registry)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.bithu)}")
    url = f"/api/v1/cases/{case.pk}/steps"
    body = {"step": "helper", "on": "2024-02-01", "helper_id": registry.members[0].pk}
    key = {"HTTP_IDEMPOTENCY_KEY": "buoc-giup-do-1"}
    first = post_json(client, url, body, **key)
    again = post_json(client, url, body, **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert _steps(case) == ["listed", "helper"]
    # Without the key the service still refuses the repeat: no second event either.
    error_of(post_json(client, url, body), 422, "refused")
    # The same key for another request is refused.
    other = {**body, "note": "khác"}
    error_of(post_json(client, url, other, **key), 409, "idempotency_mismatch")
    assert CaseEvent.objects.filter(case=case).count() == 2


def test_a_refused_write_keeps_nothing_under_its_key(world: World, registry: Registry) -> None:
    case = _open(world, registry)
    client = api_client(world.bithu)
    url = f"/api/v1/cases/{case.pk}/steps"
    key = {"HTTP_IDEMPOTENCY_KEY": "buoc-2"}
    refused = {"step": "application", "on": "2024-02-01"}  # not the next step
    error_of(post_json(client, url, refused, **key), 422, "refused")
    assert not IdempotentWrite.objects.exists()
    # Corrected and sent again with the same key: recorded, not a key mismatch.
    corrected = {"step": "helper", "on": "2024-02-01", "helper_id": registry.members[0].pk}
    assert post_json(client, url, corrected, **key).status_code == 201
    assert _steps(case) == ["listed", "helper"]
    assert IdempotentWrite.objects.get().key == "buoc-2"


def test_a_case_shows_its_events_and_what_blocks_its_next_step(
    world: World, registry: Registry
) -> None:
    case = _at_helper(world, registry)
    body = api_client(world.bithu).get(f"/api/v1/cases/{case.pk}").json()
    assert [e["step"] for e in body["events"]] == ["listed", "helper"]
    nxt = {s["step"]: s for s in body["next_steps"]}
    assert list(nxt) == ["awareness_class", "withdrawn", "not_admitted"]
    assert nxt["awareness_class"]["allowed"] is True
    assert nxt["not_admitted"]["allowed"] is False  # approvers decide
    (blocker,) = nxt["awareness_class"]["blockers"]
    assert blocker["rule"]["code"] == "training.awareness_certificate_months"
    assert set(blocker["message"]) == {"vi", "en"}


def test_cases_are_listed_newest_first_scoped_and_filtered(
    world: World, registry: Registry, django_assert_max_num_queries: Any
) -> None:
    first = _open(world, registry)
    second = case_open(
        acting_user=world.xa,
        person=make_person(world.cell_2, "Võ Văn Cường", status="candidate"),
        source="other",
        on=date(2024, 3, 1),
    )
    client = api_client(world.xa)
    with django_assert_max_num_queries(8):
        page = client.get("/api/v1/cases", {"limit": 1}).json()
    assert [c["id"] for c in page["items"]] == [second.pk]
    rest = client.get("/api/v1/cases", {"limit": 1, "cursor": page["next"]}).json()
    assert ([c["id"] for c in rest["items"]], rest["next"]) == ([first.pk], None)
    assert [c["id"] for c in client.get("/api/v1/cases", {"q": "thu ha"}).json()["items"]] == [
        first.pk
    ]
    assert client.get("/api/v1/cases", {"stage": "helper"}).json()["items"] == []
    by_cell = client.get("/api/v1/cases", {"unit": world.cell_2.pk}).json()["items"]
    assert [c["id"] for c in by_cell] == [second.pk]
    # The cell secretary of khu phố 1 does not see khu phố 2's case; the outsider sees none.
    assert [c["id"] for c in api_client(world.bithu).get("/api/v1/cases").json()["items"]] == [
        first.pk
    ]
    assert api_client(world.ngoai).get("/api/v1/cases").json()["items"] == []
    error_of(api_client(world.ngoai).get(f"/api/v1/cases/{first.pk}"), 404, "not_found")


def test_a_write_whose_key_was_taken_meanwhile_is_rolled_back(
    world: World, registry: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another request with the same key committed between this one's lookup and its end.
    def taken(**kwargs: Any) -> None:
        raise IntegrityError("idempotency_key_once_per_token")

    monkeypatch.setattr(IdempotentWrite.objects, "create", taken)
    case = _open(world, registry)
    body = {"step": "helper", "on": "2024-02-01", "helper_id": registry.members[0].pk}
    response = post_json(
        api_client(world.bithu),
        f"/api/v1/cases/{case.pk}/steps",
        body,
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    error_of(response, 409, "idempotency_in_progress")
    assert _steps(case) == ["listed"]
