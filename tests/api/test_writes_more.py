"""The API's writes beyond cases, steps and targets: correcting a recorded step, opening a
class, enrolling people and recording their results, importing a workbook. Each goes
through the pages' service (its role, its checks, its audit event), answers a refusal in
the one error shape, hides another subtree (404), takes a token only, and is safe to retry
with an Idempotency-Key."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dangvien.accounts.models import AuditEvent, Role
from dangvien.accounts.services import user_create
from dangvien.admission.models import Case, CaseEvent, Step
from dangvien.admission.services import case_open, case_record_step
from dangvien.api.endpoints import imports
from dangvien.people.models import Person, Status
from dangvien.training.models import Enrolment, Result, TrainingClass
from tests.api.conftest import Registry
from tests.api.helpers import api_client, error_of, post_json, put_json, token_for
from tests.conftest import PASSWORD, World, logged_in
from tests.people.factories import make_people, make_person
from tests.people.test_import import row, workbook
from tests.training.factories import make_class

pytestmark = pytest.mark.django_db


def _viewer(world: World) -> User:
    """A user who may read An Mỹ's subtree and write nothing in it."""
    return user_create(
        acting_user=None,
        username="xem",
        full_name="Người chỉ xem",
        password=PASSWORD,
        unit=world.an_my,
        role=Role.VIEWER,
        check_password=False,
    )


