"""Every write to API tokens: create one (the secret is returned once) and revoke one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import audit_record
from dangvien.accounts.selectors import root_units_for
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


def api_token_revoke(*, acting_user: User, token: ApiToken) -> ApiToken:
    """Stop a token at once. Only its owner revokes it here (`token_get_for_user`); revoking
    twice changes nothing."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.user_id != acting_user.pk:
            raise_if([Problem("token", _("Mã truy cập này không phải của bạn."))])
        if token.revoked_at is not None:
            return token
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=acting_user,
            action="api_token.revoke",
            target=token,
            unit=_audit_unit(acting_user),
            changes={"revoked_at": [None, token.revoked_at.isoformat()]},
        )
        return token
