"""Every read that pages use is scoped here: a user sees the subtrees of their grants."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts import rules
from dangvien.accounts.models import AuditEvent, Role, RoleGrant
from dangvien.orgs.models import Unit

AnyUser = AbstractBaseUser | AnonymousUser
M = TypeVar("M", bound=models.Model)

_CACHE_ATTR = "_dangvien_grant_paths"


def _is_superuser(user: AnyUser) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_superuser", False))


def grant_paths(user: AnyUser) -> list[tuple[str, int]]:
    """(unit path, role) of each active grant; cached on the user object for one request."""
    if not user.is_authenticated:
        return []
    cached: list[tuple[str, int]] | None = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            RoleGrant.objects.filter(user_id=user.pk, revoked_at__isnull=True).values_list(
                "unit__path", "role"
            )
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    """Drop the per-request cache after grants change."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def scope_q(user: AnyUser, path_field: str = "path", min_role: int = Role.VIEWER) -> Q:
    """A filter matching rows whose unit lies under one of the user's grants.

    `path_field` names the unit path relative to the queried model (`unit__path` for rows that
    belong to a unit). A user with no grant matches nothing.
    """
    prefixes = scope_prefixes(user, min_role)
    if prefixes is None:
        return Q()
    if not prefixes:
        return Q(pk__in=[])
    return reduce(or_, (Q(**{f"{path_field}__startswith": p}) for p in prefixes))


def scope_prefixes(user: AnyUser, min_role: int = Role.VIEWER) -> list[str] | None:
    """The paths whose subtrees make the user's scope, none inside another (`scope_q`):
    None for a superuser (everything), empty for a user with no grant (nothing)."""
    if _is_superuser(user):
        return None
    return outermost_paths([path for path, role in grant_paths(user) if role >= min_role])


def outermost_paths(paths: list[str]) -> list[str]:
    """Drop paths that lie inside another granted path: they add nothing to the filter."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


def scoped(
    queryset: QuerySet[M], user: AnyUser, path_field: str, min_role: int = Role.VIEWER
) -> QuerySet[M]:
    return queryset.filter(scope_q(user, path_field, min_role))


def units_visible_to(user: AnyUser, min_role: int = Role.VIEWER) -> QuerySet[Unit]:
    return scoped(Unit.objects.all(), user, "path", min_role)


def unit_get_for_user(user: AnyUser, pk: Any, min_role: int = Role.VIEWER) -> Unit:
    """The unit, or 404 when it is outside the user's subtrees (or does not exist)."""
    try:
        return units_visible_to(user, min_role).get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404(_("Không tìm thấy đơn vị.")) from None


def role_on(user: AnyUser, unit: Unit) -> int | None:
    """The highest role the user holds over the unit through any grant, or None."""
    if _is_superuser(user):
        return int(Role.ADMINISTRATOR)
    roles = [role for path, role in grant_paths(user) if unit.path.startswith(path)]
    return max(roles) if roles else None


def has_role(user: AnyUser, unit: Unit, role: int) -> bool:
    held = role_on(user, unit)
    return held is not None and held >= role


def require_role(user: AnyUser | None, unit: Unit, role: int) -> None:
    """Services call this: None is the operator's own command line and may do anything."""
    if user is None:
        return
    if not has_role(user, unit, role):
        raise PermissionDenied(
            _("Bạn không có quyền %(role)s trên %(unit)s.")
            % {"role": Role(role).label, "unit": unit.name}
        )


def root_units_for(user: AnyUser) -> QuerySet[Unit]:
    """The units a user's tree starts from: their granted units, outermost only."""
    if _is_superuser(user):
        return Unit.objects.filter(parent__isnull=True)
    paths = outermost_paths([path for path, _role in grant_paths(user)])
    return Unit.objects.filter(path__in=paths).order_by("sort_key")


def audit_events_visible_to(user: AnyUser) -> QuerySet[AuditEvent]:
    """Events about units in the user's administrator scope; events with no unit (logins)
    only for superusers."""
    events = AuditEvent.objects.select_related("target_type")
    if _is_superuser(user):
        return events
    return events.filter(scope_q(user, "unit__path", Role.ADMINISTRATOR))


def grants_visible_to(user: AnyUser) -> QuerySet[RoleGrant]:
    return scoped(
        RoleGrant.objects.select_related("user", "unit"), user, "unit__path", Role.ADMINISTRATOR
    )


# Two-factor login -------------------------------------------------------------------------


def two_factor_required_for(user: AnyUser) -> bool:
    """Whether the user's roles (or superuser status) require a second factor, under the
    DANGVIEN_2FA_REQUIRED_ROLE setting; grants are read through the per-request cache."""
    if not user.is_authenticated:
        return False
    return rules.two_factor_required(
        roles=[role for _path, role in grant_paths(user)],
        is_superuser=_is_superuser(user),
        required_from=rules.required_role(settings.TWO_FACTOR_REQUIRED_ROLE),
    )


def totp_device_for(user: AnyUser, *, confirmed: bool = True) -> TOTPDevice | None:
    """The user's authenticator (confirmed), or the one being enrolled (confirmed=False)."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=confirmed).order_by("-pk").first()


def has_confirmed_device(user: AnyUser) -> bool:
    if not user.is_authenticated:
        return False
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def recovery_codes_left(user: AnyUser) -> int:
    if not user.is_authenticated:
        return 0
    return StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count()


def second_factor_failures(user: AnyUser) -> tuple[int, datetime.datetime | None]:
    """Wrong codes in a row at the second step (kept on the user's devices by django-otp)
    and when the last one was typed."""
    failures = 0
    last: datetime.datetime | None = None
    for model in (TOTPDevice, StaticDevice):
        for count, at in model.objects.filter(user_id=user.pk, confirmed=True).values_list(
            "throttling_failure_count", "throttling_failure_timestamp"
        ):
            failures += count
            if at is not None and (last is None or at > last):
                last = at
    return failures, last


def second_step_lock(user: AnyUser) -> rules.Lock | None:
    failures, last = second_factor_failures(user)
    return rules.second_step_lock(
        failures=failures,
        last_failure=last,
        limit=settings.TWO_FACTOR_FAILURE_LIMIT,
        cooloff=datetime.timedelta(minutes=settings.TWO_FACTOR_COOLOFF_MINUTES),
        now=timezone.now(),
    )


@dataclass(frozen=True)
class TwoFactorStatus:
    device: TOTPDevice | None
    recovery_codes_left: int
    required: bool

    @property
    def enabled(self) -> bool:
        return self.device is not None


def two_factor_status(user: AnyUser) -> TwoFactorStatus:
    return TwoFactorStatus(
        device=totp_device_for(user),
        recovery_codes_left=recovery_codes_left(user),
        required=two_factor_required_for(user),
    )
