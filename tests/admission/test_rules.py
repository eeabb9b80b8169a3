"""Rule boundaries: each checked exactly at the limit and one step beyond it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from dangvien.admission import rules
from dangvien.admission.models import Step
from dangvien.admission.rules import Facts, IntroducerFacts, Vote
from dangvien.admission.selectors import rules_on
from dangvien.lib.dates import PartialDate
from dangvien.rulebook.models import RuleVersion

pytestmark = pytest.mark.django_db

MEETING = date(2026, 3, 10)
GOOD_VOTE = Vote(
    official_members=9, elsewhere=0, exempt_absent=0, present=9, votes_for=9, votes_against=0
)
INTRODUCERS = (
    IntroducerFacts("member", "Lê Văn Bình", together_since=date(2024, 1, 1)),
    IntroducerFacts("member", "Trần Thị Cúc", together_since=date(2023, 6, 1)),
)


def facts(**overrides: object) -> Facts:
    base = Facts(
        step=Step.CELL_RESOLUTION,
        on=MEETING,
        today=date(2026, 12, 31),
        stage=Step.OPINIONS,
        stage_since=date(2026, 2, 1),
        has_partial_committee=False,
        birth=PartialDate(1995, 4, 2),
        education_rank=12,
        certificate_issued=date(2025, 5, 1),
        certificate_expires=date(2030, 5, 1),
        introducers=INTRODUCERS,
        vote=GOOD_VOTE,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def blockers(f: Facts) -> list[rules.Blocker]:
    return rules.step_blockers(f, rules_on(f.on))


def test_a_complete_case_has_no_blockers() -> None:
    assert blockers(facts()) == []


def test_age_18_years_less_one_day_is_too_young_and_exactly_18_is_enough() -> None:
    young = blockers(facts(birth=PartialDate(2008, 3, 11)))
    assert [b.rule_key for b in young] == ["admission.min_age_months"]
    assert "17 tuổi 11 tháng" in young[0].message
    assert "Quy định 294-QĐ/TW" in young[0].message  # the version in force in 2026
    assert blockers(facts(birth=PartialDate(2008, 3, 10))) == []


def test_age_60_years_is_allowed_and_60_years_one_month_needs_province_consent() -> None:
    assert blockers(facts(birth=PartialDate(1966, 3, 10))) == []
    old = blockers(facts(birth=PartialDate(1966, 2, 10)))
    assert [b.rule_key for b in old] == ["admission.max_age_months"]
    assert old[0].overridable


def test_a_vote_exactly_at_two_thirds_passes_and_one_below_fails() -> None:
    threshold = rules.threshold(rules_on(MEETING), cell=True)
    at = Vote(
        official_members=12, elsewhere=2, exempt_absent=1, present=9, votes_for=6, votes_against=3
    )
    assert at.denominator == 9
    assert rules.vote_passes(at, threshold)
    below = replace(at, votes_for=5, votes_against=4)
    assert not rules.vote_passes(below, threshold)


def test_a_cell_with_fewer_than_three_official_members_cannot_vote() -> None:
    small = Vote(
        official_members=2, elsewhere=0, exempt_absent=0, present=2, votes_for=2, votes_against=0
    )
    assert [b.rule_key for b in blockers(facts(vote=small))] == ["vote.cell_min_official_members"]


def test_a_certificate_on_its_last_valid_day_and_the_day_after() -> None:
    expires = date(2026, 3, 11)
    assert blockers(facts(certificate_issued=date(2021, 3, 11), certificate_expires=expires)) == []
    late = blockers(
        facts(on=expires, certificate_issued=date(2021, 3, 11), certificate_expires=expires)
    )
    assert [b.rule_key for b in late] == ["training.awareness_certificate_months"]
    assert "đã hết hạn" in late[0].message


def test_introducers_need_twelve_months_together_unless_a_replacement() -> None:
    short = IntroducerFacts("member", "Lê Văn Bình", together_since=date(2025, 3, 11))
    found = blockers(facts(introducers=(short, INTRODUCERS[1])))
    assert [b.rule_key for b in found] == ["introducer.min_months_together"]
    replacement = replace(short, replacement=True)
    assert blockers(facts(introducers=(replacement, INTRODUCERS[1]))) == []


def test_a_youth_union_resolution_replaces_one_introducer_only_at_youth_union_age() -> None:
    resolution = IntroducerFacts("youth_union", "Chi đoàn")
    assert blockers(facts(introducers=(INTRODUCERS[0], resolution))) == []
    older = blockers(facts(birth=PartialDate(1980, 1, 1), introducers=(INTRODUCERS[0], resolution)))
    assert "introducer.youth_union_max_age" in [b.rule_key for b in older]


def test_a_step_out_of_order_is_refused() -> None:
    found = blockers(facts(step=Step.DECISION))
    assert [b.field for b in found] == ["step"]


def test_the_partial_committee_step_only_where_one_exists() -> None:
    assert rules.next_steps(Step.CELL_RESOLUTION, False)[0] == Step.COMMITTEE_RESOLUTION
    assert rules.next_steps(Step.CELL_RESOLUTION, True)[0] == Step.PARTIAL_APPRAISAL


def test_a_rule_changed_in_the_middle_of_a_case_applies_from_its_date() -> None:
    RuleVersion.objects.create(
        key="admission.min_age_months",
        effective_from=date(2026, 6, 1),
        value=240,
        title="Thử nghiệm: đủ 20 tuổi",
        source="Văn bản thử nghiệm",
    )
    person = PartialDate(2007, 1, 1)  # 19 years old in 2026
    assert blockers(facts(birth=person)) == []  # March: the old version
    later = blockers(facts(birth=person, on=date(2026, 6, 1), stage_since=date(2026, 5, 1)))
    assert [b.rule_key for b in later] == ["admission.min_age_months"]
    assert "Văn bản thử nghiệm" in later[0].message
