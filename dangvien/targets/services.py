"""Every write to targets: a unit's target for a period (one, many at once, or a parent's
children in one go) and structural targets (ratios)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, actor_user, audit_record, audit_record_many
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import require_role
from dangvien.lib.errors import Problem, raise_if
from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit, UnitVersion
from dangvien.people.models import Category
from dangvien.targets import rules
from dangvien.targets.models import StructuralMeasure, StructuralTarget, Target
from dangvien.targets.selectors import target_assigner


@dataclass(frozen=True)
class TargetEntry:
    """One unit's target for one period, as a form row, an Excel row or a demo line gives it."""

    unit: Unit
    period: Period
    admissions: int
    admissions_min: int | None = None
    document: str = ""
    assigned_on: date | None = None
    note: str = ""


def _entry_problems(entry: TargetEntry, prefix: str = "", named: bool = False) -> list[Problem]:
    problems = rules.admissions_problems(entry.admissions, entry.admissions_min, prefix=prefix)
    unit = entry.unit
    if not rules.exists_during(unit.valid_from, unit.valid_to, entry.period):
        problems.append(
            Problem(f"{prefix}unit", rules.not_existing_message(unit.name, entry.period))
        )
    if named:
        problems = [Problem(p.field, f"{unit.name}: {p.message}") for p in problems]
    return problems


def _write(
    entries: Sequence[tuple[TargetEntry, Unit]], acting_user: Actor
) -> list[tuple[Target, dict[str, Any]]]:
    """Create or change each (entry, assigning unit), locking the existing rows first.
    Returns each target with its audit changes."""
    # A target that does not exist yet has no row to lock, so two first writes of one unit
    # would both insert and one would fail on the unique constraint. Locking the units first
    # (in key order, no key lock: rows pointing at them are not held up) queues them instead.
    units = sorted({entry.unit.pk for entry, _by in entries})
    list(Unit.objects.select_for_update(no_key=True).filter(pk__in=units).order_by("pk"))
    wanted = Q(pk__in=[])
    for entry, _by in entries:
        wanted |= Q(unit_id=entry.unit.pk, period=entry.period.code)
    existing = {(t.unit_id, t.period): t for t in Target.objects.select_for_update().filter(wanted)}
    recorder = actor_user(acting_user)
    written: list[tuple[Target, dict[str, Any]]] = []
    for entry, assigner in entries:
        target = existing.get((entry.unit.pk, entry.period.code))
        before = (target.admissions, target.admissions_min) if target else (None, None)
        if target is None:
            target = Target(unit=entry.unit, period=entry.period.code)
        target.period_kind = entry.period.kind.value
        target.start, target.end = entry.period.start, entry.period.end
        target.admissions, target.admissions_min = entry.admissions, entry.admissions_min
        target.assigned_by = assigner
        target.document, target.assigned_on = entry.document, entry.assigned_on
        target.note = entry.note
        target.recorded_by = recorder
        target.save()
        written.append(
            (
                target,
                {
                    "period": entry.period.code,
                    "admissions": [before[0], entry.admissions],
                    "admissions_min": [before[1], entry.admissions_min],
                    "document": entry.document,
                    "assigned_by": assigner.name,
                },
            )
        )
    return written


def target_set(
    *,
    acting_user: Actor,
    unit: Unit,
    period: Period,
    admissions: int,
    admissions_min: int | None = None,
    document: str = "",
    assigned_on: date | None = None,
    note: str = "",
) -> Target:
    """Give `unit` its admissions target for `period`, or change the one it has.

    The parent assigns: an approver on the parent unit (or above) may set it. A unit that
    has ended keeps (and may be given) targets for the periods it existed in.
    """
    entry = TargetEntry(unit, period, admissions, admissions_min, document, assigned_on, note)
    assigner = target_assigner(unit)
    with transaction.atomic():
        require_role(acting_user, assigner, Role.APPROVER)
        raise_if(_entry_problems(entry))
        ((target, changes),) = _write([(entry, assigner)], acting_user)
        audit_record(
            actor=acting_user, action="target.set", target=target, unit=unit, changes=changes
        )
        return target


def targets_bulk_set(*, acting_user: Actor, entries: Sequence[TargetEntry]) -> list[Target]:
    """Set many targets in one transaction (the Excel import): all of them or, on any
    problem, none. Each unit's target is assigned by its parent, as in `target_set`."""
    with transaction.atomic():
        problems: list[Problem] = []
        checked: set[int] = set()
        seen: set[tuple[int, str]] = set()
        for entry in entries:
            assigner = target_assigner(entry.unit)
            if assigner.pk not in checked:
                require_role(acting_user, assigner, Role.APPROVER)
                checked.add(assigner.pk)
            key = (entry.unit.pk, entry.period.code)
            if key in seen:
                problems.append(
                    Problem(
                        "unit",
                        _("%(unit)s có hai chỉ tiêu cho kỳ %(period)s.")
                        % {"unit": entry.unit.name, "period": entry.period.code},
                    )
                )
            seen.add(key)
            problems += _entry_problems(entry, named=True)
        raise_if(problems)
        written = _write([(e, target_assigner(e.unit)) for e in entries], acting_user)
        audit_record_many(
            actor=acting_user,
            action="target.set",
            items=[(t, t.unit, changes) for t, changes in written],
        )
        return [t for t, _changes in written]


