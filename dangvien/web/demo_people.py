"""People in the demo world: synthetic members and candidates behind the seed figures.

- Seed 003, phường Thủy Xuân (Huế): 473 members in its cells (14 residential-group cells,
  schools, health, police, military, the ward's offices); more than 810 serving members whose
  home cell is in an agency of the city registered at their residence (sinh hoạt nơi cư trú)
  in its residential cells; 14/14 heads of residential groups (tổ trưởng tổ dân phố) are
  members and 12/14 deputy secretaries are also group heads; 19 admitted from the start of
  the 2020–2025 term to the visit on 10/4/2023.
- Seed 000, phường Kinh Bắc (Bắc Ninh): 463 members in its 11 cells (now under the ward of
  July 2025); 8 admitted in 2016, 5 in 2017, 2 in early 2018 (to 27/4/2018); a few candidates.

Every person here is invented, drawn from a fixed random seed so that the demo is the same
on every machine; no person named in the seed articles appears. Names follow the usual
frequencies of Vietnamese family names (Nguyễn about 38%, then Trần, Lê, Phạm…).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from dangvien.lib.dates import PartialDate
from dangvien.orgs import geography
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import Decision, NewUnit, units_bulk_create
from dangvien.people.models import Category, Person, Status
from dangvien.people.services import (
    NewPerson,
    PersonData,
    people_bulk_create,
    position_start,
    residences_register_many,
)

SEED = 20250701
# The demo is a snapshot: every date it writes is on or before this day.
AS_OF = date(2025, 9, 30)

HUE = geography.province_code(46)
THUY_XUAN = geography.commune_code(19813)
KINH_BAC_CELLS = "BNIN.TP.KB."
HUE_AGENCIES = "T46.UBND"

THUY_XUAN_MEMBERS = 473
THUY_XUAN_RESIDENCE = 817  # "hơn 810 đảng viên đương chức về sinh hoạt nơi cư trú"
THUY_XUAN_GROUPS = 14
THUY_XUAN_CONCURRENT = 12  # deputy secretaries who are also heads of their residential group
THUY_XUAN_TERM = (date(2020, 8, 1), date(2023, 4, 10))
THUY_XUAN_TERM_ADMITTED = 19
KINH_BAC_MEMBERS = 463
# Seed 000: admitted per period, as of the article (27/4/2018).
KINH_BAC_ADMITTED = [
    (date(2016, 1, 1), date(2016, 12, 31), 8),
    (date(2017, 1, 1), date(2017, 12, 31), 5),
    (date(2018, 1, 1), date(2018, 4, 27), 2),
]

UNITS_DECISION = Decision(
    effective=geography.REFORM_DATE,
    number="(mẫu) 05-QĐ/ĐU",
    signed=date(2025, 6, 30),
    note="Kiện toàn các chi bộ trực thuộc theo mô hình chính quyền địa phương hai cấp",
)

# --- names -------------------------------------------------------------------------------

# Family names and rough shares in per cent (national surveys; Nguyễn ~38%).
FAMILY = [
    ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 4.0),
    ("Huỳnh", 1.5), ("Phan", 4.5), ("Vũ", 2.0), ("Võ", 3.9), ("Đặng", 2.1), ("Bùi", 2.0),
    ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.6),
    ("Trương", 0.6), ("Lâm", 0.3), ("Mai", 0.3), ("Đoàn", 0.4), ("Cao", 0.3), ("Lương", 0.3),
]  # fmt: skip
# Huế: the descendants of the Nguyễn royal house keep their own names.
HUE_FAMILY = [("Tôn Thất", 1.2), ("Tôn Nữ", 0.0), ("Nguyễn Phước", 0.6)]
MIDDLE_MALE = [
    ("Văn", 30), ("Hữu", 7), ("Đức", 8), ("Minh", 8), ("Quang", 6), ("Công", 5), ("Xuân", 5),
    ("Thanh", 5), ("Ngọc", 4), ("Anh", 3), ("Tiến", 3), ("Duy", 3), ("Đình", 5), ("Trọng", 3),
    ("Quốc", 4), ("Viết", 2),
]  # fmt: skip
MIDDLE_FEMALE = [
    ("Thị", 45), ("Thu", 6), ("Ngọc", 6), ("Thanh", 6), ("Minh", 3), ("Hồng", 5), ("Phương", 3),
    ("Kim", 4), ("Thùy", 4), ("Bích", 3), ("Mai", 2), ("Diệu", 2), ("Hoài", 2), ("Khánh", 2),
]  # fmt: skip
GIVEN_MALE = [
    "Hùng", "Dũng", "Minh", "Tuấn", "Hải", "Nam", "Thắng", "Long", "Sơn", "Quân", "Cường",
    "Bình", "Hòa", "Phúc", "Tùng", "Trung", "Khánh", "Thành", "Toàn", "Việt", "Hiếu", "Đức",
    "Huy", "Hoàng", "Phong", "Tâm", "Lâm", "Vinh", "Lực", "Tài", "Hưng", "Nghĩa", "Thịnh",
    "Quang", "Đạt", "Chiến", "Lộc", "Thuận", "Tú", "Kiên", "Nhân", "Tín", "Hậu", "Danh", "Trí",
    "Thái", "Sang", "Khoa",
]  # fmt: skip
GIVEN_FEMALE = [
    "Lan", "Hương", "Hoa", "Hà", "Mai", "Linh", "Thảo", "Trang", "Hằng", "Nga", "Hạnh", "Hiền",
    "Dung", "Huyền", "Loan", "Nhung", "Phương", "Thủy", "Vân", "Yến", "Oanh", "Liên", "Ngọc",
    "Anh", "Tâm", "Thu", "Hồng", "Diệp", "Quyên", "Nhàn", "Trinh", "Lệ", "Xuân", "Thư", "Giang",
    "Ly", "Vy", "Uyên", "Nhi", "Hậu", "Hoài", "Sương",
]  # fmt: skip
# People named in the seed articles: never generated, whatever the dice say.
REAL_NAMES = frozenset(
    {
        "Nguyễn Thúy Tình",
        "Phan Ngọc Thọ",
        "Lê Thị Thu Hương",
        "Nguyễn Thị Châu",
    }
)


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([w for w, _ in weighted], [p for _, p in weighted])[0]


def person_name(rng: random.Random, sex: str, *, hue: bool = False) -> str:
    """A plausible Vietnamese full name: family, middle, given."""
    while True:
        family = _pick(rng, FAMILY + (HUE_FAMILY if hue else []))
        if sex == "F":
            if family == "Tôn Thất":
                family, middle = "Tôn Nữ", _pick(rng, MIDDLE_FEMALE)
            else:
                middle = _pick(rng, MIDDLE_FEMALE)
            given = rng.choice(GIVEN_FEMALE)
            # "Nguyễn Thị Thu Hương": a second middle name now and then.
            if middle == "Thị" and rng.random() < 0.15:
                middle = f"Thị {_pick(rng, MIDDLE_FEMALE[1:])}"
        else:
            middle = _pick(rng, MIDDLE_MALE)
            given = rng.choice(GIVEN_MALE)
        if middle.split()[-1] == given:
            continue
        name = f"{family} {middle} {given}"
        if name not in REAL_NAMES:
            return name


# --- the plan of the units ---------------------------------------------------------------


@dataclass(frozen=True)
class CellPlan:
    code: str
    name: str
    cell_kind: str
    members: int
    candidates: int = 0


R = CellKind.RESIDENTIAL
_GROUP_SIZES = [27, 24, 31, 22, 26, 19, 28, 25, 23, 30, 21, 26, 24, 26]
THUY_XUAN_CELLS: list[CellPlan] = [
    *[
        CellPlan(f"{THUY_XUAN}.TDP{n:02d}", f"Chi bộ Tổ dân phố {n}", R, size, n % 5 == 1)
        for n, size in enumerate(_GROUP_SIZES, 1)
    ],
    CellPlan(f"{THUY_XUAN}.MN", "Chi bộ Trường Mầm non Thủy Xuân", CellKind.SCHOOL, 15, 1),
    CellPlan(f"{THUY_XUAN}.TH", "Chi bộ Trường Tiểu học Thủy Xuân", CellKind.SCHOOL, 22, 1),
    CellPlan(f"{THUY_XUAN}.CS", "Chi bộ Trường THCS Thủy Xuân", CellKind.SCHOOL, 18),
    CellPlan(f"{THUY_XUAN}.YT", "Chi bộ Trạm Y tế phường Thủy Xuân", CellKind.HEALTH, 9),
    CellPlan(f"{THUY_XUAN}.CA", "Chi bộ Công an phường Thủy Xuân", CellKind.POLICE, 21),
    CellPlan(f"{THUY_XUAN}.QS", "Chi bộ Quân sự phường Thủy Xuân", CellKind.MILITARY, 8),
    CellPlan(f"{THUY_XUAN}.CQD", "Chi bộ Cơ quan Đảng - Mặt trận - Đoàn thể", CellKind.AGENCY, 14),
    CellPlan(f"{THUY_XUAN}.CQCQ", "Chi bộ Cơ quan chính quyền phường", CellKind.AGENCY, 14),
]
# Departments of the city whose members live in Thủy Xuân (and elsewhere).
AGENCY_BRANCHES = [
    ("SGD", "Đảng bộ Sở Giáo dục và Đào tạo"),
    ("SYT", "Đảng bộ Sở Y tế"),
    ("STC", "Đảng bộ Sở Tài chính"),
    ("SNV", "Đảng bộ Sở Nội vụ"),
    ("SXD", "Đảng bộ Sở Xây dựng"),
]
AGENCY_CELLS = [
    ("VP", "Chi bộ Văn phòng", 44),
    ("TC", "Chi bộ Phòng Tổ chức cán bộ", 38),
    ("KH", "Chi bộ Phòng Kế hoạch - Tài chính", 41),
    ("NV", "Chi bộ Phòng Nghiệp vụ", 47),
    ("TTr", "Chi bộ Thanh tra", 36),
]
KINH_BAC_SIZES = {
    "1": 58, "2": 64, "3": 71, "4": 55, "5": 62, "6": 58,
    "MN": 14, "TH": 22, "CS": 26, "YT": 9, "CA": 24,
}  # fmt: skip
KINH_BAC_CANDIDATES = {"1": 1, "3": 1, "5": 1, "TH": 1, "CS": 1, "CA": 1}

assert sum(c.members for c in THUY_XUAN_CELLS) == THUY_XUAN_MEMBERS
assert sum(KINH_BAC_SIZES.values()) == KINH_BAC_MEMBERS


# --- one person --------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    province_prefix: str  # first three digits of a CCCD issued there
    home_towns: tuple[str, ...]
    residence: str  # "{group}" is the residential group
    hue: bool


HUE_PLACE = Place(
    "046",
    (
        "Thủy Xuân, Huế",
        "Hương Thủy, Thừa Thiên Huế",
        "Hương Trà, Thừa Thiên Huế",
        "Phú Vang, Thừa Thiên Huế",
        "Quảng Điền, Thừa Thiên Huế",
        "Phong Điền, Thừa Thiên Huế",
        "Phú Lộc, Thừa Thiên Huế",
        "Hải Lăng, Quảng Trị",
        "Lệ Thủy, Quảng Bình",
    ),
    "Tổ dân phố {group}, phường Thủy Xuân, thành phố Huế",
    True,
)
# Where the city's agency staff live: across the city; those registered in Thủy Xuân get
# their address there when they register.
HUE_CITY_PLACE = Place(
    "046",
    HUE_PLACE.home_towns,
    "{group}, thành phố Huế",
    True,
)
HUE_WARDS = [
    "phường Phú Xuân",
    "phường Thuận Hóa",
    "phường Vỹ Dạ",
    "phường An Cựu",
    "phường Kim Long",
    "phường Hương Thủy",
]
BAC_NINH_PLACE = Place(
    "027",
    (
        "Kinh Bắc, Bắc Ninh",
        "Tiên Du, Bắc Ninh",
        "Yên Phong, Bắc Ninh",
        "Quế Võ, Bắc Ninh",
        "Từ Sơn, Bắc Ninh",
        "Gia Bình, Bắc Ninh",
        "Lương Tài, Bắc Ninh",
        "Việt Yên, Bắc Giang",
    ),
    "Khu phố {group}, phường Kinh Bắc, tỉnh Bắc Ninh",
    False,
)

# Share of women among members, and birth-year range, by kind of cell.
WOMEN: dict[str, float] = {
    R: 0.38,
    CellKind.SCHOOL: 0.8,
    CellKind.HEALTH: 0.65,
    CellKind.POLICE: 0.12,
    CellKind.MILITARY: 0.05,
    CellKind.AGENCY: 0.45,
}
OCCUPATIONS: dict[str, list[tuple[str, float]]] = {
    R: [("HT", 55), ("LDTD", 12), ("DN", 10), ("CBCC", 6), ("VC", 5), ("CN", 7), ("KHAC", 5)],
    CellKind.SCHOOL: [("GV", 90), ("VC", 10)],
    CellKind.HEALTH: [("YT", 90), ("VC", 10)],
    CellKind.POLICE: [("CA", 100)],
    CellKind.MILITARY: [("QD", 100)],
    CellKind.AGENCY: [("CBCC", 75), ("VC", 25)],
}


class Maker:
    """Draws people; keeps citizen IDs unique across the whole demo."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids: set[str] = set()
        self.cats: dict[tuple[str, str], Category] = {
            (c.kind, c.code): c for c in Category.objects.all()
        }

    def cat(self, kind: str, code: str) -> Category:
        return self.cats[(kind, code)]

    def _birth(self, cell_kind: str, candidate: bool) -> date:
        rng = self.rng
        if candidate:
            year = rng.randint(1988, 2005)
        elif cell_kind == R:
            year = rng.randint(1942, 1966) if rng.random() < 0.62 else rng.randint(1967, 1999)
        else:
            year = rng.randint(1968, 2000)
        return date(year, 1, 1) + timedelta(days=rng.randrange(365))

    def _citizen_id(self, place: Place, birth: date, sex: str) -> str:
        century = 0 if birth.year < 2000 else 2
        digit = century + (1 if sex == "F" else 0)
        while True:
            serial = self.rng.randrange(10**6)
            value = f"{place.province_prefix}{digit}{birth.year % 100:02d}{serial:06d}"
            if value not in self.ids:
                self.ids.add(value)
                return value

    def admission(self, birth: date, avoid: list[tuple[date, date]]) -> date:
        """The date written in the admission decision: mostly at 20–40, never in `avoid`."""
        rng = self.rng
        earliest = date(birth.year + 18, birth.month, min(birth.day, 28)) + timedelta(days=30)
        while True:
            age = rng.triangular(19, 45, 26)
            on = birth + timedelta(days=int(age * 365.25))
            on = max(on, earliest)
            if on > AS_OF:
                on = earliest + timedelta(days=rng.randrange(max((AS_OF - earliest).days, 1)))
            if on <= AS_OF and not any(a <= on <= b for a, b in avoid):
                return on

    def person(
        self,
        *,
        cell: Unit,
        place: Place,
        group: str,
        status: str,
        decided: date | None = None,
        avoid: list[tuple[date, date]] | None = None,
        sex: str | None = None,
        born_by: int | None = None,
    ) -> NewPerson:
        rng = self.rng
        kind = cell.cell_kind
        candidate = status == Status.CANDIDATE
        sex = sex or ("F" if rng.random() < WOMEN.get(kind, 0.4) else "M")
        birth = self._birth(kind, candidate)
        if born_by is not None and birth.year > born_by:
            birth = birth.replace(year=rng.randint(born_by - 12, born_by))
        age = AS_OF.year - birth.year
        ethnicity = "01" if rng.random() < 0.97 else rng.choice(["02", "06", "04", "26", "31"])
        religion = "00" if rng.random() < (0.93 if place.hue else 0.97) else "01"
        if birth.year < 1960 and rng.random() < 0.5:
            general = rng.choice(["10/10", "10/10", "7/10", "9/10"])
        else:
            general = "12/12" if rng.random() < 0.93 else rng.choice(["9/12", "11/12"])
        if kind in (CellKind.SCHOOL, CellKind.HEALTH, CellKind.AGENCY):
            prof = _pick(rng, [("DH", 70), ("ThS", 12), ("CD", 10), ("TC", 8)])
        elif kind in (CellKind.POLICE, CellKind.MILITARY):
            prof = _pick(rng, [("DH", 45), ("TC", 45), ("CD", 10)])
        else:
            prof = _pick(rng, [("0", 30), ("SC", 10), ("TC", 25), ("CD", 10), ("DH", 25)])
        occupation = _pick(rng, OCCUPATIONS.get(kind, OCCUPATIONS[R]))
        if kind == R and age < 60 and occupation == "HT":
            occupation = _pick(rng, OCCUPATIONS[R][1:])
        if candidate:
            occupation = _pick(rng, [("LDTD", 30), ("CN", 20), ("GV", 15), ("HSSV", 15),
                                     ("DN", 10), ("KHAC", 10)])  # fmt: skip
        theory = None
        if not candidate:
            roll = rng.random()
            theory = "SC" if roll < 0.55 else "TC" if roll < 0.72 else "CC" if roll < 0.75 else ""
        orgs = []
        if age <= 30:
            orgs.append("DTN")
        if sex == "F" and kind == R:
            orgs.append("PN")
        if kind in (CellKind.SCHOOL, CellKind.HEALTH, CellKind.AGENCY) and age < 62:
            orgs.append("CD")
        if sex == "M" and birth.year < 1962 and kind == R and rng.random() < 0.6:
            orgs.append("CCB")
        data = PersonData(
            full_name=person_name(rng, sex, hue=place.hue),
            birth=PartialDate(birth.year, birth.month, birth.day),
            sex=sex,
            ethnicity=self.cat("ethnicity", ethnicity),
            religion=self.cat("religion", religion),
            citizen_id=self._citizen_id(place, birth, sex),
            home_town=rng.choice(place.home_towns),
            residence=place.residence.format(group=group),
            phone=f"0{rng.choice('3579')}{rng.randrange(10**8):08d}",
            general_education=self.cat("general_education", general),
            professional=self.cat("professional", prof),
            political_theory=self.cat("political_theory", theory) if theory else None,
            occupation=self.cat("occupation", occupation),
            mass_organisations=tuple(self.cat("mass_organisation", o) for o in orgs),
        )
        if candidate:
            since = AS_OF - timedelta(days=rng.randrange(30, 400))
            return NewPerson(data, cell, status, since, "Chi bộ giới thiệu đối tượng kết nạp")
        decision = decided or self.admission(birth, avoid or [])
        data.decision_date = decision
        before_reform = decision < geography.REFORM_DATE
        data.decision_number = f"{rng.randrange(80, 2400)}-QĐ/{'TU' if before_reform else 'ĐU'}"
        data.ceremony_date = decision + timedelta(days=rng.randrange(3, 28))
        official = data.ceremony_date + timedelta(days=366 + rng.randrange(0, 40))
        if official <= AS_OF:
            data.official_date = official
            data.card_number = f"{place.province_prefix[1:]}{rng.randrange(10**6):06d}"
            return NewPerson(data, cell, Status.OFFICIAL, official, "Quyết định công nhận")
        return NewPerson(data, cell, Status.PROBATIONARY, data.ceremony_date, "Quyết định kết nạp")


