"""Residential areas (thôn, bản, khu phố, tổ dân phố) of a commune: the places structural
targets count ("the share of residential areas with a party member, with a cell"). Writes
and the scoped reads live together here because the model belongs to `orgs`."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, audit_record, audit_record_many
from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, require_role, scoped
from dangvien.lib.errors import Problem, raise_if
from dangvien.lib.vntext import collation_key
from dangvien.orgs.models import ResidentialArea, Unit, UnitKind

# Units whose territory is divided into residential areas.
AREA_UNIT_KINDS = (UnitKind.COMMUNE, UnitKind.GRASSROOTS, UnitKind.PARTIAL)
NAME_MAX = ResidentialArea._meta.get_field("name").max_length or 120


@dataclass(frozen=True)
class NewArea:
    name: str
    cell: Unit | None = None


def same_name(name: str) -> str:
    """Names compared for duplicates: case and spacing ignored, tone marks kept ("Thôn Ân"
    and "Thôn An" are two villages)."""
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _unit_problems(unit: Unit) -> list[Problem]:
    problems: list[Problem] = []
    if unit.kind not in AREA_UNIT_KINDS:
        problems.append(
            Problem(
                "unit",
                _(
                    "Khu dân cư thuộc đảng bộ xã, phường, đặc khu hoặc đảng bộ cơ sở; "
                    "%(unit)s thì không."
                )
                % {"unit": unit.name},
            )
        )
    if not unit.is_active:
        problems.append(Problem("unit", _("%(unit)s đã chấm dứt hoạt động.") % {"unit": unit.name}))
    return problems


def _area_problems(unit: Unit, area: NewArea, taken: set[str], prefix: str = "") -> list[Problem]:
    problems: list[Problem] = []
    name = " ".join(area.name.split())
    if not name:
        problems.append(Problem(f"{prefix}name", _("Chưa nhập tên thôn, khu phố, tổ dân phố.")))
    elif len(name) > NAME_MAX:
        problems.append(Problem(f"{prefix}name", _("Tên dài quá %(n)s ký tự.") % {"n": NAME_MAX}))
    elif same_name(name) in taken:
        problems.append(
            Problem(
                f"{prefix}name",
                _("%(unit)s đã có khu dân cư “%(name)s”.") % {"unit": unit.name, "name": name},
            )
        )
    cell = area.cell
    if cell is not None:
        if cell.kind != UnitKind.CELL or not cell.path.startswith(unit.path):
            problems.append(
                Problem(
                    f"{prefix}cell",
                    _("%(cell)s không phải chi bộ trực thuộc %(unit)s.")
                    % {"cell": cell.name, "unit": unit.name},
                )
            )
        elif not cell.is_active:
            problems.append(
                Problem(f"{prefix}cell", _("%(unit)s đã chấm dứt hoạt động.") % {"unit": cell.name})
            )
    return problems


def _taken_names(unit: Unit, exclude: int | None = None) -> set[str]:
    areas = ResidentialArea.objects.filter(unit=unit)
    if exclude is not None:
        areas = areas.exclude(pk=exclude)
    names = areas.values_list("name", flat=True)
    return {same_name(n) for n in names}


def _new(unit: Unit, area: NewArea, valid_from: date) -> ResidentialArea:
    name = " ".join(area.name.split())
    return ResidentialArea(
        unit=unit,
        name=name,
        cell=area.cell,
        valid_from=valid_from,
        sort_key=collation_key(name)[:300],
    )


def area_create(
    *, acting_user: Actor, unit: Unit, name: str, cell: Unit | None = None, valid_from: date
) -> ResidentialArea:
    """Add a residential area to a commune (an editor of the commune may)."""
    return areas_bulk_create(
        acting_user=acting_user, unit=unit, areas=[NewArea(name, cell)], valid_from=valid_from
    )[0]


def areas_bulk_create(
    *, acting_user: Actor, unit: Unit, areas: Sequence[NewArea], valid_from: date
) -> list[ResidentialArea]:
    """Add many residential areas to a commune in one transaction: all or none. Problems
    for the n-th area (from 1) use fields `<n>-name`, `<n>-cell` when there is more than one."""
    with transaction.atomic():
        require_role(acting_user, unit, Role.EDITOR)
        problems = _unit_problems(unit)
        if not areas:
            problems.append(Problem("name", _("Chưa nhập khu dân cư nào.")))
        taken = _taken_names(unit)
        for number, area in enumerate(areas, start=1):
            prefix = f"{number}-" if len(areas) > 1 else ""
            found = _area_problems(unit, area, taken, prefix)
            if len(areas) > 1:
                found = [
                    Problem(
                        p.field, _("Dòng %(n)s: %(message)s") % {"n": number, "message": p.message}
                    )
                    for p in found
                ]
            problems += found
            taken.add(same_name(area.name))
        raise_if(problems)
        created = ResidentialArea.objects.bulk_create([_new(unit, a, valid_from) for a in areas])
        audit_record_many(
            actor=acting_user,
            action="area.create",
            items=[
                (a, unit, {"name": [None, a.name], "cell": [None, a.cell.name if a.cell else ""]})
                for a in created
            ],
        )
        return created


def area_update(
    *,
    acting_user: Actor,
    area: ResidentialArea,
    name: str,
    cell: Unit | None,
    valid_to: date | None = None,
) -> ResidentialArea:
    """Rename an area, change the cell that covers it, or end it (merged villages)."""
    with transaction.atomic():
        area = ResidentialArea.objects.select_for_update().select_related("unit").get(pk=area.pk)
        unit = area.unit
        require_role(acting_user, unit, Role.EDITOR)
        problems = _area_problems(unit, NewArea(name, cell), _taken_names(unit, exclude=area.pk))
        if valid_to is not None and valid_to <= area.valid_from:
            problems.append(
                Problem(
                    "valid_to",
                    _("Ngày chấm dứt phải sau ngày hiệu lực (%(d)s).")
                    % {"d": f"{area.valid_from:%d/%m/%Y}"},
                )
            )
        raise_if(problems)
        before: dict[str, Any] = {
            "name": area.name,
            "cell": area.cell.name if area.cell else "",
            "valid_to": area.valid_to,
        }
        area.name = " ".join(name.split())
        area.sort_key = collation_key(area.name)[:300]
        area.cell = cell
        area.valid_to = valid_to
        area.save(update_fields=["name", "sort_key", "cell", "valid_to"])
        after = {"name": area.name, "cell": cell.name if cell else "", "valid_to": valid_to}
        audit_record(
            actor=acting_user,
            action="area.update",
            target=area,
            unit=unit,
            changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
        return area


# --- reads ---------------------------------------------------------------------------------


def areas_of_unit(user: AnyUser, unit: Unit) -> QuerySet[ResidentialArea]:
    """The unit's residential areas with their cell, if the user sees the unit."""
    return scoped(
        ResidentialArea.objects.filter(unit=unit).select_related("cell"), user, "unit__path"
    ).order_by("valid_to", "sort_key", "pk")


def area_get_for_user(user: AnyUser, pk: Any, min_role: int = Role.VIEWER) -> ResidentialArea:
    try:
        return scoped(
            ResidentialArea.objects.select_related("unit", "cell"), user, "unit__path", min_role
        ).get(pk=pk)
    except (ResidentialArea.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy khu dân cư.")) from None


def cells_of(unit: Unit) -> QuerySet[Unit]:
    """Active cells under a commune: the choices for "the cell that covers this area"."""
    return Unit.objects.filter(
        path__startswith=unit.path, kind=UnitKind.CELL, valid_to__isnull=True
    ).order_by("sort_key", "code")
