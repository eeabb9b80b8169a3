"""Large valid workbooks of members for the crash tests: every row distinct (name and
birth), no citizen ID, so a second import of the same file is refused as duplicates; and
the check that such a workbook was imported exactly once."""

from __future__ import annotations

import io
from datetime import date, timedelta

import xlsxwriter

from dangvien.people.columns import MINIMAL_MEMBER_KEYS, headers_of
from dangvien.people.models import Person, Status, StatusEvent

HEADERS = headers_of(*MINIMAL_MEMBER_KEYS)
_FAMILIES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Võ", "Đặng", "Bùi"]
_MIDDLES = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Đức", "Ngọc", "Quang"]
_GIVENS = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Mai", "Nam", "Phúc"]


def member_rows(count: int, cell_code: str) -> list[list[str]]:
    """`count` official members of `cell_code`, each born on a different day."""
    rows = []
    first_birth = date(1960, 1, 1)
    for n in range(count):
        name = " ".join(
            (
                _FAMILIES[n % len(_FAMILIES)],
                _MIDDLES[n // len(_FAMILIES) % len(_MIDDLES)],
                _GIVENS[n // (len(_FAMILIES) * len(_MIDDLES)) % len(_GIVENS)],
            )
        )
        birth = first_birth + timedelta(days=n)
        sex = "Nữ" if _MIDDLES[n // len(_FAMILIES) % len(_MIDDLES)] == "Thị" else "Nam"
        rows.append(
            [
                name,
                f"{birth:%d/%m/%Y}",
                sex,
                "Kinh",
                cell_code,
                "02/03/2015",
                "20/03/2015",
                "20/03/2016",
            ]
        )
    return rows


def members_workbook(count: int, cell_code: str) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("Danh sách")
    for c, header in enumerate(HEADERS):
        sheet.write_string(0, c, header)
    for r, values in enumerate(member_rows(count, cell_code), start=1):
        for c, value in enumerate(values):
            sheet.write_string(r, c, value)
    book.close()
    return out.getvalue()


def assert_imported_once(count: int, cell_code: str, *, people: int, events: int) -> None:
    """`members_workbook(count, cell_code)` imported exactly once over `people` people and
    `events` status events: as many people as rows, no two alike, one event each."""
    assert Person.objects.count() == people + count
    imported = Person.objects.filter(unit__code=cell_code, status=Status.OFFICIAL)
    assert imported.count() == count
    alike = imported.values("full_name", "birth_year", "birth_month", "birth_day")
    assert alike.distinct().count() == count
    assert StatusEvent.objects.count() == events + count
