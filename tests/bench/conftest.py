"""The load tool's tests serve pages from a live server thread (outside a wrapping
transaction): each starts by writing the migrations' rows again."""

from __future__ import annotations

import pytest

from tests.migration_rows import ensure_migration_rows


@pytest.fixture(autouse=True)
def _migrations_rows(transactional_db: None) -> None:
    ensure_migration_rows()
