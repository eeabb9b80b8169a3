"""Users, their role grants, their second factor and their password. Every change is audited
(never with a secret, a code or a password in it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangvien.accounts import rules, selectors
from dangvien.accounts.audit import Actor, actor_user, audit_record
from dangvien.accounts.models import PasswordResetRequest, Role, RoleGrant
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
    email: str = "",
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
        family, _sep, given = full_name.strip().rpartition(" ")
        if check_password:
            # The user-to-be, so that a password like the user name or the name is refused.
            candidate = User(
                username=username.strip(), first_name=given, last_name=family, email=email
            )
            try:
                validate_password(password, candidate)
            except ValidationError as exc:
                problems += [Problem("password", str(m)) for m in exc.messages]
        raise_if(problems)
        user = User.objects.create_user(
            username=username.strip(),
            password=password,
            first_name=given,
            last_name=family,
            email=email.strip(),
        )
        audit_record(
            actor=acting_user,
            action="user.create",
            target=user,
            unit=unit,
            changes={
                "username": [None, user.username],
                "full_name": [None, full_name],
                "email": [None, user.email],
            },
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


# Two-factor login -------------------------------------------------------------------------

TOTP_DEVICE_NAME = "Ứng dụng xác thực"
RECOVERY_DEVICE_NAME = "Mã khôi phục"


def _require_self(acting_user: Actor, user: User) -> None:
    """A second factor belongs to its user: nobody sets one up or removes one for another."""
    actor = actor_user(acting_user)
    if actor is None or actor.pk != user.pk:
        raise PermissionDenied(_("Chỉ chính người dùng mới thay đổi được xác thực hai bước."))


def recovery_code_digest(code: str) -> str:
    """What is stored for a recovery code: a hash keyed with the secret key, so the table
    alone does not give the codes away (django-otp would keep them in clear). Changing the
    secret key voids the codes; users then make new ones after signing in with the app."""
    return salted_hmac("dangvien.accounts.recovery_code", code, algorithm="sha256").hexdigest()[:16]


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes; the codes in clear, to show once."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    StaticToken.objects.filter(device__user=user).delete()
    codes = rules.new_recovery_codes()
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_code_digest(code)) for code in codes]
    )
    return codes


def totp_device_start(*, acting_user: Actor, user: User) -> TOTPDevice:
    """A new, unconfirmed authenticator with a fresh secret (any earlier unfinished one is
    dropped). It counts for nothing until `totp_device_confirm`."""
    with transaction.atomic():
        _require_self(acting_user, user)
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        audit_record(actor=acting_user, action="two_factor.start", target=user, unit=None)
        return device


def totp_device_confirm(*, acting_user: Actor, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the authenticator being set up with a first code from it. It replaces the
    user's previous authenticator, if any. On a first set-up the recovery codes are made and
    returned in clear, to be shown once; on a replacement the existing ones stay."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().select_related("user").get(pk=device.pk)
        user = device.user
        _require_self(acting_user, user)
        kind, token = rules.read_code(code)
        if device.confirmed or kind is not rules.CodeKind.TOTP or not device.verify_token(token):
            wrong = _("Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng.")
            raise ServiceError([Problem("code", wrong)])
        previous = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk)
        replacing = previous.exists()
        previous.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = [] if replacing else _new_recovery_codes(user)
        audit_record(
            actor=acting_user,
            action="two_factor.replace" if replacing else "two_factor.enable",
            target=user,
            unit=None,
            changes={"recovery_codes": [None, len(codes)]} if codes else {},
        )
        return codes


def recovery_codes_regenerate(*, acting_user: Actor, user: User) -> list[str]:
    """New recovery codes; the old ones stop working. Returned in clear, to be shown once."""
    with transaction.atomic():
        _require_self(acting_user, user)
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ServiceError([Problem("", _("Chưa bật xác thực hai bước."))])
        left = selectors.recovery_codes_left(user)
        codes = _new_recovery_codes(user)
        audit_record(
            actor=acting_user,
            action="two_factor.recovery_codes",
            target=user,
            unit=None,
            changes={"recovery_codes": [left, len(codes)]},
        )
        return codes


def _count_wrong_code(devices: list[Device]) -> None:
    """A code that no device could even try (malformed, or a kind the user has none of) is
    counted like a wrong one, on the first device."""
    if devices:
        device = devices[0]
        device.throttle_increment(commit=True)


def two_factor_disable(*, acting_user: Actor, user: User, code: str) -> None:
    """Remove the user's authenticator and recovery codes, on a current code from the app.
    Refused while the user's role requires a second factor."""
    refused: list[Problem] = []
    with transaction.atomic():
        _require_self(acting_user, user)
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise ServiceError([Problem("", _("Chưa bật xác thực hai bước."))])
        if selectors.two_factor_required_for(user):
            raise ServiceError(
                [Problem("", _("Vai trò của bạn bắt buộc xác thực hai bước: không thể tắt."))]
            )
        if selectors.second_step_lock(user) is not None:
            raise ServiceError([Problem("code", _("Nhập sai quá nhiều lần; hãy thử lại sau."))])
        kind, token = rules.read_code(code)
        if kind is rules.CodeKind.TOTP:
            accepted = device.verify_token(token)  # counts a wrong code on the device
        else:
            accepted = False
            _count_wrong_code([device])
        if accepted:
            TOTPDevice.objects.filter(user=user).delete()
            StaticDevice.objects.filter(user=user).delete()
            audit_record(actor=acting_user, action="two_factor.disable", target=user, unit=None)
        else:
            refused.append(Problem("code", _("Mã không đúng.")))
    # Raised after the transaction, so that the wrong code stays counted.
    raise_if(refused)


