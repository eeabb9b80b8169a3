"""What is overdue or coming due in a user's scope: case deadlines, awareness certificates
that expire before the cell can vote, and transfers.

Reads the deadlines the services keep (`Case.due_on`, `Transfer.due_on`), so a list for a
whole province is a few indexed queries; the case bands and the header's count read the
kept counts of open cases by due day (`tallies.dues`); certificate expiry is computed from
the issue date (recorded on the case, else the class register) by the rule in force on that
date.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby, islice

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dangvien.accounts.selectors import (
    AnyUser,
    grant_paths,
    outermost_paths,
    role_on,
    scope_prefixes,
    scope_q,
)
from dangvien.admission import rules
from dangvien.admission.models import Case, Step
from dangvien.lib.dates import add_months
from dangvien.lib.db import db_date, paths_under, placeholders, read_sql
from dangvien.orgs.models import Unit
from dangvien.orgs.rules import path_ids
from dangvien.people.models import Transfer
from dangvien.rulebook.selectors import Rule, rule_in_force, rule_values, rules_cached
from dangvien.tallies.dues import due_bands

SOON_DAYS = 7
LATER_DAYS = 30
# Alerts on one page of the list.
PER_PAGE = 200


@dataclass(frozen=True)
class Alert:
    unit_id: int
    unit_name: str
    person_name: str
    what: str
    due: date
    case_id: int | None = None
    person_id: int | None = None
    # (kind, record id): the order of alerts due on the same day across pages.
    order: tuple[int, int] = field(default=(0, 0), compare=False)

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def state_text(self, today: date) -> str:
        """ "quá hạn 3 ngày" or "còn 5 ngày", for the command line and the e-mail digest."""
        left = self.days_left(today)
        if left < 0:
            return _("quá hạn %(n)s ngày") % {"n": -left}
        return _("còn %(n)s ngày") % {"n": left}

    def band(self, today: date) -> str:
        return band_of(self.due, today)


def band_of(due: date, today: date) -> str:
    """ "overdue", "soon" (within SOON_DAYS) or "later"."""
    left = (due - today).days
    if left < 0:
        return "overdue"
    return "soon" if left <= SOON_DAYS else "later"


@dataclass
class UnitAlerts:
    unit_id: int
    unit_name: str
    alerts: list[Alert] = field(default_factory=list)


def _scope(user: AnyUser | None, path_field: str) -> Q:
    # None is the operator's own command line, which reads the whole unit it is given.
    return Q() if user is None else scope_q(user, path_field)


def _inside_scope(user: AnyUser | None, under: Unit | None) -> bool:
    """Whether `under` lies inside the user's scope: then filtering by `under` alone is
    filtering by both (and the query is simpler to build and to plan)."""
    if under is None:
        return False
    return user is None or role_on(user, under) is not None


def _sources(
    user: AnyUser | None, limit: date, under: Unit | None
) -> tuple[QuerySet[Case], QuerySet[Transfer]]:
    """Open cases and sent transfers in scope (below `under`) due by `limit`."""
    inside = _inside_scope(user, under)
    cases = Case.objects.filter(
        Q() if inside else _scope(user, "unit__path"), state=Case.State.OPEN, due_on__lte=limit
    )
    transfers = Transfer.objects.filter(
        Q() if inside else _scope(user, "from_unit__path") | _scope(user, "to_unit__path"),
        state=Transfer.State.SENT,
        due_on__lte=limit,
    )
    if under is not None:
        cases = cases.filter(unit__path__startswith=under.path)
        transfers = transfers.filter(
            Q(from_unit__path__startswith=under.path) | Q(to_unit__path__startswith=under.path)
        )
    return cases, transfers


def _case_alerts(cases: QuerySet[Case]) -> list[Alert]:
    return [
        Alert(
            c.unit_id,
            c.unit.name,
            c.person.full_name,
            c.due_label,
            c.due_on,
            case_id=c.pk,
            person_id=c.person_id,
            order=(1, c.pk),
        )
        for c in cases.select_related("unit", "person")
        if c.due_on is not None
    ]


def _transfer_alerts(transfers: QuerySet[Transfer]) -> list[Alert]:
    return [
        Alert(
            t.to_unit_id or t.from_unit_id,
            (t.to_unit or t.from_unit).name,
            t.person.full_name,
            _("Tiếp nhận chuyển sinh hoạt đảng"),
            t.due_on,
            person_id=t.person_id,
            order=(3, t.pk),
        )
        for t in transfers.select_related("person", "from_unit", "to_unit")
        if t.due_on is not None
    ]


def alerts_for(
    user: AnyUser | None, today: date, *, under: Unit | None = None, horizon: int = LATER_DAYS
) -> list[Alert]:
    """Every deadline in the user's scope (below `under` if given) that has passed or falls
    within `horizon` days, soonest first."""
    limit = today + timedelta(days=horizon)
    cases, transfers = _sources(user, limit, under)
    result = _case_alerts(cases) + _certificate_alerts(user, limit, under)
    result += _transfer_alerts(transfers)
    return sorted(result, key=lambda a: (a.due, a.unit_name, a.person_name))


def _scope_sql(
    user: AnyUser | None, under: Unit | None, columns: tuple[str, ...]
) -> tuple[str, list[str]]:
    """`_sources`' filter in SQL, for the counts of `alert_bands` (built for every dashboard,
    where Django's query building cost more than the queries): a row is in scope when one
    of its units' path `columns` lies under a grant of the user, and (with `under`) when
    one lies below `under`."""
    parts: list[tuple[str, list[str]]] = []
    if user is not None and not _inside_scope(user, under):
        granted = scope_prefixes(user)
        if granted is not None:
            if not granted:
                return "1 = 0", []
            parts.append(paths_under(columns, granted))
    if under is not None:
        parts.append(paths_under(columns, [under.path]))
    return " AND ".join(sql for sql, _params in parts) or "1 = 1", [
        param for _sql, params in parts for param in params
    ]


def _transfer_band_counts(user: AnyUser | None, under: Unit | None, today: date) -> Counter[str]:
    """How many of `_sources`' transfers fall in each band, in one statement."""
    soon, until = today + timedelta(days=SOON_DAYS), today + timedelta(days=LATER_DAYS)
    inside, params = _scope_sql(user, under, ("f.path", "o.path"))
    [(overdue, coming, later)] = read_sql(
        Transfer,
        f"""SELECT SUM(CASE WHEN t.due_on < %s THEN 1 ELSE 0 END),
                   SUM(CASE WHEN t.due_on >= %s AND t.due_on <= %s THEN 1 ELSE 0 END),
                   SUM(CASE WHEN t.due_on > %s THEN 1 ELSE 0 END)
            FROM people_transfer t
            LEFT JOIN orgs_unit f ON f.id = t.from_unit_id
            LEFT JOIN orgs_unit o ON o.id = t.to_unit_id
            WHERE t.state = %s AND t.due_on <= %s AND {inside}""",  # noqa: S608
        [today, today, soon, soon, Transfer.State.SENT.value, until, *params],
    )
    return Counter(
        {"overdue": int(overdue or 0), "soon": int(coming or 0), "later": int(later or 0)}
    )


