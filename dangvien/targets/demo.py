"""Targets of the demo world and the admitted members behind the seed figures.

Seed 002 (Quảng Nam, report of mid-2023), before the July 2025 reorganisation:

| unit | 2021 | 2022 | 1st half 2023 | term 2020–2025 |
|---|---|---|---|---|
| Tỉnh ủy Quảng Nam | 1.732 / 1.500 | 1.877 / 1.500 | 928 | 4.537 / 7.500 (60,5%) |
| Thành ủy Tam Kỳ | 115 / 110 (104,5%) | 140 / 115 (121,7%) | 80 | 335 / 600 |
| Huyện ủy Nam Giang | 105 / 90 | 106 / 90 | 57 | 268 / 350 (76,57%) |
| Đảng ủy Khối các cơ quan tỉnh | 195 / 180 | 200 / 180 | 90 | 485 / 500 |

Nam Giang's yearly over-achievement averages 17% (16,7% and 17,8%). The province's other
districts stand in as Thành ủy Hội An and Thị ủy Điện Bàn (`OLD_UNITS`, which the demo's old
world must contain) and carry the rest of its figures. Every level's children's targets add
up to their parent's, and every admission is a member record in a cell, so the province's
figures are the sum of its cells'.

Seed 000 (phường Kinh Bắc): a plan of 3–5 a year for 2016–2018; the admitted members (8, 5
and 2) are already among the demo's people. Seed 001 (Bình Liêu): 70% of the heads of the
front's committees in residential areas and more than 60% of the heads of mass
organisations there to be members, on Huyện ủy Bình Liêu for 2015–2020 (or, without it,
today's xã Bình Liêu). Seed 003 (phường Thủy Xuân):
its 14 residential groups, each covered by its cell, and a 100% target for heads of the
groups (14/14 in the demo's people).

Every person is invented (a fixed random seed); no one named in the seeds appears.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from dangvien.lib.dates import PartialDate
from dangvien.lib.periods import Period
from dangvien.orgs import geography
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import Decision, unit_dissolve, units_merge
from dangvien.people.models import Category, Status
from dangvien.people.services import NewPerson, PersonData, people_bulk_create
from dangvien.targets.areas import NewArea, areas_bulk_create
from dangvien.targets.models import StructuralMeasure, Target
from dangvien.targets.services import structural_target_set, targets_cascade

SEED = 20230630
AS_OF = date(2025, 9, 30)  # the demo's snapshot day (as in `web.demo_people`)
R = CellKind.RESIDENTIAL
TERM = "2020-2025"
YEARS = ("2021", "2022", "2023")
# Admission windows counted by the seed report (to 30/06/2023).
WINDOWS = (
    ("2021", date(2021, 1, 1), date(2021, 12, 31)),
    ("2022", date(2022, 1, 1), date(2022, 12, 31)),
    ("2023-H1", date(2023, 1, 1), date(2023, 6, 30)),
)


def _old_cells(commune: str, name: str, count: int) -> list[tuple[str, str, str, str, str]]:
    return [
        (f"{commune}.{n}", f"Chi bộ khối phố {n} ({name})", UnitKind.CELL, R, commune)
        for n in range(1, count + 1)
    ]


# The rest of Quảng Nam before July 2025, in the format of `web.demo.OLD_WORLD`.
OLD_UNITS: list[tuple[str, str, str, str, str]] = [
    ("QNAM.HA", "Thành ủy Hội An", UnitKind.DISTRICT, "", "QNAM"),
    ("QNAM.HA.MA", "Đảng ủy phường Minh An", UnitKind.COMMUNE, "", "QNAM.HA"),
    *_old_cells("QNAM.HA.MA", "Minh An", 5),
    ("QNAM.HA.CP", "Đảng ủy phường Cẩm Phô", UnitKind.COMMUNE, "", "QNAM.HA"),
    *_old_cells("QNAM.HA.CP", "Cẩm Phô", 5),
    ("QNAM.DB", "Thị ủy Điện Bàn", UnitKind.DISTRICT, "", "QNAM"),
    ("QNAM.DB.VD", "Đảng ủy phường Vĩnh Điện", UnitKind.COMMUNE, "", "QNAM.DB"),
    *_old_cells("QNAM.DB.VD", "Vĩnh Điện", 5),
    ("QNAM.DB.DA", "Đảng ủy phường Điện An", UnitKind.COMMUNE, "", "QNAM.DB"),
    *_old_cells("QNAM.DB.DA", "Điện An", 5),
]
# Where their communes went in July 2025 (phường Hội An, phường Điện Bàn of Đà Nẵng).
OLD_UNIT_MERGES = {
    "QNAM.HA.MA": geography.commune_code(20410),
    "QNAM.HA.CP": geography.commune_code(20410),
    "QNAM.DB.VD": geography.commune_code(20551),
    "QNAM.DB.DA": geography.commune_code(20551),
}


def reorganise_old_units(decision: Decision) -> None:
    """July 2025 for `OLD_UNITS`: communes merge into the new wards, districts end. To be
    called before the province itself is merged."""
    by_target: dict[str, list[Unit]] = {}
    for source, target in OLD_UNIT_MERGES.items():
        by_target.setdefault(target, []).append(Unit.objects.get(code=source))
    for target, sources in by_target.items():
        units_merge(
            acting_user=None,
            sources=sources,
            target=Unit.objects.get(code=target),
            decision=decision,
        )
    for district in ("QNAM.HA", "QNAM.DB"):
        unit_dissolve(acting_user=None, unit=Unit.objects.get(code=district), decision=decision)


# (targets for 2021, 2022, 2023 and the term; admitted in 2021, 2022 and the first half of
# 2023) per district-level unit of Quảng Nam.
PROVINCE = "QNAM"
PROVINCE_TARGETS = {"2021": 1500, "2022": 1500, "2023": 1500, TERM: 7500}
DISTRICTS: dict[str, tuple[dict[str, int], tuple[int, int, int]]] = {
    "QNAM.TK": ({"2021": 110, "2022": 115, "2023": 120, TERM: 600}, (115, 140, 80)),
    "QNAM.NG": ({"2021": 90, "2022": 90, "2023": 90, TERM: 350}, (105, 106, 57)),
    "QNAM.KCQ": ({"2021": 180, "2022": 180, "2023": 140, TERM: 500}, (195, 200, 90)),
    "QNAM.HA": ({"2021": 520, "2022": 515, "2023": 550, TERM: 2850}, (600, 650, 320)),
    "QNAM.DB": ({"2021": 600, "2022": 600, "2023": 600, TERM: 3200}, (717, 781, 381)),
}
DOCUMENTS = {
    "PROVINCE": "(mẫu) 05-KH/TU",
    "DISTRICT": "(mẫu) 12-KH/HU",
    "COMMUNE": "(mẫu) 08-KH/ĐU",
}
# Seed 000: Kinh Bắc's plan "3–5 đảng viên mỗi năm", and its neighbour's in the same city.
KINH_BAC_CITY = "BNIN.TP"
KINH_BAC_PLANS = {"BNIN.TP.KB": (3, 5), "BNIN.TP.DP": (2, 4)}
KINH_BAC_YEARS = ("2016", "2017", "2018")
# Seed 001's district when the demo has it (`web.demo_binh_lieu`), for the term of the
# report (2015–2020); otherwise today's xã Bình Liêu for the current term.
BINH_LIEU_DISTRICT = ("QNIN.BL", "2015-2020")
BINH_LIEU = (geography.commune_code(6838), "2025-2030")
QUANG_NINH = geography.province_code(22)
THUY_XUAN = geography.commune_code(19813)
HUE = geography.province_code(46)
NEXT_TERM = "2025-2030"
HOME_TOWNS = [
    f"{place}, Quảng Nam" for place in ("Tam Kỳ", "Nam Giang", "Hội An", "Điện Bàn", "Thăng Bình")
]


# --- splitting a number among children -------------------------------------------------------


def split(total: int, weights: Sequence[int]) -> list[int]:
    """`total` shared in proportion to `weights` (largest remainder): whole numbers that add
    up to `total` exactly."""
    whole = sum(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _weights(units: Sequence[Unit]) -> list[int]:
    """Fixed, unequal weights: residential cells larger than schools or health stations."""
    heavy: dict[str, int] = {R: 5, CellKind.AGENCY: 4, CellKind.POLICE: 2}
    return [heavy.get(u.cell_kind, 3) + (i % 3) for i, u in enumerate(units)]


def _children(parent: Unit, period: Period) -> list[Unit]:
    from dangvien.targets.services import children_during

    return children_during(parent, period)


def _cascade(parent: Unit, code: str, total: int, document: str) -> None:
    """Give `parent`'s children shares of `total` for the period, then theirs, down to
    the cells: every level adds up to the one above."""
    period = Period.parse(code)
    children = _children(parent, period)
    if not children:
        return
    shares = split(total, _weights(children))
    targets_cascade(
        acting_user=None,
        parent=parent,
        period=period,
        children=[(c, n, None) for c, n in zip(children, shares, strict=True)],
        document=document,
        assigned_on=date(period.start.year, 1, 20) if code != TERM else date(2021, 1, 25),
    )
    for child, share in zip(children, shares, strict=True):
        level = "COMMUNE" if child.kind in (UnitKind.COMMUNE, UnitKind.GRASSROOTS) else "DISTRICT"
        _cascade(child, code, share, DOCUMENTS[level])


def _cells_below(unit: Unit, period: Period) -> list[Unit]:
    """The cells under `unit` during `period`, through the tree of that time."""
    found: list[Unit] = []
    for child in _children(unit, period):
        if child.kind == UnitKind.CELL:
            found.append(child)
        else:
            found += _cells_below(child, period)
    return found


# --- the members admitted ---------------------------------------------------------------------


class _People:
    """Young new members (seed 002: more than 91% of Tam Kỳ's were young), unique CCCDs."""

    def __init__(self, rng: random.Random) -> None:
        from dangvien.web.demo_people import person_name

        self.rng = rng
        self.name = person_name
        self.ids: set[str] = set()
        self.cats = {(c.kind, c.code): c for c in Category.objects.all()}

    def cat(self, kind: str, code: str) -> Category:
        return self.cats[(kind, code)]

    def _citizen_id(self, birth: date, sex: str) -> str:
        digit = (0 if birth.year < 2000 else 2) + (1 if sex == "F" else 0)
        while True:
            value = f"049{digit}{birth.year % 100:02d}{self.rng.randrange(10**6):06d}"
            if value not in self.ids:
                self.ids.add(value)
                return value

    def member(self, cell: Unit, decided: date, *, minority: float) -> NewPerson:
        rng = self.rng
        sex = "F" if rng.random() < 0.45 else "M"
        age = rng.randint(19, 29) if rng.random() < 0.92 else rng.randint(31, 45)
        birth = date(decided.year - age, 1, 1) + timedelta(days=rng.randrange(330))
        ethnicity = rng.choice(["26", "26", "27"]) if rng.random() < minority else "01"
        by_kind: dict[str, str] = {
            CellKind.AGENCY: "CBCC",
            CellKind.SCHOOL: "GV",
            CellKind.HEALTH: "YT",
        }
        if cell.cell_kind in by_kind:
            professional = rng.choice(["DH", "DH", "DH", "ThS", "CD"])
            occupation = by_kind[cell.cell_kind]
        else:
            professional = rng.choice(["DH", "CD", "TC", "TC", "SC", "0"])
            occupation = rng.choice(["LDTD", "CN", "DN", "ND", "CBCC"])
        ceremony = decided + timedelta(days=rng.randrange(3, 28))
        official = ceremony + timedelta(days=366 + rng.randrange(0, 40))
        data = PersonData(
            full_name=self.name(rng, sex),
            birth=PartialDate(birth.year, birth.month, birth.day),
            sex=sex,
            ethnicity=self.cat("ethnicity", ethnicity),
            religion=self.cat("religion", "00"),
            citizen_id=self._citizen_id(birth, sex),
            home_town=rng.choice(
                [
                    "Tam Kỳ, Quảng Nam",
                    "Nam Giang, Quảng Nam",
                    "Hội An, Quảng Nam",
                    "Điện Bàn, Quảng Nam",
                    "Thăng Bình, Quảng Nam",
                ]
            ),
            residence=f"{cell.name}, tỉnh Quảng Nam",
            general_education=self.cat("general_education", "12/12"),
            professional=self.cat("professional", professional),
            political_theory=self.cat("political_theory", "SC"),
            occupation=self.cat("occupation", occupation),
            mass_organisations=(self.cat("mass_organisation", "DTN"),) if age <= 30 else (),
            decision_number=f"{rng.randrange(80, 2400)}-QĐ/HU",
            decision_date=decided,
            ceremony_date=ceremony,
            official_date=official if official <= AS_OF else None,
            card_number=f"49{rng.randrange(10**6):06d}" if official <= AS_OF else "",
        )
        if official <= AS_OF:
            return NewPerson(data, cell, Status.OFFICIAL, official, "Quyết định công nhận")
        return NewPerson(data, cell, Status.PROBATIONARY, ceremony, "Quyết định kết nạp")


def _admitted(people: _People, district: Unit, counts: Sequence[int]) -> list[NewPerson]:
    rng = people.rng
    minority = 0.7 if district.code == "QNAM.NG" else 0.03
    entries: list[NewPerson] = []
    for (code, start, end), count in zip(WINDOWS, counts, strict=True):
        cells = _cells_below(district, Period.parse(code))
        for cell, n in zip(cells, split(count, _weights(cells)), strict=True):
            for _ in range(n):
                decided = start + timedelta(days=rng.randrange((end - start).days + 1))
                entries.append(people.member(cell, decided, minority=minority))
    return entries


# --- the pieces -----------------------------------------------------------------------------


def _quang_nam(rng: random.Random) -> None:
    province = Unit.objects.get(code=PROVINCE)
    central = Unit.objects.get(code=geography.CENTRAL_CODE)
    for code, total in PROVINCE_TARGETS.items():
        targets_cascade(
            acting_user=None,
            parent=central,
            period=Period.parse(code),
            children=[(province, total, None)],
            document="(mẫu) 01-KH/TW",
            assigned_on=date(2021, 1, 10),
        )
    districts = {u.code: u for u in Unit.objects.filter(code__in=DISTRICTS)}
    people = _People(rng)
    entries: list[NewPerson] = []
    for code, total in PROVINCE_TARGETS.items():
        period = Period.parse(code)
        present = [(districts[c], DISTRICTS[c][0][code]) for c in DISTRICTS if c in districts]
        targets_cascade(
            acting_user=None,
            parent=province,
            period=period,
            children=[(d, n, None) for d, n in present],
            document=DOCUMENTS["PROVINCE"],
            assigned_on=date(2021, 1, 20),
        )
        for district, share in present:
            _cascade(district, code, share, DOCUMENTS["DISTRICT"])
        assert sum(n for _d, n in present) == total or len(present) < len(DISTRICTS)
    for code, district in sorted(districts.items()):
        entries += _admitted(people, district, DISTRICTS[code][1])
    people_bulk_create(acting_user=None, entries=entries, keep_instances=False)


def _kinh_bac() -> None:
    city = Unit.objects.filter(code=KINH_BAC_CITY).first()
    if city is None:
        return
    communes = {u.code: u for u in Unit.objects.filter(code__in=KINH_BAC_PLANS)}
    for year in KINH_BAC_YEARS:
        period = Period.parse(year)
        plans = [(communes[c], high, low) for c, (low, high) in KINH_BAC_PLANS.items()]
        targets_cascade(
            acting_user=None,
            parent=city.parent or city,
            period=period,
            children=[(city, sum(h for _c, h, _l in plans), sum(lo for _c, _h, lo in plans))],
            document="(mẫu) 20-KH/TU",
            assigned_on=date(int(year), 1, 15),
        )
        targets_cascade(
            acting_user=None,
            parent=city,
            period=period,
            children=plans,
            document="(mẫu) 07-KH/TU",
            assigned_on=date(int(year), 1, 25),
        )


def _structural(
    where: Sequence[tuple[str, str]], rows: list[tuple[str, str | None, str, bool]]
) -> None:
    """Structural targets on the first of the (unit code, period) in `where` that exists."""
    found = [(u, code) for c, code in where for u in Unit.objects.filter(code=c)]
    if not found:
        return
    unit, period = found[0][0], Period.parse(found[0][1])
    positions = {c.code: c for c in Category.objects.filter(kind="position")}
    for measure, position, percent, strict in rows:
        structural_target_set(
            acting_user=None,
            unit=unit,
            period=period,
            measure=measure,
            percent=Decimal(percent),
            strict=strict,
            position=positions[position] if position else None,
            document="(mẫu) Nghị quyết đại hội",
        )


def _thuy_xuan_areas() -> None:
    ward = Unit.objects.filter(code=THUY_XUAN).first()
    if ward is None:
        return
    cells = {
        int(u.code.rsplit(".TDP", 1)[1]): u
        for u in Unit.objects.filter(code__startswith=f"{THUY_XUAN}.TDP", valid_to__isnull=True)
    }
    if not cells:
        return
    areas_bulk_create(
        acting_user=None,
        unit=ward,
        areas=[NewArea(f"Tổ dân phố {n}", cells[n]) for n in sorted(cells)],
        valid_from=geography.REFORM_DATE,
    )


def is_loaded() -> bool:
    return Target.objects.filter(unit__code=PROVINCE, period="2021").exists()


def load_demo_targets() -> bool:
    """Targets, the members admitted against them, structural targets and residential
    areas; False (and nothing written) when they are there or the old world is missing."""
    if is_loaded() or not Unit.objects.filter(code=PROVINCE).exists():
        return False
    with transaction.atomic():
        _quang_nam(random.Random(SEED))  # noqa: S311 (synthetic data)
        _kinh_bac()
        position = StructuralMeasure.POSITION_MEMBERS
        _structural(
            [BINH_LIEU_DISTRICT, BINH_LIEU],
            [(position, "MT", "70", False), (position, "DT", "60", True)],
        )
        _structural(
            [(THUY_XUAN, NEXT_TERM)],
            [
                (position, "TDP", "100", False),
                (StructuralMeasure.AREAS_WITH_MEMBER, None, "100", False),
                (StructuralMeasure.AREAS_WITH_CELL, None, "100", False),
            ],
        )
        _thuy_xuan_areas()
    return True
