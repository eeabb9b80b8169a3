"""Admission cases of the demo world, driven through the services as the operator.

- Phường Thủy Xuân and the 11 cells of phường Kinh Bắc (seeds 003 and 000): candidates at
  every step before the admission ceremony, overdue dossiers, a failed cell vote followed by
  a second case, a withdrawn case. They stay candidates, so the seed counts of members
  (473 and 463) still hold.
- The cells of the former phường Đại Phúc, merged into phường Kinh Bắc in July 2025, and a
  partial committee (đảng bộ bộ phận) created there: probationary members at every step of
  the probation, finished cases (official members), a removal from the probationary list.
- Seed 004, phường Bình Ngọc (Móng Cái, Quảng Ninh): a ceremony in Chi bộ khu 2 on
  03/07/2023, the probation helper assigned after it, recognition in 2024. The ward joined
  phường Móng Cái 1 in July 2025 (with Trần Phú, Hải Hòa, Hải Xuân and Trà Cổ).

Every person is invented (fixed random seed); no one named in the seed articles appears.
Dates are counted back from `AS_OF` (or today, if earlier), so the demo is the same on every
machine and never writes a date in the future.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from dangvien.admission.models import Case, Source, Step
from dangvien.admission.rules import ORDER, Vote
from dangvien.admission.services import NewIntroducer, case_open, case_record_step
from dangvien.lib.dates import PartialDate
from dangvien.orgs import geography
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import Decision, NewUnit, unit_create, unit_dissolve, units_merge
from dangvien.people.models import Person, Status
from dangvien.people.services import NewPerson, people_bulk_create
from dangvien.rulebook.selectors import rules_cached
from dangvien.web.demo_people import (
    BAC_NINH_PLACE,
    HUE_PLACE,
    KINH_BAC_CELLS,
    REAL_NAMES,
    THUY_XUAN_CELLS,
    Maker,
    Place,
)

SEED = 20230703
AS_OF = date(2026, 11, 20)

FOUNDED = Decision(effective=date(2015, 1, 1), number="(mẫu) dữ liệu ban đầu")
REFORM = Decision(
    effective=geography.REFORM_DATE,
    number="(mẫu) 01-QĐ/TU",
    signed=date(2025, 6, 30),
    note="Sắp xếp tổ chức đảng theo mô hình chính quyền địa phương hai cấp",
)
KINH_BAC = geography.commune_code(9187)
MONG_CAI_1 = geography.commune_code(6712)
QUANG_NINH = geography.province_code(22)
# Seed 004: before July 2025, Tỉnh ủy Quảng Ninh › Thành ủy Móng Cái › phường Bình Ngọc.
BINH_NGOC_WORLD: list[tuple[str, str, str, str, str]] = [
    ("QNIN", "Tỉnh ủy Quảng Ninh (trước 7/2025)", UnitKind.PROVINCE, "", geography.CENTRAL_CODE),
    ("QNIN.MC", "Thành ủy Móng Cái", UnitKind.DISTRICT, "", "QNIN"),
    ("QNIN.MC.BN", "Đảng ủy phường Bình Ngọc", UnitKind.COMMUNE, "", "QNIN.MC"),
    ("QNIN.MC.BN.K2", "Chi bộ khu 2", UnitKind.CELL, CellKind.RESIDENTIAL, "QNIN.MC.BN"),
]
BINH_NGOC = "QNIN.MC.BN"
BINH_NGOC_CELL = "QNIN.MC.BN.K2"
BINH_NGOC_CEREMONY = date(2023, 7, 3)
BINH_NGOC_PLACE = Place(
    "022",
    ("Móng Cái, Quảng Ninh", "Hải Hà, Quảng Ninh", "Đầm Hà, Quảng Ninh", "Tiên Yên, Quảng Ninh"),
    "Khu {group}, phường Bình Ngọc, thành phố Móng Cái, tỉnh Quảng Ninh",
    False,
)
DAI_PHUC_PLACE = Place(
    "027",
    BAC_NINH_PLACE.home_towns,
    "Khu phố Đại Phúc {group}, phường Kinh Bắc, tỉnh Bắc Ninh",
    False,
)
# A partial committee of the July-2025 ward, with one cell (synthetic, marked "mẫu").
PARTIAL = f"{KINH_BAC}.BPDP"
PARTIAL_CELL = f"{PARTIAL}.2"
PARTIAL_DECISION = Decision(
    effective=geography.REFORM_DATE,
    number="(mẫu) 12-QĐ/ĐU",
    signed=date(2025, 6, 30),
    note="Thành lập đảng bộ bộ phận khu vực Đại Phúc",
)
SAMPLE_NAMES = REAL_NAMES | {"Hoàng Thị Thuận", "Vũ Thị Vân Anh", "Nguyễn Hùng Chiến"}

# Days from the listing to each step before the ceremony, then from the ceremony.
BEFORE: dict[str, int] = {
    Step.LISTED: 0,
    Step.HELPER: 12,
    Step.AWARENESS_CLASS: 70,
    Step.APPLICATION: 95,
    Step.PERSONAL_HISTORY: 115,
    Step.VERIFICATION: 160,
    Step.INTRODUCTIONS: 175,
    Step.OPINIONS: 185,
    Step.CELL_RESOLUTION: 200,
    Step.PARTIAL_APPRAISAL: 212,
    Step.COMMITTEE_RESOLUTION: 225,
    Step.DECISION: 245,
    Step.CEREMONY: 262,
}
AFTER: dict[str, int] = {
    Step.PROBATION_HELPER: 2,
    Step.NEW_MEMBER_CLASS: 80,
    Step.SELF_ASSESSMENT: 352,
    Step.HELPER_ASSESSMENT: 355,
    Step.PROBATION_OPINIONS: 359,
    Step.RECOGNITION_CELL: 374,
    Step.RECOGNITION_COMMITTEE: 392,
    Step.RECOGNITION_DECISION: 415,
}
ENDED = Step.RECOGNITION_DECISION


@dataclass(frozen=True)
class Plan:
    """One case: in which cells, how far it goes, how many days before `AS_OF` it got there,
    and how it ends (`end`: withdrawn, a failed vote, a removal) after that."""

    cells: str  # "thuy_xuan", "kinh_bac", "dai_phuc", "partial"
    stage: str
    days_ago: int
    end: str = ""


PLANS: list[Plan] = [
    # Phường Thủy Xuân: candidates, before the ceremony.
    Plan("thuy_xuan", Step.LISTED, 9),
    Plan("thuy_xuan", Step.HELPER, 21),
    Plan("thuy_xuan", Step.AWARENESS_CLASS, 16),
    Plan("thuy_xuan", Step.APPLICATION, 30),
    Plan("thuy_xuan", Step.PERSONAL_HISTORY, 12),
    Plan("thuy_xuan", Step.VERIFICATION, 26),
    Plan("thuy_xuan", Step.INTRODUCTIONS, 10),
    Plan("thuy_xuan", Step.OPINIONS, 18),
    Plan("thuy_xuan", Step.CELL_RESOLUTION, 14),
    Plan("thuy_xuan", Step.COMMITTEE_RESOLUTION, 9),
    Plan("thuy_xuan", Step.DECISION, 6),
    Plan("thuy_xuan", Step.APPLICATION, 120, end=Step.WITHDRAWN),
    # Phường Kinh Bắc's 11 cells (seed 000): candidates, two of them overdue.
    Plan("kinh_bac", Step.LISTED, 44),
    Plan("kinh_bac", Step.AWARENESS_CLASS, 100),
    Plan("kinh_bac", Step.VERIFICATION, 47),
    Plan("kinh_bac", Step.OPINIONS, 33),
    Plan("kinh_bac", Step.COMMITTEE_RESOLUTION, 23),
    # Overdue: a cell resolution four months ago and no admission decision.
    Plan("kinh_bac", Step.CELL_RESOLUTION, 125),
    # Overdue: a decision more than 30 working days ago and no ceremony.
    Plan("kinh_bac", Step.DECISION, 72),
    # A failed cell vote; the second case follows below (`previous=`).
    Plan("kinh_bac", Step.OPINIONS, 330, end=Step.NOT_ADMITTED),
    # The partial committee: its cell's resolutions are appraised before the ward decides.
    Plan("partial", Step.CELL_RESOLUTION, 8),
    Plan("partial", Step.PARTIAL_APPRAISAL, 11),
    Plan("partial", Step.DECISION, 15),
    # The cells of the former phường Đại Phúc: probationary members and finished cases.
    Plan("dai_phuc", Step.CEREMONY, 12),
    Plan("dai_phuc", Step.PROBATION_HELPER, 40),
    Plan("dai_phuc", Step.NEW_MEMBER_CLASS, 95),
    Plan("dai_phuc", Step.SELF_ASSESSMENT, 5),
    Plan("dai_phuc", Step.HELPER_ASSESSMENT, 7),
    Plan("dai_phuc", Step.PROBATION_OPINIONS, 4),
    # Overdue: probation ended more than 30 working days ago and the cell has not met.
    Plan("dai_phuc", Step.PROBATION_OPINIONS, 120),
    Plan("dai_phuc", Step.RECOGNITION_CELL, 13),
    Plan("dai_phuc", Step.RECOGNITION_COMMITTEE, 6),
    Plan("dai_phuc", ENDED, 60),
    Plan("dai_phuc", ENDED, 240),
    Plan("dai_phuc", ENDED, 500),
    Plan("dai_phuc", Step.NEW_MEMBER_CLASS, 150, end=Step.REMOVED),
]
SECOND_ATTEMPT = Plan("kinh_bac", Step.APPLICATION, 20)


def timeline(stage: str, partial: bool) -> list[tuple[str, int]]:
    """The steps up to `stage` with their day from the listing."""
    steps: list[tuple[str, int]] = []
    for step in ORDER:
        if step == Step.PARTIAL_APPRAISAL and not partial:
            continue
        day = BEFORE[step] if step in BEFORE else BEFORE[Step.CEREMONY] + AFTER[step]
        steps.append((step, day))
        if step == stage:
            return steps
    raise ValueError(stage)


def _weekday(day: date) -> date:
    """Saturday and Sunday move back to Friday (monotone: the order of steps is kept)."""
    return day - timedelta(days=max(0, day.weekday() - 4))


class Builder:
    def __init__(self, rng: random.Random, as_of: date) -> None:
        self.rng = rng
        self.as_of = as_of
        self.maker = Maker(rng)
        self.maker.ids.update(
            c for c in Person.objects.values_list("citizen_id", flat=True) if c is not None
        )
        self.numbers = 0

    # --- people -------------------------------------------------------------------------

    def _clean(self, entry: NewPerson) -> NewPerson:
        while entry.data.full_name in SAMPLE_NAMES:
            entry.data.full_name = entry.data.full_name + " Anh"
        return entry

    def members(self, cell: Unit, place: Place, count: int) -> list[Person]:
        entries = []
        for _ in range(count):
            entry = self.maker.person(
                cell=cell,
                place=place,
                group=cell.code.rsplit(".", 1)[-1],
                status=Status.OFFICIAL,
                born_by=1990,
            )
            entries.append(self._clean(entry))
        return people_bulk_create(acting_user=None, entries=entries)

    def candidate(self, cell: Unit, place: Place, listed: date, sex: str | None = None) -> Person:
        entry = self.maker.person(
            cell=cell,
            place=place,
            group=cell.code.rsplit(".", 1)[-1],
            status=Status.CANDIDATE,
            sex=sex,
        )
        data = entry.data
        birth = date(self.rng.randint(1986, 2000), 1, 1) + timedelta(days=self.rng.randrange(365))
        # Keep the citizen ID's year digits in step with the new birth year.
        data.birth = PartialDate(birth.year, birth.month, birth.day)
        century = (0 if birth.year < 2000 else 2) + (1 if data.sex == "F" else 0)
        head = f"{place.province_prefix}{century}{birth.year % 100:02d}"
        data.citizen_id = f"{head}{data.citizen_id[6:]}"
        while data.citizen_id in self.maker.ids:
            data.citizen_id = f"{head}{self.rng.randrange(10**6):06d}"
        self.maker.ids.add(data.citizen_id)
        data.general_education = self.maker.cat("general_education", "12/12")
        entry = NewPerson(data, cell, Status.CANDIDATE, listed, "Chi bộ giới thiệu đối tượng")
        (person,) = people_bulk_create(acting_user=None, entries=[self._clean(entry)])
        return person

    # --- steps --------------------------------------------------------------------------

    def number(self, suffix: str) -> str:
        self.numbers += 1
        return f"{self.numbers + 10}-{suffix}"

    def cell_vote(self, cell: Unit, on: date, *, failed: bool = False) -> Vote:
        officials = Person.objects.filter(
            unit=cell, status=Status.OFFICIAL, official_date__lte=on
        ).count()
        elsewhere = self.rng.randint(0, 1)
        exempt_absent = self.rng.randint(0, 1) if officials > 12 else 0
        denominator = officials - elsewhere - exempt_absent
        present = denominator - self.rng.randint(0, max(denominator // 10, 0))
        votes_for = present if failed is False else denominator * 2 // 3 - 1
        if not failed and self.rng.random() < 0.4 and (present - 1) * 3 >= denominator * 2:
            votes_for = present - 1
        return Vote(
            official_members=officials,
            elsewhere=elsewhere,
            exempt_absent=exempt_absent,
            present=present,
            votes_for=votes_for,
            votes_against=present - votes_for,
        )

    def committee_vote(self) -> Vote:
        members = self.rng.choice([9, 11, 13, 15])
        present = members - self.rng.randint(0, 2)
        return Vote(
            official_members=members,
            elsewhere=0,
            exempt_absent=0,
            present=present,
            votes_for=present,
            votes_against=0,
        )

    def record(
        self,
        case: Case,
        step: str,
        on: date,
        officials: Sequence[Person],
        *,
        failed: bool = False,
        committee: str = "ĐU",
    ) -> None:
        kwargs: dict[str, Any] = {}
        rng = self.rng
        if step in (Step.HELPER, Step.PROBATION_HELPER):
            kwargs["helper"] = rng.choice(list(officials))
        elif step == Step.AWARENESS_CLASS:
            kwargs["data"] = {
                "certificate_date": on.isoformat(),
                "certificate_number": self.number(f"GCN/{on.year}"),
            }
            kwargs["note"] = "Trung tâm Chính trị cấp giấy chứng nhận"
        elif step == Step.INTRODUCTIONS:
            first, second = rng.sample(list(officials), 2)
            kwargs["introducers"] = [
                NewIntroducer(
                    "member", m, case.stage_since - timedelta(days=rng.randint(400, 2500))
                )
                for m in (first, second)
            ]
        elif step in (Step.CELL_RESOLUTION, Step.RECOGNITION_CELL):
            kwargs["vote"] = self.cell_vote(case.unit, on, failed=failed)
            kwargs["document_number"] = self.number("NQ/CB")
        elif step in (Step.COMMITTEE_RESOLUTION, Step.RECOGNITION_COMMITTEE):
            kwargs["vote"] = self.committee_vote()
            kwargs["document_number"] = self.number(f"NQ/{committee}")
        elif step == Step.PARTIAL_APPRAISAL:
            kwargs["document_number"] = self.number("BC/ĐUBP")
        elif step in (Step.DECISION, Step.RECOGNITION_DECISION):
            kwargs["document_number"] = self.number(f"QĐ/{committee}")
            kwargs["signed_by"] = "T/M Ban Thường vụ"
        elif step in (Step.WITHDRAWN, Step.REMOVED):
            kwargs["document_number"] = self.number("NQ/CB") if step == Step.REMOVED else ""
            kwargs["note"] = (
                "Chuyển đi làm ăn xa, xin rút đơn"
                if step == Step.WITHDRAWN
                else "Vi phạm tư cách đảng viên trong thời gian dự bị"
            )
        case_record_step(acting_user=None, case=case, step=step, on=on, **kwargs)
        case.refresh_from_db()

    def run(
        self,
        cell: Unit,
        place: Place,
        plan: Plan,
        *,
        previous: Case | None = None,
        person: Person | None = None,
        committee: str = "ĐU",
    ) -> Case:
        """Open a case and drive it to `plan.stage`, reached `plan.days_ago` days before
        the demo's day; then end it as `plan.end` says."""
        partial = cell.parent is not None and cell.parent.kind == UnitKind.PARTIAL
        steps = timeline(plan.stage, partial)
        reached = self.as_of - timedelta(days=plan.days_ago)
        listed = reached - timedelta(days=steps[-1][1])
        dated = [(step, _weekday(listed + timedelta(days=day))) for step, day in steps]
        if plan.end == Step.NOT_ADMITTED:
            dated.append((Step.CELL_RESOLUTION, _weekday(reached + timedelta(days=14))))
        elif plan.end:
            dated.append((plan.end, _weekday(reached + timedelta(days=30))))
        if person is None:
            person = self.candidate(cell, place, dated[0][1])
        return self.drive(
            person,
            dated,
            previous=previous,
            committee=committee,
            failed_last=plan.end == Step.NOT_ADMITTED,
        )

    def drive(
        self,
        person: Person,
        dated: Sequence[tuple[str, date]],
        *,
        previous: Case | None = None,
        committee: str = "ĐU",
        failed_last: bool = False,
    ) -> Case:
        cell = person.unit
        officials = list(
            Person.objects.filter(unit=cell, status=Status.OFFICIAL).order_by("sort_key", "id")
        )
        source = self.rng.choice(
            [Source.YOUTH_UNION, Source.WOMEN, Source.TRADE_UNION, Source.GRADUATE, Source.OTHER]
        )
        case = case_open(
            acting_user=None, person=person, source=source, on=dated[0][1], previous=previous
        )
        last = len(dated) - 1
        for index, (step, on) in enumerate(dated[1:], start=1):
            able = [p for p in officials if p.official_date is not None and p.official_date <= on]
            self.record(
                case,
                step,
                on,
                able,
                failed=failed_last and index == last,
                committee=committee,
            )
        return case


