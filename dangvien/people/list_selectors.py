"""Reads behind the registry's pages: filtered member and candidate lists with keyset pages,
the registers, a person's timeline and the reconciliation summary. All scoped to the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangvien.accounts.models import AuditEvent
from dangvien.accounts.selectors import AnyUser, root_units_for
from dangvien.lib.dates import add_months
from dangvien.orgs.models import Unit
from dangvien.people import rules
from dangvien.people.models import (
    MEMBER_STATUSES,
    Person,
    PositionHolding,
    Reconciliation,
    ResidenceRegistration,
    Status,
    Transfer,
)
from dangvien.people.selectors import people_in_subtree, people_search, people_visible_to
from dangvien.rulebook.selectors import Rule, RuleMissingError, rule_in_force

PAGE_SIZE = 50
# Counting is capped: COUNT(*) over a whole province (100,000 rows) on every page would cost
# more than the page itself, while "more than 1,000" is all a reader needs from a big list.
# Counting at most COUNT_CAP + 1 rows of an index is cheap whatever the table size.
COUNT_CAP = 1000

KINDS = ("members", "candidates", "all")
# Residence registration filter: members of the subtree registered at residence elsewhere,
# or members of other cells who are registered at residence in the subtree.
RESIDENCE_REGISTERED = "dang_ky"
RESIDENCE_LIVING_HERE = "cu_tru"
# Age bands in whole years (inclusive); None is "no upper bound".
AGE_BANDS: dict[str, tuple[int, int | None]] = {
    "18-30": (18, 30),
    "31-45": (31, 45),
    "46-60": (46, 60),
    "tren-60": (61, None),
}

REGISTERS: dict[str, tuple[str, ...]] = {
    "current": tuple(MEMBER_STATUSES),
    "left": (Status.LEFT, Status.EXPELLED, Status.REMOVED, Status.TRANSFERRED_OUT),
    "deceased": (Status.DECEASED,),
}


@dataclass(frozen=True)
class PeopleFilter:
    kind: str = "members"
    status: str = ""
    cell_kind: str = ""
    sex: str = ""
    age_band: str = ""
    ethnicity: int | None = None
    general_education: int | None = None
    position: int | None = None
    residence: str = ""
    q: str = ""


@dataclass
class PeoplePage:
    rows: list[Person]
    # (sort_key, id) of the last row when there is a following page.
    next_key: tuple[str, int] | None
    count: int
    count_is_capped: bool


def default_unit_for(user: AnyUser) -> Unit | None:
    """The list opens on the user's outermost granted unit."""
    return root_units_for(user).first()


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29/02 in a year that has none
        return day.replace(year=day.year - years, day=28)


def _born_on_or_before(day: date) -> Q:
    """The earliest possible birth date is on or before `day` (as rules.age_in_years counts a
    birth known only by its year or month: from its first day)."""
    return (
        Q(birth_year__lt=day.year)
        | Q(birth_year=day.year, birth_m_first__lt=day.month)
        | Q(birth_year=day.year, birth_m_first=day.month, birth_d_first__lte=day.day)
    )


def _age_band_q(band: str, today: date) -> Q:
    low, high = AGE_BANDS[band]
    q = _born_on_or_before(_years_before(today, low))
    if high is not None:
        q &= ~_born_on_or_before(_years_before(today, high + 1))
    return q


def _base(user: AnyUser, unit: Unit, flt: PeopleFilter) -> QuerySet[Person]:
    if flt.residence == RESIDENCE_LIVING_HERE:
        # People registered at residence in the subtree, whatever their home cell.
        living_here = ResidenceRegistration.objects.filter(
            person=OuterRef("pk"), end__isnull=True, unit__path__startswith=unit.path
        )
        return people_visible_to(user).filter(Exists(living_here))
    people = people_in_subtree(user, unit)
    if flt.residence == RESIDENCE_REGISTERED:
        registered = ResidenceRegistration.objects.filter(person=OuterRef("pk"), end__isnull=True)
        people = people.filter(Exists(registered))
    return people


