"""The alert list of the user's scope: overdue, due within 7 and within 30 days, by unit,
one page of the soonest at a time."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from dangvien.accounts.selectors import unit_get_for_user
from dangvien.admission.alerts import alerts_by_unit, alerts_page


@require_GET
def alert_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    unit_id = request.GET.get("don_vi")
    under = unit_get_for_user(request.user, unit_id) if unit_id else None
    asked = request.GET.get("trang", "1")
    page = alerts_page(
        request.user, today, under=under, number=int(asked) if asked.isdigit() else 1
    )
    groups = [
        {
            "unit_name": g.unit_name,
            "rows": [(a, a.days_left(today), -a.days_left(today)) for a in g.alerts],
        }
        for g in alerts_by_unit(page.alerts)
    ]
    keep = f"don_vi={under.pk}&" if under is not None else ""
    context = {
        "today": today,
        "under": under,
        "groups": groups,
        "bands": page.bands,
        "page": page,
        "previous": f"?{keep}trang={page.number - 1}" if page.number > 1 else None,
        "next": f"?{keep}trang={page.number + 1}" if page.number < page.pages else None,
    }
    return render(request, "admission/alerts.html", context)