def _scope_roots(user: AnyUser | None, under: Unit | None) -> list[int]:
    """The units whose current subtrees together make the user's scope (below `under`),
    none inside another: the kept counts of these units, summed, are the scope's."""
    if under is not None and _inside_scope(user, under):
        return [under.pk]
    if user is None or getattr(user, "is_superuser", False):
        return list(Unit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    granted = outermost_paths([path for path, _role in grant_paths(user)])
    if under is not None:
        granted = [path for path in granted if path.startswith(under.path)]
    return [path_ids(path)[-1] for path in granted]


def _case_band_counts(user: AnyUser | None, under: Unit | None, today: date) -> Counter[str]:
    """`_band_counts` of the open cases due by LATER_DAYS, from the kept due counts
    (`tallies.dues`): a few hundred rows for the country, where counting the open cases
    themselves read 288,000 of them at national scale."""
    soon = today + timedelta(days=SOON_DAYS)
    return due_bands(_scope_roots(user, under), today, soon, today + timedelta(days=LATER_DAYS))


def _bands(
    case_counts: Counter[str],
    transfer_counts: Counter[str],
    certificate_expiries: list[date],
    today: date,
) -> Counter[str]:
    bands = case_counts + transfer_counts
    bands.update(band_of(due, today) for due in certificate_expiries)
    for band in ("overdue", "soon", "later"):
        bands.setdefault(band, 0)
    return bands


def alert_bands(user: AnyUser | None, today: date, *, under: Unit | None = None) -> Counter[str]:
    """How many alerts of `alerts_for` fall in each band ("overdue", "soon", "later"),
    counted, not listed: the cases from their kept counts, the transfers by one aggregate,
    the certificates by the rule in force on each issue date."""
    limit = today + timedelta(days=LATER_DAYS)
    with rules_cached():
        expiries = list(_certificate_expiries(user, limit, under))
    transfers = _transfer_band_counts(user, under, today)
    return _bands(_case_band_counts(user, under, today), transfers, expiries, today)


@dataclass(frozen=True)
class AlertPage:
    alerts: list[Alert]
    bands: Counter[str]
    total: int
    number: int
    pages: int


def alerts_page(
    user: AnyUser | None,
    today: date,
    *,
    under: Unit | None = None,
    number: int = 1,
    per_page: int | None = None,
) -> AlertPage:
    """One page of `alerts_for`, soonest first (ties by kind and record): a province can
    have thousands. Each source is read up to the end of the page only, in the same order,
    and the lists are merged, so a page costs the same few queries whatever page it is."""
    per_page = per_page or PER_PAGE
    limit = today + timedelta(days=LATER_DAYS)
    cases, transfers = _sources(user, limit, under)
    certificates = _certificate_alerts(user, limit, under)
    bands = _bands(
        _case_band_counts(user, under, today),
        _transfer_band_counts(user, under, today),
        [a.due for a in certificates],
        today,
    )
    total = sum(bands.values())
    pages = max(1, -(-total // per_page))
    number = min(max(number, 1), pages)
    end = number * per_page
    merged = _case_alerts(cases.order_by("due_on", "pk")[:end]) + certificates
    merged += _transfer_alerts(transfers.order_by("due_on", "pk")[:end])
    merged.sort(key=lambda a: (a.due, a.order))
    return AlertPage(merged[end - per_page : end], bands, total, number, pages)


# The certificate must still be valid at the chi bộ resolution: it matters from the class
# until that vote.
CERTIFICATE_STAGES = rules.ORDER[
    rules.ORDER.index(Step.AWARENESS_CLASS) : rules.ORDER.index(Step.CELL_RESOLUTION)
]
CERTIFICATE_RULE = "training.awareness_certificate_months"


def _certificate_cases(user: AnyUser | None, limit: date, under: Unit | None) -> QuerySet[Case]:
    """Open cases before the cell's vote whose certificate may expire by `limit`: one indexed
    query on the kept issue date (`admission.certificates`).

    The bound uses the shortest validity any version of the rule has given, so it never
    misses one; `_certificate_alerts` then applies the version in force on each issue date.
    """
    cases = Case.objects.filter(
        Q() if _inside_scope(user, under) else _scope(user, "unit__path"),
        state=Case.State.OPEN,
        certificate_issued__lte=_certificate_bound(limit),
        stage__in=CERTIFICATE_STAGES,
    )
    if under is not None:
        cases = cases.filter(unit__path__startswith=under.path)
    return cases


def _certificate_bound(limit: date) -> date:
    """The latest issue date whose certificate may expire by `limit`: by the shortest
    validity any version of the rule has given, so that no certificate is missed."""
    shortest = min((int(v) for v in rule_values(CERTIFICATE_RULE)), default=0)
    return add_months(limit, -shortest)


def _certificate_expiry(issued: date) -> tuple[date, Rule]:
    """When a certificate issued on `issued` expires, by the validity rule in force on that
    day, and the rule (callers hold `rules_cached`)."""
    rule = rule_in_force(CERTIFICATE_RULE, issued)
    return add_months(issued, int(rule.value)), rule


def _certificate_alerts(user: AnyUser | None, limit: date, under: Unit | None) -> list[Alert]:
    result = []
    with rules_cached():
        for case in _certificate_cases(user, limit, under).select_related("unit", "person"):
            if case.certificate_issued is None:
                continue
            expires, rule = _certificate_expiry(case.certificate_issued)
            if expires > limit:
                continue
            result.append(
                Alert(
                    case.unit_id,
                    case.unit.name,
                    case.person.full_name,
                    _("Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng hết hạn — %(rule)s")
                    % {"rule": rule.cite()},
                    expires,
                    case_id=case.pk,
                    person_id=case.person_id,
                    order=(2, case.pk),
                )
            )
    return result


# Certificates read per query by `_certificate_expiries`.
CERTIFICATE_PAGE = 500


def _certificate_expiries(user: AnyUser | None, limit: date, under: Unit | None) -> Iterator[date]:
    """The days `_certificate_alerts`' certificates expire, from the issue dates alone (no
    case, unit or person is read), earliest issue first; the caller holds `rules_cached`.
    Read in LIMIT pages rather than through a server-side cursor: a commune's few fit in
    one query, where a cursor costs three round trips (DECLARE, FETCH, CLOSE); a caller
    that stops early reads no more."""
    inside, params = _scope_sql(user, under, ("u.path",))
    # `_certificate_cases` in SQL (read for every dashboard: see `_scope_sql`).
    stages = placeholders(CERTIFICATE_STAGES)
    sql = f"""SELECT c.certificate_issued FROM admission_case c
        JOIN orgs_unit u ON u.id = c.unit_id
        WHERE c.state = %s AND c.certificate_issued <= %s AND c.stage IN ({stages})
          AND {inside}
        ORDER BY c.certificate_issued, c.id LIMIT %s OFFSET %s"""  # noqa: S608
    head = [Case.State.OPEN.value, _certificate_bound(limit), *CERTIFICATE_STAGES, *params]
    start = 0
    while True:
        page = [row[0] for row in read_sql(Case, sql, [*head, CERTIFICATE_PAGE, start])]
        for day in page:
            if (expires := _certificate_expiry(db_date(day))[0]) <= limit:
                yield expires
        if len(page) < CERTIFICATE_PAGE:
            return
        start += CERTIFICATE_PAGE


def alerts_by_unit(alerts: list[Alert]) -> list[UnitAlerts]:
    ordered = sorted(alerts, key=lambda a: (a.unit_name, a.unit_id, a.due))
    return [
        UnitAlerts(unit_id, name, list(items))
        for (name, unit_id), items in groupby(ordered, key=lambda a: (a.unit_name, a.unit_id))
    ]


# The header counts alerts up to this many and then says "999+": an officer of a province
# or of the country needs the list, not the exact number, and counting every open case of
# the country on every page cost 300 ms of each page (issue 6's national benchmark).
URGENT_SHOWN = 999


def urgent_count(user: AnyUser, today: date) -> int:
    """Overdue or due within a week: the number in the page header, counted up to
    URGENT_SHOWN + 1 (the cases from their kept counts; transfers and certificates stop
    counting there: a LIMIT under the COUNT)."""
    if not user.is_authenticated:
        return 0
    cap = URGENT_SHOWN + 1
    limit = today + timedelta(days=SOON_DAYS)
    found = _open_cases_due(user, today, limit)
    if found < cap:
        # The transfers the list shows: sent from or to a unit in scope.
        _cases, transfers = _sources(user, limit, None)
        found += transfers.values("pk")[: cap - found].count()
    if found < cap:
        found += _certificates_expiring(user, limit, cap - found)
    return min(found, cap)


def urgent_from_bands(bands: Counter[str]) -> int:
    """`urgent_count` from `alert_bands` taken over the user's whole scope."""
    return min(bands["overdue"] + bands["soon"], URGENT_SHOWN + 1)


def covers_scope(user: AnyUser, unit: Unit) -> bool:
    """Whether the unit's subtree is the user's whole scope (`alert_bands` under it then
    counts everything `urgent_count` does)."""
    return _scope_roots(user, unit) == _scope_roots(user, None)


def _open_cases_due(user: AnyUser, today: date, limit: date) -> int:
    """Open cases of the user's scope due by `limit`, from the kept due counts."""
    bands = due_bands(_scope_roots(user, None), today, limit, limit)
    return bands["overdue"] + bands["soon"]


def _certificates_expiring(user: AnyUser, limit: date, at_most: int) -> int:
    """How many certificate alerts `_certificate_alerts` would list, counted up to
    `at_most`."""
    with rules_cached():
        return sum(1 for _day in islice(_certificate_expiries(user, limit, None), at_most))