def people_filtered(
    user: AnyUser, unit: Unit, flt: PeopleFilter, today: date | None = None
) -> QuerySet[Person]:
    """The people of the unit's subtree the user may see, filtered, in Vietnamese order."""
    today = today or timezone.localdate()
    people = _base(user, unit, flt)
    if flt.kind == "members":
        people = people.filter(status__in=MEMBER_STATUSES)
    elif flt.kind == "candidates":
        people = people.filter(status=Status.CANDIDATE)
    if flt.status:
        people = people.filter(status=flt.status)
    if flt.cell_kind:
        people = people.filter(unit__cell_kind=flt.cell_kind)
    if flt.sex:
        people = people.filter(sex=flt.sex)
    if flt.ethnicity:
        people = people.filter(ethnicity_id=flt.ethnicity)
    if flt.general_education:
        people = people.filter(general_education_id=flt.general_education)
    if flt.position:
        holding = PositionHolding.objects.filter(
            person=OuterRef("pk"), position_id=flt.position, end__isnull=True
        )
        people = people.filter(Exists(holding))
    if flt.age_band in AGE_BANDS:
        people = people.alias(
            birth_m_first=Coalesce("birth_month", 1, output_field=IntegerField()),
            birth_d_first=Coalesce("birth_day", 1, output_field=IntegerField()),
        ).filter(_age_band_q(flt.age_band, today))
    if flt.q.strip():
        people = people_search(people, flt.q)
    return people.order_by("sort_key", "id")


def people_page(people: QuerySet[Person], after: tuple[str, int] | None) -> PeoplePage:
    """One page starting after the key (sort_key, id) of the previous page's last row.

    Keyset, not OFFSET: page 2,000 of a province costs what page 1 costs, because the
    (sort_key, id) index seeks straight to the key instead of skipping 100,000 rows.
    """
    count = people.order_by()[: COUNT_CAP + 1].count()
    rows_query = people.select_related("unit", "ethnicity", "general_education")
    if after is not None:
        key, pk = after
        rows_query = rows_query.filter(Q(sort_key__gt=key) | Q(sort_key=key, id__gt=pk))
    rows = list(rows_query[: PAGE_SIZE + 1])
    next_key = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        next_key = (rows[-1].sort_key, rows[-1].pk)
    return PeoplePage(rows, next_key, min(count, COUNT_CAP), count > COUNT_CAP)


def register_people(user: AnyUser, unit: Unit, register: str) -> QuerySet[Person]:
    """The people of one register of the unit's subtree, in Vietnamese order."""
    return (
        people_in_subtree(user, unit)
        .filter(status__in=REGISTERS[register])
        .select_related("unit", "ethnicity")
        .order_by("sort_key", "id")
    )


# --- a person's page ------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    at: datetime | None
    title: str
    detail: str = ""


@dataclass
class PersonRecord:
    person: Person
    open_positions: list[PositionHolding]
    past_positions: list[PositionHolding]
    mass_orgs: list[Any]
    residences: list[ResidenceRegistration]
    transfers: list[Transfer]
    party_age_months: int | None
    timeline: list[TimelineEntry] = field(default_factory=list)

    @property
    def concurrent(self) -> bool:
        """Two posts held at once: a concurrent post ("kiêm")."""
        return len(self.open_positions) > 1


_AUDIT_TITLES = {
    "person.create": gettext_lazy("Tạo hồ sơ"),
    "person.update": gettext_lazy("Sửa thông tin"),
    "person.correct": gettext_lazy("Đính chính hồ sơ (có căn cứ)"),
    "person.status": gettext_lazy("Ghi thay đổi tình trạng"),
}


def _audit_title(action: str) -> str:
    title = _AUDIT_TITLES.get(action)
    return str(title) if title is not None else action


