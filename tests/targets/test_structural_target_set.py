from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from dangvien.accounts.models import AuditEvent
from dangvien.lib.errors import ServiceError
from dangvien.lib.periods import Period
from dangvien.people.models import Category
from dangvien.targets.models import StructuralMeasure, StructuralTarget
from dangvien.targets.services import structural_target_set
from tests.conftest import World

TERM = Period.parse("2025-2030")


def _position(code: str) -> Category:
    return Category.objects.get(kind="position", code=code)


def test_seed_001_front_heads_70_percent_and_mass_heads_over_60(world: World) -> None:
    front = structural_target_set(
        acting_user=world.tinh,
        unit=world.an_my,
        period=TERM,
        measure=StructuralMeasure.POSITION_MEMBERS,
        position=_position("MT"),
        percent=Decimal("70"),
    )
    mass = structural_target_set(
        acting_user=world.tinh,
        unit=world.an_my,
        period=TERM,
        measure=StructuralMeasure.POSITION_MEMBERS,
        position=_position("DT"),
        percent=Decimal("60"),
        strict=True,
    )
    assert (front.percent, front.strict, mass.strict) == (Decimal("70"), False, True)
    assert front.assigned_by == world.tam_ky
    assert AuditEvent.objects.filter(action="structural_target.set").count() == 2


def test_setting_again_changes_the_same_row(world: World) -> None:
    for percent in ("80", "90"):
        structural_target_set(
            acting_user=None,
            unit=world.an_my,
            period=TERM,
            measure=StructuralMeasure.AREAS_WITH_CELL,
            percent=Decimal(percent),
        )
    assert list(StructuralTarget.objects.values_list("percent", flat=True)) == [Decimal("90")]


@pytest.mark.parametrize(
    ("measure", "position", "percent", "strict", "field"),
    [
        (StructuralMeasure.POSITION_MEMBERS, None, "70", False, "position"),
        (StructuralMeasure.AREAS_WITH_MEMBER, "TT", "70", False, "position"),
        (StructuralMeasure.AREAS_WITH_MEMBER, None, "0", False, "percent"),
        (StructuralMeasure.AREAS_WITH_MEMBER, None, "101", False, "percent"),
        (StructuralMeasure.AREAS_WITH_MEMBER, None, "100", True, "strict"),
    ],
)
def test_a_wrong_structural_target_is_refused_naming_the_field(
    world: World, measure: str, position: str | None, percent: str, strict: bool, field: str
) -> None:
    with pytest.raises(ServiceError) as refused:
        structural_target_set(
            acting_user=None,
            unit=world.an_my,
            period=TERM,
            measure=measure,
            position=_position(position) if position else None,
            percent=Decimal(percent),
            strict=strict,
        )
    assert field in refused.value.by_field()


def test_a_commune_cannot_set_its_own_structural_target(world: World) -> None:
    with pytest.raises(PermissionDenied):
        structural_target_set(
            acting_user=world.xa,
            unit=world.an_my,
            period=TERM,
            measure=StructuralMeasure.AREAS_WITH_CELL,
            percent=Decimal("50"),
        )
