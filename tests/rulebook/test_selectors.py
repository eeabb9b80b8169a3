from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dangvien.rulebook.models import RuleVersion
from dangvien.rulebook.selectors import RuleMissingError, rule_in_force, rules_cached

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