def _unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def _cells(codes: Sequence[str]) -> list[Unit]:
    return list(
        Unit.objects.filter(code__in=codes, valid_to__isnull=True)
        .select_related("parent")
        .order_by("code")
    )


def _partial_committee(builder: Builder) -> Unit:
    ward = _unit(KINH_BAC)
    partial = unit_create(
        acting_user=None,
        parent=ward,
        spec=NewUnit(PARTIAL, "Đảng bộ bộ phận khu vực Đại Phúc (mẫu)", UnitKind.PARTIAL),
        decision=PARTIAL_DECISION,
    )
    cell = unit_create(
        acting_user=None,
        parent=partial,
        spec=NewUnit(
            PARTIAL_CELL, "Chi bộ khu phố Đại Phúc 2 (mẫu)", UnitKind.CELL, CellKind.RESIDENTIAL
        ),
        decision=PARTIAL_DECISION,
    )
    builder.members(cell, DAI_PHUC_PLACE, 16)
    return Unit.objects.select_related("parent").get(pk=cell.pk)


def _binh_ngoc(builder: Builder) -> Case:
    """Seed 004: the candidate admitted in Chi bộ khu 2 on 03/07/2023, helped after the
    ceremony, official in 2024; then the ward joins phường Móng Cái 1 (July 2025)."""
    for code, name, kind, cell_kind, parent in BINH_NGOC_WORLD:
        if not Unit.objects.filter(code=code).exists():
            unit_create(
                acting_user=None,
                parent=_unit(parent),
                spec=NewUnit(code, name, kind, cell_kind),
                decision=FOUNDED,
            )
    cell = Unit.objects.select_related("parent").get(code=BINH_NGOC_CELL)
    builder.members(cell, BINH_NGOC_PLACE, 18)
    ceremony = BINH_NGOC_CEREMONY
    dated: list[tuple[str, date]] = [
        (Step.LISTED, date(2022, 3, 14)),
        (Step.HELPER, date(2022, 3, 21)),
        (Step.AWARENESS_CLASS, date(2022, 6, 17)),
        (Step.APPLICATION, date(2022, 9, 12)),
        (Step.PERSONAL_HISTORY, date(2022, 10, 10)),
        (Step.VERIFICATION, date(2023, 1, 9)),
        (Step.INTRODUCTIONS, date(2023, 2, 20)),
        (Step.OPINIONS, date(2023, 3, 13)),
        (Step.CELL_RESOLUTION, date(2023, 4, 10)),
        (Step.COMMITTEE_RESOLUTION, date(2023, 5, 8)),
        (Step.DECISION, date(2023, 6, 20)),
        (Step.CEREMONY, ceremony),
        # "…và phân công đảng viên chính thức theo dõi giúp đỡ": at the ceremony, after it.
        (Step.PROBATION_HELPER, ceremony),
        (Step.NEW_MEMBER_CLASS, date(2023, 9, 22)),
        (Step.SELF_ASSESSMENT, date(2024, 6, 24)),
        (Step.HELPER_ASSESSMENT, date(2024, 6, 26)),
        (Step.PROBATION_OPINIONS, date(2024, 7, 1)),
        (Step.RECOGNITION_CELL, date(2024, 7, 8)),
        (Step.RECOGNITION_COMMITTEE, date(2024, 7, 22)),
        (Step.RECOGNITION_DECISION, date(2024, 8, 19)),
    ]
    person = builder.candidate(cell, BINH_NGOC_PLACE, dated[0][1], sex="F")
    case = builder.drive(person, dated, committee="TU")
    # July 2025: Bình Ngọc joins phường Móng Cái 1; the district ends; the provinces merge.
    units_merge(
        acting_user=None, sources=[_unit(BINH_NGOC)], target=_unit(MONG_CAI_1), decision=REFORM
    )
    unit_dissolve(acting_user=None, unit=_unit("QNIN.MC"), decision=REFORM)
    units_merge(
        acting_user=None, sources=[_unit("QNIN")], target=_unit(QUANG_NINH), decision=REFORM
    )
    return case


