from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from dangvien.accounts.models import AuditEvent
from dangvien.lib.errors import ServiceError
from dangvien.orgs.models import ResidentialArea
from dangvien.targets.areas import (
    NewArea,
    area_create,
    area_get_for_user,
    area_update,
    areas_bulk_create,
    areas_of_unit,
)
from tests.conftest import World

ON = date(2026, 1, 1)


def test_an_editor_adds_areas_with_the_cell_covering_them(world: World) -> None:
    created = areas_bulk_create(
        acting_user=world.xa,
        unit=world.an_my,
        areas=[NewArea("Khu phố 2", world.cell_2), NewArea("Khu phố  1", world.cell_1)],
        valid_from=ON,
    )
    assert [a.name for a in created] == ["Khu phố 2", "Khu phố 1"]
    assert [a.name for a in areas_of_unit(world.xa, world.an_my)] == ["Khu phố 1", "Khu phố 2"]
    assert AuditEvent.objects.filter(action="area.create").count() == 2


def test_a_name_twice_or_a_cell_elsewhere_refuses_the_whole_list(world: World) -> None:
    area_create(acting_user=None, unit=world.an_my, name="Khu phố 1", valid_from=ON)
    with pytest.raises(ServiceError) as refused:
        areas_bulk_create(
            acting_user=None,
            unit=world.an_my,
            areas=[NewArea("khu phố 1"), NewArea("Khu phố 3", world.kb_school), NewArea("Ấp 4")],
            valid_from=ON,
        )
    fields = refused.value.by_field()
    assert set(fields) == {"1-name", "2-cell"}
    assert "Dòng 1" in fields["1-name"][0]
    assert ResidentialArea.objects.count() == 1


def test_tone_marks_make_different_names(world: World) -> None:
    areas_bulk_create(
        acting_user=None,
        unit=world.an_my,
        areas=[NewArea("Thôn Ân"), NewArea("Thôn An")],
        valid_from=ON,
    )
    assert ResidentialArea.objects.count() == 2


def test_areas_belong_to_a_commune_not_a_cell(world: World) -> None:
    with pytest.raises(ServiceError) as refused:
        area_create(acting_user=None, unit=world.cell_1, name="Khu phố 1", valid_from=ON)
    assert "unit" in refused.value.by_field()


def test_a_cell_secretary_cannot_add_areas_to_the_commune(world: World) -> None:
    with pytest.raises(PermissionDenied):
        area_create(acting_user=world.bithu, unit=world.an_my, name="Khu phố 1", valid_from=ON)


def test_update_sets_the_cell_and_ends_an_area(world: World) -> None:
    area = area_create(acting_user=None, unit=world.an_my, name="Khu phố 1", valid_from=ON)
    changed = area_update(
        acting_user=world.xa,
        area=area,
        name="Khu phố Một",
        cell=world.cell_1,
        valid_to=date(2026, 7, 1),
    )
    assert (changed.name, changed.cell, changed.valid_to) == (
        "Khu phố Một",
        world.cell_1,
        date(2026, 7, 1),
    )
    event = AuditEvent.objects.get(action="area.update")
    assert event.changes["name"] == ["Khu phố 1", "Khu phố Một"]


def test_an_area_outside_the_users_subtree_is_not_found(world: World) -> None:
    area = area_create(acting_user=None, unit=world.an_my, name="Khu phố 1", valid_from=ON)
    assert area_get_for_user(world.xa, area.pk) == area
    with pytest.raises(Http404):
        area_get_for_user(world.ngoai, area.pk)
