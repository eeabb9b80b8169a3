from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from dangvien.accounts.models import Role
from dangvien.accounts.selectors import grant_paths
from dangvien.admission.alerts import URGENT_SHOWN, urgent_count


def navigation(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_administrator": False, "urgent_alerts": 0, "urgent_shown": URGENT_SHOWN}
    is_admin = user.is_superuser or any(
        role >= Role.ADMINISTRATOR for _p, role in grant_paths(user)
    )
    # A page that counted the alerts of the user's whole scope already (the dashboard of
    # their own unit) leaves the number on the request.
    urgent = getattr(request, "urgent_alerts", None)
    if urgent is None:
        urgent = urgent_count(user, timezone.localdate())
    return {"is_administrator": is_admin, "urgent_alerts": urgent, "urgent_shown": URGENT_SHOWN}