# --- the two wards ------------------------------------------------------------------------


def _cell_group(cell: Unit) -> str:
    tail = cell.code.rsplit(".", 1)[-1]
    return str(int(tail[3:])) if tail.startswith("TDP") else tail if tail.isdigit() else "1"


def _force_admitted(
    maker: Maker, entries: list[NewPerson], windows: list[tuple[date, date, int]]
) -> None:
    """Give `count` members of the ward their admission decision inside each window (the
    seed's "admitted in 2016: 8"), leaving every other admission outside the windows."""
    rng = maker.rng
    members = [e for e in entries if e.status != Status.CANDIDATE]
    for start, end, count in windows:
        eligible = [
            e for e in members if e.data.birth.year <= start.year - 19 and e.data.birth.year >= 1975
        ]
        chosen = rng.sample(eligible, count)
        for entry in chosen:
            members.remove(entry)
            decided = start + timedelta(days=rng.randrange((end - start).days + 1))
            data = entry.data
            data.decision_date = decided
            data.ceremony_date = min(decided + timedelta(days=rng.randrange(3, 28)), end)
            data.decision_number = f"{rng.randrange(80, 2400)}-QĐ/TU"
            data.official_date = data.ceremony_date + timedelta(days=366 + rng.randrange(0, 40))
            data.card_number = data.card_number or f"{rng.randrange(10**8):08d}"
            entry.status, entry.status_since = Status.OFFICIAL, data.official_date


