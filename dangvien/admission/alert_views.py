"""The alert list of the user's scope: overdue, due within 7 and within 30 days, by unit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangvien.accounts.selectors import unit_get_for_user
from dangvien.admission.alerts import alerts_by_unit, alerts_for


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit_id = request.GET.get("don_vi")
    under = unit_get_for_user(request.user, unit_id) if unit_id else None
    alerts = alerts_for(request.user, today, under=under)
    bands = {"overdue": 0, "soon": 0, "later": 0}
    for alert in alerts:
        bands[alert.band(today)] += 1
    groups = [
        {
            "unit_name": g.unit_name,
            "rows": [(a, a.days_left(today), -a.days_left(today)) for a in g.alerts],
        }
        for g in alerts_by_unit(alerts)
    ]
    context = {"today": today, "under": under, "groups": groups, "bands": bands}
    return render(request, "admission/alerts.html", context)
