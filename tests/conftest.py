"""A small named world, built through the services like real data.

Trung ương
├── Tỉnh ủy Quảng Nam (QN)                      province officer: `tinh` (administrator)
│   └── Thành ủy Tam Kỳ (QN.TK)
│       └── Đảng ủy phường An Mỹ (QN.TK.AM)     commune officer: `xa` (administrator)
│           ├── Chi bộ khu phố 1 (QN.TK.AM.1)    cell secretary: `bithu` (editor)
│           └── Chi bộ khu phố 2 (QN.TK.AM.2)
└── Tỉnh ủy Bắc Ninh (BN)                        outsider: `ngoai` (administrator of a sibling)
    └── Đảng ủy phường Kinh Bắc (BN.KB)
        └── Chi bộ Trường Tiểu học Kinh Bắc (BN.KB.TH)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.test import Client, override_settings
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import two_factor_required_for
from dangvien.accounts.services import user_create
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import Decision, NewUnit, unit_create
from tests.migration_rows import ensure_migration_rows

FOUNDED = Decision(effective=date(2015, 1, 1), number="01-QĐ/TW")
PASSWORD = "mat-khau-thu-nghiem-2025"


@dataclass
class World:
    root: Unit
    quang_nam: Unit
    tam_ky: Unit
    an_my: Unit
    cell_1: Unit
    cell_2: Unit
    bac_ninh: Unit
    kinh_bac: Unit
    kb_school: Unit
    tinh: User
    xa: User
    bithu: User
    ngoai: User


def _unit(parent: Unit | None, code: str, name: str, kind: str, cell_kind: str = "") -> Unit:
    return unit_create(
        acting_user=None,
        parent=parent,
        spec=NewUnit(code, name, kind, cell_kind),
        decision=Decision(effective=date(1930, 2, 3)) if parent is None else FOUNDED,
    )


def build_world() -> World:
    root = _unit(None, "TW", "Trung ương", UnitKind.CENTRAL)
    quang_nam = _unit(root, "QN", "Tỉnh ủy Quảng Nam", UnitKind.PROVINCE)
    tam_ky = _unit(quang_nam, "QN.TK", "Thành ủy Tam Kỳ", UnitKind.DISTRICT)
    an_my = _unit(tam_ky, "QN.TK.AM", "Đảng ủy phường An Mỹ", UnitKind.COMMUNE)
    cell_1 = _unit(an_my, "QN.TK.AM.1", "Chi bộ khu phố 1", UnitKind.CELL, CellKind.RESIDENTIAL)
    cell_2 = _unit(an_my, "QN.TK.AM.2", "Chi bộ khu phố 2", UnitKind.CELL, CellKind.RESIDENTIAL)
    bac_ninh = _unit(root, "BN", "Tỉnh ủy Bắc Ninh", UnitKind.PROVINCE)
    kinh_bac = _unit(bac_ninh, "BN.KB", "Đảng ủy phường Kinh Bắc", UnitKind.COMMUNE)
    kb_school = _unit(
        kinh_bac, "BN.KB.TH", "Chi bộ Trường Tiểu học Kinh Bắc", UnitKind.CELL, CellKind.SCHOOL
    )

    def user(name: str, unit: Unit, role: int) -> User:
        return user_create(
            acting_user=None,
            username=name,
            full_name=f"Người thử {name}",
            password=PASSWORD,
            unit=unit,
            role=role,
            check_password=False,
        )

    return World(
        root,
        quang_nam,
        tam_ky,
        an_my,
        cell_1,
        cell_2,
        bac_ninh,
        kinh_bac,
        kb_school,
        tinh=user("tinh", quang_nam, Role.ADMINISTRATOR),
        xa=user("xa", an_my, Role.ADMINISTRATOR),
        bithu=user("bithu", cell_1, Role.EDITOR),
        ngoai=user("ngoai", bac_ninh, Role.ADMINISTRATOR),
    )


@pytest.fixture
def world(db: None) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _migration_rows_outside_a_transaction(request: pytest.FixtureRequest) -> None:
    """A test marked `django_db(transaction=True)` runs on whatever the test before it in
    the worker left: after another such test, empty tables, the rows the migrations wrote
    included (`tests/migration_rows.py`). Each starts by writing those rows again, so that
    it passes in any order, not only where the collection happens to put it."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        return
    transaction = marker.kwargs.get("transaction", marker.args[0] if marker.args else False)
    if transaction:
        request.getfixturevalue("transactional_db")
        ensure_migration_rows()


@pytest.fixture(autouse=True, scope="session")
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 at its least cost for every test (see tests/hashers.py)."""
    hashers = ["tests.hashers.CheapArgon2PasswordHasher", *django_settings.PASSWORD_HASHERS]
    with override_settings(PASSWORD_HASHERS=hashers):
        yield


@pytest.fixture(autouse=True)
def _fixed_language(settings: pytest.FixtureRequest) -> None:
    settings.LANGUAGE_CODE = "vi"  # type: ignore[attr-defined]


def enrolled(user: User) -> TOTPDevice:
    """The user's authenticator, confirmed (made here when the user has none)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="thử", confirmed=True)


def signed_in(user: User) -> Client:
    """A test client signed in as the user, past the second factor where the user's role
    requires one (DANGVIEN_2FA_REQUIRED_ROLE stays on in the tests): the device is made and
    the session marked verified as `django_otp.login` does. Axes needs a real request to
    check a password, so the tests that are not about the login page skip it."""
    client = Client()
    client.force_login(user)
    if two_factor_required_for(user):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = enrolled(user).persistent_id
        session.save()
    return client


def logged_in(username: str) -> Client:
    """A test client signed in as the named user (see `signed_in`)."""
    return signed_in(get_user_model().objects.get(username=username))
