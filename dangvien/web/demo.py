"""The demo world, drawn from the seed reports.

Before July 2025: Tỉnh ủy Quảng Nam with Thành ủy Tam Kỳ, Huyện ủy Nam Giang and Đảng ủy Khối
các cơ quan tỉnh (seed 002); Tỉnh ủy Bắc Ninh › Thành ủy Bắc Ninh › Đảng ủy phường Kinh Bắc
with its 11 cells: 6 residential, 3 school, 1 health, 1 police (seed 000); Huyện ủy Bình
Liêu with the villages of seed 001 (`demo_binh_lieu`). Then the 34
provinces and 3,321 communes of July 2025, and the reorganisation that folds the old units
into them, so every page can be looked at "as of" a date before and after.

Unit names are public; no person here is real. Decision numbers marked "(mẫu)" are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction

from dangvien.accounts.models import Role
from dangvien.accounts.services import user_create
from dangvien.admission.demo import load_demo_cases
from dangvien.lib.db import refresh_planner_statistics
from dangvien.orgs import geography
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import (
    Decision,
    NewUnit,
    unit_create,
    unit_dissolve,
    units_bulk_create,
    units_merge,
)
from dangvien.targets import demo as targets_demo
from dangvien.targets.demo import load_demo_targets
from dangvien.training.demo import load_demo_training
from dangvien.web.demo_binh_lieu import load_demo_binh_lieu
from dangvien.web.demo_people import load_demo_people

# Published in the README: the demo is for looking around, never for real data.
DEMO_PASSWORD = "demo-dangvien-2025"  # noqa: S105
FOUNDED = Decision(effective=date(2015, 1, 1), number="(mẫu) dữ liệu ban đầu")
REFORM = Decision(
    effective=geography.REFORM_DATE,
    number="(mẫu) 01-QĐ/TU",
    signed=date(2025, 6, 30),
    note="Sắp xếp tổ chức đảng theo mô hình chính quyền địa phương hai cấp",
)

R = CellKind.RESIDENTIAL
# (code, name, kind, cell kind, parent code)
OLD_WORLD: list[tuple[str, str, str, str, str]] = [
    ("QNAM", "Tỉnh ủy Quảng Nam", UnitKind.PROVINCE, "", geography.CENTRAL_CODE),
    ("QNAM.TK", "Thành ủy Tam Kỳ", UnitKind.DISTRICT, "", "QNAM"),
    ("QNAM.TK.AM", "Đảng ủy phường An Mỹ", UnitKind.COMMUNE, "", "QNAM.TK"),
    ("QNAM.TK.AM.1", "Chi bộ khu phố 1", UnitKind.CELL, R, "QNAM.TK.AM"),
    ("QNAM.TK.AM.2", "Chi bộ khu phố 2", UnitKind.CELL, R, "QNAM.TK.AM"),
    ("QNAM.TK.AM.TH", "Chi bộ Trường Tiểu học An Mỹ", UnitKind.CELL, CellKind.SCHOOL, "QNAM.TK.AM"),
    ("QNAM.TK.TT", "Đảng ủy phường Tân Thạnh", UnitKind.COMMUNE, "", "QNAM.TK"),
    ("QNAM.TK.TT.1", "Chi bộ khối phố 1", UnitKind.CELL, R, "QNAM.TK.TT"),
    (
        "QNAM.TK.TT.YT",
        "Chi bộ Trạm Y tế phường Tân Thạnh",
        UnitKind.CELL,
        CellKind.HEALTH,
        "QNAM.TK.TT",
    ),
    ("QNAM.NG", "Huyện ủy Nam Giang", UnitKind.DISTRICT, "", "QNAM"),
    ("QNAM.NG.TM", "Đảng ủy thị trấn Thạnh Mỹ", UnitKind.COMMUNE, "", "QNAM.NG"),
    ("QNAM.NG.TM.1", "Chi bộ thôn Pà Dương", UnitKind.CELL, R, "QNAM.NG.TM"),
    (
        "QNAM.NG.TM.CA",
        "Chi bộ Công an thị trấn Thạnh Mỹ",
        UnitKind.CELL,
        CellKind.POLICE,
        "QNAM.NG.TM",
    ),
    ("QNAM.KCQ", "Đảng ủy Khối các cơ quan tỉnh Quảng Nam", UnitKind.BLOC, "", "QNAM"),
    ("QNAM.KCQ.SYT", "Đảng bộ Sở Y tế", UnitKind.GRASSROOTS, "", "QNAM.KCQ"),
    ("QNAM.KCQ.SYT.VP", "Chi bộ Văn phòng Sở Y tế", UnitKind.CELL, CellKind.AGENCY, "QNAM.KCQ.SYT"),
    # The rest of Quảng Nam that seed 002's province totals need (targets demo).
    *targets_demo.OLD_UNITS,
    ("BNIN", "Tỉnh ủy Bắc Ninh (trước 7/2025)", UnitKind.PROVINCE, "", geography.CENTRAL_CODE),
    ("BNIN.TP", "Thành ủy Bắc Ninh", UnitKind.DISTRICT, "", "BNIN"),
    ("BNIN.TP.KB", "Đảng ủy phường Kinh Bắc (trước 7/2025)", UnitKind.COMMUNE, "", "BNIN.TP"),
    *[
        (f"BNIN.TP.KB.{n}", f"Chi bộ khu phố {n}", UnitKind.CELL, R, "BNIN.TP.KB")
        for n in range(1, 7)
    ],
    (
        "BNIN.TP.KB.MN",
        "Chi bộ Trường Mầm non Kinh Bắc",
        UnitKind.CELL,
        CellKind.SCHOOL,
        "BNIN.TP.KB",
    ),
    (
        "BNIN.TP.KB.TH",
        "Chi bộ Trường Tiểu học Kinh Bắc",
        UnitKind.CELL,
        CellKind.SCHOOL,
        "BNIN.TP.KB",
    ),
    ("BNIN.TP.KB.CS", "Chi bộ Trường THCS Kinh Bắc", UnitKind.CELL, CellKind.SCHOOL, "BNIN.TP.KB"),
    (
        "BNIN.TP.KB.YT",
        "Chi bộ Trạm Y tế phường Kinh Bắc",
        UnitKind.CELL,
        CellKind.HEALTH,
        "BNIN.TP.KB",
    ),
    (
        "BNIN.TP.KB.CA",
        "Chi bộ Công an phường Kinh Bắc",
        UnitKind.CELL,
        CellKind.POLICE,
        "BNIN.TP.KB",
    ),
    ("BNIN.TP.DP", "Đảng ủy phường Đại Phúc", UnitKind.COMMUNE, "", "BNIN.TP"),
    ("BNIN.TP.DP.1", "Chi bộ khu phố Đại Phúc 1", UnitKind.CELL, R, "BNIN.TP.DP"),
    (
        "BNIN.TP.DP.TH",
        "Chi bộ Trường Tiểu học Đại Phúc",
        UnitKind.CELL,
        CellKind.SCHOOL,
        "BNIN.TP.DP",
    ),
]

KINH_BAC = geography.commune_code(9187)
BAC_NINH = geography.province_code(24)
DA_NANG = geography.province_code(48)
TAM_KY = geography.commune_code(20341)
THANH_MY = geography.commune_code(20695)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    unit_code: str
    role: int
    description: str


LEVELS = [
    ("chibo", "BNIN.TP.KB.1", "chi bộ khu phố 1, phường Kinh Bắc"),
    ("xa", KINH_BAC, "Đảng ủy phường Kinh Bắc"),
    ("tinh", BAC_NINH, "Tỉnh ủy Bắc Ninh"),
]
ROLE_WORDS = [
    ("xem", Role.VIEWER),
    ("nhaplieu", Role.EDITOR),
    ("pheduyet", Role.APPROVER),
    ("quantri", Role.ADMINISTRATOR),
]
LOGINS: list[DemoLogin] = [
    *[
        DemoLogin(f"{level}.{word}", code, role, where)
        for level, code, where in LEVELS
        for word, role in ROLE_WORDS
    ],
    DemoLogin("danang.quantri", DA_NANG, Role.ADMINISTRATOR, "Thành ủy Đà Nẵng"),
    DemoLogin("trunguong.quantri", geography.CENTRAL_CODE, Role.ADMINISTRATOR, "toàn quốc"),
]


def is_loaded() -> bool:
    return Unit.objects.filter(code="BNIN").exists()


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _build_old_world() -> None:
    for code, name, kind, cell_kind, parent_code in OLD_WORLD:
        unit_create(
            acting_user=None,
            parent=_unit(parent_code),
            spec=NewUnit(code, name, kind, cell_kind),
            decision=FOUNDED,
        )


def _reorganise() -> None:
    """July 2025: old communes fold into the new ones, districts end, provinces merge."""
    units_merge(
        acting_user=None,
        sources=[_unit("BNIN.TP.KB"), _unit("BNIN.TP.DP")],
        target=_unit(KINH_BAC),
        decision=REFORM,
    )
    units_merge(
        acting_user=None,
        sources=[_unit("QNAM.TK.AM"), _unit("QNAM.TK.TT")],
        target=_unit(TAM_KY),
        decision=REFORM,
    )
    units_merge(
        acting_user=None, sources=[_unit("QNAM.NG.TM")], target=_unit(THANH_MY), decision=REFORM
    )
    units_merge(
        acting_user=None,
        sources=[_unit("QNAM.KCQ")],
        new_target=NewUnit("T48.CQD", "Đảng ủy các cơ quan Đảng thành phố Đà Nẵng", UnitKind.BLOC),
        new_target_parent=_unit(DA_NANG),
        decision=REFORM,
    )
    targets_demo.reorganise_old_units(REFORM)
    for district in ("BNIN.TP", "QNAM.TK", "QNAM.NG"):
        unit_dissolve(acting_user=None, unit=_unit(district), decision=REFORM)
    units_merge(acting_user=None, sources=[_unit("BNIN")], target=_unit(BAC_NINH), decision=REFORM)
    units_merge(acting_user=None, sources=[_unit("QNAM")], target=_unit(DA_NANG), decision=REFORM)


def _create_users() -> None:
    existing = set(get_user_model().objects.values_list("username", flat=True))
    for login in LOGINS:
        if login.username in existing:
            continue
        user_create(
            acting_user=None,
            username=login.username,
            full_name=f"Người dùng mẫu {login.username}",
            password=DEMO_PASSWORD,
            unit=_unit(login.unit_code),
            role=login.role,
            check_password=False,
        )


def load_demo() -> bool:
    """Build the demo world; False (and nothing written) when it is already there."""
    if is_loaded():
        return False
    with transaction.atomic():
        geography.ensure_central()
        _build_old_world()
        units_bulk_create(specs=geography.all_specs(), decision=geography.REFORM_DECISION)
        _reorganise()
        _create_users()
        load_demo_people()
        load_demo_training()
        load_demo_binh_lieu()
        refresh_planner_statistics()
        load_demo_cases()
        load_demo_targets()
    return True
