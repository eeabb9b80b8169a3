"""Reads of targets, scoped to the user: a unit's target beside its children's (and whether
they add up), a subtree's targets for a period, a unit's structural targets.

A period may lie before a reorganisation: the children shown are those the unit had then
(from the tree's history), so Thành ủy Tam Kỳ's 2021 page still lists the wards it had in
2021 although they were merged into new ones in July 2025.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from dangvien.accounts.selectors import AnyUser, scope_q, scoped
from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit, UnitVersion
from dangvien.orgs.selectors import versions_at
from dangvien.targets.models import StructuralTarget, Target
from dangvien.targets.rules import SumCheck, sum_check


def reference_day(unit: Unit, period: Period, today: date | None = None) -> date:
    """The day whose tree a period's page shows: the period's last day, but not after
    today nor after the unit's last day."""
    day = min(period.end, today or timezone.localdate())
    if unit.valid_to is not None:
        day = min(day, unit.valid_to - timedelta(days=1))
    return day


@dataclass(frozen=True)
class TargetLine:
    unit_id: int
    code: str
    name: str  # as the unit was called on the reference day
    active: bool
    target: Target | None

    @property
    def admissions(self) -> int | None:
        return self.target.admissions if self.target else None


@dataclass(frozen=True)
class TargetBreakdown:
    unit: Unit
    period: Period
    on: date
    own: Target | None
    children: list[TargetLine]
    check: SumCheck


def _children_on(user: AnyUser, unit: Unit, day: date) -> list[tuple[Unit, str]]:
    """(child, its name that day), in one query: the children in the tree as it stood on
    `day`, or today's children when the unit did not exist yet (its predecessors, merged
    into it, are kept under it and carry that history)."""
    versions = versions_at(day)
    if versions.filter(unit=unit).exists():
        rows = (
            versions.filter(parent=unit)
            .filter(scope_q(user, "unit__path"))
            .select_related("unit")
            .order_by("unit__sort_key", "unit__code")
        )
        return [(v.unit, v.name) for v in rows]
    current = scoped(Unit.objects.filter(parent=unit), user, "path").order_by("sort_key", "code")
    return [(u, u.name) for u in current]


def target_breakdown(user: AnyUser, unit: Unit, period: Period) -> TargetBreakdown:
    """The unit's own target for the period, each child's, their sum and whether it matches
    (three queries whatever the number of children)."""
    day = reference_day(unit, period)
    children = _children_on(user, unit, day)
    targets = {
        t.unit_id: t
        for t in Target.objects.filter(
            period=period.code, unit_id__in=[unit.pk, *(c.pk for c, _n in children)]
        ).select_related("assigned_by")
    }
    lines = [
        TargetLine(c.pk, c.code, name, c.valid_to is None or c.valid_to > day, targets.get(c.pk))
        for c, name in children
    ]
    own = targets.get(unit.pk)
    check = sum_check(own.admissions if own else None, [line.admissions for line in lines])
    return TargetBreakdown(unit, period, day, own, lines, check)


def subtree_targets_unscoped(unit: Unit, period: Period) -> QuerySet[Target]:
    """Targets for `period` of the unit and every unit below it, then or now: below it in
    the tree as it stood on the reference day, or below it today (which includes the units
    merged into it). For the operator's commands; pages use `subtree_targets`."""
    day = reference_day(unit, period)
    version = versions_at(day).filter(unit=unit).values_list("path", flat=True).first()
    below = Q(unit__path__startswith=unit.path)
    if version is not None:
        then = versions_at(day).filter(path__startswith=version).values("unit_id")
        below |= Q(unit_id__in=then)
    return (
        Target.objects.filter(period=period.code)
        .filter(below)
        .select_related("unit", "assigned_by")
        .order_by("unit__path")
    )


def subtree_targets(user: AnyUser, unit: Unit, period: Period) -> QuerySet[Target]:
    """`subtree_targets_unscoped`, limited to the units the user sees."""
    return scoped(subtree_targets_unscoped(unit, period), user, "unit__path")


def structural_targets_of(user: AnyUser, unit: Unit) -> QuerySet[StructuralTarget]:
    return (
        scoped(StructuralTarget.objects.filter(unit=unit), user, "unit__path")
        .select_related("position", "assigned_by")
        .order_by("-start", "measure", "position__rank")
    )


def unit_version_name(unit: Unit, day: date) -> str:
    """What the unit was called on `day` (its name today if it had no version then)."""
    name = (
        UnitVersion.objects.filter(unit=unit, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .values_list("name", flat=True)
        .first()
    )
    return name or unit.name


def target_assigner(unit: Unit) -> Unit:
    """Who gives `unit` its targets: the parent committee; a root unit sets its own."""
    return unit.parent if unit.parent is not None else unit
