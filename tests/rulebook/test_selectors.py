from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangvien.admission.models import Step
from dangvien.rulebook.models import RuleVersion
from dangvien.rulebook.selectors import (
    RuleMissingError,
    rule_in_force,
    rule_values,
    rules_cached,
)
from dangvien.rulebook.services import rule_version_add
from tests.admission.factories import candidate, cell_members, drive_case, open_case
from tests.conftest import World, logged_in

pytestmark = pytest.mark.django_db


def test_the_version_in_force_on_the_date_applies() -> None:
    RuleVersion.objects.create(
        key="transfer.deadline_working_days",
        effective_from=date(2025, 7, 1),
        value=45,
        title="Thử nghiệm",
        source="Văn bản thử nghiệm",
    )
    assert rule_in_force("transfer.deadline_working_days", date(2025, 6, 30)).value == 60
    newer = rule_in_force("transfer.deadline_working_days", date(2025, 7, 1))
    assert newer.value == 45
    assert newer.cite() == "Thử nghiệm (Văn bản thử nghiệm)"


def test_a_date_before_any_version_is_refused() -> None:
    with pytest.raises(RuleMissingError):
        rule_in_force("transfer.deadline_working_days", date(2000, 1, 1))


def test_inside_rules_cached_a_rule_is_read_once(django_assert_num_queries: Any) -> None:
    with rules_cached(), django_assert_num_queries(1):
        for _ in range(100):
            rule_in_force("person.citizen_id_digits", date(2026, 1, 1))


def test_inside_rules_cached_every_date_and_the_values_come_from_one_read(
    django_assert_num_queries: Any,
) -> None:
    key = "transfer.deadline_working_days"
    RuleVersion.objects.create(
        key=key, effective_from=date(2025, 7, 1), value=45, title="Thử", source="Văn bản thử"
    )
    with rules_cached(), django_assert_num_queries(1):
        assert rule_in_force(key, date(2025, 6, 30)).value == 60
        assert rule_in_force(key, date(2025, 7, 1)).value == 45
        assert sorted(rule_values(key)) == [45, 60]
        with pytest.raises(RuleMissingError):
            rule_in_force(key, date(2000, 1, 1))


def test_a_version_added_inside_the_block_is_in_force_at_once() -> None:
    key = "transfer.deadline_working_days"
    with rules_cached():
        assert rule_in_force(key, date(2026, 1, 1)).value == 60
        rule_version_add(
            acting_user=None,
            key=key,
            effective_from=date(2025, 12, 1),
            value=40,
            source="Văn bản thử",
        )
        assert rule_in_force(key, date(2026, 1, 1)).value == 40


def test_a_page_reads_the_rulebook_once(world: World) -> None:
    members = cell_members(world.cell_1)
    case = drive_case(open_case(candidate(world.cell_1)), members, Step.CELL_RESOLUTION)
    with CaptureQueriesContext(connection) as captured:
        assert logged_in("bithu").get(f"/ket-nap/{case.pk}/").status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if '"rulebook_ruleversion"' in q["sql"]]
    assert len(reads) == 1
