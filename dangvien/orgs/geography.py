"""The 34 province-level and 3,321 commune-level units of July 2025, from `vietnam-provinces`."""

from __future__ import annotations

from datetime import date

import vietnam_provinces as vp

from dangvien.orgs.models import Unit, UnitKind
from dangvien.orgs.services import Decision, NewUnit, unit_create

# The day the two-level local government and its party committees took effect.
REFORM_DATE = date(2025, 7, 1)
REFORM_DECISION = Decision(
    effective=REFORM_DATE,
    number="Nghị quyết 202/2025/QH15",
    signed=date(2025, 6, 12),
    note="Sắp xếp đơn vị hành chính; tổ chức đảng theo chính quyền địa phương hai cấp",
)
CENTRAL_CODE = "TW"
CENTRAL_NAME = "Trung ương"
# The party's founding day: the root exists for any date a record may carry.
FOUNDING = Decision(effective=date(1930, 2, 3), number="Thành lập Đảng")


def province_code(official: int) -> str:
    return f"T{official:02d}"


def commune_code(official: int) -> str:
    return f"X{official:05d}"


def _committee_name(prefix: str, place: str) -> str:
    return f"{prefix} {place}"


def _commune_committee_name(ward_name: str) -> str:
    # "Phường Kinh Bắc" → "Đảng ủy phường Kinh Bắc"; "Đặc khu Côn Đảo" → "Đảng ủy đặc khu Côn Đảo".
    for division in ("Phường", "Xã", "Đặc khu"):
        if ward_name.startswith(division + " "):
            return f"Đảng ủy {division.lower()}{ward_name[len(division) :]}"
    return f"Đảng ủy {ward_name}"


def ensure_central() -> Unit:
    existing = Unit.objects.filter(code=CENTRAL_CODE).first()
    if existing is not None:
        return existing
    return unit_create(
        acting_user=None,
        parent=None,
        spec=NewUnit(CENTRAL_CODE, CENTRAL_NAME, UnitKind.CENTRAL),
        decision=FOUNDING,
    )


def province_specs() -> list[tuple[NewUnit, str | None]]:
    specs: list[tuple[NewUnit, str | None]] = []
    for province in sorted(vp.Province.iter_all(), key=lambda p: int(p.code)):
        # "Thành phố Đà Nẵng" → "Thành ủy Đà Nẵng"; "Tỉnh Quảng Ninh" → "Tỉnh ủy Quảng Ninh".
        is_city = province.division_type == vp.VietNamDivisionType.THANH_PHO_TRUNG_UONG
        place = province.name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        name = _committee_name("Thành ủy" if is_city else "Tỉnh ủy", place)
        code = int(province.code)
        specs.append(
            (
                NewUnit(province_code(code), name, UnitKind.PROVINCE, admin_code=f"{code:02d}"),
                CENTRAL_CODE,
            )
        )
    return specs


def commune_specs() -> list[tuple[NewUnit, str | None]]:
    specs: list[tuple[NewUnit, str | None]] = []
    for ward in sorted(vp.Ward.iter_all(), key=lambda w: int(w.code)):
        code = int(ward.code)
        name = _commune_committee_name(ward.name)
        specs.append(
            (
                NewUnit(commune_code(code), name, UnitKind.COMMUNE, admin_code=f"{code:05d}"),
                province_code(int(ward.province_code)),
            )
        )
    return specs


def all_specs() -> list[tuple[NewUnit, str | None]]:
    """Provinces and communes; the central unit must exist first (`ensure_central`)."""
    return [*province_specs(), *commune_specs()]