def is_loaded() -> bool:
    return Unit.objects.filter(code=BINH_NGOC_CELL).exists()


def load_demo_cases() -> bool:
    """Add the demo's admission cases; False (and nothing written) when they are there or
    the wards they belong to are not in the database."""
    if is_loaded() or not Unit.objects.filter(code=MONG_CAI_1).exists():
        return False
    thuy_xuan = _cells([c.code for c in THUY_XUAN_CELLS])
    kinh_bac = list(
        Unit.objects.filter(
            code__startswith=KINH_BAC_CELLS, kind=UnitKind.CELL, valid_to__isnull=True
        )
        .select_related("parent")
        .order_by("code")
    )
    dai_phuc = _cells(["BNIN.TP.DP.1", "BNIN.TP.DP.TH"])
    if not thuy_xuan or not kinh_bac or len(dai_phuc) != 2:
        return False
    as_of = min(AS_OF, timezone.localdate())
    with transaction.atomic(), rules_cached():
        builder = Builder(random.Random(SEED), as_of)  # noqa: S311 (synthetic data)
        for cell, size in zip(dai_phuc, (22, 14), strict=True):
            builder.members(cell, DAI_PHUC_PLACE, size)
        partial = _partial_committee(builder)
        pools: dict[str, tuple[list[Unit], Place]] = {
            "thuy_xuan": (thuy_xuan, HUE_PLACE),
            "kinh_bac": (kinh_bac, BAC_NINH_PLACE),
            "dai_phuc": (dai_phuc, DAI_PHUC_PLACE),
            "partial": ([partial], DAI_PHUC_PLACE),
        }
        for n, plan in enumerate(PLANS):
            cells, place = pools[plan.cells]
            cell = cells[n % len(cells)]
            case = builder.run(cell, place, plan)
            if plan.end == Step.NOT_ADMITTED:
                builder.run(cell, place, SECOND_ATTEMPT, previous=case, person=case.person)
        _binh_ngoc(builder)
    return True
