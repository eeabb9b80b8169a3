"""Pure rules of the tree's shape. No ORM here: callers pass plain values."""

from __future__ import annotations

import string
from datetime import date

from django.utils.translation import gettext as _

from dangvien.lib.errors import Problem
from dangvien.orgs.models import PATH_STEP, UnitKind

# How high a kind stands; a child must stand strictly lower than its parent. This is the
# shape of the party's organisation (central → province → [district] → commune → grassroots
# → partial → cell), which is structure rather than a dated regulation value.
KIND_RANK: dict[str, int] = {
    UnitKind.CENTRAL: 0,
    UnitKind.PROVINCE: 1,
    UnitKind.DISTRICT: 2,
    UnitKind.BLOC: 2,
    UnitKind.COMMUNE: 3,
    UnitKind.GRASSROOTS: 4,
    UnitKind.PARTIAL: 5,
    UnitKind.CELL: 6,
}

_DIGITS = string.digits + string.ascii_lowercase


def path_step(unit_id: int) -> str:
    """The fixed-width base-36 step of a unit in a materialised path."""
    if unit_id <= 0:
        raise ValueError("unit ids are positive")
    digits = []
    value = unit_id
    while value:
        value, rest = divmod(value, 36)
        digits.append(_DIGITS[rest])
    step = "".join(reversed(digits))
    if len(step) > PATH_STEP:
        raise ValueError("unit id too large for a path step")
    return step.rjust(PATH_STEP, "0")


def path_ids(path: str) -> list[int]:
    """The ids of a unit's current ancestors and of the unit itself, root first, read from
    its materialised path (each step is the id in base 36): the inverse of `path_step`."""
    return [int(path[i : i + PATH_STEP], 36) for i in range(0, len(path), PATH_STEP)]


def parent_problems(child_kind: str, parent_kind: str | None) -> list[Problem]:
    if parent_kind is None:
        if child_kind != UnitKind.CENTRAL:
            return [Problem("parent", _("Chỉ cấp Trung ương mới không có tổ chức cấp trên."))]
        return []
    if parent_kind == UnitKind.CELL:
        return [Problem("parent", _("Chi bộ không có tổ chức trực thuộc."))]
    if KIND_RANK[child_kind] <= KIND_RANK[parent_kind]:
        return [
            Problem(
                "parent",
                _("%(child)s không thể trực thuộc %(parent)s.")
                % {"child": UnitKind(child_kind).label, "parent": UnitKind(parent_kind).label},
            )
        ]
    return []


def cell_kind_problems(kind: str, cell_kind: str) -> list[Problem]:
    if kind == UnitKind.CELL and not cell_kind:
        return [Problem("cell_kind", _("Chi bộ phải có loại chi bộ."))]
    if kind != UnitKind.CELL and cell_kind:
        return [Problem("cell_kind", _("Chỉ chi bộ mới có loại chi bộ."))]
    return []


def effective_date_problems(
    effective: date, *, today: date, latest_change: date | None
) -> list[Problem]:
    """A change takes effect no later than today and not before the unit's last change."""
    problems = []
    if effective > today:
        problems.append(Problem("effective_date", _("Ngày hiệu lực không được sau ngày hôm nay.")))
    if latest_change is not None and effective < latest_change:
        problems.append(
            Problem(
                "effective_date",
                _("Ngày hiệu lực %(date)s trước lần thay đổi gần nhất của đơn vị (%(latest)s).")
                % {"date": f"{effective:%d/%m/%Y}", "latest": f"{latest_change:%d/%m/%Y}"},
            )
        )
    return problems
