"""The awareness-class certificate's issue date kept on each open case (`Case.certificate_issued`).

Why kept: the alert list and the page header ask, on every page, which open cases have a
certificate about to expire. Recomputing it means two correlated subqueries per open case
(the case's latest recorded class step, the person's passed enrolments); over a province's
thousands of open cases that was most of every page's time. The services that change either
source call `cases_keep_certificate` in their transaction; `dangvien check-integrity`
recomputes it and lists any difference.

The date is what the case recorded at its awareness-class step (a class held elsewhere),
else the latest certificate in the class register (passed, with a number).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import DateField, F, Max, OuterRef, Q, Subquery
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce

from dangvien.admission.models import Case, CaseEvent, Step
from dangvien.training.models import ClassKind, Enrolment, Result


def certificate_issued_expression() -> Coalesce:
    """SQL for a case's certificate issue date, over the case's own row (`pk`, `person_id`)."""
    recorded = (
        CaseEvent.objects.filter(
            case=OuterRef("pk"), step=Step.AWARENESS_CLASS, corrections__isnull=True
        )
        .order_by("-on", "-id")
        .annotate(issued=Cast(KT("data__certificate_date"), output_field=DateField()))
        .values("issued")[:1]
    )
    registered = (
        Enrolment.objects.filter(
            person=OuterRef("person_id"),
            training_class__kind=ClassKind.AWARENESS,
            result=Result.PASSED,
        )
        .exclude(certificate_number="")
        .values("person")
        .annotate(latest=Max("certificate_date"))
        .values("latest")[:1]
    )
    return Coalesce(
        Subquery(recorded, output_field=DateField()),
        Subquery(registered, output_field=DateField()),
        output_field=DateField(),
    )


def cases_keep_certificate(*, person_ids: Iterable[int] | None = None) -> int:
    """Recompute the kept date of the open cases of these people (all open cases when None),
    in one UPDATE; the caller holds the transaction. Returns the number of cases updated."""
    cases = Case.objects.filter(state=Case.State.OPEN)
    if person_ids is not None:
        cases = cases.filter(person_id__in=list(person_ids))
    return cases.update(certificate_issued=certificate_issued_expression())


def cases_with_wrong_certificate() -> list[tuple[int, str, date | None, date | str | None]]:
    """(case id, person's name, kept date, recomputed date) of every open case whose kept
    date is wrong, for check-integrity (SQLite hands the recomputed date back as text)."""
    expected = F("expected")
    wrong = (
        Q(certificate_issued__lt=expected)
        | Q(certificate_issued__gt=expected)
        | Q(certificate_issued__isnull=True, expected__isnull=False)
        | Q(certificate_issued__isnull=False, expected__isnull=True)
    )
    rows = (
        Case.objects.filter(state=Case.State.OPEN)
        .annotate(expected=certificate_issued_expression())
        .filter(wrong)
        .order_by("pk")
        .values_list("pk", "person__full_name", "certificate_issued", "expected")
    )
    return list(rows)
