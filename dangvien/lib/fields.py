"""Model fields with no party meaning."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper


class SortKeyField(models.CharField):  # type: ignore[type-arg]
    """Holds a `vntext` collation key. The keys are ASCII built to sort byte by byte, so the
    column must compare bytes: a PostgreSQL cluster created with a linguistic default collation
    (en_US.UTF-8) would skip the separators and scramble the order. SQLite compares bytes
    already."""

    def db_parameters(self, connection: BaseDatabaseWrapper) -> dict[str, Any]:
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