def _timeline(record: PersonRecord, audit: list[AuditEvent]) -> list[TimelineEntry]:
    person = record.person
    entries: list[TimelineEntry] = []
    for event in person.status_events.select_related("unit").all():
        entries.append(
            TimelineEntry(
                event.on,
                event.recorded_at,
                event.get_status_display(),
                " · ".join(x for x in (event.document, event.note, event.unit.name) if x),
            )
        )
    for holding in [*record.open_positions, *record.past_positions]:
        entries.append(
            TimelineEntry(
                holding.start, None, _("Bắt đầu giữ chức %(p)s") % {"p": holding.position}
            )
        )
        if holding.end:
            entries.append(
                TimelineEntry(holding.end, None, _("Thôi giữ chức %(p)s") % {"p": holding.position})
            )
    for transfer in record.transfers:
        target = transfer.to_unit.name if transfer.to_unit else transfer.to_outside
        entries.append(
            TimelineEntry(
                transfer.requested_on,
                None,
                _("Đề nghị chuyển sinh hoạt đảng đến %(t)s") % {"t": target},
            )
        )
        if transfer.sent_on:
            entries.append(
                TimelineEntry(transfer.sent_on, None, _("Giới thiệu chuyển sinh hoạt đảng"))
            )
        if transfer.received_on:
            entries.append(TimelineEntry(transfer.received_on, None, _("Đơn vị mới đã tiếp nhận")))
    for audit_event in audit:
        local = timezone.localtime(audit_event.at)
        # Field names only: the values of a party file are confidential and stay on the record.
        changed = ", ".join(sorted(audit_event.changes)) if audit_event.changes else ""
        detail = audit_event.actor_label + (f" — {changed}" if changed else "")
        entries.append(TimelineEntry(local.date(), local, _audit_title(audit_event.action), detail))
    far_past = timezone.make_aware(datetime(1900, 1, 1))
    entries.sort(key=lambda e: (e.on, e.at or far_past), reverse=True)
    return entries


def person_record(person: Person, today: date | None = None) -> PersonRecord:
    """Everything the person's page shows; `person` comes from person_get_for_user."""
    today = today or timezone.localdate()
    positions = list(person.positions.select_related("position", "unit").order_by("start", "id"))
    record = PersonRecord(
        person=person,
        open_positions=[p for p in positions if p.end is None],
        past_positions=[p for p in positions if p.end is not None],
        mass_orgs=list(person.mass_orgs.select_related("organisation").all()),
        residences=list(person.residences.select_related("unit").order_by("-start", "-id")),
        transfers=list(person.transfers.select_related("from_unit", "to_unit").all()),
        party_age_months=rules.party_age_months(person.decision_date, today, person.months_out),
    )
    audit = list(
        AuditEvent.objects.filter(
            target_type=ContentType.objects.get_for_model(Person), target_id=str(person.pk)
        ).order_by("-at", "-id")[:200]
    )
    record.timeline = _timeline(record, audit)
    return record


# --- reconciliation -------------------------------------------------------------------


@dataclass
class ReconciliationSummary:
    members_now: int
    recent: list[Reconciliation]
    rule: Rule | None
    next_due: date | None


def reconciliation_summary(
    user: AnyUser, unit: Unit, today: date | None = None
) -> ReconciliationSummary:
    today = today or timezone.localdate()
    members_now = people_in_subtree(user, unit).filter(status__in=MEMBER_STATUSES).count()
    recent = list(Reconciliation.objects.filter(unit=unit).select_related("recorded_by")[:10])
    try:
        rule: Rule | None = rule_in_force("register.reconciliation_months", today)
    except RuleMissingError:
        rule = None
    next_due = None
    if rule is not None:
        # Never reconciled: it is due now.
        next_due = (
            add_months(recent[0].period_end, int(rule.value), clamp=True) if recent else today
        )
    return ReconciliationSummary(members_now, recent, rule, next_due)
