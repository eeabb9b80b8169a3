"""Reads of the tree, always scoped to the user and always for a date ("as of")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from dangvien.accounts.selectors import AnyUser, grant_paths, scope_q, units_visible_to
from dangvien.lib.vntext import fold
from dangvien.orgs.models import (
    PATH_STEP,
    AuthorityRule,
    Reorganisation,
    Unit,
    UnitDelegation,
    UnitKind,
    UnitVersion,
)


@dataclass(frozen=True)
class TreeNode:
    unit_id: int
    code: str
    name: str
    kind: str
    kind_label: str
    cell_kind_label: str
    active: bool
    has_children: bool
    cell_count: int
    # Members (probationary and official) in the subtree today; None for a past date, whose
    # membership the tree page does not reconstruct.
    member_count: int | None = None


def versions_at(on: date) -> QuerySet[UnitVersion]:
    """The version of every unit that existed on `on`."""
    return UnitVersion.objects.filter(valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gt=on)
    )


def _nodes(
    user: AnyUser, versions: QuerySet[UnitVersion], on: date, parent_path: str
) -> list[TreeNode]:
    children_exist = versions_at(on).filter(parent_id=OuterRef("unit_id"))
    rows = list(
        versions.filter(scope_q(user, "unit__path"))
        .select_related("unit")
        .annotate(has_children=Exists(children_exist))
        .order_by("unit__sort_key", "unit__code")
    )
    prefix_length = len(parent_path) + PATH_STEP
    counts = _cell_counts(on, parent_path, prefix_length) if rows else {}
    members = (
        _member_counts(parent_path, prefix_length) if rows and on == timezone.localdate() else None
    )
    return [
        TreeNode(
            unit_id=v.unit_id,
            code=v.unit.code,
            name=v.name,
            kind=v.unit.kind,
            kind_label=v.unit.get_kind_display(),
            cell_kind_label=v.unit.get_cell_kind_display() if v.unit.cell_kind else "",
            active=v.unit.valid_to is None or v.unit.valid_to > on,
            has_children=bool(getattr(v, "has_children", False)),
            cell_count=counts.get(v.path[:prefix_length], 0) if v.unit.kind != UnitKind.CELL else 0,
            member_count=members.get(v.path[:prefix_length], 0) if members is not None else None,
        )
        for v in rows
    ]


def _cell_counts(on: date, under: str, prefix_length: int) -> dict[str, int]:
    """Cells existing on `on` below `under`, counted per child prefix in one GROUP BY."""
    rows = (
        versions_at(on)
        .filter(path__startswith=under, unit__kind=UnitKind.CELL)
        .annotate(prefix=Substr("path", 1, prefix_length))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    return {row["prefix"]: row["n"] for row in rows}


def _member_counts(under: str, prefix_length: int) -> dict[str, int]:
    """Members today below `under`, per child prefix of their cell's current path, in one
    GROUP BY. (Kept per-unit aggregates replace this at national scale.)"""
    from dangvien.people.models import MEMBER_STATUSES, Person

    rows = (
        Person.objects.filter(unit__path__startswith=under, status__in=MEMBER_STATUSES)
        .annotate(prefix=Substr("unit__path", 1, prefix_length))
        .values("prefix")
        .annotate(n=Count("id"))
    )
    return {row["prefix"]: row["n"] for row in rows}


def tree_roots(user: AnyUser, on: date) -> list[TreeNode]:
    """Where the user's tree starts on that date: visible units whose parent is not visible."""
    if not user.is_authenticated:
        return []
    versions = versions_at(on).filter(Q(parent__isnull=True) | ~scope_q(user, "parent__path"))
    return _nodes(user, versions, on, "")


def tree_children(user: AnyUser, parent: Unit, on: date) -> list[TreeNode]:
    version = versions_at(on).filter(unit=parent).first()
    if version is None:
        return []
    return _nodes(user, versions_at(on).filter(parent=parent), on, version.path)


def unit_search(user: AnyUser, text: str, limit: int = 50) -> list[Unit]:
    """Units whose name or code contains the words, ignoring tone marks and case."""
    words = fold(text).split()
    if not words:
        return []
    query = units_visible_to(user)
    for word in words:
        query = query.filter(search_text__contains=word)
    return list(query.order_by("valid_to", "sort_key")[:limit])


def unit_breadcrumb(user: AnyUser, unit: Unit) -> list[Unit]:
    """The unit's ancestors in today's tree that the user may see, root first."""
    paths = unit.ancestor_paths()
    if not getattr(user, "is_superuser", False):
        # Only ancestors inside a grant can be visible; an officer at the top of their
        # scope (most dashboards) has none, and the page saves the query.
        granted = [path for path, _role in grant_paths(user)]
        paths = [p for p in paths if any(p.startswith(g) for g in granted)]
    if not paths:
        return []
    visible = units_visible_to(user).filter(path__in=paths)
    return sorted(visible, key=lambda u: len(u.path))


def unit_versions(unit: Unit) -> list[UnitVersion]:
    return list(
        unit.versions.select_related("parent", "reorganisation").order_by("valid_from", "id")
    )


def unit_reorganisations(unit: Unit) -> list[Reorganisation]:
    return list(
        Reorganisation.objects.filter(reorganisationunit__unit=unit)
        .distinct()
        .select_related("acting_user")
        .order_by("-effective_date", "-id")
    )


def unit_children(user: AnyUser, unit: Unit) -> list[Unit]:
    return list(units_visible_to(user).filter(parent=unit).order_by("valid_to", "sort_key"))


def unit_resolve_current(unit: Unit) -> Unit:
    """The active unit that now carries an ended unit's work (follows successors)."""
    seen = {unit.pk}
    while unit.valid_to is not None and unit.successor_id is not None:
        assert unit.successor is not None
        unit = unit.successor
        if unit.pk in seen:  # a cycle would be a data error; stop rather than loop
            break
        seen.add(unit.pk)
    return unit


@dataclass(frozen=True)
class Authority:
    unit: Unit
    basis: str


def deciding_unit(unit: Unit, on: date, *, recognition: bool = False) -> Authority | None:
    """The nearest unit above (or at) `unit` that decides admissions (or recognitions) on `on`:
    a unit with a delegation in force first, otherwise the kind that the rule in force names."""
    # The tree as it stood that day: a cell decided by its district before July 2025 is
    # decided by its commune after.
    version = versions_at(on).filter(unit=unit).first()
    path = version.path if version is not None else unit.path
    prefixes = [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]
    then = versions_at(on).filter(path__in=prefixes).select_related("unit")
    chain = [v.unit for v in sorted(then, key=lambda v: -len(v.path))] or [unit]
    field = "decides_recognition" if recognition else "decides_admission"
    delegations = {
        d.unit_id: d
        for d in UnitDelegation.objects.filter(unit__in=chain, effective_from__lte=on)
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on))
        .order_by("effective_from")
    }
    rules: dict[str, AuthorityRule] = {}
    for rule in AuthorityRule.objects.filter(effective_from__lte=on).order_by("effective_from"):
        rules[rule.kind] = rule  # the latest rule in force wins
    for candidate in chain:
        delegation = delegations.get(candidate.pk)
        if delegation is not None and getattr(delegation, field):
            return Authority(candidate, delegation.document)
        in_force = rules.get(candidate.kind)
        if in_force is not None and getattr(in_force, field) and candidate.kind != UnitKind.CELL:
            return Authority(candidate, in_force.source)
    return None
