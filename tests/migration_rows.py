"""The rows the migrations write (rulebook, categories, authority rules), written again for
tests that run outside a wrapping transaction: such a test ends with every table emptied, so
the next one in the same worker would find none. (`serialized_rollback` would restore them,
but it fails on content types once another transactional test ran in the worker.)"""

from __future__ import annotations

from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.operations import RunPython

from dangvien.rulebook.models import RuleVersion


def replay_data_migrations() -> None:
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


def ensure_migration_rows() -> None:
    if not RuleVersion.objects.exists():
        replay_data_migrations()
