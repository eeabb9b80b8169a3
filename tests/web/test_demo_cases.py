"""The demo's admission cases: every stage, deadlines passed, seed 004's ceremony, once."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone
from pytest_django import DjangoDbBlocker

from dangvien.admission import demo as demo_cases
from dangvien.admission.models import Case, CaseEvent, Step
from dangvien.admission.rules import ORDER
from dangvien.admission.selectors import case_deadline
from dangvien.lib.selectors import working_calendar
from dangvien.orgs.models import Unit
from dangvien.people.models import MEMBER_STATUSES, Person, Status
from dangvien.web import demo_people


@pytest.fixture(scope="module")
def demo_world(django_db_setup: None, django_db_blocker: DjangoDbBlocker) -> Iterator[None]:
    """The demo, loaded once for the module and removed afterwards (in a transaction that
    is rolled back)."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def test_every_stage_has_an_open_case(demo_world: None) -> None:
    open_cases = Case.objects.filter(state=Case.State.OPEN)
    stages = Counter(open_cases.values_list("stage", flat=True))
    missing = [s for s in ORDER[:-1] if stages[s] == 0]
    assert missing == []
    assert Case.objects.filter(state=Case.State.MEMBER).count() >= 3
    assert Case.objects.filter(stage=Step.WITHDRAWN).exists()
    assert Case.objects.filter(stage=Step.REMOVED, person__status=Status.REMOVED).exists()
    failed = Case.objects.get(stage=Step.NOT_ADMITTED)
    assert failed.events.get(step=Step.CELL_RESOLUTION).outcome == CaseEvent.Outcome.FAILED
    second = Case.objects.get(previous=failed)
    assert second.person == failed.person
    assert second.state == Case.State.OPEN


def test_some_cases_are_overdue(demo_world: None) -> None:
    calendar = working_calendar()
    today = timezone.localdate()
    overdue: Counter[str] = Counter()
    for case in Case.objects.filter(state=Case.State.OPEN).select_related("unit"):
        deadline = case_deadline(case, calendar)
        if deadline is not None and deadline.due < today:
            overdue[case.stage] += 1
    assert overdue[Step.DECISION] >= 1  # no ceremony 30 working days after the decision
    assert overdue[Step.CELL_RESOLUTION] >= 1  # no decision 60 working days after the vote
    assert overdue[Step.PROBATION_OPINIONS] >= 1  # the cell has not considered recognition


def test_candidates_meet_the_rules_and_no_date_is_in_the_future(demo_world: None) -> None:
    today = timezone.localdate()
    assert not CaseEvent.objects.filter(on__gt=today).exists()
    for case in Case.objects.select_related("person__general_education"):
        person = case.person
        assert person.general_education is not None
        assert person.general_education.code == "12/12"
        vote = case.events.filter(step=Step.CELL_RESOLUTION).first()
        if vote is not None:
            age = vote.on.year - person.birth_year
            assert 18 <= age <= 60
            assert vote.official_members is not None
            assert vote.official_members >= 9
            assert case.introducers.count() == 2


def test_the_seed_figures_of_members_still_hold(demo_world: None) -> None:
    ward = Unit.objects.get(code=demo_people.THUY_XUAN)
    members = Person.objects.filter(unit__path__startswith=ward.path, status__in=MEMBER_STATUSES)
    assert members.count() == 473
    kinh_bac = Person.objects.filter(
        unit__code__startswith="BNIN.TP.KB.", unit__valid_to__isnull=True
    )
    assert kinh_bac.filter(status__in=MEMBER_STATUSES).count() == 463


def test_binh_ngoc_ceremony_of_seed_004(demo_world: None) -> None:
    ceremony = CaseEvent.objects.select_related("case__person", "case__unit").get(
        step=Step.CEREMONY, on=date(2023, 7, 3), case__unit__name="Chi bộ khu 2"
    )
    case = ceremony.case
    assert case.person.status == Status.OFFICIAL
    assert case.person.ceremony_date == date(2023, 7, 3)
    assert case.person.official_date == date(2024, 7, 3)
    assert case.person.full_name != "Hoàng Thị Thuận"
    helper = case.events.get(step=Step.PROBATION_HELPER)
    assert helper.on >= ceremony.on
    binh_ngoc = Unit.objects.get(name="Đảng ủy phường Bình Ngọc")
    assert case.unit.path.startswith(Unit.objects.get(code=demo_cases.MONG_CAI_1).path)
    assert binh_ngoc.successor is not None
    assert binh_ngoc.successor.code == demo_cases.MONG_CAI_1
    assert Unit.objects.get(code="QNIN.MC.BN.K2").is_active


def test_a_second_demo_adds_nothing(demo_world: None) -> None:
    before = (Case.objects.count(), CaseEvent.objects.count(), Person.objects.count())
    call_command("demo", stdout=StringIO())
    assert demo_cases.load_demo_cases() is False
    assert (Case.objects.count(), CaseEvent.objects.count(), Person.objects.count()) == before
    assert not Case.objects.filter(Q(stage_since__gt=timezone.localdate())).exists()
