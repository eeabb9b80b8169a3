"""Every write to API tokens: create one (the secret is returned once) and revoke one (its
owner, or an administrator over the owner)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_record
from dangvien.accounts.models import Role, RoleGrant
from dangvien.accounts.selectors import has_role, root_units_for
from dangvien.api.models import ApiToken
from dangvien.api.selectors import secret_hash
from dangvien.lib.errors import Problem, raise_if
from dangvien.orgs.models import Unit

PREFIX_LENGTH = 8
NAME_MAX_LENGTH = 100


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    # Shown to the user once, never stored.
    secret: str


def _audit_unit(user: User) -> Unit | None:
    # A token belongs to a person, not a unit: the event is filed under the user's first
    # granted unit, so the administrators who manage that user see it in their audit log.
    return root_units_for(user).first()


def api_token_create(*, acting_user: User, name: str, days: int) -> NewToken:
    """A new token for the acting user, valid for `days` days (at most the configured
    maximum: a forgotten token stops working by itself)."""
    problems: list[Problem] = []
    name = name.strip()
    if not name:
        problems.append(Problem("name", _("Đặt tên cho mã truy cập (dùng cho việc gì).")))
    elif len(name) > NAME_MAX_LENGTH:
        problems.append(Problem("name", _("Tên dài quá %(n)s ký tự.") % {"n": NAME_MAX_LENGTH}))
    maximum = settings.API_TOKEN_MAX_DAYS
    if not 1 <= days <= maximum:
        problems.append(Problem("days", _("Thời hạn từ 1 đến %(n)s ngày.") % {"n": maximum}))
    raise_if(problems)
    with transaction.atomic():
        secret = secrets.token_urlsafe(32)
        now = timezone.now()
        token = ApiToken.objects.create(
            user=acting_user,
            name=name,
            prefix=secret[:PREFIX_LENGTH],
            hash=secret_hash(secret),
            created=now,
            expires=now + timedelta(days=days),
        )
        audit_record(
            actor=acting_user,
            action="api_token.create",
            target=token,
            unit=_audit_unit(acting_user),
            changes={"name": [None, name], "prefix": [None, token.prefix], "days": [None, days]},
        )
        return NewToken(token, secret)


def _revoking_unit(acting_user: User, owner: User) -> Unit | None:
    """The unit the revocation is filed under: the owner's own unit when they revoke their
    token; else a unit where the owner holds a grant and the acting user is administrator
    (so the event shows in that administrator's audit log), or a refusal when there is none."""
    if owner.pk == acting_user.pk:
        return _audit_unit(owner)
    grants = RoleGrant.objects.filter(user_id=owner.pk, revoked_at__isnull=True)
    for grant in grants.select_related("unit").order_by("unit__path"):
        if has_role(acting_user, grant.unit, Role.ADMINISTRATOR):
            return grant.unit
    raise PermissionDenied(
        _("Chỉ chủ của mã truy cập hoặc quản trị viên của đơn vị người đó mới thu hồi được.")
    )


def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    """Stop a token at once: by its owner (`token_get_for_user`), or by an administrator of
    a unit where the owner holds a grant (`overseen_token_get`: a token leaked or left by
    someone who moved away need not wait for its owner). Revoking twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        owner = User.objects.get(pk=token.user_id)
        unit = _revoking_unit(acting_user, owner)
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        changes: dict[str, object] = {"revoked_at": [None, token.revoked_at.isoformat()]}
        if owner.pk != acting_user.pk:
            # The event's actor is the administrator; whose token it was is said here.
            changes["owner"] = owner.get_username()
        audit_record(
            actor=acting_user, action="api_token.revoke", target=token, unit=unit, changes=changes
        )
        return token