def children_during(parent: Unit, period: Period) -> list[Unit]:
    """The units that stood directly under `parent` at some time during `period` (from the
    tree's history, so a 2021 district still has the communes it had in 2021)."""
    unit_ids = (
        UnitVersion.objects.filter(parent=parent, valid_from__lte=period.end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=period.start))
        .values("unit_id")
    )
    return list(Unit.objects.filter(pk__in=unit_ids).order_by("sort_key", "code"))


def targets_cascade(
    *,
    acting_user: Actor,
    parent: Unit,
    period: Period,
    children: Sequence[tuple[Unit, int, int | None]],
    document: str,
    assigned_on: date | None = None,
    note: str = "",
) -> list[Target]:
    """The parent gives its children their targets for `period` in one go, by one document
    (kế hoạch, công văn giao chỉ tiêu): all rows or none, each audited.

    `children` is (unit, admissions, admissions_min) per child. Problems name the child and
    use the field `<unit pk>-admissions`, so a form can put each under its row. Whether the
    children add up to the parent's own target is shown, not enforced: a parent often gives
    its children their numbers before its own is final.
    """
    with transaction.atomic():
        require_role(acting_user, parent, Role.APPROVER)
        problems: list[Problem] = []
        if not document.strip():
            problems.append(
                Problem("document", _("Chưa nhập văn bản giao chỉ tiêu (số, ký hiệu)."))
            )
        if not rules.exists_during(parent.valid_from, parent.valid_to, period):
            problems.append(Problem("period", rules.not_existing_message(parent.name, period)))
        allowed = {u.pk for u in children_during(parent, period)}
        entries: list[TargetEntry] = []
        for unit, admissions, admissions_min in children:
            if unit.pk not in allowed:
                problems.append(
                    Problem(
                        f"{unit.pk}-unit",
                        _("%(unit)s không trực thuộc %(parent)s trong kỳ %(period)s.")
                        % {"unit": unit.name, "parent": parent.name, "period": period.label},
                    )
                )
                continue
            entry = TargetEntry(
                unit, period, admissions, admissions_min, document.strip(), assigned_on, note
            )
            entries.append(entry)
            problems += _entry_problems(entry, prefix=f"{unit.pk}-", named=True)
        if not children:
            problems.append(Problem("children", _("Chưa nhập chỉ tiêu cho đơn vị nào.")))
        raise_if(problems)
        written = _write([(e, parent) for e in entries], acting_user)
        audit_record_many(
            actor=acting_user,
            action="target.cascade",
            items=[(t, t.unit, changes) for t, changes in written],
        )
        return [t for t, _changes in written]


def structural_target_set(
    *,
    acting_user: Actor,
    unit: Unit,
    period: Period,
    measure: str,
    percent: Decimal,
    strict: bool = False,
    position: Category | None = None,
    document: str = "",
) -> StructuralTarget:
    """Set (or change) a ratio to reach: "70% trưởng ban công tác Mặt trận là đảng viên",
    "trên 60% chi hội trưởng đoàn thể" (seed 001), the share of residential areas with a
    member or with a cell. Assigned like an admissions target, by the parent's approver."""
    assigner = target_assigner(unit)
    with transaction.atomic():
        require_role(acting_user, assigner, Role.APPROVER)
        problems = rules.percent_problems(percent, strict)
        if measure not in StructuralMeasure.values:
            problems.append(Problem("measure", _("Chỉ tiêu cơ cấu không hợp lệ.")))
        elif measure == StructuralMeasure.POSITION_MEMBERS:
            if position is None or position.kind != "position":
                problems.append(
                    Problem("position", _("Chỉ tiêu về chức danh phải chọn một chức danh."))
                )
        elif position is not None:
            problems.append(
                Problem("position", _("Chỉ tiêu về khu dân cư không đi kèm chức danh."))
            )
        if not rules.exists_during(unit.valid_from, unit.valid_to, period):
            problems.append(Problem("unit", rules.not_existing_message(unit.name, period)))
        raise_if(problems)
        target = (
            StructuralTarget.objects.select_for_update()
            .filter(unit=unit, period=period.code, measure=measure, position=position)
            .first()
        )
        before = (target.percent, target.strict) if target else (None, None)
        if target is None:
            target = StructuralTarget(
                unit=unit, period=period.code, measure=measure, position=position
            )
        target.period_kind = period.kind.value
        target.start, target.end = period.start, period.end
        target.percent, target.strict = percent, strict
        target.assigned_by, target.document = assigner, document.strip()
        target.recorded_by = actor_user(acting_user)
        target.save()
        audit_record(
            actor=acting_user,
            action="structural_target.set",
            target=target,
            unit=unit,
            changes={
                "period": period.code,
                "measure": measure,
                "position": position.name if position else "",
                "percent": [str(before[0]) if before[0] is not None else None, str(percent)],
                "strict": [before[1], strict],
                "document": document.strip(),
            },
        )
        return target
