"""The OpenAPI schema kept in the repository is the one the API serves."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from dangvien.api.schema_file import schema_text

KEPT = settings.BASE_DIR / "docs" / "openapi.json"
REFRESH = "docs/openapi.json is out of date: run `dangvien api-schema > docs/openapi.json`"


@pytest.mark.django_db
def test_the_schema_in_the_repository_is_the_served_one() -> None:
    served = Client().get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served.json() == json.loads(KEPT.read_text(encoding="utf-8")), REFRESH
    assert schema_text() == KEPT.read_text(encoding="utf-8"), REFRESH


def test_the_command_prints_the_schema_file() -> None:
    out = StringIO()
    call_command("api_schema", stdout=out)
    assert out.getvalue() == KEPT.read_text(encoding="utf-8")


def test_every_operation_declares_its_errors_in_the_one_shape() -> None:
    schema = json.loads(KEPT.read_text(encoding="utf-8"))
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 21
    for operation in operations:
        declared = operation["responses"]
        for status in ("400", "401", "404", "422", "429", "500"):
            ref = declared[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref == "#/components/schemas/ErrorOut", (operation["operationId"], status)
    # Nothing in it points to the network (no CDN, no hosted documentation).
    assert "://" not in KEPT.read_text(encoding="utf-8")
