# ruff: noqa: E501 (rows are written as one tuple per line, in the order of COLUMNS)
"""A synthetic country, as plain rows: no ORM, no database, only Python values.

`generate(plan, ctx)` yields `Batch`es (a table and its rows, columns in `COLUMNS` order):
first the tree and its reorganisations, then commune after commune its cells, people, status
history, cases with their events, positions and targets, and last the targets of the levels
above the communes (the sums of their children). Ids are assigned here, from the first free
id of each table that the loader reads (`Context.first_ids`), so paths can be written at once
and the loader never reads back.

Each commune draws from its own random generator seeded by (seed, commune code), so a
commune is the same whether it is loaded alone or as part of its province or the country.

What is simplified, on purpose: every unit of the world exists from 1/1/2015 (the provinces
and communes of July 2025 did not, before the mergers, but reports only need a tree that
adds up); districts are invented groups of about ten communes that are dissolved on
1/7/2025 while their communes move under the province; people admitted before 2016 have no
case (a legacy register), only their status events.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

import vietnam_provinces as vp

from dangvien.lib.dates import add_months
from dangvien.lib.periods import Period
from dangvien.lib.vntext import collation_key, fold, name_sort_key
from dangvien.lib.workdays import WorkingCalendar
from dangvien.orgs import geography
from dangvien.orgs.rules import path_step
from dangvien.web.demo_people import OCCUPATIONS, WOMEN, person_name

# The world is a snapshot taken on this day: nothing it holds happens later.
AS_OF = date(2025, 10, 31)
FIRST_YEAR = 2016
YEARS = list(range(FIRST_YEAR, AS_OF.year + 1))
TERMS = ["2015-2020", "2020-2025", "2025-2030"]
WORLD_START = date(2015, 1, 1)
REFORM = geography.REFORM_DATE
STAMP = datetime(2025, 10, 31, 12, 0, tzinfo=UTC)
SYNTH_DOCUMENT = "Dữ liệu mô phỏng (dangvien synth)"
# 21-NQ/TW: admit 3–4% of membership a year.
ADMISSION_RATE = 0.035

ORDER_BEFORE = [
    "listed",
    "helper",
    "awareness_class",
    "application",
    "personal_history",
    "verification",
    "introductions",
    "opinions",
    "cell_resolution",
    "committee_resolution",
    "decision",
]
# Days between one step and the next (low, high), for the steps of ORDER_BEFORE after the first.
GAPS_BEFORE = [(5, 20), (20, 90), (7, 40), (5, 20), (20, 60), (5, 15), (5, 20), (5, 20), (10, 40), (5, 25)]  # fmt: skip
CELL_KINDS = [
    ("residential", 60), ("school", 12), ("health", 4), ("police", 3), ("military", 3),
    ("agency", 10), ("enterprise", 8),
]  # fmt: skip


class Scale(StrEnum):
    CELL = "cell"
    COMMUNE = "commune"
    PROVINCE = "province"
    NATIONAL = "national"


COLUMNS: dict[str, tuple[str, ...]] = {
    "reorganisation": ("id", "kind", "decision_number", "decision_date", "effective_date", "note", "summary", "acting_user_id", "created_at"),
    "unit": ("id", "code", "name", "kind", "cell_kind", "admin_code", "parent_id", "path", "valid_from", "valid_to", "successor_id", "search_text", "sort_key"),
    "reorganisation_unit": ("id", "reorganisation_id", "unit_id", "role"),
    "unit_version": ("id", "unit_id", "name", "parent_id", "path", "valid_from", "valid_to", "reorganisation_id"),
    "person": ("id", "full_name", "birth_year", "birth_month", "birth_day", "sex", "ethnicity_id", "religion_id", "citizen_id", "home_town", "residence", "phone", "general_education_id", "professional_id", "political_theory_id", "occupation_id", "unit_id", "area_id", "status", "status_since", "decision_number", "decision_date", "ceremony_date", "official_date", "admission_unit_id", "card_number", "months_out", "search_text", "sort_key", "created_at", "updated_at"),
    "status_event": ("id", "person_id", "status", "on", "document", "note", "unit_id", "corrects_id", "recorded_by_id", "recorded_at"),
    "position": ("id", "person_id", "position_id", "unit_id", "place", "start", "end"),
    "case": ("id", "person_id", "unit_id", "source", "stage", "stage_since", "state", "helper_id", "previous_id", "readmission", "failed_recognition_votes", "due_on", "due_label", "opened_at"),
    "case_event": ("id", "case_id", "step", "on", "document_number", "signed_by", "note", "official_members", "elsewhere", "exempt_absent", "present", "votes_for", "votes_against", "outcome", "override_document", "data", "corrects_id", "recorded_by_id", "recorded_at"),
    "target": ("id", "unit_id", "period", "period_kind", "start", "end", "admissions", "admissions_min", "assigned_by_id", "document", "assigned_on", "note", "recorded_by_id", "updated_at"),
}  # fmt: skip
TABLES = list(COLUMNS)

Row = tuple[object, ...]


@dataclass
class Batch:
    table: str
    rows: list[Row]


@dataclass(frozen=True)
class Context:
    """What the generator needs from the database, read once by the loader."""

    categories: Mapping[tuple[str, str], int]
    first_ids: Mapping[str, int]
    central_id: int
    central_path: str
    calendar: WorkingCalendar
    # The value of a rule in force on a day (deadlines in working days, probation months).
    rule: Callable[[str, date], int]
    # The labels of the deadlines, as the admission selectors write them.
    labels: Mapping[str, str]


@dataclass(frozen=True)
class CommunePlan:
    code: int
    name: str
    ward_type: str
    cells: int | None = None  # None: drawn; 1 at the cell scale


@dataclass(frozen=True)
class ProvincePlan:
    code: int
    name: str
    is_city: bool
    communes: list[CommunePlan]


@dataclass(frozen=True)
class Plan:
    scale: Scale
    seed: int
    provinces: list[ProvincePlan]

    @property
    def commune_count(self) -> int:
        return sum(len(p.communes) for p in self.provinces)


def plan_for(scale: Scale, seed: int) -> Plan:
    """The real provinces and communes that a scale covers: all of them, a mid-size province
    (the median by number of communes), its first commune, or one cell of that commune."""
    wards: dict[int, list[CommunePlan]] = defaultdict(list)
    for ward in sorted(vp.Ward.iter_all(), key=lambda w: int(w.code)):
        kind = ward.name.split(" ")[0]
        wards[int(ward.province_code)].append(CommunePlan(int(ward.code), ward.name, kind))
    provinces = []
    for province in sorted(vp.Province.iter_all(), key=lambda p: int(p.code)):
        is_city = province.division_type == vp.VietNamDivisionType.THANH_PHO_TRUNG_UONG
        code = int(province.code)
        provinces.append(ProvincePlan(code, province.name, is_city, wards[code]))
    if scale == Scale.NATIONAL:
        return Plan(scale, seed, provinces)
    by_size = sorted(provinces, key=lambda p: (len(p.communes), p.code))
    middle = by_size[len(by_size) // 2]
    if scale == Scale.PROVINCE:
        return Plan(scale, seed, [middle])
    first = middle.communes[0]
    if scale == Scale.COMMUNE:
        return Plan(scale, seed, [ProvincePlan(middle.code, middle.name, middle.is_city, [first])])
    one = CommunePlan(first.code, first.name, first.ward_type, cells=1)
    return Plan(scale, seed, [ProvincePlan(middle.code, middle.name, middle.is_city, [one])])


def _pick(rng: random.Random, weighted: Sequence[tuple[str, float]]) -> str:
    return rng.choices([w for w, _ in weighted], [p for _, p in weighted])[0]


def _round(rng: random.Random, value: float) -> int:
    whole = int(value)
    return whole + (rng.random() < value - whole)


def _place(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh ", "Phường ", "Xã ", "Đặc khu "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _unit_search(name: str, code: str) -> str:
    # As `orgs.services._search_text` writes it.
    return f"{fold(name)} {fold(code)}"[:250]


@dataclass
class _UnitInfo:
    id: int
    code: str
    name: str
    parent: int | None
    path: str
    old_path: str  # before the reform
    old_parent: int | None


@dataclass
class _Sums:
    """Targets of each unit per period, so that parents are the sums of their children."""

    by_unit: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, unit: int, period: str, value: int) -> None:
        self.by_unit[unit][period] = self.by_unit[unit].get(period, 0) + value


class _Generator:
    def __init__(self, plan: Plan, ctx: Context) -> None:
        self.plan, self.ctx = plan, ctx
        self.next_id = dict(ctx.first_ids)
        self.sums = _Sums()
        self.cat = ctx.categories
        self.pending_reorgs: list[Row] = []
        self.name_cache: dict[str, tuple[str, str]] = {}

    def new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    # --- the tree --------------------------------------------------------------------------

    def unit_row(
        self, info: _UnitInfo, kind: str, cell_kind: str = "", admin_code: str = ""
    ) -> Row:
        ended = kind == "district"
        return (
            info.id, info.code, info.name, kind, cell_kind, admin_code, info.parent, info.path,
            WORLD_START, REFORM if ended else None, None,
            _unit_search(info.name, info.code), collation_key(info.name)[:500],
        )  # fmt: skip

    def versions(self, info: _UnitInfo, create: int, move: int | None) -> list[Row]:
        """One version until the reform and one after it, as `_revise` writes for a move;
        a dissolved district's one version closes on the reform day (`_close`)."""
        if move is None:
            if info.old_path == info.path and info.old_parent == info.parent:
                return [(self.new_id("unit_version"), info.id, info.name, info.parent, info.path, WORLD_START, None, create)]  # fmt: skip
            return [(self.new_id("unit_version"), info.id, info.name, info.old_parent, info.old_path, WORLD_START, REFORM, create)]  # fmt: skip
        return [
            (self.new_id("unit_version"), info.id, info.name, info.old_parent, info.old_path, WORLD_START, REFORM, create),
            (self.new_id("unit_version"), info.id, info.name, info.parent, info.path, REFORM, None, move),
        ]  # fmt: skip

    def reorg(self, kind: str, number: str, signed: date, on: date, note: str, summary: str) -> int:
        rid = self.new_id("reorganisation")
        self.pending_reorgs.append((rid, kind, number, signed, on, note, summary, None, STAMP))
        return rid

    def reorgs_made(self) -> Iterator[Batch]:
        """The reorganisations recorded so far, before any row that points at them."""
        yield Batch("reorganisation", self.pending_reorgs)
        self.pending_reorgs = []

    def run(self) -> Iterator[Batch]:
        ctx = self.ctx
        create = self.reorg(
            "create", "(mô phỏng) 01-QĐ/TW", WORLD_START, WORLD_START, SYNTH_DOCUMENT,
            f'{{"count": {self.plan.commune_count}}}',
        )  # fmt: skip
        yield from self.reorgs_made()
        links: list[Row] = []
        province_units: list[
            tuple[ProvincePlan, _UnitInfo, list[tuple[_UnitInfo, list[CommunePlan]]]]
        ] = []
        unit_rows: list[Row] = []
        version_rows: list[Row] = []
        for province in self.plan.provinces:
            place = _place(province.name)
            pname = f"{'Thành ủy' if province.is_city else 'Tỉnh ủy'} {place}"
            pid = self.new_id("unit")
            ppath = ctx.central_path + path_step(pid)
            pinfo = _UnitInfo(
                pid,
                geography.province_code(province.code),
                pname,
                ctx.central_id,
                ppath,
                ppath,
                ctx.central_id,
            )
            unit_rows.append(self.unit_row(pinfo, "province", admin_code=f"{province.code:02d}"))
            version_rows += self.versions(pinfo, create, None)
            links.append((self.new_id("reorganisation_unit"), create, pid, "result"))
            # Districts: groups of about ten consecutive communes, named for the first one.
            groups = [province.communes[i : i + 10] for i in range(0, len(province.communes), 10)]
            districts = []
            for k, group in enumerate(groups, 1):
                did = self.new_id("unit")
                dname = f"Huyện ủy {_place(group[0].name)}"
                dpath = ppath + path_step(did)
                dinfo = _UnitInfo(
                    did, f"H{province.code:02d}{k:03d}", dname, pid, dpath, dpath, pid
                )
                unit_rows.append(self.unit_row(dinfo, "district"))
                version_rows.append((self.new_id("unit_version"), did, dname, pid, dpath, WORLD_START, REFORM, create))  # fmt: skip
                links.append((self.new_id("reorganisation_unit"), create, did, "result"))
                districts.append((dinfo, group))
            province_units.append((province, pinfo, districts))
        yield Batch("unit", unit_rows)
        # The communes and everything under them, district by district.
        total_communes = 0
        for _province, pinfo, districts in province_units:
            for dinfo, group in districts:
                move = self.reorg(
                    "move", f"(mô phỏng) {dinfo.code}-QĐ/TU", date(2025, 6, 20), REFORM,
                    geography.REFORM_DECISION.note,
                    f'{{"from": "{dinfo.name}", "to": "{pinfo.name}", "count": {len(group)}}}',
                )  # fmt: skip
                dissolve = self.reorg(
                    "dissolve", f"(mô phỏng) {dinfo.code}-GT/TU", date(2025, 6, 20), REFORM,
                    geography.REFORM_DECISION.note, f'{{"unit": "{dinfo.name}"}}',
                )  # fmt: skip
                links.append((self.new_id("reorganisation_unit"), dissolve, dinfo.id, "source"))
                yield from self.reorgs_made()
                for commune in group:
                    yield from self.commune(commune, pinfo, dinfo, create, move, links)
                    total_communes += 1
                    yield Batch("_progress", [(total_communes, self.plan.commune_count)])
            # The sums: districts until 2024 and the 2015–2020 term; the province always.
            target_rows: list[Row] = []
            for dinfo, _group in districts:
                for period, value in sorted(self.sums.by_unit[dinfo.id].items()):
                    if period in ("2025", "2025-2030"):
                        continue
                    target_rows.append(self.target(dinfo.id, period, value, None, pinfo.id))
            for period, value in sorted(self.sums.by_unit[pinfo.id].items()):
                target_rows.append(self.target(pinfo.id, period, value, None, ctx.central_id))
            yield Batch("target", target_rows)
        yield Batch("unit_version", version_rows)
        yield Batch("reorganisation_unit", links)

    def target(
        self, unit: int, period: str, value: int, minimum: int | None, assigned_by: int
    ) -> Row:
        p = Period.parse(period)
        return (
            self.new_id("target"), unit, period, p.kind.value, p.start, p.end, value, minimum,
            assigned_by, SYNTH_DOCUMENT, p.start, "", None, STAMP,
        )  # fmt: skip

    # --- a commune ---------------------------------------------------------------------------

    def commune(
        self,
        commune: CommunePlan,
        pinfo: _UnitInfo,
        dinfo: _UnitInfo,
        create: int,
        move: int,
        links: list[Row],
    ) -> Iterator[Batch]:
        rng = random.Random(f"{self.plan.seed}:{commune.code}")  # noqa: S311 (made-up data, not secrets)
        cid = self.new_id("unit")
        code = geography.commune_code(commune.code)
        division = commune.ward_type.lower() if commune.ward_type != "Đặc" else "đặc khu"
        cname = f"Đảng ủy {division} {_place(commune.name)}"
        cinfo = _UnitInfo(
            cid,
            code,
            cname,
            pinfo.id,
            pinfo.path + path_step(cid),
            dinfo.path + path_step(cid),
            dinfo.id,
        )
        units = [self.unit_row(cinfo, "commune", admin_code=f"{commune.code:05d}")]
        versions = self.versions(cinfo, create, move)
        links.append((self.new_id("reorganisation_unit"), create, cid, "result"))
        links.append((self.new_id("reorganisation_unit"), move, cid, "moved"))
        count = commune.cells or rng.randint(40, 110)
        residential = "khu phố" if commune.ward_type == "Phường" else "thôn"
        cells: list[tuple[_UnitInfo, str]] = []
        numbers: dict[str, int] = defaultdict(int)
        for _n in range(count):
            kind = "residential" if commune.cells == 1 else _pick(rng, CELL_KINDS)
            numbers[kind] += 1
            k = numbers[kind]
            name = {
                "residential": f"Chi bộ {residential} {k}",
                "school": f"Chi bộ Trường {rng.choice(['Mầm non', 'Tiểu học', 'THCS', 'THPT'])} số {k}",
                "health": f"Chi bộ Y tế số {k}",
                "police": f"Chi bộ Công an số {k}",
                "military": f"Chi bộ Quân sự số {k}",
                "agency": f"Chi bộ Cơ quan số {k}",
                "enterprise": f"Chi bộ Doanh nghiệp số {k}",
            }[kind]
            uid = self.new_id("unit")
            info = _UnitInfo(
                uid,
                f"{code}.{kind[:3].upper()}{k:03d}",
                name,
                cid,
                cinfo.path + path_step(uid),
                cinfo.old_path + path_step(uid),
                cid,
            )
            units.append(self.unit_row(info, "cell", cell_kind=kind))
            versions += self.versions(info, create, move)
            links.append((self.new_id("reorganisation_unit"), create, uid, "result"))
            cells.append((info, kind))
        yield Batch("unit", units)
        yield Batch("unit_version", versions)
        for info, kind in cells:
            yield from self.cell(rng, info, kind, pinfo, cinfo, dinfo)
        target_rows = []
        for period, value in sorted(self.sums.by_unit[cid].items()):
            target_rows.append(
                self.target(cid, period, value, None, dinfo.id if period < "2025" else pinfo.id)
            )
            self.sums.add(pinfo.id, period, value)
            self.sums.add(dinfo.id, period, value)
        del self.sums.by_unit[cid]
        yield Batch("target", target_rows)

    # --- a cell --------------------------------------------------------------------------

    def cell(
        self,
        rng: random.Random,
        info: _UnitInfo,
        kind: str,
        pinfo: _UnitInfo,
        cinfo: _UnitInfo,
        dinfo: _UnitInfo,
    ) -> Iterator[Batch]:
        # About 21 members a cell on average: 5.6 million in some 250,000 cells.
        size = rng.randint(12, 40) if kind == "residential" else rng.randint(5, 24)
        out = _CellRows()
        province_prefix = int(pinfo.code[1:])
        # Rounded up or down at random, so that the country adds up to the rate on average.
        yearly = {y: _round(rng, size * ADMISSION_RATE * rng.uniform(0.5, 1.4)) for y in YEARS}
        admitted = {y: _round(rng, t * rng.uniform(0.6, 1.4)) for y, t in yearly.items()}
        # Targets: a range for small plans (seed 000: "3–5 a year"), the term as the sum.
        for y, t in yearly.items():
            out.targets.append(
                self.target(info.id, str(y), t, max(t - 2, 1) if 3 <= t <= 5 else None, cinfo.id)
            )
            self.sums.add(cinfo.id, str(y), t)
        for term in TERMS:
            years = [int(y) for y in Period.parse(term).years() if y in yearly]
            years = years[1:] if len(years) == 6 else years
            value = sum(yearly[y] for y in years) if term != "2025-2030" else 5 * yearly[2025]
            out.targets.append(self.target(info.id, term, value, None, cinfo.id))
            self.sums.add(cinfo.id, term, value)
        old = max(size - sum(admitted.values()), 3)
        officials: list[int] = []
        for _i in range(old):
            officials.append(self.legacy_member(rng, out, info, kind, province_prefix))
        for year, count in admitted.items():
            for _i in range(count):
                self.admitted_case(rng, out, info, kind, province_prefix, year, officials)
            # About one case in six ends without admission: a failed vote, or withdrawn.
            for _i in range(rng.random() < 0.15):
                self.failed_case(rng, out, info, kind, province_prefix, year, officials)
        for _i in range(rng.choice([0, 1, 1, 2])):
            self.open_case(rng, out, info, kind, province_prefix, officials)
        # The secretary and, in residential cells, the head of the village or group.
        out.positions.append((self.new_id("position"), officials[0], self.cat[("position", "BT")], info.id, "", date(2020, 8, 1), None))  # fmt: skip
        if kind == "residential" and len(officials) > 1:
            out.positions.append((self.new_id("position"), officials[1], self.cat[("position", "TT")], info.id, info.name.removeprefix("Chi bộ "), date(2022, 1, 1), None))  # fmt: skip
        yield from out.batches()

    def person(
        self,
        rng: random.Random,
        out: _CellRows,
        info: _UnitInfo,
        kind: str,
        prefix: int,
        *,
        born: date,
        status: str,
        since: date,
        admission: tuple[str, date, date, date | None] | None = None,
    ) -> int:
        pid = self.new_id("person")
        sex = "F" if rng.random() < WOMEN.get(kind, 0.4) else "M"
        name = person_name(rng, sex)
        ethnicity = (
            "01" if rng.random() < 0.86 else rng.choice(["02", "03", "04", "05", "06", "07"])
        )
        general = "12/12" if rng.random() < 0.9 else rng.choice(["9/12", "11/12"])
        prof = _pick(rng, [("0", 20), ("SC", 10), ("TC", 25), ("CD", 10), ("DH", 30), ("ThS", 5)])
        occupation = _pick(rng, OCCUPATIONS.get(kind, OCCUPATIONS["residential"]))
        number, decided, ceremony, official = admission or ("", None, None, None)
        theory = "SC" if admission and rng.random() < 0.6 else None
        out.people.append((
            pid, name, born.year, born.month, born.day, sex, self.cat[("ethnicity", ethnicity)],
            self.cat[("religion", "00" if rng.random() < 0.95 else "01")],
            f"{prefix:03d}{pid:09d}", "", info.name, f"0{rng.choice('3579')}{rng.randrange(10**8):08d}",
            self.cat[("general_education", general)], self.cat[("professional", prof)],
            self.cat[("political_theory", theory)] if theory else None,
            self.cat[("occupation", occupation)], info.id, None, status, since,
            number, decided, ceremony, official, info.id if admission else None,
            f"{prefix:02d}{pid % 10**7:07d}" if official else "", 0,
            *self.name_keys(name), STAMP, STAMP,
        ))  # fmt: skip
        return pid

    def name_keys(self, name: str) -> tuple[str, str]:
        """Search text and sort key of a person's name. Names repeat (a few tens of thousands
        in a province), and computing the keys was a third of the generator's time."""
        keys = self.name_cache.get(name)
        if keys is None:
            keys = self.name_cache[name] = (fold(name)[:200], name_sort_key(name)[:400])
        return keys

    def status_event(
        self, out: _CellRows, pid: int, status: str, on: date, unit: int, document: str
    ) -> None:
        out.events.append((self.new_id("status_event"), pid, status, on, document, "", unit, None, None, STAMP))  # fmt: skip

    def legacy_member(
        self, rng: random.Random, out: _CellRows, info: _UnitInfo, kind: str, prefix: int
    ) -> int:
        """A member admitted before the ten years of cases: the register, not a case."""
        born = date(rng.randint(1945, 1993), rng.randint(1, 12), rng.randint(1, 28))
        decided = max(
            born + timedelta(days=int(rng.triangular(19, 45, 27) * 365.25)), date(1965, 1, 1)
        )
        decided = min(decided, date(2015, 11, 30))
        ceremony = decided + timedelta(days=rng.randint(3, 28))
        official = add_months(ceremony, 12)
        number = f"{rng.randint(10, 2400)}-QĐ/HU"
        pid = self.person(
            rng,
            out,
            info,
            kind,
            prefix,
            born=born,
            status="official",
            since=official,
            admission=(number, decided, ceremony, official),
        )
        self.status_event(out, pid, "probationary", ceremony, info.id, number)
        self.status_event(out, pid, "official", official, info.id, SYNTH_DOCUMENT)
        return pid

    def _steps_before(self, rng: random.Random, listed: date) -> list[tuple[str, date]]:
        steps = [("listed", listed)]
        on = listed
        for step, (low, high) in zip(ORDER_BEFORE[1:], GAPS_BEFORE, strict=True):
            on += timedelta(days=rng.randint(low, high))
            steps.append((step, on))
        return steps

    def _case(
        self, out: _CellRows, pid: int, info: _UnitInfo, source: str, stage: str, since: date,
        state: str, helper: int | None, failed_votes: int = 0,
        due: tuple[date, str] | None = None,
    ) -> int:  # fmt: skip
        case_id = self.new_id("case")
        out.cases.append((
            case_id, pid, info.id, source, stage, since, state, helper, None, False, failed_votes,
            due[0] if due else None, due[1][:120] if due else "", STAMP,
        ))  # fmt: skip
        return case_id

    def _event(
        self, rng: random.Random, out: _CellRows, case_id: int, step: str, on: date,
        officials: int, *, failed: bool = False,
    ) -> None:  # fmt: skip
        votes: tuple[object, ...] = (None, None, None, None, None, None)
        outcome = ""
        if step in (
            "cell_resolution",
            "recognition_cell",
            "committee_resolution",
            "recognition_committee",
        ):
            members = (
                officials
                if step.endswith("cell") or step == "cell_resolution"
                else rng.randint(7, 15)
            )
            members = max(members, 3)
            present = max(members - rng.randint(0, 2), 3)
            against = (
                rng.randint(present // 3 + 1, present) if failed else rng.randint(0, present // 10)
            )
            votes = (members, 0, 0, present, present - against, against)
            outcome = "failed" if failed else "passed"
        number = ""
        if step in ("decision", "recognition_decision"):
            number = f"{rng.randint(10, 3000)}-QĐ/{'HU' if on < REFORM else 'ĐU'}"
        elif step in (
            "cell_resolution",
            "committee_resolution",
            "recognition_cell",
            "recognition_committee",
        ):
            number = f"{rng.randint(1, 300)}-NQ/CB"
        out.case_events.append((
            self.new_id("case_event"), case_id, step, on, number, "", "", *votes, outcome, "",
            "{}", None, None, STAMP,
        ))  # fmt: skip

    def admitted_case(
        self, rng: random.Random, out: _CellRows, info: _UnitInfo, kind: str, prefix: int,
        year: int, officials: list[int],
    ) -> None:  # fmt: skip
        """Someone admitted in `year`: the whole path, then probation, recognition or removal
        (2%), each as far as the snapshot day reaches."""
        last = min(date(year, 12, 31), AS_OF - timedelta(days=40))
        decided = date(year, 1, 1) + timedelta(
            days=rng.randrange((last - date(year, 1, 1)).days + 1)
        )
        steps = self._steps_before(rng, decided)
        shift = steps[-1][1] - decided
        steps = [(s, d - shift) for s, d in steps]
        ceremony = decided + timedelta(days=rng.randint(3, 28))
        end = add_months(ceremony, self.ctx.rule("probation.months", ceremony))
        after = [("ceremony", ceremony), ("probation_helper", ceremony + timedelta(days=rng.randint(1, 10))),
                 ("new_member_class", ceremony + timedelta(days=rng.randint(20, 120))),
                 ("self_assessment", end - timedelta(days=rng.randint(5, 15))),
                 ("helper_assessment", end - timedelta(days=rng.randint(1, 4))),
                 ("probation_opinions", end + timedelta(days=rng.randint(0, 5)))]  # fmt: skip
        removed = rng.random() < 0.02
        if removed:
            after = [*after[:3], ("removed", end - timedelta(days=rng.randint(30, 120)))]
        else:
            rec = end + timedelta(days=rng.randint(6, 40))
            after += [
                ("recognition_cell", rec),
                ("recognition_committee", rec + timedelta(days=rng.randint(5, 20))),
            ]
            after.append(
                ("recognition_decision", after[-1][1] + timedelta(days=rng.randint(3, 15)))
            )
        done = [(s, d) for s, d in steps + after if d <= AS_OF]
        born = decided - timedelta(days=int(rng.triangular(18.5, 45, 25) * 365.25))
        helper = rng.choice(officials)
        number = f"{rng.randint(10, 3000)}-QĐ/{'HU' if decided < REFORM else 'ĐU'}"
        stage, since = done[-1]
        if stage == "recognition_decision":
            status, status_since, official = "official", end, end
        elif stage == "removed":
            status, status_since, official = "removed", since, None
        else:
            status, status_since, official = "probationary", ceremony, None
        admission = (number, decided, ceremony, official)
        pid = self.person(
            rng,
            out,
            info,
            kind,
            prefix,
            born=born,
            status=status,
            since=status_since,
            admission=admission,
        )
        self.status_event(out, pid, "candidate", steps[0][1], info.id, "")
        self.status_event(out, pid, "probationary", ceremony, info.id, number)
        if status != "probationary":
            self.status_event(out, pid, status, status_since, info.id, SYNTH_DOCUMENT)
        state = {"recognition_decision": "member", "removed": "closed"}.get(stage, "open")
        rec_cell = dict(done).get("recognition_cell")
        # One recognition in thirty needed a second cell vote.
        failed_votes = 1 if rec_cell and rng.random() < 1 / 30 else 0
        due = self.due(stage, since, dict(done)) if state == "open" else None
        case_id = self._case(
            out, pid, info, _pick(rng, SOURCES), stage, since, state, helper, failed_votes, due
        )
        previous = done[0][1]
        for step, on in done:
            if step == "recognition_cell" and failed_votes:
                # The failed vote between the opinions on the member and the vote that passed.
                failed_on = previous + (on - previous) / 2
                self._event(rng, out, case_id, step, failed_on, len(officials), failed=True)
            self._event(rng, out, case_id, step, on, len(officials))
            previous = on
        if status == "official":
            officials.append(pid)

    def failed_case(
        self, rng: random.Random, out: _CellRows, info: _UnitInfo, kind: str, prefix: int,
        year: int, officials: list[int],
    ) -> None:  # fmt: skip
        """A case that ended before admission: a failed cell vote, or withdrawn on the way."""
        listed = min(
            date(year, 1, 1) + timedelta(days=rng.randrange(300)), AS_OF - timedelta(days=240)
        )
        steps = [
            (s, d) for s, d in self._steps_before(rng, listed) if d <= AS_OF - timedelta(days=30)
        ]
        failed_vote = rng.random() < 0.5 and len(steps) > 8
        if failed_vote:
            steps = steps[:9]
            end, end_on = "not_admitted", steps[-1][1]
        else:
            steps = steps[: rng.randint(2, min(len(steps), 8))]
            end, end_on = "withdrawn", steps[-1][1] + timedelta(days=rng.randint(5, 60))
        born = listed - timedelta(days=int(rng.triangular(18.5, 40, 24) * 365.25))
        pid = self.person(rng, out, info, kind, prefix, born=born, status="candidate", since=listed)
        self.status_event(out, pid, "candidate", listed, info.id, "")
        case_id = self._case(
            out, pid, info, _pick(rng, SOURCES), end, end_on, "closed", rng.choice(officials)
        )
        for i, (step, on) in enumerate(steps):
            self._event(
                rng,
                out,
                case_id,
                step,
                on,
                len(officials),
                failed=failed_vote and i == len(steps) - 1,
            )
        if not failed_vote:
            self._event(rng, out, case_id, "withdrawn", end_on, len(officials))

    def open_case(
        self, rng: random.Random, out: _CellRows, info: _UnitInfo, kind: str, prefix: int,
        officials: list[int],
    ) -> None:  # fmt: skip
        """A candidate on the way: listed in the last two years, stopped somewhere before the
        decision; those stuck after the cell's resolution are often overdue."""
        listed = AS_OF - timedelta(days=rng.randint(60, 700))
        steps = [(s, d) for s, d in self._steps_before(rng, listed) if d <= AS_OF]
        steps = steps[: rng.randint(1, len(steps))]
        born = listed - timedelta(days=int(rng.triangular(18.5, 40, 23) * 365.25))
        pid = self.person(rng, out, info, kind, prefix, born=born, status="candidate", since=listed)
        self.status_event(out, pid, "candidate", listed, info.id, "")
        stage, since = steps[-1]
        helper = rng.choice(officials) if len(steps) > 1 else None
        case_id = self._case(
            out,
            pid,
            info,
            _pick(rng, SOURCES),
            stage,
            since,
            "open",
            helper,
            0,
            self.due(stage, since, dict(steps)),
        )
        for step, on in steps:
            self._event(rng, out, case_id, step, on, len(officials))

    def due(self, stage: str, since: date, done: Mapping[str, date]) -> tuple[date, str] | None:
        """The next deadline, as `admission.selectors.case_deadline` computes it."""
        cal, rule, labels = self.ctx.calendar, self.ctx.rule, self.ctx.labels
        if stage in ("cell_resolution", "partial_appraisal", "committee_resolution"):
            start = done.get("cell_resolution", since)
            key = "deadline.admission_decision_working_days"
            return cal.add_working_days(start, rule(key, start)), labels["decision"]
        if stage == "decision":
            key = "deadline.ceremony_working_days"
            return cal.add_working_days(since, rule(key, since)), labels["ceremony"]
        if stage in ("recognition_cell", "recognition_committee"):
            start = done.get("recognition_cell", since)
            key = "deadline.recognition_decision_working_days"
            return cal.add_working_days(start, rule(key, start)), labels["recognition"]
        ceremony = done.get("ceremony")
        if ceremony is not None:
            end = add_months(ceremony, rule("probation.months", ceremony))
            days = rule("deadline.conversion_working_days", end)
            return cal.add_working_days(end - timedelta(days=1), days), labels["conversion"]
        return None


SOURCES = [
    ("youth_union", 45), ("women", 8), ("veterans", 2), ("farmers", 5), ("trade_union", 15),
    ("demobilised", 8), ("graduate", 7), ("enlisting", 5), ("village_head", 2), ("other", 3),
]  # fmt: skip


@dataclass
class _CellRows:
    people: list[Row] = field(default_factory=list)
    events: list[Row] = field(default_factory=list)
    cases: list[Row] = field(default_factory=list)
    case_events: list[Row] = field(default_factory=list)
    positions: list[Row] = field(default_factory=list)
    targets: list[Row] = field(default_factory=list)

    def batches(self) -> Iterator[Batch]:
        yield Batch("person", self.people)
        yield Batch("status_event", self.events)
        yield Batch("case", self.cases)
        yield Batch("case_event", self.case_events)
        yield Batch("position", self.positions)
        yield Batch("target", self.targets)


def generate(plan: Plan, ctx: Context) -> Iterator[Batch]:
    """The rows of the world, in an order that keeps every row after the rows it points at
    (the loader may check references at the end of each statement).
    A `_progress` batch after each commune carries (communes done, communes in all)."""
    return _Generator(plan, ctx).run()
