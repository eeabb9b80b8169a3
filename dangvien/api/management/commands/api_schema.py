"""`dangvien api-schema`: print the API's OpenAPI schema (to refresh docs/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from dangvien.api.schema_file import schema_text


class Command(BaseCommand):
    help = "In lược đồ OpenAPI của API (dangvien api-schema > docs/openapi.json)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(schema_text(), ending="")
