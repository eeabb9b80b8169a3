"""A NUL character ("\\u0000") anywhere in a request — a string of the body, a key, the query
or the path — is refused before any endpoint runs: 400 in the one error shape, each field
named, nothing written. PostgreSQL's text cannot hold NUL, so these tests matter most on it;
every write operation of the schema and every string field of its body is covered (a new
one fails the first test until a body here carries it)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client

from dangvien.accounts.models import AuditEvent
from dangvien.admission.models import Case, CaseEvent, Introducer
from dangvien.admission.services import case_open
from dangvien.api.models import IdempotentWrite
from dangvien.people.models import Status
from dangvien.targets.models import Target
from dangvien.training.models import Enrolment, TrainingClass
from tests.api.conftest import Registry
from tests.api.helpers import api_client, error_of, post_json
from tests.conftest import World
from tests.people.factories import make_person
from tests.training.factories import make_class

pytestmark = pytest.mark.django_db

WRITE_METHODS = ("post", "put", "patch", "delete")
NUL_WORDS = "ký tự NUL"

# A write, as the tests send it: method, path and body (valid without a NUL, unless the
# operation's other fields need another state of the case: then only for its fields).
Write = tuple[str, str, dict[str, Any]]


def _writes(world: World, registry: Registry) -> dict[str, list[Write]]:
    case = case_open(
        acting_user=world.bithu,
        person=registry.candidate,
        source="youth_union",
        on=date(2024, 1, 15),
    )
    steps = f"/api/v1/cases/{case.pk}/steps"
    correction = f"/api/v1/cases/{case.pk}/events/{case.events.get().pk}/corrections"
    another = make_person(world.cell_2, "Trần Thị Mai", status=Status.CANDIDATE)
    training_class = f"/api/v1/classes/{make_class(world.an_my).pk}"
    return {
        "case_create": [
            (
                "post",
                "/api/v1/cases",
                {"person_id": another.pk, "source": "other", "on": "2024-01-15"},
            )
        ],
        "case_step": [
            (
                "post",
                steps,
                {
                    "step": "helper",
                    "on": "2024-02-01",
                    "expected_stage": "listed",
                    "helper_id": registry.members[1].pk,
                    "document_number": "01-QĐ/CB",
                    "signed_by": "Bí thư chi bộ",
                    "note": "Phân công giúp đỡ",
                },
            ),
            (
                "post",
                steps,
                {
                    "step": "introduction",
                    "on": "2024-06-01",
                    "override_document": "02-CV/ĐU",
                    "certificate_number": "123/GCN",
                    "certificate_date": "2024-03-01",
                    "introducers": [
                        {
                            "kind": "member",
                            "member_id": registry.members[2].pk,
                            "together_since": "2023-01-01",
                            "document": "03-NQ/ĐTN",
                        }
                    ],
                },
            ),
        ],
        "case_event_correct": [
            (
                "post",
                correction,
                {
                    "reason": "Ghi nhầm ngày",
                    "on": "2024-01-16",
                    "document_number": "01-QĐ/CB",
                    "signed_by": "Bí thư chi bộ",
                    "note": "Đính chính",
                },
            )
        ],
        "class_create": [
            (
                "post",
                "/api/v1/classes",
                {
                    "organiser_id": world.an_my.pk,
                    "kind": "awareness",
                    "name": "Lớp nhận thức khóa II",
                    "place": "Hội trường",
                    "start": "2024-03-04",
                    "end": "2024-03-08",
                    "note": "Lớp buổi tối",
                },
            )
        ],
        "class_enrol": [
            ("post", f"{training_class}/enrolments", {"person_ids": [registry.candidate.pk]})
        ],
        "class_results": [
            (
                "put",
                f"{training_class}/results",
                {
                    "results": [
                        {
                            "person_id": registry.candidate.pk,
                            "result": "passed",
                            "certificate_number": "GCN-1",
                            "certificate_date": "2020-03-13",
                        }
                    ]
                },
            )
        ],
        # A file upload: its form holds no text but the file, whose bytes are not text.
        "people_import": [],
        "target_put": [
            (
                "put",
                f"/api/v1/targets/{world.cell_1.pk}/2025",
                {
                    "admissions": 3,
                    "document": "05-NQ/ĐU",
                    "assigned_on": "2025-01-10",
                    "note": "Giao đầu năm",
                },
            )
        ],
    }


def _send(client: Client, method: str, path: str, body: Any, **headers: Any) -> Any:
    send: Callable[..., Any] = getattr(client, method)
    return send(path, body, content_type="application/json", **headers)


def _written() -> tuple[int, ...]:
    return (
        Case.objects.count(),
        CaseEvent.objects.count(),
        Introducer.objects.count(),
        Target.objects.count(),
        TrainingClass.objects.count(),
        Enrolment.objects.count(),
        AuditEvent.objects.count(),
        IdempotentWrite.objects.count(),
    )


def _strings(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The path of every string in a body."""
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _with_nul(body: dict[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    changed = copy.deepcopy(body)
    holder: Any = changed
    for part in path[:-1]:
        holder = holder[part]
    holder[path[-1]] = holder[path[-1]][:2] + "\x00" + holder[path[-1]][2:]
    return changed


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path if not isinstance(part, int))


def _schema_strings(schema: dict[str, Any], node: dict[str, Any], prefix: str) -> set[str]:
    """The dotted names of the string fields (text, dates, choices) a request body holds."""
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        return _schema_strings(schema, schema["components"]["schemas"][name], prefix)
    found: set[str] = set()
    for option in node.get("anyOf", []):
        found |= _schema_strings(schema, option, prefix)
    if node.get("type") == "string":
        found.add(prefix)
    if node.get("type") == "array":
        found |= _schema_strings(schema, node["items"], prefix)
    for key, child in node.get("properties", {}).items():
        found |= _schema_strings(schema, child, f"{prefix}.{key}" if prefix else key)
    return found


def test_the_bodies_here_carry_every_string_field_of_every_write_operation(
    world: World, registry: Registry
) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    writes = _writes(world, registry)
    operations = {
        op["operationId"]: op
        for item in schema["paths"].values()
        for method, op in item.items()
        if method in WRITE_METHODS
    }
    assert set(operations) == set(writes)
    for name, op in operations.items():
        content = op["requestBody"]["content"]
        if "application/json" not in content:
            form = content["multipart/form-data"]["schema"]["properties"]
            texts = {k for k, v in form.items() if v["type"] == "string"}
            assert texts == {k for k, v in form.items() if v.get("format") == "binary"}, name
            assert writes[name] == [], name
            continue
        body_schema = content["application/json"]["schema"]
        carried = {_dotted(path) for _m, _p, body in writes[name] for path in _strings(body)}
        assert _schema_strings(schema, body_schema, "") == carried, name


def test_a_nul_in_any_string_field_of_any_write_is_a_400_naming_it_and_writes_nothing(
    world: World, registry: Registry
) -> None:
    client = api_client(world.xa)
    every = _writes(world, registry)
    before = _written()
    sent = 0
    for writes in every.values():
        for method, path, body in writes:
            for where in _strings(body):
                key = f"nul-{sent}"
                response = _send(
                    client, method, path, _with_nul(body, where), HTTP_IDEMPOTENCY_KEY=key
                )
                error = error_of(response, 400, "bad_request")
                row = next((part for part in where if isinstance(part, int)), None)
                assert [(p["field"], p["row"]) for p in error["problems"]] == [
                    (_dotted(where), row)
                ]
                assert NUL_WORDS in error["problems"][0]["message"]["vi"]
                sent += 1
    assert sent >= 31
    # Not a case, a step, an introducer, a target, a class, an enrolment, an audit event or a
    # kept answer more.
    assert _written() == before


def test_the_same_writes_without_the_nul_are_written(world: World, registry: Registry) -> None:
    """The refusals above stopped writes that would have been made."""
    client = api_client(world.xa)
    writes = _writes(world, registry)
    for name in ("case_create", "target_put"):
        method, path, body = writes[name][0]
        assert _send(client, method, path, body).status_code in (200, 201), name
    method, path, body = writes["case_step"][0]
    response = _send(api_client(world.bithu), method, path, body)
    assert response.status_code == 201, response.content
    assert Target.objects.count() == 1
    assert CaseEvent.objects.filter(step="helper").count() == 1


def test_every_field_holding_a_nul_is_named_and_a_key_with_one_too(
    world: World, registry: Registry
) -> None:
    case = case_open(
        acting_user=world.bithu,
        person=registry.candidate,
        source="youth_union",
        on=date(2024, 1, 15),
    )
    body = {
        "step": "helper",
        "on": "2024-02-01",
        "note": "ghi\x00chú",
        "signed_by": "\x00",
        "introducers": [{"kind": "member"}, {"kind": "member", "document": "a\x00"}],
        "ghi\x00chú": "x",
    }
    response = post_json(api_client(world.bithu), f"/api/v1/cases/{case.pk}/steps", body)
    error = error_of(response, 400, "bad_request")
    assert [(p["field"], p["row"]) for p in error["problems"]] == [
        ("note", None),
        ("signed_by", None),
        ("introducers.document", 1),
        ("ghi\\u0000chú", None),
    ]
    assert error["message"]["vi"] == "Yêu cầu không hợp lệ."
    assert CaseEvent.objects.filter(case=case).count() == 1


def test_a_nul_in_the_path_or_the_query_is_a_400_naming_it(world: World) -> None:
    client = api_client(world.xa)
    error = error_of(
        _send(client, "put", f"/api/v1/targets/{world.cell_1.pk}/2025\x00", {"admissions": 3}),
        400,
        "bad_request",
    )
    assert [p["field"] for p in error["problems"]] == ["period"]
    error = error_of(client.get("/api/v1/units", {"q": "a\x00b"}), 400, "bad_request")
    assert [p["field"] for p in error["problems"]] == ["q"]
    error = error_of(client.get("/api/v1/people", {"cursor": "\x00"}), 400, "bad_request")
    assert [p["field"] for p in error["problems"]] == ["cursor"]
    assert not Target.objects.exists()
