"""Rendered dashboards kept for a moment, and never shown after the data changed.

Why: a dashboard is read far more often than the figures under it change (a province's
officers open the same page all morning), and building it — about thirty queries, the
charts' SVG — costs tens of milliseconds, where sending a kept copy costs one.

When a copy may be sent: the key holds everything the page depends on —
- the session (the page carries the user's scope — breadcrumb, alert bands, header — and
  the CSRF token of the session's forms),
- the unit and the query string (period, as-of day, decimals), the language,
- today's date (the as-of day and the alerts move with it),
- the *generation* of the data: the id of the latest audit event. Every write goes through
  a service and leaves an audit event (including loads and repairs of the kept counts), so
  any write anywhere makes every kept copy unreachable: a page is never older than the
  data it was read from. The generation is read from the same database as the page (the
  replica when one answers the reports), one index-only query.

The cost of that exactness: while writes arrive every second (a whole country at work),
copies rarely live long enough to be reused, and the page is built as before. Scoping the
generation to a subtree would need a counter kept on every ancestor, a row every write in
the country would lock: not done (docs/performance.md).

A page with messages waiting to be shown (after a form) is neither served from nor kept
in the cache. The cache is Django's default (memory of each server process unless
`CACHES` names a shared one).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from dangvien.accounts.models import AuditEvent


def data_generation() -> int:
    """The id of the latest audit event (0 before the first)."""
    return int(AuditEvent.objects.aggregate(n=Max("id"))["n"] or 0)


def _key(request: HttpRequest, name: str, parts: tuple[object, ...]) -> str:
    query = "&".join(sorted(f"{k}={v}" for k, v in request.GET.items()))
    fields = (
        name,
        request.session.session_key or "",
        *parts,
        query,
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        data_generation(),
    )
    # Hashed: the query string may hold any character (spaces, NUL, long text), which a
    # cache key may not (memcached's rules, which Django's caches warn about).
    return "page:" + hashlib.sha256("|".join(map(str, fields)).encode()).hexdigest()


def cached_page(
    request: HttpRequest, name: str, parts: tuple[object, ...], build: Callable[[], HttpResponse]
) -> HttpResponse:
    """The page `build` renders, or its copy kept under the same key (see the module)."""
    seconds = settings.PAGE_CACHE_SECONDS
    if not seconds or len(get_messages(request)) or request.session.session_key is None:
        return build()
    key = _key(request, name, parts)
    kept = cache.get(key)
    if isinstance(kept, bytes):
        return HttpResponse(kept)
    response = build()
    if response.status_code == 200 and not response.streaming:
        cache.set(key, response.content, seconds)
    return response
