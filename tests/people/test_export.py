"""Export then import gives the same people; text that Excel would run stays text."""

from __future__ import annotations

import io
from datetime import date

from python_calamine import CalamineWorkbook

from dangvien.lib.dates import PartialDate
from dangvien.people.exporter import write_people_xlsx
from dangvien.people.importer import import_people
from dangvien.people.models import MassOrgMembership, Person, Status
from tests.conftest import World
from tests.people.factories import category, make_person
from tests.people.test_import import workbook


def _fields(person: Person) -> tuple[object, ...]:
    return (
        person.full_name,
        person.birth_display,
        person.sex,
        person.ethnicity_id,
        person.home_town,
        person.phone,
        person.general_education_id,
        person.decision_number,
        person.decision_date,
        person.ceremony_date,
        person.official_date,
        person.card_number,
        person.status,
        sorted(m.organisation_id for m in MassOrgMembership.objects.filter(person=person)),
    )


def _rows(content: bytes) -> list[list[object]]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0)
    return [list(r) for r in sheet.to_python()]


def test_round_trip_into_another_cell(world: World) -> None:
    make_person(
        world.cell_1,
        "Nguyễn Thị An",
        citizen_id="049190001234",
        home_town="Tam Kỳ, Quảng Nam",
        phone="0905123456",
        general_education=category("general_education", "12/12"),
        card_number="79012345",
        mass_organisations=(
            category("mass_organisation", "PN"),
            category("mass_organisation", "CD"),
        ),
    )
    make_person(
        world.cell_1, "Trần Văn Bình", status=Status.PROBATIONARY, birth=PartialDate(1985, 7)
    )
    originals = {p.full_name: _fields(p) for p in Person.objects.all()}
    out = io.BytesIO()
    assert write_people_xlsx(Person.objects.all(), out, kind="members") == 2
    rows = _rows(out.getvalue())
    assert rows[0][0] == "Họ và tên"
    # The same people into a cell of another province: only the cell code changes; the
    # originals give up their citizen ID (one person, one ID) so the copies can take it.
    moved = [[("BN.KB.TH" if v == "QN.TK.AM.1" else v) for v in r] for r in rows[1:]]
    Person.objects.filter(citizen_id="049190001234").update(citizen_id=None)
    report = import_people(
        acting_user=world.ngoai,
        unit=world.bac_ninh,
        kind="members",
        content=workbook(moved, headers=[str(h) for h in rows[0]]),
        dry_run=False,
    )
    assert report.problems == []
    assert report.created == 2
    copies = {p.full_name: _fields(p) for p in Person.objects.filter(unit=world.kb_school)}
    assert copies == originals
    copy = Person.objects.get(unit=world.kb_school, full_name="Nguyễn Thị An")
    assert copy.citizen_id == "049190001234"


def test_formula_injection_is_neutralised(world: World) -> None:
    make_person(world.cell_1, "=1+1", home_town="@SUM(A1)")
    out = io.BytesIO()
    write_people_xlsx(Person.objects.all(), out, kind="members")
    values = _rows(out.getvalue())
    assert values[1][0] == "'=1+1"
    assert "'@SUM(A1)" in values[1]
    assert date(2015, 3, 2).strftime("%d/%m/%Y") in values[1]
