"""The backup tests run outside a wrapping transaction (a second connection reads the data,
or the whole database is replaced), so each ends with every table emptied, the rows the
migrations wrote (rulebook, categories, authority rules) included. Any such test before them
in the same worker does the same; each test here starts by writing those rows again."""

from __future__ import annotations

from typing import Any

import pytest

from tests.migration_rows import ensure_migration_rows


@pytest.fixture(autouse=True)
def _migrations_rows(transactional_db: None) -> None:
    ensure_migration_rows()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The named world's users are not logged in here: no need for Argon2's deliberate cost
    # (a second of the test each on a busy machine).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
