"""Huyện ủy Bình Liêu in the first quarter of 2018 (seed 001), for the demo.

What the report counts, rebuilt from synthetic people in the villages it names:
- two awareness classes for 150 people (farmers, commune staff, officials) and one for 44
  citizens about to enlist, organised by the district with its training centre;
- 29 people admitted in the first quarter of 2018;
- the village heads of five villages, admitted in early 2017, recognised as official members
  in March 2018 and then made cell secretaries as well ("bí thư chi bộ kiêm trưởng thôn").
Everything goes through the services, as the operator (acting_user=None). No person here is
real; the report's named people are not recorded.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta

from dangvien.admission.demo import BINH_NGOC_WORLD, FOUNDED, REFORM
from dangvien.orgs import geography
from dangvien.orgs.models import CellKind, Unit, UnitKind
from dangvien.orgs.services import NewUnit, unit_create, unit_dissolve, units_merge
from dangvien.people.models import Person, Status
from dangvien.people.services import NewPerson, people_bulk_create, position_start
from dangvien.training.demo import demo_class
from dangvien.training.models import ClassKind
from dangvien.web.demo_people import Maker, Place

SEED = 20180419
PROVINCE = BINH_NGOC_WORLD[0]  # Tỉnh ủy Quảng Ninh before July 2025, shared with seed 004
DISTRICT = "QNIN.BL"
R = CellKind.RESIDENTIAL
# (code, name, kind, cell kind, parent code)
WORLD: list[tuple[str, str, str, str, str]] = [
    (DISTRICT, "Huyện ủy Bình Liêu", UnitKind.DISTRICT, "", PROVINCE[0]),
    ("QNIN.BL.DV", "Đảng ủy xã Đồng Văn", UnitKind.COMMUNE, "", DISTRICT),
    ("QNIN.BL.DV.DT", "Chi bộ thôn Đồng Thanh", UnitKind.CELL, R, "QNIN.BL.DV"),
    ("QNIN.BL.DV.DM", "Chi bộ thôn Đồng Mô", UnitKind.CELL, R, "QNIN.BL.DV"),
    ("QNIN.BL.DTA", "Đảng ủy xã Đồng Tâm", UnitKind.COMMUNE, "", DISTRICT),
    ("QNIN.BL.DTA.PP", "Chi bộ thôn Pắc Pò", UnitKind.CELL, R, "QNIN.BL.DTA"),
    ("QNIN.BL.DTA.NVG", "Chi bộ thôn Ngàn Vàng Giữa", UnitKind.CELL, R, "QNIN.BL.DTA"),
    ("QNIN.BL.TH", "Đảng ủy xã Tình Húc", UnitKind.COMMUNE, "", DISTRICT),
    ("QNIN.BL.TH.CC", "Chi bộ thôn Chang Chiếm", UnitKind.CELL, R, "QNIN.BL.TH"),
    ("QNIN.BL.LH", "Đảng ủy xã Lục Hồn", UnitKind.COMMUNE, "", DISTRICT),
    ("QNIN.BL.LH.KO", "Chi bộ thôn Khe O", UnitKind.CELL, R, "QNIN.BL.LH"),
]
# July 2025: the old communes fold into the three new ones and the district ends. Which old
# commune went where is illustrative (the demo's decisions are samples), not the real merger.
MERGES = {
    geography.commune_code(6841): ["QNIN.BL.DV"],  # xã Hoành Mô
    geography.commune_code(6838): ["QNIN.BL.DTA", "QNIN.BL.TH"],  # xã Bình Liêu
    geography.commune_code(6856): ["QNIN.BL.LH"],  # xã Lục Hồn
}
CELLS = [
    "QNIN.BL.DV.DT",
    "QNIN.BL.DV.DM",
    "QNIN.BL.DTA.PP",
    "QNIN.BL.DTA.NVG",
    "QNIN.BL.TH.CC",
    "QNIN.BL.LH.KO",
]
# The five villages whose heads became official members in March 2018.
HEAD_VILLAGES = CELLS[:5]
MEMBERS_PER_CELL = 18
FIRST_QUARTER = (date(2018, 1, 1), date(2018, 3, 31))
ADMITTED_IN_QUARTER = 29
AWARENESS_PEOPLE = 150
ENLISTING_PEOPLE = 44
PLACE = Place(
    "022",
    (
        "Bình Liêu, Quảng Ninh",
        "Tiên Yên, Quảng Ninh",
        "Đầm Hà, Quảng Ninh",
        "Hải Hà, Quảng Ninh",
        "Lộc Bình, Lạng Sơn",
    ),
    "Thôn {group}, huyện Bình Liêu, tỉnh Quảng Ninh",
    False,
)
# Tày, Dao, Sán Chay (Sán Chỉ), Kinh, Nùng: a mountain district near the border.
ETHNIC_MIX = [("02", 48.0), ("09", 24.0), ("15", 16.0), ("01", 9.0), ("07", 3.0)]
# (name, start, end, certificate date, people)
CLASSES = [
    (
        "Lớp bồi dưỡng nhận thức về Đảng cho công dân chuẩn bị nhập ngũ năm 2018",
        date(2018, 1, 22),
        date(2018, 1, 26),
        date(2018, 1, 29),
        ENLISTING_PEOPLE,
    ),
    (
        "Lớp bồi dưỡng nhận thức về Đảng khóa I/2018",
        date(2018, 3, 5),
        date(2018, 3, 9),
        date(2018, 3, 12),
        AWARENESS_PEOPLE // 2,
    ),
    (
        "Lớp bồi dưỡng nhận thức về Đảng khóa II/2018",
        date(2018, 3, 26),
        date(2018, 3, 30),
        date(2018, 4, 2),
        AWARENESS_PEOPLE - AWARENESS_PEOPLE // 2,
    ),
]
CLASS_PLACE = "Trung tâm Bồi dưỡng chính trị huyện Bình Liêu"


def _village(cell: Unit) -> str:
    return cell.name.removeprefix("Chi bộ thôn ")


def _local(maker: Maker, entry: NewPerson) -> NewPerson:
    """Most people of Bình Liêu are Tày, Dao or Sán Chỉ."""
    ethnicity = maker.cat("ethnicity", _weighted(maker.rng, ETHNIC_MIX))
    return replace(entry, data=replace(entry.data, ethnicity=ethnicity))


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    codes, weights = zip(*choices, strict=True)
    return rng.choices(codes, weights=weights)[0]


def _admitted_on(maker: Maker, entry: NewPerson, decided: date) -> NewPerson:
    """`entry` with its admission decision on `decided` and what follows from it."""
    rng = maker.rng
    data = replace(
        entry.data,
        decision_date=decided,
        decision_number=f"{rng.randrange(80, 900)}-QĐ/HU",
        ceremony_date=decided + timedelta(days=rng.randrange(5, 25)),
    )
    data.official_date = (data.ceremony_date or decided) + timedelta(days=366)
    data.card_number = f"22{rng.randrange(10**6):06d}"
    return replace(entry, data=data, status=Status.OFFICIAL, status_since=data.official_date)


def _members(maker: Maker, cells: list[Unit]) -> list[NewPerson]:
    rng = maker.rng
    entries = [
        _local(
            maker,
            maker.person(
                cell=cell,
                place=PLACE,
                group=_village(cell),
                status=Status.OFFICIAL,
                avoid=[FIRST_QUARTER],
            ),
        )
        for cell in cells
        for _ in range(MEMBERS_PER_CELL)
    ]
    # The quarter's 29 admissions, spread over the villages.
    start, end = FIRST_QUARTER
    for n in range(ADMITTED_IN_QUARTER):
        cell = cells[n % len(cells)]
        entry = _local(
            maker,
            maker.person(cell=cell, place=PLACE, group=_village(cell), status=Status.OFFICIAL),
        )
        decided = start + timedelta(days=rng.randrange((end - start).days + 1))
        entries.append(_admitted_on(maker, entry, decided))
    return entries


def _candidates(maker: Maker, cells: list[Unit], count: int, *, enlisting: bool) -> list[NewPerson]:
    rng = maker.rng
    entries = []
    for n in range(count):
        cell = cells[n % len(cells)]
        entry = _local(
            maker,
            maker.person(
                cell=cell,
                place=PLACE,
                group=_village(cell),
                status=Status.CANDIDATE,
                sex="M" if enlisting else None,
            ),
        )
        data = entry.data
        if enlisting:
            # Eighteen to twenty-five in 2018.
            born = date(rng.randint(1993, 1999), rng.randint(1, 12), rng.randint(1, 28))
            data = replace(data, birth=replace(data.birth, year=born.year))
        listed = date(2017, rng.randint(6, 12), rng.randint(1, 28))
        entries.append(
            replace(
                entry,
                data=data,
                status_since=listed,
                document="Danh sách đối tượng kết nạp năm 2018",
            )
        )
    return entries


def _village_heads(maker: Maker, heads: list[Person]) -> None:
    """Heads of their village since 2012, and cell secretaries as well from April 2018."""
    head, secretary = maker.cat("position", "TT"), maker.cat("position", "BT")
    for person in heads:
        cell = person.unit
        position_start(
            acting_user=None,
            person=person,
            position=head,
            unit=cell,
            start=date(2012, 12, 1),
            place=_village(cell),
        )
        position_start(
            acting_user=None, person=person, position=secretary, unit=cell, start=date(2018, 4, 9)
        )


def _build_units() -> Unit:
    """The district as it was, then its July-2025 reorganisation. The province itself is
    merged later with seed 004's Móng Cái (admission demo)."""

    def unit(code: str) -> Unit:
        return Unit.objects.get(code=code)

    for code, name, kind, cell_kind, parent in [PROVINCE, *WORLD]:
        if not Unit.objects.filter(code=code).exists():
            unit_create(
                acting_user=None,
                parent=unit(parent),
                spec=NewUnit(code, name, kind, cell_kind),
                decision=FOUNDED,
            )
    for target, sources in MERGES.items():
        units_merge(
            acting_user=None,
            sources=[unit(code) for code in sources],
            target=unit(target),
            decision=REFORM,
        )
    return unit_dissolve(acting_user=None, unit=unit(DISTRICT), decision=REFORM)


