"""Load the generated world: COPY on PostgreSQL (psycopg 3), executemany on SQLite.

Everything is written in one transaction: a world loads whole or not at all. Ids come from
the generator, so on PostgreSQL the sequences are moved past them afterwards.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_record
from dangvien.admission.models import Case, CaseEvent
from dangvien.lib.db import DeferredChecks, refresh_planner_statistics
from dangvien.lib.selectors import working_calendar
from dangvien.orgs import geography
from dangvien.orgs.models import Reorganisation, ReorganisationUnit, Unit, UnitVersion
from dangvien.people.models import Category, Person, PositionHolding, StatusEvent
from dangvien.people.services import person_names_fill
from dangvien.rulebook.selectors import rule_in_force, rules_cached
from dangvien.synth.generate import COLUMNS, TABLES, Context, Plan, generate
from dangvien.tallies.services import tallies_recount
from dangvien.targets.models import Target

MODELS: dict[str, type[models.Model]] = {
    "reorganisation": Reorganisation,
    "unit": Unit,
    "reorganisation_unit": ReorganisationUnit,
    "unit_version": UnitVersion,
    "person": Person,
    "status_event": StatusEvent,
    "position": PositionHolding,
    "case": Case,
    "case_event": CaseEvent,
    "target": Target,
}

Progress = Callable[[int, int], None]


@dataclass
class LoadResult:
    rows: Counter[str] = field(default_factory=Counter)
    # Time spent writing each table (the rest of "load" is generating the rows).
    write_seconds: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))
    seconds: dict[str, float] = field(default_factory=dict)


def _context() -> Context:
    central = geography.ensure_central()
    first_ids = {
        table: (MODELS[table]._default_manager.aggregate(m=Max("id"))["m"] or 0) + 1
        for table in TABLES
    }
    categories = {(c.kind, c.code): c.pk for c in Category.objects.all()}
    values: dict[tuple[str, date], int] = {}

    def rule(key: str, on: date) -> int:
        if (key, on) not in values:
            values[(key, on)] = int(rule_in_force(key, on).value)
        return values[(key, on)]

    # The labels the admission selectors give each deadline (`case_deadline`).
    labels = {
        "decision": _("Quyết định kết nạp"),
        "ceremony": _("Tổ chức lễ kết nạp"),
        "recognition": _("Quyết định công nhận chính thức"),
        "conversion": _("Chi bộ xét công nhận chính thức"),
    }
    return Context(
        categories=categories,
        first_ids=first_ids,
        central_id=central.pk,
        central_path=central.path,
        calendar=working_calendar(),
        rule=rule,
        labels=labels,
    )


class _Writer:
    """Buffers rows per table and writes them in large statements, tables in `TABLES` order
    (every table after those it points at)."""

    FLUSH_ROWS = 50_000

    def __init__(self, result: LoadResult) -> None:
        self.result = result
        self.vendor = connection.vendor
        self.sql: dict[str, str] = {}
        self.buffers: dict[str, list[tuple[object, ...]]] = {t: [] for t in TABLES}
        self.buffered = 0
        # SQLite keeps datetimes as naive UTC text, as Django writes them.
        self.datetimes: dict[str, list[int]] = {}
        for table, columns in COLUMNS.items():
            model = MODELS[table]
            db_table = connection.ops.quote_name(model._meta.db_table)
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            if self.vendor == "postgresql":
                self.sql[table] = f"COPY {db_table} ({names}) FROM STDIN"
            else:
                marks = ", ".join("?" for _c in columns)
                # Names from the models' metadata, values as parameters.
                self.sql[table] = f"INSERT INTO {db_table} ({names}) VALUES ({marks})"  # noqa: S608
            fields = {f.attname: f for f in model._meta.concrete_fields}
            self.datetimes[table] = [
                i for i, c in enumerate(columns) if isinstance(fields[c], models.DateTimeField)
            ]

    def add(self, table: str, rows: list[tuple[object, ...]]) -> None:
        self.buffers[table].extend(rows)
        self.result.rows[table] += len(rows)
        self.buffered += len(rows)
        if self.buffered >= self.FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        for table in TABLES:
            rows = self.buffers[table]
            if rows:
                started = time.perf_counter()
                self._write(table, rows)
                self.result.write_seconds[table] += time.perf_counter() - started
                self.buffers[table] = []
        self.buffered = 0

    def _write(self, table: str, rows: list[tuple[object, ...]]) -> None:
        raw: Any = connection.connection
        if self.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(self.sql[table]) as copy:
                for row in rows:
                    copy.write_row(row)
            return
        stamps = self.datetimes[table]
        if stamps:
            rows = [_naive(row, stamps) for row in rows]
        raw.executemany(self.sql[table], rows)


def _naive(row: tuple[object, ...], indexes: list[int]) -> tuple[object, ...]:
    values = list(row)
    for i in indexes:
        value = values[i]
        if isinstance(value, datetime):
            values[i] = value.replace(tzinfo=None).isoformat(" ")
    return tuple(values)


def _reset_sequences() -> None:
    if connection.vendor != "postgresql":
        return
    statements = connection.ops.sequence_reset_sql(no_style(), list(MODELS.values()))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def load_world(plan: Plan, *, on_progress: Progress | None = None) -> LoadResult:
    """Generate and write the world of `plan` in one transaction; then the kept counts and,
    on PostgreSQL, the planner statistics."""
    result = LoadResult()
    started = time.perf_counter()
    with transaction.atomic(), rules_cached():
        ctx = _context()
        writer = _Writer(result)
        create_id = ctx.first_ids["reorganisation"]
        deferred = DeferredChecks.drop([MODELS[t]._meta.db_table for t in TABLES])
        for batch in generate(plan, ctx):
            if batch.table == "_progress":
                if on_progress is not None:
                    done, total = batch.rows[0]
                    on_progress(int(str(done)), int(str(total)))
                continue
            writer.add(batch.table, batch.rows)
        writer.flush()
        started_indexes = time.perf_counter()
        deferred.restore()
        if deferred.indexes:
            result.seconds["indexes"] = time.perf_counter() - started_indexes
        _reset_sequences()
        # The names the search reads first (`people.PersonName`), from the people just
        # written: one INSERT … SELECT DISTINCT.
        person_names_fill()
        # One audit event for the whole load, on the reorganisation that created the tree.
        audit_record(
            actor=None,
            action="synth.load",
            target=Reorganisation.objects.get(pk=create_id),
            unit=None,
            changes={"scale": [None, plan.scale.value], "seed": [None, plan.seed]},
        )
    result.seconds["load"] = time.perf_counter() - started
    # The loader wrote the records without the services: the kept counts follow, one
    # statement per kept table (`tallies.recompute`), the tables at the same time.
    started = time.perf_counter()
    tallies_recount(acting_user=None, apart=True)
    result.seconds["tallies"] = time.perf_counter() - started
    started = time.perf_counter()
    refresh_planner_statistics()
    if connection.vendor == "postgresql":
        result.seconds["analyze"] = time.perf_counter() - started
    return result