def two_factor_reset(*, acting_user: Actor, user: User) -> None:
    """The operator's way out for a user who lost both the phone and the recovery codes:
    the second factor is removed, and a user whose role requires one sets up a new one at
    the next sign-in. Only from the command line or by a superuser."""
    with transaction.atomic():
        actor = actor_user(acting_user)
        if acting_user is not None and not (actor is not None and actor.is_superuser):
            raise PermissionDenied(_("Chỉ người vận hành mới đặt lại được xác thực hai bước."))
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=acting_user, action="two_factor.reset", target=user, unit=None)


@dataclass(frozen=True)
class SecondFactorResult:
    device: Device | None  # the device that accepted the code, or None
    recovery_codes_left: int | None  # after a recovery code was used
    failures: int  # wrong codes in a row so far
    lock: rules.Lock | None


def second_factor_verify(*, acting_user: User, code: str) -> SecondFactorResult:
    """Check the code typed at the second step: six digits from the authenticator or one of
    the recovery codes (each works once). Wrong codes in a row are counted and audited; after
    TWO_FACTOR_FAILURE_LIMIT of them the step is locked for TWO_FACTOR_COOLOFF_MINUTES, right
    codes included (`rules.second_step_lock`)."""
    user = acting_user
    with transaction.atomic():
        totp = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        static = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        lock = selectors.second_step_lock(user)
        if lock is not None:
            return SecondFactorResult(None, None, lock.failures, lock)
        kind, token = rules.read_code(code)
        accepted: Device | None = None
        # verify_token counts a wrong code on the device it was tried on (django-otp's own
        # counter, which `selectors.second_factor_failures` sums over the user's devices).
        if kind is rules.CodeKind.TOTP and totp is not None:
            accepted = totp if totp.verify_token(token) else None
        elif kind is rules.CodeKind.RECOVERY and static is not None:
            accepted = static if static.verify_token(recovery_code_digest(token)) else None
        else:
            _count_wrong_code([d for d in (totp, static) if d is not None])
        if accepted is not None:
            for model in (TOTPDevice, StaticDevice):
                model.objects.filter(user=user).update(
                    throttling_failure_count=0, throttling_failure_timestamp=None
                )
            left = selectors.recovery_codes_left(user) if accepted is static else None
            audit_record(
                actor=user,
                action="auth.second_factor",
                target=user,
                unit=None,
                changes={"method": [None, kind.value]}
                | ({"recovery_codes": [left + 1, left]} if left is not None else {}),
            )
            return SecondFactorResult(accepted, left, 0, None)
        failures, _last = selectors.second_factor_failures(user)
        lock = selectors.second_step_lock(user)
        audit_record(
            actor=user,
            action="auth.second_factor_locked" if lock else "auth.second_factor_failed",
            target=user,
            unit=None,
            changes={"failures": [failures - 1, failures]},
        )
        return SecondFactorResult(None, None, failures, lock)


# Passwords --------------------------------------------------------------------------------


def _email_digest(email: str) -> str:
    # The rate limit needs to recognise an address, not to know it.
    return salted_hmac(
        "dangvien.accounts.password_reset", email.strip().lower(), algorithm="sha256"
    ).hexdigest()


def password_reset_request(*, email: str, ip_address: str | None) -> list[User]:
    """Record a request for a reset link; the accounts to send it to. None when this e-mail
    address (DANGVIEN_PASSWORD_RESET_PER_HOUR) or this client address (ten times that) asked
    too often in the last hour: the page says the same either way, so the answer tells
    nobody whether an address has an account."""
    now = timezone.now()
    hour_ago = now - datetime.timedelta(hours=1)
    digest = _email_digest(email)
    per_hour = settings.PASSWORD_RESET_PER_HOUR
    with transaction.atomic():
        # Only the last hour matters; older rows are dropped as new ones come.
        PasswordResetRequest.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()
        recent = PasswordResetRequest.objects.filter(at__gte=hour_ago)
        limited = recent.filter(email_digest=digest).count() >= per_hour or (
            ip_address is not None and recent.filter(ip_address=ip_address).count() >= per_hour * 10
        )
        PasswordResetRequest.objects.create(at=now, ip_address=ip_address, email_digest=digest)
        if limited:
            return []
        users = [
            user
            for user in User.objects.filter(email__iexact=email.strip(), is_active=True)
            if user.has_usable_password()
        ]
        for user in users:
            audit_record(actor=None, action="user.password_reset_request", target=user, unit=None)
        return users


def user_password_reset(*, user: User, password: str) -> User:
    """Set the password chosen through a reset link (the link's token was checked by the
    view; it stops working once the password changes). The user signs in afterwards as
    always, second factor included."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="user.password_reset", target=user, unit=None)
        return user
