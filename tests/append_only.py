"""The check shared by the append-only tables (the audit trail, the file view log)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import models


def assert_append_only(row: models.Model, **change: Any) -> None:
    """Every way the ORM offers to change or remove `row` is refused, and the row in the
    database is as it was. `change` is the edit tried (one field and a new value)."""
    rows = type(row)._default_manager
    before = rows.filter(pk=row.pk).values().get()
    for name, value in change.items():
        setattr(row, name, value)
    with pytest.raises(PermissionError):
        row.save()
    with pytest.raises(PermissionError):
        row.delete()
    with pytest.raises(PermissionError):
        rows.all().delete()
    with pytest.raises(PermissionError):
        rows.filter(pk=row.pk).update(**change)
    assert rows.filter(pk=row.pk).values().get() == before
