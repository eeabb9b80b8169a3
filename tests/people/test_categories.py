"""The category lists: national administrators extend them on a page, through the services."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from dangvien.accounts.models import AuditEvent, Role
from dangvien.accounts.services import user_create
from dangvien.lib.errors import ServiceError
from dangvien.people import selectors
from dangvien.people.category_services import category_create, category_set_active
from dangvien.people.defaults import KINH, NO_RELIGION, YOUTH_UNION
from dangvien.people.models import Category
from tests.conftest import PASSWORD, World, logged_in

pytestmark = pytest.mark.django_db


def _national(world: World) -> User:
    return user_create(
        acting_user=None,
        username="trunguong",
        full_name="Người thử trung ương",
        password=PASSWORD,
        unit=world.root,
        role=Role.ADMINISTRATOR,
        check_password=False,
    )


def test_page_lists_every_kind_with_its_entries(world: World) -> None:
    body = logged_in("bithu").get("/nguoi/danh-muc/").content.decode()
    assert "Dân tộc" in body
    assert "Chức danh ở cơ sở" in body
    assert "Bí thư chi bộ" in body
    assert 'name="action" value="create"' not in body  # not a national administrator


def test_national_administrator_adds_an_entry_that_forms_offer_and_audit_records(
    world: World,
) -> None:
    _national(world)
    client = logged_in("trunguong")
    assert 'value="create"' in client.get("/nguoi/danh-muc/").content.decode()
    response = client.post(
        "/nguoi/danh-muc/",
        {
            "action": "create",
            "kind": "position",
            "code": "TCT",
            "name": "Tổ trưởng  tổ tự quản",
            "rank": "5",
            "aliases": "to truong tu quan\n\nTT tự quản",
        },
    )
    assert response.status_code == 302
    entry = Category.objects.get(kind="position", code="TCT")
    assert entry.name == "Tổ trưởng tổ tự quản"
    assert entry.aliases == "to truong tu quan\nTT tự quản"
    assert entry in selectors.categories("position")
    event = AuditEvent.objects.get(action="category.create", target_id=str(entry.pk))
    assert event.unit is None
    assert event.actor is not None
    assert event.actor.username == "trunguong"


def test_a_duplicate_code_is_refused_naming_the_code(world: World) -> None:
    _national(world)
    response = logged_in("trunguong").post(
        "/nguoi/danh-muc/",
        {"action": "create", "kind": "position", "code": "BT", "name": "Bí thư", "rank": "0"},
    )
    assert response.status_code == 200
    assert "BT" in response.context["form"].errors["code"][0]
    assert Category.objects.filter(kind="position", code="BT").count() == 1


def test_an_entry_switched_out_of_use_is_no_longer_offered(world: World) -> None:
    _national(world)
    entry = Category.objects.get(kind="position", code="BT")
    client = logged_in("trunguong")
    response = client.post("/nguoi/danh-muc/", {"action": "deactivate", "category": entry.pk})
    assert response.status_code == 302
    assert entry not in selectors.categories("position")
    assert AuditEvent.objects.filter(action="category.deactivate", unit=None).exists()
    client.post("/nguoi/danh-muc/", {"action": "activate", "category": entry.pk})
    assert entry in selectors.categories("position")


def test_a_province_administrator_cannot_add_or_switch(world: World) -> None:
    client = logged_in("tinh")
    response = client.post(
        "/nguoi/danh-muc/",
        {"action": "create", "kind": "position", "code": "X1", "name": "Thử", "rank": "0"},
    )
    assert response.status_code == 403
    entry = Category.objects.get(kind="position", code="BT")
    response = client.post("/nguoi/danh-muc/", {"action": "deactivate", "category": entry.pk})
    assert response.status_code == 403
    assert not Category.objects.filter(code="X1").exists()
    assert Category.objects.get(pk=entry.pk).active
    with pytest.raises(PermissionDenied):
        category_create(
            acting_user=world.tinh, kind="position", code="X1", name="Thử", rank=0, aliases=""
        )
    with pytest.raises(PermissionDenied):
        category_set_active(acting_user=world.tinh, category=entry, active=False)


def test_service_refuses_an_empty_name_and_an_unknown_kind(world: World) -> None:
    national = _national(world)
    with pytest.raises(ServiceError) as caught:
        category_create(
            acting_user=national, kind="colour", code="X1", name="  ", rank=0, aliases=""
        )
    assert set(caught.value.by_field()) == {"kind", "name"}
    assert not Category.objects.filter(code="X1").exists()


def test_admin_lists_categories_read_only() -> None:
    model_admin = admin.site._registry[Category]
    request = RequestFactory().get("/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_entries_the_reports_single_out_are_installed_under_their_codes() -> None:
    # The quality report counts ethnic minorities, religions and Youth-Union members against
    # these three entries; their codes never change once installed (the admin is read-only,
    # the services only add and switch).
    assert Category.objects.get(kind="ethnicity", code=KINH).name == "Kinh"
    assert Category.objects.get(kind="religion", code=NO_RELIGION).name == "Không"
    youth = Category.objects.get(kind="mass_organisation", code=YOUTH_UNION)
    assert youth.name == "Đoàn Thanh niên Cộng sản Hồ Chí Minh"