def _thuy_xuan_units() -> tuple[list[Unit], list[Unit]]:
    """The ward's cells, and the agency cells of the city whose members live there."""
    specs: list[tuple[NewUnit, str | None]] = [
        (NewUnit(c.code, c.name, UnitKind.CELL, c.cell_kind), THUY_XUAN) for c in THUY_XUAN_CELLS
    ]
    specs.append(
        (NewUnit(HUE_AGENCIES, "Đảng bộ Ủy ban nhân dân thành phố Huế", UnitKind.BLOC), HUE)
    )
    for code, name in AGENCY_BRANCHES:
        branch = f"{HUE_AGENCIES}.{code}"
        specs.append((NewUnit(branch, name, UnitKind.GRASSROOTS), HUE_AGENCIES))
        specs += [
            (NewUnit(f"{branch}.{cell}", cell_name, UnitKind.CELL, CellKind.AGENCY), branch)
            for cell, cell_name, _size in AGENCY_CELLS
        ]
    units_bulk_create(specs=specs, decision=UNITS_DECISION)
    ward = list(Unit.objects.filter(code__in=[c.code for c in THUY_XUAN_CELLS]).order_by("code"))
    agency = list(
        Unit.objects.filter(code__startswith=f"{HUE_AGENCIES}.", kind=UnitKind.CELL).order_by(
            "code"
        )
    )
    return ward, agency


