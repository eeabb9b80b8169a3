"""The backup tests run outside a wrapping transaction (a second connection reads the data,
or the whole database is replaced), so each ends with every table emptied, the rows the
migrations wrote (rulebook, categories, authority rules) included. Any such test before them
in the same worker does the same; each test here starts by writing those rows again."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython

from dangvien.rulebook.models import RuleVersion


def _replay_data_migrations() -> None:
    """Every data step (RunPython) of the project's migrations, in migration order, against
    the current models: they create their rows with get_or_create and touch nothing else on
    an empty database."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes(), clean_start=True)
    with connection.schema_editor(atomic=False) as editor:
        for migration, _backwards in plan:
            if not apps.get_app_config(migration.app_label).name.startswith("dangvien."):
                continue
            for operation in migration.operations:
                if isinstance(operation, RunPython):
                    # The live registry stands in for the historical one: same models.
                    operation.code(apps, editor)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _migrations_rows(transactional_db: None) -> None:
    if not RuleVersion.objects.exists():
        _replay_data_migrations()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # The named world's users are not logged in here: no need for Argon2's deliberate cost
    # (a second of the test each on a busy machine).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
