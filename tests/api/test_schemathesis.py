"""Schemathesis against the served schema, in-process (the WSGI application, no network):
no server error and no answer outside the schema, for every operation, reads and writes,
with a valid token — with generated ids (mostly 404s), on real objects of the user's
subtree, and with invalid input (negative generation: every refusal in the schema too)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dangvien.admission.services import case_open
from tests.api.conftest import Registry
from tests.api.helpers import token_for
from tests.conftest import World
from tests.training.factories import make_class

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]
# Examples per operation and pass: the whole test stays well under a minute on SQLite.
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}


def _run(
    operation: Any,
    headers: dict[str, str],
    path_parameters: dict[str, Any],
    seen: Counter[int],
    mode: GenerationMode = GenerationMode.POSITIVE,
) -> None:
    @hypothesis_settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(path_parameters=path_parameters or None, generation_mode=mode)
    )
    def check(case: Any) -> None:
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        seen[response.status_code] += 1

    check()


@pytest.fixture
def _keep_the_test_connection() -> Iterator[None]:
    """The WSGI application closes a connection that is not in autocommit at the end of each
    request, which on PostgreSQL would end the test's transaction; Django's own test client
    turns that off the same way while it runs a request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("_keep_the_test_connection")
def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(
    world: World, registry: Registry, settings: Any
) -> None:
    settings.API_RATE_PER_MINUTE = 100_000
    case = case_open(
        acting_user=world.xa, person=registry.candidate, source="youth_union", on=date(2024, 1, 15)
    )
    real = {
        "unit_id": world.cell_1.pk,
        "person_id": registry.members[0].pk,
        "case_id": case.pk,
        "class_id": make_class(world.an_my).pk,
        "name": "achievement",
        "period": "2025",
        "event_id": case.events.get().pk,
        "kind": "members",
    }
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {token_for(world.xa)}"}
    results = list(schema.get_all_operations())
    operations = [result.ok() for result in results if isinstance(result, Ok)]
    assert len(operations) == len(results)  # every operation of the schema loads
    assert len(operations) >= 21
    seen: Counter[int] = Counter()
    for operation in operations:
        _run(operation, headers, {}, seen)
        fixed = {p.name: real[p.name] for p in operation.path_parameters if p.name in real}
        if fixed:
            _run(operation, headers, fixed, seen)
        _run(operation, headers, {}, seen, GenerationMode.NEGATIVE)
    # The requests reached the endpoints: answers, refusals and not-founds alike.
    assert seen[200] > 50
    assert seen[404] > 10
    assert seen[422] > 10