def _thuy_xuan(maker: Maker) -> None:
    rng = maker.rng
    ward, agency = _thuy_xuan_units()
    plans = {c.code: c for c in THUY_XUAN_CELLS}
    term = [THUY_XUAN_TERM]
    entries: list[NewPerson] = []
    for cell in ward:
        plan = plans[cell.code]
        group = _cell_group(cell) if plan.cell_kind == R else str(rng.randint(1, 14))
        for _ in range(plan.members):
            entries.append(
                maker.person(
                    cell=cell, place=HUE_PLACE, group=group, status=Status.OFFICIAL, avoid=term
                )
            )
        for _ in range(plan.candidates):
            entries.append(
                maker.person(cell=cell, place=HUE_PLACE, group=group, status=Status.CANDIDATE)
            )
    _force_admitted(maker, entries, [(*THUY_XUAN_TERM, THUY_XUAN_TERM_ADMITTED)])
    sizes = {code: size for code, _name, size in AGENCY_CELLS}
    agency_entries = [
        maker.person(
            cell=cell, place=HUE_CITY_PLACE, group=rng.choice(HUE_WARDS), status=Status.OFFICIAL
        )
        for cell in agency
        for _ in range(sizes[cell.code.rsplit(".", 1)[-1]])
    ]
    people = people_bulk_create(acting_user=None, entries=entries)
    serving = people_bulk_create(acting_user=None, entries=agency_entries)
    _positions(maker, [p for p in people if p.unit.cell_kind == R])
    _register_residence(maker, serving, [c for c in ward if c.cell_kind == R])


