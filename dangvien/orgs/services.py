"""Every change to the organisation tree. Views, commands and the demo all come through here.

Each reorganisation is one `Reorganisation` row (with its decision number and dates), new
`UnitVersion` rows for every unit whose name, parent or path changed on that date, and audit
events for the units it touched directly. History is never rewritten: an old version is
closed on the effective date and a new one opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, actor_user, audit_record
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import require_role
from dangvien.lib.errors import Problem, ServiceError, raise_if
from dangvien.lib.vntext import collation_key, fold
from dangvien.orgs import rules
from dangvien.orgs.models import (
    Reorganisation,
    ReorganisationUnit,
    Unit,
    UnitDelegation,
    UnitKind,
    UnitVersion,
)
from dangvien.tallies.dues import dues_moved
from dangvien.tallies.members import members_moved
from dangvien.tallies.newmembers import new_members_moved
from dangvien.tallies.services import tallies_moved


@dataclass(frozen=True)
class Decision:
    """The decision behind a change: its number and date, and the day it takes effect."""

    effective: date
    number: str = ""
    signed: date | None = None
    note: str = ""


@dataclass(frozen=True)
class NewUnit:
    code: str
    name: str
    kind: str
    cell_kind: str = ""
    admin_code: str = ""


@dataclass
class PlanStep:
    """One line of a preview: a unit, what happens to it, from where to where."""

    unit_name: str
    action: str
    before: str = ""
    after: str = ""
    subtree_units: int = 0


@dataclass
class Plan:
    kind: str
    steps: list[PlanStep] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------


def _search_text(name: str, code: str) -> str:
    return f"{fold(name)} {fold(code)}"[:250]


def _require_admin_over(actor: Actor, unit: Unit | None) -> None:
    """Managing a unit (creating, renaming, moving, ending it) is for administrators of the
    unit above it; the root only for the operator or a superuser."""
    if actor is None:
        return
    if unit is None or unit.parent is None:
        if not getattr(actor, "is_superuser", False):
            raise ServiceError(
                [Problem("parent", _("Chỉ quản trị hệ thống mới thay đổi cấp cao nhất."))]
            )
        return
    require_role(actor, unit.parent, Role.ADMINISTRATOR)


def _latest_change(units: Iterable[Unit]) -> date | None:
    dates = [u.valid_from for u in units]
    latest_versions = UnitVersion.objects.filter(unit__in=list(units)).order_by("-valid_from")
    first = latest_versions.values_list("valid_from", flat=True).first()
    if first is not None:
        dates.append(first)
    return max(dates) if dates else None


def _check_dates(decision: Decision, units: Iterable[Unit]) -> list[Problem]:
    return rules.effective_date_problems(
        decision.effective, today=timezone.localdate(), latest_change=_latest_change(units)
    )


def _check_new_unit(spec: NewUnit, parent: Unit | None) -> list[Problem]:
    problems = rules.parent_problems(spec.kind, parent.kind if parent else None)
    problems += rules.cell_kind_problems(spec.kind, spec.cell_kind)
    if not spec.code.strip():
        problems.append(Problem("code", _("Chưa nhập mã đơn vị.")))
    elif Unit.objects.filter(code=spec.code).exists():
        problems.append(
            Problem("code", _("Mã %(code)s đã được dùng cho đơn vị khác.") % {"code": spec.code})
        )
    if not spec.name.strip():
        problems.append(Problem("name", _("Chưa nhập tên đơn vị.")))
    if parent is not None and not parent.is_active:
        problems.append(Problem("parent", _("Đơn vị cấp trên đã chấm dứt hoạt động.")))
    return problems


def _record(
    kind: str, actor: Actor, decision: Decision, summary: dict[str, object]
) -> Reorganisation:
    return Reorganisation.objects.create(
        kind=kind,
        decision_number=decision.number,
        decision_date=decision.signed,
        effective_date=decision.effective,
        note=decision.note,
        summary=summary,
        acting_user=actor_user(actor),
    )


def _link(reorg: Reorganisation, units: Iterable[Unit], role: str) -> None:
    ReorganisationUnit.objects.bulk_create(
        [ReorganisationUnit(reorganisation=reorg, unit=u, role=role) for u in units],
        ignore_conflicts=True,
    )


def _audit(
    actor: Actor, action: str, unit: Unit, reorg: Reorganisation, changes: dict[str, object]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=unit,
        unit=unit,
        changes={**changes, "decision": reorg.decision_number, "effective": reorg.effective_date},
    )


def _open_versions(units: Sequence[Unit]) -> dict[int, UnitVersion]:
    versions = UnitVersion.objects.select_for_update().filter(
        unit__in=list(units), valid_to__isnull=True
    )
    return {v.unit_id: v for v in versions}


def _revise(
    units: Sequence[Unit],
    on: date,
    reorg: Reorganisation,
    *,
    parent_of: dict[int, Unit | None] | None = None,
) -> None:
    """Close each unit's open version on `on` and open one with its current name and path.

    A version that began the same day is corrected in place instead, so one day never holds
    two versions of a unit.
    """
    parent_of = parent_of or {}
    current = _open_versions(units)
    to_create: list[UnitVersion] = []
    to_update: list[UnitVersion] = []
    for unit in units:
        old = current.get(unit.pk)
        parent = parent_of.get(unit.pk, old.parent if old else unit.parent)
        if old is not None and old.valid_from == on:
            old.name, old.parent, old.path, old.reorganisation = unit.name, parent, unit.path, reorg
            to_update.append(old)
            continue
        if old is not None:
            old.valid_to = on
            to_update.append(old)
        to_create.append(
            UnitVersion(
                unit=unit,
                name=unit.name,
                parent=parent,
                path=unit.path,
                valid_from=on,
                reorganisation=reorg,
            )
        )
    UnitVersion.objects.bulk_update(
        to_update, ["name", "parent", "path", "valid_to", "reorganisation"]
    )
    UnitVersion.objects.bulk_create(to_create)


def _close(units: Sequence[Unit], on: date) -> None:
    current = _open_versions(units)
    for version in current.values():
        version.valid_to = on
    UnitVersion.objects.bulk_update(list(current.values()), ["valid_to"])


def _rehome(unit: Unit, new_parent: Unit) -> None:
    """Give `unit` and everything under it a path under `new_parent` (current tree only)."""
    old_prefix = unit.path
    new_prefix = new_parent.path + rules.path_step(unit.pk)
    Unit.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr(F("path"), len(old_prefix) + 1))
    )
    unit.path = new_prefix
    # The kept counts of the subtree leave its old ancestors and join its new ones.
    tallies_moved(unit_id=unit.pk, old_path=old_prefix, new_path=new_prefix)
    members_moved(unit_id=unit.pk, old_path=old_prefix, new_path=new_prefix)
    dues_moved(unit_id=unit.pk, old_path=old_prefix, new_path=new_prefix)
    new_members_moved(old_path=old_prefix, new_path=new_prefix)


def _move_subtree(unit: Unit, new_parent: Unit, on: date, reorg: Reorganisation) -> int:
    """Move an active unit with its subtree; returns how many active units moved with it."""
    _rehome(unit, new_parent)
    Unit.objects.filter(pk=unit.pk).update(parent=new_parent)
    unit.parent = new_parent
    active = list(Unit.objects.filter(path__startswith=unit.path, valid_to__isnull=True))
    _revise(active, on, reorg, parent_of={unit.pk: new_parent})
    return len(active)


def _lock(units: Iterable[Unit]) -> list[Unit]:
    ids = [u.pk for u in units]
    locked = {u.pk: u for u in Unit.objects.select_for_update().filter(pk__in=ids)}
    return [locked[i] for i in ids]


def _active_children(unit: Unit) -> list[Unit]:
    return list(unit.children.filter(valid_to__isnull=True).order_by("sort_key"))


def _subtree_size(unit: Unit) -> int:
    return Unit.objects.filter(path__startswith=unit.path, valid_to__isnull=True).count()


def _insert(spec: NewUnit, parent: Unit | None, on: date) -> Unit:
    unit = Unit.objects.create(
        code=spec.code.strip(),
        name=spec.name.strip(),
        kind=spec.kind,
        cell_kind=spec.cell_kind,
        admin_code=spec.admin_code,
        parent=parent,
        # A placeholder unique path until the id is known.
        path=f"~{spec.code.strip()}",
        valid_from=on,
        search_text=_search_text(spec.name, spec.code),
        sort_key=collation_key(spec.name)[:500],
    )
    unit.path = (parent.path if parent else "") + rules.path_step(unit.pk)
    unit.save(update_fields=["path"])
    return unit


# --- create, rename, move ----------------------------------------------------------------


def unit_create(
    *, acting_user: Actor, parent: Unit | None, spec: NewUnit, decision: Decision
) -> Unit:
    with transaction.atomic():
        if parent is not None:
            parent = _lock([parent])[0]
            require_role(acting_user, parent, Role.ADMINISTRATOR)
        elif acting_user is not None and not getattr(acting_user, "is_superuser", False):
            raise ServiceError(
                [Problem("parent", _("Chỉ quản trị hệ thống mới thay đổi cấp cao nhất."))]
            )
        raise_if(_check_new_unit(spec, parent) + _check_dates(decision, [parent] if parent else []))
        unit = _insert(spec, parent, decision.effective)
        reorg = _record(Reorganisation.Kind.CREATE, acting_user, decision, {"code": unit.code})
        UnitVersion.objects.create(
            unit=unit,
            name=unit.name,
            parent=parent,
            path=unit.path,
            valid_from=decision.effective,
            reorganisation=reorg,
        )
        _link(reorg, [unit], ReorganisationUnit.Role.RESULT)
        _audit(
            acting_user,
            "unit.create",
            unit,
            reorg,
            {"name": [None, unit.name], "parent": [None, str(parent or "")]},
        )
        return unit


def unit_rename(*, acting_user: Actor, unit: Unit, name: str, decision: Decision) -> Unit:
    with transaction.atomic():
        (unit,) = _lock([unit])
        _require_admin_over(acting_user, unit)
        problems = _check_dates(decision, [unit])
        if not name.strip():
            problems.append(Problem("name", _("Chưa nhập tên mới.")))
        elif name.strip() == unit.name:
            problems.append(Problem("name", _("Tên mới trùng tên hiện tại.")))
        if not unit.is_active:
            problems.append(Problem("unit", _("Đơn vị đã chấm dứt hoạt động.")))
        raise_if(problems)
        old_name = unit.name
        unit.name = name.strip()
        unit.search_text = _search_text(unit.name, unit.code)
        unit.sort_key = collation_key(unit.name)[:500]
        unit.save(update_fields=["name", "search_text", "sort_key"])
        reorg = _record(
            Reorganisation.Kind.RENAME, acting_user, decision, {"from": old_name, "to": unit.name}
        )
        _revise([unit], decision.effective, reorg)
        _link(reorg, [unit], ReorganisationUnit.Role.RESULT)
        _audit(acting_user, "unit.rename", unit, reorg, {"name": [old_name, unit.name]})
        return unit


def _move_problems(unit: Unit, new_parent: Unit) -> list[Problem]:
    problems = rules.parent_problems(unit.kind, new_parent.kind)
    if new_parent.path.startswith(unit.path):
        problems.append(
            Problem("new_parent", _("Không thể chuyển đơn vị vào chính cấp dưới của nó."))
        )
    if unit.parent_id == new_parent.pk:
        problems.append(
            Problem(
                "new_parent", _("Đơn vị đã trực thuộc %(parent)s.") % {"parent": new_parent.name}
            )
        )
    if not new_parent.is_active or not unit.is_active:
        problems.append(Problem("new_parent", _("Đơn vị đã chấm dứt hoạt động.")))
    return problems


def move_plan(unit: Unit, new_parent: Unit) -> Plan:
    return Plan(
        Reorganisation.Kind.MOVE,
        [
            PlanStep(
                unit.name, _("chuyển"), str(unit.parent or ""), new_parent.name, _subtree_size(unit)
            )
        ],
    )


def unit_move(*, acting_user: Actor, unit: Unit, new_parent: Unit, decision: Decision) -> Unit:
    with transaction.atomic():
        unit, new_parent = _lock([unit, new_parent])
        _require_admin_over(acting_user, unit)
        require_role(acting_user, new_parent, Role.ADMINISTRATOR)
        raise_if(_move_problems(unit, new_parent) + _check_dates(decision, [unit, new_parent]))
        old_parent = unit.parent
        reorg = _record(
            Reorganisation.Kind.MOVE,
            acting_user,
            decision,
            {"from": str(old_parent or ""), "to": new_parent.name},
        )
        _move_subtree(unit, new_parent, decision.effective, reorg)
        _link(reorg, [unit], ReorganisationUnit.Role.MOVED)
        _audit(
            acting_user,
            "unit.move",
            unit,
            reorg,
            {"parent": [str(old_parent or ""), new_parent.name]},
        )
        return unit


# --- merge, split, dissolve --------------------------------------------------------------


def merge_plan(sources: Sequence[Unit], target_name: str) -> Plan:
    plan = Plan(Reorganisation.Kind.MERGE)
    for source in sources:
        for child in _active_children(source):
            plan.steps.append(
                PlanStep(child.name, _("chuyển"), source.name, target_name, _subtree_size(child))
            )
        plan.steps.append(
            PlanStep(source.name, _("chấm dứt, kế thừa bởi"), source.name, target_name)
        )
    return plan


def units_merge(
    *,
    acting_user: Actor,
    sources: Sequence[Unit],
    decision: Decision,
    target: Unit | None = None,
    new_target: NewUnit | None = None,
    new_target_parent: Unit | None = None,
) -> Unit:
    """Merge two or more units into one, existing (`target`) or new (`new_target`).

    The active children of the sources move under the target; the sources end on the
    effective date, name the target as successor and are kept under it with their history.
    """
    with transaction.atomic():
        sources = _lock(sources)
        problems: list[Problem] = []
        if (target is None) == (new_target is None):
            problems.append(Problem("target", _("Chọn một đơn vị nhận hoặc nhập đơn vị mới.")))
        if not sources:
            problems.append(Problem("sources", _("Chưa chọn đơn vị bị hợp nhất.")))
        if target is not None and any(s.pk == target.pk for s in sources):
            problems.append(
                Problem("sources", _("Đơn vị nhận không thể đồng thời là đơn vị bị hợp nhất."))
            )
        for source in sources:
            _require_admin_over(acting_user, source)
            if not source.is_active:
                problems.append(
                    Problem("sources", _("%(unit)s đã chấm dứt hoạt động.") % {"unit": source.name})
                )
        raise_if(problems)
        if new_target is not None:
            parent = new_target_parent
            if parent is not None:
                require_role(acting_user, parent, Role.ADMINISTRATOR)
            raise_if(_check_new_unit(new_target, parent) + _check_dates(decision, sources))
            target = _insert(new_target, parent, decision.effective)
            created = True
        else:
            assert target is not None
            (target,) = _lock([target])
            _require_admin_over(acting_user, target)
            problems = _check_dates(decision, [*sources, target])
            if not target.is_active:
                problems.append(Problem("target", _("Đơn vị nhận đã chấm dứt hoạt động.")))
            for source in sources:
                if target.path.startswith(source.path):
                    problems.append(
                        Problem("target", _("Đơn vị nhận nằm trong đơn vị bị hợp nhất."))
                    )
            raise_if(problems)
            created = False
        plan = merge_plan(sources, target.name)
        reorg = _record(
            Reorganisation.Kind.MERGE,
            acting_user,
            decision,
            {"sources": [s.name for s in sources], "target": target.name, "created": created},
        )
        on = decision.effective
        if created:
            UnitVersion.objects.create(
                unit=target,
                name=target.name,
                parent=target.parent,
                path=target.path,
                valid_from=on,
                reorganisation=reorg,
            )
        moved: list[Unit] = []
        for source in sources:
            for child in _active_children(source):
                _move_subtree(child, target, on, reorg)
                moved.append(child)
        _end(sources, on, successor=target)
        _link(reorg, sources, ReorganisationUnit.Role.SOURCE)
        _link(reorg, [target], ReorganisationUnit.Role.RESULT)
        _link(reorg, moved, ReorganisationUnit.Role.MOVED)
        for source in sources:
            _audit(acting_user, "unit.merge", source, reorg, {"successor": [None, target.name]})
        _audit(
            acting_user,
            "unit.merge",
            target,
            reorg,
            {
                "predecessors": [None, [s.name for s in sources]],
                "moved": [None, len(moved)],
                "plan": [None, len(plan.steps)],
            },
        )
        return target


def _end(units: Sequence[Unit], on: date, successor: Unit | None) -> None:
    _close(units, on)
    for unit in units:
        unit.valid_to = on
        unit.successor = successor
        unit.save(update_fields=["valid_to", "successor"])
        if successor is not None:
            # Kept under the successor so that its users see the history (scope is by path).
            _rehome(unit, successor)


def split_plan(
    source: Sequence[Unit] | Unit, results: Sequence[NewUnit], assignments: dict[int, int]
) -> Plan:
    unit = source if isinstance(source, Unit) else source[0]
    plan = Plan(Reorganisation.Kind.SPLIT)
    for result in results:
        plan.steps.append(PlanStep(result.name, _("thành lập"), "", str(unit.parent or "")))
    for child in _active_children(unit):
        index = assignments.get(child.pk)
        after = results[index].name if index is not None and 0 <= index < len(results) else "?"
        plan.steps.append(PlanStep(child.name, _("chuyển"), unit.name, after, _subtree_size(child)))
    main = results[0].name if results else "?"
    plan.steps.append(PlanStep(unit.name, _("chấm dứt, kế thừa chính bởi"), unit.name, main))
    return plan


def unit_split(
    *,
    acting_user: Actor,
    source: Unit,
    results: Sequence[NewUnit],
    assignments: dict[int, int],
    decision: Decision,
) -> list[Unit]:
    """Split a unit into new units under the same parent; each active child goes to the result
    named in `assignments` (child id → index in `results`). The first result is the main
    successor: what is later attached to the old unit goes there."""
    with transaction.atomic():
        (source,) = _lock([source])
        _require_admin_over(acting_user, source)
        problems = _check_dates(decision, [source])
        if len(results) < 2:
            problems.append(Problem("results", _("Chia tách cần ít nhất hai đơn vị mới.")))
        codes = [r.code for r in results]
        if len(set(codes)) != len(codes):
            problems.append(Problem("results", _("Các đơn vị mới phải có mã khác nhau.")))
        for spec in results:
            problems += _check_new_unit(spec, source.parent)
        for child in _active_children(source):
            index = assignments.get(child.pk)
            if index is None or not 0 <= index < len(results):
                problems.append(
                    Problem(
                        "assignments",
                        _("Chưa chọn đơn vị nhận cho %(unit)s.") % {"unit": child.name},
                    )
                )
        if not source.is_active:
            problems.append(Problem("source", _("Đơn vị đã chấm dứt hoạt động.")))
        raise_if(problems)
        on = decision.effective
        reorg = _record(
            Reorganisation.Kind.SPLIT,
            acting_user,
            decision,
            {"source": source.name, "results": [r.name for r in results]},
        )
        created = [_insert(spec, source.parent, on) for spec in results]
        UnitVersion.objects.bulk_create(
            [
                UnitVersion(
                    unit=u,
                    name=u.name,
                    parent=u.parent,
                    path=u.path,
                    valid_from=on,
                    reorganisation=reorg,
                )
                for u in created
            ]
        )
        moved = []
        for child in _active_children(source):
            _move_subtree(child, created[assignments[child.pk]], on, reorg)
            moved.append(child)
        _end([source], on, successor=created[0])
        _link(reorg, [source], ReorganisationUnit.Role.SOURCE)
        _link(reorg, created, ReorganisationUnit.Role.RESULT)
        _link(reorg, moved, ReorganisationUnit.Role.MOVED)
        _audit(
            acting_user,
            "unit.split",
            source,
            reorg,
            {"successors": [None, [u.name for u in created]]},
        )
        for unit in created:
            _audit(acting_user, "unit.create", unit, reorg, {"predecessor": [None, source.name]})
        return created


def dissolve_plan(unit: Unit) -> Plan:
    return Plan(
        Reorganisation.Kind.DISSOLVE,
        [PlanStep(unit.name, _("giải thể"), str(unit.parent or ""), "")],
    )


def unit_dissolve(*, acting_user: Actor, unit: Unit, decision: Decision) -> Unit:
    """End a unit with no successor. Its active children must first be moved or merged."""
    with transaction.atomic():
        (unit,) = _lock([unit])
        _require_admin_over(acting_user, unit)
        problems = _check_dates(decision, [unit])
        children = _active_children(unit)
        if children:
            problems.append(
                Problem(
                    "unit",
                    _(
                        "Còn %(count)s đơn vị trực thuộc đang hoạt động; "
                        "hãy chuyển hoặc hợp nhất trước."
                    )
                    % {"count": len(children)},
                )
            )
        if not unit.is_active:
            problems.append(Problem("unit", _("Đơn vị đã chấm dứt hoạt động.")))
        raise_if(problems)
        reorg = _record(Reorganisation.Kind.DISSOLVE, acting_user, decision, {"unit": unit.name})
        _end([unit], decision.effective, successor=None)
        _link(reorg, [unit], ReorganisationUnit.Role.SOURCE)
        _audit(acting_user, "unit.dissolve", unit, reorg, {"valid_to": [None, decision.effective]})
        return unit


# --- delegation and bulk creation --------------------------------------------------------


def unit_delegate(
    *,
    acting_user: Actor,
    unit: Unit,
    decides_admission: bool,
    decides_recognition: bool,
    effective_from: date,
    document: str,
) -> UnitDelegation:
    """Give a unit the power to decide admissions and/or recognitions from a date."""
    with transaction.atomic():
        (unit,) = _lock([unit])
        _require_admin_over(acting_user, unit)
        problems: list[Problem] = []
        if not document.strip():
            problems.append(Problem("document", _("Cần ghi văn bản ủy quyền.")))
        if unit.kind == UnitKind.CELL:
            problems.append(Problem("unit", _("Chi bộ không được ủy quyền quyết định kết nạp.")))
        raise_if(problems)
        previous = list(
            UnitDelegation.objects.select_for_update().filter(unit=unit, effective_to__isnull=True)
        )
        for old in previous:
            old.effective_to = effective_from
            old.save(update_fields=["effective_to"])
        delegation = UnitDelegation.objects.create(
            unit=unit,
            decides_admission=decides_admission,
            decides_recognition=decides_recognition,
            effective_from=effective_from,
            document=document.strip(),
        )
        audit_record(
            actor=acting_user,
            action="unit.delegate",
            target=delegation,
            unit=unit,
            changes={
                "decides_admission": [None, decides_admission],
                "decides_recognition": [None, decides_recognition],
                "effective_from": [None, effective_from],
            },
        )
        return delegation


def units_bulk_create(*, specs: Sequence[tuple[NewUnit, str | None]], decision: Decision) -> int:
    """Create many units at once for the operator's loaders (geography): each spec is a unit
    and the code of its parent (created earlier in `specs` or already present). Units whose
    code already exists are left exactly as they are. Returns how many were created."""
    with transaction.atomic():
        wanted_codes = [spec.code for spec, _parent in specs]
        existing = set(Unit.objects.filter(code__in=wanted_codes).values_list("code", flat=True))
        todo = [(spec, parent) for spec, parent in specs if spec.code not in existing]
        if not todo:
            return 0
        parent_codes = {p for _s, p in todo if p}
        by_code = {u.code: u for u in Unit.objects.filter(code__in=parent_codes)}
        reorg = _record(Reorganisation.Kind.CREATE, None, decision, {"count": len(todo)})
        on = decision.effective
        # Created level by level, so each parent has its id and path before its children.
        remaining = todo
        created_total = 0
        while remaining:
            ready = [(s, p) for s, p in remaining if p is None or p in by_code]
            if not ready:
                raise ServiceError(
                    [
                        Problem(
                            "parent",
                            _("Không tìm thấy đơn vị cấp trên %(code)s.")
                            % {"code": remaining[0][1]},
                        )
                    ]
                )
            problems = [
                pr
                for s, p in ready
                for pr in rules.parent_problems(s.kind, by_code[p].kind if p else None)
            ]
            raise_if(problems)
            units = Unit.objects.bulk_create(
                [
                    Unit(
                        code=s.code,
                        name=s.name,
                        kind=s.kind,
                        cell_kind=s.cell_kind,
                        admin_code=s.admin_code,
                        parent=by_code[p] if p else None,
                        path=f"~{s.code}",
                        valid_from=on,
                        search_text=_search_text(s.name, s.code),
                        sort_key=collation_key(s.name)[:500],
                    )
                    for s, p in ready
                ]
            )
            for unit in units:
                unit.path = (unit.parent.path if unit.parent else "") + rules.path_step(unit.pk)
                by_code[unit.code] = unit
            Unit.objects.bulk_update(units, ["path"], batch_size=1000)
            UnitVersion.objects.bulk_create(
                [
                    UnitVersion(
                        unit=u,
                        name=u.name,
                        parent=u.parent,
                        path=u.path,
                        valid_from=on,
                        reorganisation=reorg,
                    )
                    for u in units
                ],
                batch_size=1000,
            )
            _link(reorg, units, ReorganisationUnit.Role.RESULT)
            created_total += len(units)
            done = {s.code for s, _p in ready}
            remaining = [(s, p) for s, p in remaining if s.code not in done]
        audit_record(
            actor=None,
            action="unit.bulk_create",
            target=reorg,
            unit=None,
            changes={"count": [0, created_total]},
        )
        return created_total
