"""Reads of admission cases, scoped to the user, and the facts a step is judged on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import AnyUser, scope_q
from dangvien.admission import rules
from dangvien.admission.models import Case, CaseEvent, Introducer, Step
from dangvien.lib.dates import PartialDate, add_months
from dangvien.lib.workdays import WorkingCalendar
from dangvien.orgs.models import UnitKind
from dangvien.people.models import Status
from dangvien.rulebook.selectors import Rule, rule_in_force


def cases_visible_to(user: AnyUser, min_role: int = Role.VIEWER) -> QuerySet[Case]:
    return Case.objects.filter(scope_q(user, "unit__path", min_role))


def case_get_for_user(user: AnyUser, pk: Any, min_role: int = Role.VIEWER) -> Case:
    """The case, or 404 when outside the user's subtrees."""
    try:
        return (
            cases_visible_to(user, min_role).select_related("person", "unit", "helper").get(pk=pk)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy hồ sơ.")) from None


def rules_on(on: date) -> dict[str, Rule]:
    """The version of every admission rule in force on a date."""
    return {key: rule_in_force(key, on) for key in rules.RULE_KEYS}


def last_event(case: Case, step: str) -> CaseEvent | None:
    """The latest uncorrected event of the step. A page that loaded the case's events with
    their corrections (`prefetch_related`) is answered from them: the case page asks this
    a dozen times for the steps it shows."""
    loaded = getattr(case, "_prefetched_objects_cache", {}).get("events")
    if loaded is not None:
        found = [e for e in loaded if e.step == step and not e.corrections.all()]
        return max(found, key=lambda e: (e.on, e.pk), default=None)
    return case.events.filter(step=step, corrections__isnull=True).order_by("-on", "-id").first()


def _certificate(
    case: Case, step: str, on: date, step_data: dict[str, Any]
) -> tuple[date | None, date | None]:
    """Issue and expiry of the awareness-class certificate: what this step records, else what
    the case recorded (a class held by another centre), else the training records."""
    from dangvien.training import selectors as training

    recorded = step_data if step == Step.AWARENESS_CLASS else {}
    if not recorded.get("certificate_date"):
        event = last_event(case, Step.AWARENESS_CLASS)
        recorded = event.data if event is not None else {}
    if recorded.get("certificate_date"):
        issued = date.fromisoformat(str(recorded["certificate_date"]))
        months = int(rule_in_force("training.awareness_certificate_months", issued).value)
        return issued, add_months(issued, months)
    status = training.awareness_certificate(case.person, on)
    return (status.issued, status.expires) if status is not None else (None, None)


def _introducers(case: Case) -> tuple[rules.IntroducerFacts, ...]:
    committee = _committee_path(case)
    result = []
    for introducer in case.introducers.select_related("member__unit"):
        member = introducer.member
        result.append(
            rules.IntroducerFacts(
                kind=introducer.kind,
                name=member.full_name if member else introducer.get_kind_display(),
                is_official=member is None or member.status == Status.OFFICIAL,
                same_committee=member is None or member.unit.path.startswith(committee),
                together_since=introducer.together_since,
                replacement=introducer.replacement,
            )
        )
    return tuple(result)


def _committee_path(case: Case) -> str:
    """The path of the grassroots (or commune-level) committee above the case's cell."""
    for ancestor in sorted(
        case.unit.__class__.objects.filter(path__in=case.unit.ancestor_paths()),
        key=lambda u: -len(u.path),
    ):
        if ancestor.kind in (UnitKind.GRASSROOTS, UnitKind.COMMUNE, UnitKind.BLOC):
            return ancestor.path
    return case.unit.path


def has_partial_committee(case: Case) -> bool:
    parent = case.unit.parent
    return parent is not None and parent.kind == UnitKind.PARTIAL


def case_facts(
    case: Case,
    step: str,
    on: date,
    *,
    today: date,
    vote: rules.Vote | None = None,
    step_data: dict[str, Any] | None = None,
) -> rules.Facts:
    person = case.person
    issued, expires = _certificate(case, step, on, step_data or {})
    ceremony = last_event(case, Step.CEREMONY)
    new_member_class = last_event(case, Step.NEW_MEMBER_CLASS)
    return rules.Facts(
        step=step,
        on=on,
        today=today,
        stage=case.stage,
        stage_since=case.stage_since,
        has_partial_committee=has_partial_committee(case),
        birth=PartialDate(person.birth_year, person.birth_month, person.birth_day),
        education_rank=person.general_education.rank if person.general_education else None,
        certificate_issued=issued,
        certificate_expires=expires,
        introducers=_introducers(case),
        vote=vote,
        new_member_class_passed=new_member_class is not None,
        ceremony_date=ceremony.on if ceremony else None,
        failed_recognition_votes=case.failed_recognition_votes,
    )


def case_blockers(
    case: Case,
    step: str,
    on: date,
    *,
    today: date,
    vote: rules.Vote | None = None,
    step_data: dict[str, Any] | None = None,
) -> list[rules.Blocker]:
    facts = case_facts(case, step, on, today=today, vote=vote, step_data=step_data)
    return rules.step_blockers(facts, rules_on(on))


# --- deadlines ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    label: str
    due: date
    rule: str

    def days_left(self, today: date) -> int:
        return (self.due - today).days


def case_deadline(case: Case, calendar: WorkingCalendar) -> Deadline | None:
    """The next date the case must meet, by the rule in force when its clock started."""
    stage, since = case.stage, case.stage_since
    if case.state != Case.State.OPEN:
        return None

    def working(key: str, label: str) -> Deadline:
        rule = rule_in_force(key, since)
        return Deadline(label, calendar.add_working_days(since, int(rule.value)), rule.cite())

    if stage in (Step.CELL_RESOLUTION, Step.PARTIAL_APPRAISAL, Step.COMMITTEE_RESOLUTION):
        event = last_event(case, Step.CELL_RESOLUTION)
        start = event.on if event else since
        rule = rule_in_force("deadline.admission_decision_working_days", start)
        return Deadline(
            _("Quyết định kết nạp"), calendar.add_working_days(start, int(rule.value)), rule.cite()
        )
    if stage == Step.DECISION:
        return working("deadline.ceremony_working_days", _("Tổ chức lễ kết nạp"))
    if stage in (Step.RECOGNITION_CELL, Step.RECOGNITION_COMMITTEE):
        event = last_event(case, Step.RECOGNITION_CELL)
        start = event.on if event else since
        rule = rule_in_force("deadline.recognition_decision_working_days", start)
        return Deadline(
            _("Quyết định công nhận chính thức"),
            calendar.add_working_days(start, int(rule.value)),
            rule.cite(),
        )
    ceremony = last_event(case, Step.CEREMONY)
    if ceremony is not None and rules.ORDER.index(stage) >= rules.ORDER.index(Step.CEREMONY):
        months = int(rule_in_force("probation.months", ceremony.on).value)
        end = add_months(ceremony.on, months)
        rule = rule_in_force("deadline.conversion_working_days", end)
        return Deadline(
            _("Chi bộ xét công nhận chính thức"),
            calendar.add_working_days(end - timedelta(days=1), int(rule.value)),
            rule.cite(),
        )
    return None


def official_members_of(case: Case) -> int:
    return case.unit.people.filter(status=Status.OFFICIAL).count()


def preview_vote(case: Case, step: str) -> rules.Vote | None:
    """A hypothetical unanimous vote, so a page shows what blocks a vote other than its
    figures (a cell with too few official members, the probation not over…) before the
    meeting."""
    if step in rules.VOTES:
        n = official_members_of(case)
        return rules.Vote(n, 0, 0, n, n, 0)
    if step in rules.COMMITTEE_VOTES:
        return rules.Vote(1, 0, 0, 1, 1, 0)
    return None


def introducers_of(case: Case) -> QuerySet[Introducer]:
    return case.introducers.select_related("member")