def _positions(maker: Maker, residents: list[Person]) -> None:
    """Secretary, deputy secretary and head of the residential group in each of the 14
    cells: 14/14 heads are members; 12/14 deputies are the group's head as well."""
    rng = maker.rng
    position = {code: maker.cat("position", code) for code in ("BT", "PBT", "TDP")}
    by_cell: dict[int, list[Person]] = {}
    for person in residents:
        if person.status in (Status.OFFICIAL, Status.PROBATIONARY):
            by_cell.setdefault(person.unit_id, []).append(person)
    concurrent = set(rng.sample(sorted(by_cell), THUY_XUAN_CONCURRENT))
    for cell_id in sorted(by_cell):
        officials = [
            p for p in by_cell[cell_id] if p.status == Status.OFFICIAL and p.birth_year < 1975
        ]
        secretary, deputy, head = rng.sample(officials, 3)
        if cell_id in concurrent:
            head = deputy
        cell = secretary.unit
        group = f"Tổ dân phố {_cell_group(cell)}"
        start = date(2022, rng.randint(7, 12), rng.randint(1, 28))
        for person, code in ((secretary, "BT"), (deputy, "PBT"), (head, "TDP")):
            position_start(
                acting_user=None,
                person=person,
                position=position[code],
                unit=cell,
                start=start if code != "TDP" else start + timedelta(days=rng.randrange(0, 60)),
                place=group if code == "TDP" else "",
            )


