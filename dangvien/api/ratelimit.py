"""The per-token rate limit: a fixed one-minute window counted on the token's own row.

Why the database and not Django's cache: the default cache is local to each process, so
with several workers every worker would allow the full rate. The database is shared by every
worker on every machine, and one conditional UPDATE both checks and counts, atomically, on
SQLite and PostgreSQL alike. It costs one small write per request on the token's row (which
also records `last_used`); at the rates an API client is allowed that is negligible.

Why a fixed window: it is one row and two columns. Its known weakness is the edge: a client
may send the whole allowance at the end of one minute and again at the start of the next,
so a burst of up to twice the rate can pass within a few seconds. A token bucket smooths
that at the price of floating-point state; for keeping a script from flooding the server
the fixed window is enough.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from dangvien.api.models import ApiToken

WINDOW = timedelta(minutes=1)


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    # Whole seconds until the window ends, for the Retry-After header of a refusal.
    retry_after: int


def _window_of(now: datetime) -> datetime:
    return now.replace(second=0, microsecond=0)


def rate_limit_take(token: ApiToken, now: datetime | None = None) -> RateDecision:
    """Count one request for the token, or refuse it when the window is full.

    Bookkeeping, not a change of the party's records: it writes no audit event (the event
    would be one per request).
    """
    now = now or timezone.now()
    window = _window_of(now)
    limit = settings.API_RATE_PER_MINUTE
    rows = ApiToken.objects.filter(pk=token.pk)
    # Two rounds: when two processes open a new window at once, one of them starts it and
    # the other counts in it on its second round instead of being refused.
    for _round in range(2):
        if rows.filter(window_start=window, window_count__lt=limit).update(
            window_count=F("window_count") + 1, last_used=now
        ):
            return RateDecision(True, 0)
        if rows.exclude(window_start=window).update(
            window_start=window, window_count=1, last_used=now
        ):
            return RateDecision(True, 0)
    left = (window + WINDOW - now).total_seconds()
    return RateDecision(False, max(1, math.ceil(left)))