def _keyed(user: User) -> Client:
    """A client keeping one token, so that its Idempotency-Keys are the same token's."""
    return Client(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")


# --- correcting a recorded step -----------------------------------------------------------


def _at_helper(world: World, registry: Registry) -> tuple[Case, CaseEvent]:
    case = case_open(
        acting_user=world.bithu,
        person=registry.candidate,
        source="youth_union",
        on=date(2024, 1, 15),
    )
    event = case_record_step(
        acting_user=world.bithu,
        case=case,
        step=Step.HELPER,
        on=date(2024, 2, 1),
        document_number="01-QĐ/CB",
        helper=registry.members[0],
    )
    return case, event


def _correction_url(case: Case, event: CaseEvent) -> str:
    return f"/api/v1/cases/{case.pk}/events/{event.pk}/corrections"


def test_an_approver_corrects_a_step_with_a_new_event_pointing_at_it(
    world: World, registry: Registry
) -> None:
    case, event = _at_helper(world, registry)
    body = {
        "reason": "Ghi nhầm ngày quyết định (biên bản ngày 05/02/2024)",
        "on": "2024-02-02",
        "signed_by": "Bí thư chi bộ",
        "note": "Quyết định ký ngày 02/02/2024",
    }
    response = post_json(api_client(world.xa), _correction_url(case, event), body)
    assert response.status_code == 201, response.content
    answer = response.json()
    new = answer["event"]
    assert (new["corrects_id"], new["step"]) == (event.pk, "helper")
    assert (new["on"], new["signed_by"], new["note"]) == (
        body["on"],
        body["signed_by"],
        body["note"],
    )
    # What was not sent is kept from the corrected event.
    assert new["document_number"] == "01-QĐ/CB"
    assert new["data"]["correction_reason"] == body["reason"]
    assert answer["case"]["stage"] == "helper"
    event.refresh_from_db()
    assert event.on == date(2024, 2, 1)  # the party file is never edited in place
    audit = AuditEvent.objects.get(action="case.correct")
    assert (audit.actor, audit.request_path) == (world.xa, _correction_url(case, event))
    # The case now shows the old event as corrected.
    detail = api_client(world.xa).get(f"/api/v1/cases/{case.pk}").json()
    assert {e["id"]: e["corrected"] for e in detail["events"]}[event.pk] is True


def test_a_corrected_step_is_not_corrected_again(world: World, registry: Registry) -> None:
    case, event = _at_helper(world, registry)
    client = api_client(world.xa)
    body = {"reason": "Sai số văn bản", "document_number": "02"}
    assert post_json(client, _correction_url(case, event), body).status_code == 201
    error = error_of(post_json(client, _correction_url(case, event), body), 422, "refused")
    (problem,) = error["problems"]
    assert problem["field"] == "event"
    assert problem["message"] == {
        "vi": "Bước này đã được đính chính; hãy đính chính bản mới nhất.",
        "en": "This step has already been corrected; correct the latest version.",
    }
    assert error["rule"] is None  # a rule of the party file, not of the rulebook
    assert CaseEvent.objects.filter(corrects=event).count() == 1


def test_a_correction_needs_its_reason(world: World, registry: Registry) -> None:
    case, event = _at_helper(world, registry)
    client = api_client(world.xa)
    error = error_of(
        post_json(client, _correction_url(case, event), {"reason": " "}), 422, "refused"
    )
    assert [p["field"] for p in error["problems"]] == ["reason"]
    assert error["problems"][0]["message"]["en"] == "Give the reason and basis of the correction."
    error = error_of(post_json(client, _correction_url(case, event), {"note": "x"}), 422, "invalid")
    assert [p["field"] for p in error["problems"]] == ["reason"]
    assert not CaseEvent.objects.filter(corrects__isnull=False).exists()


def test_an_editor_may_not_correct_a_step(world: World, registry: Registry) -> None:
    case, event = _at_helper(world, registry)
    response = post_json(api_client(world.bithu), _correction_url(case, event), {"reason": "x"})
    error = error_of(response, 403, "forbidden")
    assert error["message"]["vi"].startswith("Bạn không có quyền Phê duyệt")
    assert error["message"]["en"].startswith("You do not hold the role ")
    assert not CaseEvent.objects.filter(corrects__isnull=False).exists()


def test_a_correction_outside_the_subtree_or_of_another_case_is_a_404(
    world: World, registry: Registry
) -> None:
    case, event = _at_helper(world, registry)
    body = {"reason": "x"}
    error_of(
        post_json(api_client(world.ngoai), _correction_url(case, event), body), 404, "not_found"
    )
    other = case_open(
        acting_user=world.xa,
        person=make_person(world.cell_2, "Võ Văn Cường", status=Status.CANDIDATE),
        source="other",
        on=date(2024, 1, 20),
    )
    foreign_event = other.events.get()
    url = f"/api/v1/cases/{case.pk}/events/{foreign_event.pk}/corrections"
    error_of(post_json(api_client(world.xa), url, body), 404, "not_found")
    assert not CaseEvent.objects.filter(corrects__isnull=False).exists()


def test_a_retried_correction_is_recorded_once(world: World, registry: Registry) -> None:
    case, event = _at_helper(world, registry)
    client = _keyed(world.xa)
    body = {"reason": "Sai số văn bản", "document_number": "02"}
    key = {"HTTP_IDEMPOTENCY_KEY": "dinh-chinh-1"}
    first = post_json(client, _correction_url(case, event), body, **key)
    again = post_json(client, _correction_url(case, event), body, **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert CaseEvent.objects.filter(corrects=event).count() == 1
    other = {**body, "document_number": "03"}
    error_of(
        post_json(client, _correction_url(case, event), other, **key), 409, "idempotency_mismatch"
    )


# --- classes ------------------------------------------------------------------------------


CLASS = {
    "kind": "awareness",
    "name": "Lớp nhận thức khóa III",
    "place": "Hội trường phường",
    "start": "2024-03-04",
    "end": "2024-03-08",
    "note": "Lớp buổi tối",
}


def test_a_class_is_opened_through_the_service(world: World) -> None:
    response = post_json(
        api_client(world.xa), "/api/v1/classes", {**CLASS, "organiser_id": world.an_my.pk}
    )
    assert response.status_code == 201, response.content
    opened = response.json()
    assert (opened["name"], opened["organiser"]["code"], opened["enrolled"]) == (
        "Lớp nhận thức khóa III",
        "QN.TK.AM",
        0,
    )
    training_class = TrainingClass.objects.get()
    assert opened["id"] == training_class.pk
    assert (training_class.place, training_class.note) == ("Hội trường phường", "Lớp buổi tối")
    audit = AuditEvent.objects.get(action="training.class_create")
    assert (audit.actor, audit.request_path) == (world.xa, "/api/v1/classes")


def test_a_class_refused_by_the_service_names_each_problem(world: World) -> None:
    body = {**CLASS, "organiser_id": world.cell_1.pk, "end": "2024-03-01"}
    error = error_of(post_json(api_client(world.xa), "/api/v1/classes", body), 422, "refused")
    assert [p["field"] for p in error["problems"]] == ["organiser", "end"]
    assert error["problems"][0]["message"]["vi"].startswith("Lớp bồi dưỡng do cấp ủy cơ sở")
    assert not TrainingClass.objects.exists()


def test_a_class_of_another_subtree_is_a_404_and_a_viewer_is_a_403(world: World) -> None:
    body = {**CLASS, "organiser_id": world.an_my.pk}
    error_of(post_json(api_client(world.ngoai), "/api/v1/classes", body), 404, "not_found")
    error = error_of(
        post_json(api_client(_viewer(world)), "/api/v1/classes", body), 403, "forbidden"
    )
    assert error["message"]["vi"].startswith("Bạn không có quyền Nhập liệu")
    assert not TrainingClass.objects.exists()


def test_people_are_enrolled_through_the_service(world: World, registry: Registry) -> None:
    training_class = make_class(world.an_my)
    url = f"/api/v1/classes/{training_class.pk}/enrolments"
    client = api_client(world.xa)
    # A person named twice is enrolled once.
    response = post_json(client, url, {"person_ids": [registry.candidate.pk] * 2})
    assert response.status_code == 201, response.content
    enrolled = response.json()["enrolments"]
    assert [(e["person"]["full_name"], e["result"]) for e in enrolled] == [
        ("Nguyễn Thị Thu Hà", "pending")
    ]
    audit = AuditEvent.objects.get(action="training.enrol")
    assert audit.request_path == url
    # Enrolling the same person again changes nothing (the service skips them).
    assert post_json(client, url, {"person_ids": [registry.candidate.pk]}).status_code == 201
    assert Enrolment.objects.count() == 1


def test_an_enrolment_the_service_refuses_enrols_nobody(world: World, registry: Registry) -> None:
    training_class = make_class(world.an_my)
    url = f"/api/v1/classes/{training_class.pk}/enrolments"
    body = {"person_ids": [registry.candidate.pk, registry.members[0].pk]}
    error = error_of(post_json(api_client(world.xa), url, body), 422, "refused")
    (problem,) = error["problems"]
    assert problem["field"] == "people"
    assert problem["message"]["vi"].startswith("Đảng viên Số 1: Lớp bồi dưỡng nhận thức về Đảng")
    assert "is only for" in problem["message"]["en"]
    assert not Enrolment.objects.exists()


def test_enrolling_outside_the_subtree_is_a_404(world: World, registry: Registry) -> None:
    training_class = make_class(world.an_my)
    url = f"/api/v1/classes/{training_class.pk}/enrolments"
    # A person of another subtree, in a class in scope.
    body = {"person_ids": [registry.candidate.pk, registry.outsider.pk]}
    error_of(post_json(api_client(world.xa), url, body), 404, "not_found")
    # A class of another subtree.
    outsider = api_client(world.ngoai)
    error_of(post_json(outsider, url, {"person_ids": [registry.outsider.pk]}), 404, "not_found")
    assert not Enrolment.objects.exists()


def test_a_cell_secretary_reads_the_communes_class_but_may_not_write_to_it(
    world: World, registry: Registry
) -> None:
    training_class = _enrolled_class(world, registry)
    url = f"/api/v1/classes/{training_class.pk}"
    client = api_client(world.bithu)
    assert [e["person"]["id"] for e in client.get(url).json()["enrolments"]] == [
        registry.candidate.pk
    ]
    spare = make_person(world.cell_1, "Đỗ Thị Hoa", status=Status.CANDIDATE)
    error = error_of(
        post_json(client, f"{url}/enrolments", {"person_ids": [spare.pk]}), 403, "forbidden"
    )
    assert error["message"]["vi"].startswith("Bạn không có quyền Nhập liệu")
    body = {"results": [{**PASSED, "person_id": registry.candidate.pk}]}
    error_of(put_json(client, f"{url}/results", body), 403, "forbidden")
    assert Enrolment.objects.get().result == Result.PENDING


def _enrolled_class(world: World, registry: Registry) -> TrainingClass:
    training_class = make_class(world.an_my)
    post_json(
        api_client(world.xa),
        f"/api/v1/classes/{training_class.pk}/enrolments",
        {"person_ids": [registry.candidate.pk]},
    )
    return training_class


PASSED = {
    "person_id": 0,
    "attended": True,
    "result": "passed",
    "certificate_number": "GCN-15",
    "certificate_date": "2020-03-13",
}


def test_results_and_certificates_are_recorded_through_the_service(
    world: World, registry: Registry
) -> None:
    training_class = _enrolled_class(world, registry)
    url = f"/api/v1/classes/{training_class.pk}/results"
    body = {"results": [{**PASSED, "person_id": registry.candidate.pk}]}
    response = put_json(api_client(world.xa), url, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["passed"] == 1
    (enrolment,) = answer["enrolments"]
    assert (
        enrolment["attended"],
        enrolment["certificate_number"],
        enrolment["certificate_date"],
    ) == (True, "GCN-15", "2020-03-13")
    assert AuditEvent.objects.get(action="training.record_result").request_path == url
    # The same results again write nothing more; sent again under the same key, the first
    # answer comes back with its own status.
    client = _keyed(world.xa)
    key = {"HTTP_IDEMPOTENCY_KEY": "ket-qua-lop-1"}
    assert put_json(client, url, body, **key).status_code == 200
    again = put_json(client, url, body, **key)
    assert (again.status_code, again["Idempotent-Replayed"]) == (200, "true")
    assert again.json() == answer
    assert AuditEvent.objects.filter(action="training.record_result").count() == 1


def test_results_the_service_refuses_record_nothing(world: World, registry: Registry) -> None:
    training_class = _enrolled_class(world, registry)
    url = f"/api/v1/classes/{training_class.pk}/results"
    passed = {"person_id": registry.candidate.pk, "attended": True, "result": "passed"}
    error = error_of(put_json(api_client(world.xa), url, {"results": [passed]}), 422, "refused")
    assert [p["field"] for p in error["problems"]] == ["certificate_number", "certificate_date"]
    assert error["problems"][0]["message"]["en"] == (
        "Nguyễn Thị Thu Hà: completing the class requires a certificate number."
    )
    # Someone who is not in the class is named by their row.
    stranger = {**PASSED, "person_id": registry.members[0].pk}
    body = {"results": [{**PASSED, "person_id": registry.candidate.pk}, stranger]}
    error = error_of(put_json(api_client(world.xa), url, body), 422, "invalid")
    (problem,) = error["problems"]
    assert (problem["field"], problem["row"]) == ("results.person_id", 1)
    # So is the same student sent twice (which of the two rows would count is not guessed).
    twice = {"results": [{**PASSED, "person_id": registry.candidate.pk}, passed]}
    error = error_of(put_json(api_client(world.xa), url, twice), 422, "invalid")
    (problem,) = error["problems"]
    assert (problem["field"], problem["row"]) == ("results.person_id", 1)
    assert problem["message"]["vi"] == "Học viên này đã có ở dòng trước."
    assert Enrolment.objects.get().result == Result.PENDING


def test_results_of_a_class_outside_the_subtree_are_a_404(world: World, registry: Registry) -> None:
    training_class = _enrolled_class(world, registry)
    url = f"/api/v1/classes/{training_class.pk}/results"
    body = {"results": [{**PASSED, "person_id": registry.candidate.pk}]}
    error_of(put_json(api_client(world.ngoai), url, body), 404, "not_found")
    assert Enrolment.objects.get().result == Result.PENDING


def test_a_retried_class_is_opened_once(world: World) -> None:
    client = _keyed(world.xa)
    body = {**CLASS, "organiser_id": world.an_my.pk}
    key = {"HTTP_IDEMPOTENCY_KEY": "lop-khoa-3"}
    first = post_json(client, "/api/v1/classes", body, **key)
    again = post_json(client, "/api/v1/classes", body, **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert TrainingClass.objects.count() == 1
    other = {**body, "name": "Lớp khác"}
    error_of(post_json(client, "/api/v1/classes", other, **key), 409, "idempotency_mismatch")


def test_a_viewer_token_and_a_browser_session_write_nothing(
    world: World, registry: Registry
) -> None:
    case, event = _at_helper(world, registry)
    training_class = _enrolled_class(world, registry)
    writes: list[tuple[str, str, dict[str, Any]]] = [
        ("post", _correction_url(case, event), {"reason": "x"}),
        ("post", f"/api/v1/classes/{training_class.pk}/enrolments",
         {"person_ids": [registry.candidate.pk]}),
        ("put", f"/api/v1/classes/{training_class.pk}/results",
         {"results": [{**PASSED, "person_id": registry.candidate.pk}]}),
    ]  # fmt: skip
    viewer = api_client(_viewer(world))
    session = logged_in("xa")  # an administrator, signed in: reads only
    for method, url, body in writes:
        response = getattr(viewer, method)(url, body, content_type="application/json")
        error_of(response, 403, "forbidden")
        response = getattr(session, method)(url, body, content_type="application/json")
        error_of(response, 401, "unauthorized")
    assert not CaseEvent.objects.filter(corrects__isnull=False).exists()
    assert Enrolment.objects.get().result == Result.PENDING


# --- importing a workbook -----------------------------------------------------------------


def _upload(
    client: Client, content: bytes, unit: int, kind: str = "members", **headers: Any
) -> Any:
    upload = SimpleUploadedFile("chi-bo.xlsx", content)
    return client.post(f"/api/v1/imports/{kind}", {"unit": unit, "file": upload}, **headers)


def test_a_members_workbook_is_imported_whole_with_the_ids_of_its_people(world: World) -> None:
    content = workbook([row("Lê Văn An", "049090000001"), row("Trần Thị Bình", "049090000002")])
    response = _upload(api_client(world.bithu), content, world.cell_1.pk)
    assert response.status_code == 201, response.content
    answer = response.json()
    assert (answer["kind"], answer["unit"]["code"], answer["created"]) == (
        "members",
        "QN.TK.AM.1",
        2,
    )
    people = Person.objects.in_bulk(answer["person_ids"])
    assert [people[pk].full_name for pk in answer["person_ids"]] == ["Lê Văn An", "Trần Thị Bình"]
    assert {p.status for p in people.values()} == {"official"}
    events = AuditEvent.objects.filter(action="person.create")
    assert {e.request_path for e in events} == {"/api/v1/imports/members"}
    assert events.count() == 2


def test_a_candidates_workbook_is_imported_as_candidates(world: World) -> None:
    headers = ["Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Mã chi bộ"]
    content = workbook([["Võ Thị Cúc", "02/09/2001", "Nữ", "Kinh", "QN.TK.AM.2"]], headers)
    response = _upload(api_client(world.xa), content, world.an_my.pk, "candidates")
    assert response.status_code == 201, response.content
    (pk,) = response.json()["person_ids"]
    person = Person.objects.get(pk=pk)
    assert (person.status, person.unit) == ("candidate", world.cell_2)


def test_a_bad_workbook_writes_nothing_and_names_each_row_field_and_rule(world: World) -> None:
    client = api_client(world.bithu)
    before = (Person.objects.count(), AuditEvent.objects.count())
    content = workbook(
        [
            row("Lê Văn An", "049090000001"),
            row("Trần Thị Bình", "12345"),  # Excel row 3: too few digits
            row("Phan Văn Chung", "049090000003", **{"Mã chi bộ": "QN.TK.AM.9"}),  # row 4
        ]
    )
    error = error_of(_upload(client, content, world.cell_1.pk), 422, "refused")
    by_row = {p["row"]: p for p in error["problems"]}
    assert sorted(by_row) == [3, 4]
    assert by_row[3]["field"] == "citizen_id"
    assert by_row[3]["rule"]["code"] == "person.citizen_id_digits"
    assert by_row[3]["message"]["vi"].startswith("Số CCCD phải gồm đúng 12 chữ số")
    assert by_row[3]["message"]["en"].startswith("The citizen ID must have exactly 12 digits")
    assert by_row[4]["field"] == "unit"
    assert by_row[4]["rule"] is None
    assert by_row[4]["message"]["en"].startswith("There is no cell with the code “QN.TK.AM.9”")
    assert error["rule"] == by_row[3]["rule"]
    assert (Person.objects.count(), AuditEvent.objects.count()) == before


def test_a_file_that_is_not_a_safe_workbook_is_refused_as_a_whole(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = api_client(world.bithu)
    error = error_of(_upload(client, b"Ho va ten;Ngay sinh\n", world.cell_1.pk), 422, "refused")
    (problem,) = error["problems"]
    assert (problem["field"], problem["row"]) == ("file", None)
    assert problem["message"]["en"].startswith("The file is not an Excel spreadsheet (.xlsx)")
    # Over the API's row limit: the page takes such files.
    monkeypatch.setattr(imports, "MAX_ROWS", 1)
    rows = [row("Lê Văn An", "049090000001"), row("Trần Thị Bình", "049090000002")]
    error = error_of(_upload(client, workbook(rows), world.cell_1.pk), 422, "refused")
    assert "vượt giới hạn 1 dòng" in error["problems"][0]["message"]["vi"]
    # Over the size limit: refused before it is read.
    monkeypatch.setattr(imports, "MAX_UPLOAD_BYTES", 100)
    error = error_of(_upload(client, workbook(rows), world.cell_1.pk), 422, "refused")
    assert error["problems"][0]["message"]["vi"].startswith("Tệp quá lớn")
    assert not Person.objects.exists()


def test_importing_into_another_subtree_is_a_404_and_by_a_viewer_a_403(world: World) -> None:
    content = workbook([row("Lê Văn An", "049090000001")])
    error_of(_upload(api_client(world.ngoai), content, world.cell_1.pk), 404, "not_found")
    error_of(_upload(api_client(world.bithu), content, world.cell_2.pk), 404, "not_found")
    error = error_of(
        _upload(api_client(_viewer(world)), content, world.cell_1.pk), 403, "forbidden"
    )
    assert error["message"]["vi"].startswith("Bạn không có quyền Nhập liệu")
    error_of(_upload(logged_in("bithu"), content, world.cell_1.pk), 401, "unauthorized")
    assert not Person.objects.exists()


def test_a_retried_import_is_written_once(world: World) -> None:
    client = _keyed(world.bithu)
    content = workbook([row("Lê Văn An", "049090000001")])
    key = {"HTTP_IDEMPOTENCY_KEY": "nhap-chi-bo-1-2024"}
    first = _upload(client, content, world.cell_1.pk, **key)
    again = _upload(client, content, world.cell_1.pk, **key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Person.objects.count() == 1
    other = workbook([row("Trần Thị Bình", "049090000002")])
    error_of(_upload(client, other, world.cell_1.pk, **key), 409, "idempotency_mismatch")
    # Without the key the importer refuses the same people again: nothing twice.
    error_of(_upload(client, content, world.cell_1.pk), 422, "refused")
    assert Person.objects.count() == 1


def _queries(client: Client, method: str, url: str, body: dict[str, Any]) -> int:
    """The request's queries, less the token's (its rate window opens with a second UPDATE
    in a new minute) and the content types' (cached after the first)."""
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, body, content_type="application/json")
    assert response.status_code in (200, 201), response.content
    ignored = ('"api_apitoken"', '"django_content_type"')
    return sum(1 for q in queries.captured_queries if not any(t in q["sql"] for t in ignored))


def test_enrolling_and_recording_many_people_costs_what_one_costs(world: World) -> None:
    people = make_people(
        world.cell_1, [f"Quần Chúng Số {n}" for n in range(1, 21)], status=Status.CANDIDATE
    )
    client = api_client(world.xa)
    counts = []
    for group in (people[:1], people):
        training_class = make_class(world.an_my)
        url = f"/api/v1/classes/{training_class.pk}"
        ids = [p.pk for p in group]
        enrol = _queries(client, "post", f"{url}/enrolments", {"person_ids": ids})
        rows = [{**PASSED, "person_id": pk, "certificate_number": f"GCN-{pk}"} for pk in ids]
        # Each changed row is one UPDATE and one audit event (the service's own writes).
        record = _queries(client, "put", f"{url}/results", {"results": rows}) - 2 * len(ids)
        counts.append((enrol, record))
    assert counts[0] == counts[1]


def test_a_nul_in_the_upload_form_is_a_400_naming_its_field(world: World) -> None:
    upload = SimpleUploadedFile("chi-bo.xlsx", workbook([row("Lê Văn An", "049090000001")]))
    response = api_client(world.bithu).post(
        "/api/v1/imports/members", {"unit": f"{world.cell_1.pk}\x00", "file": upload}
    )
    error = error_of(response, 400, "bad_request")
    assert [p["field"] for p in error["problems"]] == ["unit"]
    assert not Person.objects.exists()
