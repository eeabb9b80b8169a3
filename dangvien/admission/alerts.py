"""What is overdue or coming due in a user's scope: case deadlines and transfers.

Reads the deadlines the services keep (`Case.due_on`, `Transfer.due_on`), so a list for a
whole province is a couple of indexed queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.db.models import Q
from django.utils.translation import gettext as _

from dangvien.accounts.selectors import AnyUser, scope_q
from dangvien.admission.models import Case
from dangvien.orgs.models import Unit
from dangvien.people.models import Transfer

SOON_DAYS = 7
LATER_DAYS = 30


@dataclass(frozen=True)
class Alert:
    unit_id: int
    unit_name: str
    person_name: str
    what: str
    due: date
    case_id: int | None = None
    person_id: int | None = None

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def state_text(self, today: date) -> str:
        """ "quá hạn 3 ngày" or "còn 5 ngày", for the command line and the e-mail digest."""
        left = self.days_left(today)
        if left < 0:
            return _("quá hạn %(n)s ngày") % {"n": -left}
        return _("còn %(n)s ngày") % {"n": left}

    def band(self, today: date) -> str:
        left = self.days_left(today)
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


def alerts_for(
    user: AnyUser | None, today: date, *, under: Unit | None = None, horizon: int = LATER_DAYS
) -> list[Alert]:
    """Every deadline in the user's scope (below `under` if given) that has passed or falls
    within `horizon` days, soonest first."""
    limit = today + timedelta(days=horizon)
    cases = Case.objects.filter(
        _scope(user, "unit__path"), state=Case.State.OPEN, due_on__lte=limit
    )
    transfers = Transfer.objects.filter(
        _scope(user, "from_unit__path") | _scope(user, "to_unit__path"),
        state=Transfer.State.SENT,
        due_on__lte=limit,
    )
    if under is not None:
        cases = cases.filter(unit__path__startswith=under.path)
        transfers = transfers.filter(
            Q(from_unit__path__startswith=under.path) | Q(to_unit__path__startswith=under.path)
        )
    result = [
        Alert(
            c.unit_id,
            c.unit.name,
            c.person.full_name,
            c.due_label,
            c.due_on,
            case_id=c.pk,
            person_id=c.person_id,
        )
        for c in cases.select_related("unit", "person")
        if c.due_on is not None
    ]
    result += [
        Alert(
            t.to_unit_id or t.from_unit_id,
            (t.to_unit or t.from_unit).name,
            t.person.full_name,
            _("Tiếp nhận chuyển sinh hoạt đảng"),
            t.due_on,
            person_id=t.person_id,
        )
        for t in transfers.select_related("person", "from_unit", "to_unit")
        if t.due_on is not None
    ]
    return sorted(result, key=lambda a: (a.due, a.unit_name, a.person_name))


def alerts_by_unit(alerts: list[Alert]) -> list[UnitAlerts]:
    ordered = sorted(alerts, key=lambda a: (a.unit_name, a.unit_id, a.due))
    return [
        UnitAlerts(unit_id, name, list(items))
        for (name, unit_id), items in groupby(ordered, key=lambda a: (a.unit_name, a.unit_id))
    ]


def urgent_count(user: AnyUser, today: date) -> int:
    """Overdue or due within a week: the number in the page header."""
    if not user.is_authenticated:
        return 0
    limit = today + timedelta(days=SOON_DAYS)
    cases = Case.objects.filter(
        scope_q(user, "unit__path"), state=Case.State.OPEN, due_on__lte=limit
    ).count()
    transfers = Transfer.objects.filter(
        scope_q(user, "to_unit__path"), state=Transfer.State.SENT, due_on__lte=limit
    ).count()
    return cases + transfers
