"""Users and their role grants. Every change is audited."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dangvien.accounts.audit import Actor, actor_user, audit_record
from dangvien.accounts.models import Role, RoleGrant
from dangvien.accounts.selectors import forget_grants, require_role
from dangvien.lib.errors import Problem, ServiceError, raise_if
from dangvien.orgs.models import Unit


def user_create(
    *,
    acting_user: Actor,
    username: str,
    full_name: str,
    password: str,
    unit: Unit,
    role: int,
    check_password: bool = True,
) -> User:
    """Create a user together with their first grant (a user without a grant sees nothing)."""
    with transaction.atomic():
        require_role(acting_user, unit, Role.ADMINISTRATOR)
        problems: list[Problem] = []
        if not username.strip():
            problems.append(Problem("username", _("Chưa nhập tên đăng nhập.")))
        elif User.objects.filter(username__iexact=username.strip()).exists():
            problems.append(Problem("username", _("Tên đăng nhập đã được dùng.")))
        if check_password:
            try:
                validate_password(password)
            except ValidationError as exc:
                problems += [Problem("password", str(m)) for m in exc.messages]
        raise_if(problems)
        family, _sep, given = full_name.strip().rpartition(" ")
        user = User.objects.create_user(
            username=username.strip(), password=password, first_name=given, last_name=family
        )
        audit_record(
            actor=acting_user,
            action="user.create",
            target=user,
            unit=unit,
            changes={"username": [None, user.username], "full_name": [None, full_name]},
        )
        grant_role(acting_user=acting_user, user=user, unit=unit, role=role)
        return user


def grant_role(*, acting_user: Actor, user: User, unit: Unit, role: int) -> RoleGrant:
    """Give (or change) a user's role on a unit. Only an administrator of the unit may, and
    nobody may grant more than they hold."""
    with transaction.atomic():
        require_role(acting_user, unit, Role.ADMINISTRATOR)
        if role not in Role.values:
            raise ServiceError([Problem("role", _("Vai trò không hợp lệ."))])
        existing = (
            RoleGrant.objects.select_for_update()
            .filter(user=user, unit=unit, revoked_at__isnull=True)
            .first()
        )
        granted_by = actor_user(acting_user)
        if existing is not None:
            if existing.role == role:
                return existing
            before = existing.role
            existing.revoked_at = timezone.now()
            existing.save(update_fields=["revoked_at"])
        else:
            before = None
        grant = RoleGrant.objects.create(user=user, unit=unit, role=role, granted_by=granted_by)
        forget_grants(user)
        audit_record(
            actor=acting_user,
            action="grant.set",
            target=grant,
            unit=unit,
            changes={"user": [None, user.get_username()], "role": [before, role]},
        )
        return grant


def grant_revoke(*, acting_user: Actor, grant: RoleGrant) -> RoleGrant:
    with transaction.atomic():
        grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
        require_role(acting_user, grant.unit, Role.ADMINISTRATOR)
        if grant.revoked_at is not None:
            return grant
        grant.revoked_at = timezone.now()
        grant.save(update_fields=["revoked_at"])
        forget_grants(grant.user)
        audit_record(
            actor=acting_user,
            action="grant.revoke",
            target=grant,
            unit=grant.unit,
            changes={"user": [grant.user.get_username(), None], "role": [grant.role, None]},
        )
        return grant
