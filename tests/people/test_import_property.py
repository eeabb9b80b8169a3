"""Whatever the cells hold, the importer never raises and never writes part of a file."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dangvien.people.importer import import_people
from dangvien.people.models import Person
from tests.conftest import World
from tests.people.test_import import HEADERS, row, workbook

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Co", "Cn")), max_size=40)
_CELL = st.one_of(
    st.none(),
    _TEXT,
    st.sampled_from(["=1+1", "00/00/0000", "0000", "13/2000", "Nữ", "KINH", "PN;;,", " "]),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e15, max_value=1e15),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 1, 1)),
)
_DAMAGE = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, len(HEADERS) - 1), _CELL), max_size=8
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(damage=_DAMAGE, count=st.integers(1, 6))
def test_random_malformed_rows_never_raise_nor_half_write(
    world: World, damage: list[tuple[int, int, Any]], count: int
) -> None:
    rows = [row(f"Người Thử {i}", f"0491900{i:05d}") for i in range(count)]
    for r, c, value in damage:
        if r < count:
            rows[r][c] = value
    content = workbook(rows)
    before = Person.objects.count()
    with transaction.atomic():
        report = import_people(
            acting_user=world.bithu,
            unit=world.cell_1,
            kind="members",
            content=content,
            dry_run=False,
        )
        written = Person.objects.count() - before
        assert written == report.created
        if report.problems:
            assert written == 0
        else:
            assert written == report.total_rows
        transaction.set_rollback(True)