def load_demo_binh_lieu() -> bool:
    """Add Bình Liêu's units, people, classes and village heads; False (nothing written) when
    they are there or the July-2025 communes are not in the database."""
    if Unit.objects.filter(code=DISTRICT).exists() or not all(
        Unit.objects.filter(code=code).exists() for code in MERGES
    ):
        return False
    district = _build_units()
    cells = list(Unit.objects.filter(code__in=CELLS).order_by("code"))
    maker = Maker(random.Random(SEED))  # noqa: S311 (synthetic data)
    members = _members(maker, cells)
    heads = []
    for cell in cells:
        if cell.code in HEAD_VILLAGES:
            entry = _local(
                maker,
                maker.person(
                    cell=cell, place=PLACE, group=_village(cell), status=Status.OFFICIAL, sex="M"
                ),
            )
            decided = date(2017, 2, 1) + timedelta(days=maker.rng.randrange(30))
            admitted = _admitted_on(maker, entry, decided)
            # Recognised in March 2018 (seed: "trong tháng 3/2018 … đã chuyển đảng chính thức").
            official = date(2018, 3, 1) + timedelta(days=maker.rng.randrange(28))
            admitted.data.ceremony_date = official - timedelta(days=366)
            admitted = replace(
                admitted,
                data=replace(admitted.data, official_date=official),
                status_since=official,
            )
            heads.append(admitted)
    enlisting = _candidates(maker, cells, ENLISTING_PEOPLE, enlisting=True)
    awareness = _candidates(maker, cells, AWARENESS_PEOPLE, enlisting=False)
    created = people_bulk_create(
        acting_user=None, entries=[*members, *heads, *enlisting, *awareness]
    )
    first_head = len(members)
    first_enlisting = first_head + len(heads)
    first_awareness = first_enlisting + len(enlisting)
    _village_heads(maker, created[first_head:first_enlisting])
    enlisted = created[first_enlisting:first_awareness]
    rest = created[first_awareness:]
    half = AWARENESS_PEOPLE // 2
    for (name, start, end, issued, _count), people, prefix in zip(
        CLASSES,
        [enlisted, rest[:half], rest[half:]],
        ["GCN-NN2018", "GCN-I/2018", "GCN-II/2018"],
        strict=True,
    ):
        demo_class(
            district, ClassKind.AWARENESS, (name, start, end, issued), people, prefix, CLASS_PLACE
        )
    return True
