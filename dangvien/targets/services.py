"""Every write to targets: set (create or change) a unit's target for a period."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, actor_user, audit_record
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import require_role
from dangvien.lib.errors import Problem, raise_if
from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit
from dangvien.targets.models import Target


def _assigner(unit: Unit) -> Unit:
    """Targets are given by the parent committee; a root unit sets its own."""
    return unit.parent if unit.parent_id is not None else unit  # type: ignore[return-value]


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

    The parent assigns: an approver on the parent unit (or above) may set it.
    """
    assigner = _assigner(unit)
    with transaction.atomic():
        require_role(acting_user, assigner, Role.APPROVER)
        problems: list[Problem] = []
        if admissions < 0:
            problems.append(Problem("admissions", _("Chỉ tiêu không được là số âm.")))
        if admissions_min is not None and not 0 <= admissions_min <= admissions:
            problems.append(
                Problem(
                    "admissions_min",
                    _("Chỉ tiêu tối thiểu phải từ 0 đến chỉ tiêu (%(n)s).") % {"n": admissions},
                )
            )
        if not unit.is_active:
            problems.append(
                Problem("unit", _("%(unit)s đã chấm dứt hoạt động.") % {"unit": unit.name})
            )
        raise_if(problems)
        target = Target.objects.select_for_update().filter(unit=unit, period=period.code).first()
        before = (
            {"admissions": target.admissions, "admissions_min": target.admissions_min}
            if target
            else {"admissions": None, "admissions_min": None}
        )
        if target is None:
            target = Target(unit=unit, period=period.code)
        target.period_kind = period.kind.value
        target.start, target.end = period.start, period.end
        target.admissions, target.admissions_min = admissions, admissions_min
        target.assigned_by = assigner
        target.document, target.assigned_on, target.note = document, assigned_on, note
        target.recorded_by = actor_user(acting_user)
        target.save()
        audit_record(
            actor=acting_user,
            action="target.set",
            target=target,
            unit=unit,
            changes={
                "period": period.code,
                "admissions": [before["admissions"], admissions],
                "admissions_min": [before["admissions_min"], admissions_min],
                "document": document,
            },
        )
        return target