def _register_residence(maker: Maker, serving: list[Person], groups: list[Unit]) -> None:
    """Serving members of the city's agencies registered with the cell where they live."""
    rng = maker.rng
    chosen = rng.sample(serving, THUY_XUAN_RESIDENCE)
    registrations = []
    for person in sorted(chosen, key=lambda p: p.pk):
        cell = groups[rng.randrange(len(groups))]
        start = max(
            person.ceremony_date or AS_OF, AS_OF - timedelta(days=rng.randrange(30, 6 * 365))
        )
        registrations.append((person, cell, start))
    residences_register_many(acting_user=None, registrations=registrations)


def _kinh_bac(maker: Maker) -> None:
    rng = maker.rng
    cells = list(
        Unit.objects.filter(
            code__startswith=KINH_BAC_CELLS, kind=UnitKind.CELL, valid_to__isnull=True
        ).order_by("code")
    )
    avoid = [(start, end) for start, end, _count in KINH_BAC_ADMITTED]
    entries: list[NewPerson] = []
    for cell in cells:
        tail = cell.code.removeprefix(KINH_BAC_CELLS)
        group = tail if tail.isdigit() else str(rng.randint(1, 6))
        for _ in range(KINH_BAC_SIZES[tail]):
            entries.append(
                maker.person(
                    cell=cell,
                    place=BAC_NINH_PLACE,
                    group=group,
                    status=Status.OFFICIAL,
                    avoid=avoid,
                )
            )
        for _ in range(KINH_BAC_CANDIDATES.get(tail, 0)):
            entries.append(
                maker.person(cell=cell, place=BAC_NINH_PLACE, group=group, status=Status.CANDIDATE)
            )
    _force_admitted(maker, entries, KINH_BAC_ADMITTED)
    people = people_bulk_create(acting_user=None, entries=entries)
    secretary = maker.cat("position", "BT")
    for cell in cells:
        officials = [p for p in people if p.unit_id == cell.pk and p.status == Status.OFFICIAL]
        position_start(
            acting_user=None,
            person=rng.choice(officials),
            position=secretary,
            unit=cell,
            start=date(2015, rng.randint(6, 10), rng.randint(1, 28)),
        )


def is_loaded() -> bool:
    return Unit.objects.filter(code=THUY_XUAN_CELLS[0].code).exists()


def load_demo_people() -> bool:
    """Add the people of the demo world; False (and nothing written) when they are there."""
    if is_loaded():
        return False
    with transaction.atomic():
        maker = Maker(random.Random(SEED))  # noqa: S311 (synthetic data)
        _thuy_xuan(maker)
        _kinh_bac(maker)
    return True
