"""Pure rules of signing in: who must use a second factor, what a typed code is, when the
second step is locked. No database, no request: the callers pass what they read."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from dangvien.accounts.models import Role

# The values of DANGVIEN_2FA_REQUIRED_ROLE: from which role up a second factor is required.
REQUIRED_ROLE_NAMES: dict[str, int | None] = {
    "none": None,
    "viewer": Role.VIEWER,
    "editor": Role.EDITOR,
    "approver": Role.APPROVER,
    "administrator": Role.ADMINISTRATOR,
}

RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without i, l, o, 0 and 1, which are mistaken for one another
# when a printed code is typed back.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10  # 31 ** 10: about 49 random bits each
TOTP_DIGITS = 6
_SEPARATORS = re.compile(r"[\s\-]+")


def required_role(setting: str) -> int | None:
    """The role named by the setting; None when a second factor is never required."""
    return REQUIRED_ROLE_NAMES[setting]


def two_factor_required(
    *, roles: Iterable[int], is_superuser: bool, required_from: int | None
) -> bool:
    """A superuser, or anyone holding an active grant at or above the required role."""
    if required_from is None:
        return False
    return is_superuser or any(role >= required_from for role in roles)


class Gate(StrEnum):
    """Where a signed-in session stands after the password."""

    OPEN = "open"  # verified, or no second factor and none required
    SECOND_STEP = "second_step"  # has a confirmed device, not verified in this session
    ENROL = "enrol"  # a second factor is required and the user has none yet


def gate(*, verified: bool, has_device: bool, required: bool) -> Gate:
    if verified:
        return Gate.OPEN
    if has_device:
        return Gate.SECOND_STEP
    return Gate.ENROL if required else Gate.OPEN


class CodeKind(StrEnum):
    TOTP = "totp"
    RECOVERY = "recovery"
    INVALID = "invalid"


def read_code(raw: str) -> tuple[CodeKind, str]:
    """What the user typed at the second step: six digits from the authenticator, or one of
    the recovery codes (spaces, dashes and capitals as printed or retyped are ignored)."""
    code = _SEPARATORS.sub("", raw).lower()
    if len(code) == TOTP_DIGITS and code.isdigit():
        return CodeKind.TOTP, code
    if len(code) == RECOVERY_CODE_LENGTH and all(c in RECOVERY_ALPHABET for c in code):
        return CodeKind.RECOVERY, code
    return CodeKind.INVALID, code


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    return [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        for _ in range(count)
    ]


def format_recovery_code(code: str) -> str:
    """abcdefghij → abcde-fghij, easier to read aloud and to copy."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def format_secret(secret: str) -> str:
    """The base32 secret in groups of four, as authenticator apps ask to type it."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@dataclass(frozen=True)
class Lock:
    failures: int
    until: datetime


def second_step_lock(
    *, failures: int, last_failure: datetime | None, limit: int, cooloff: timedelta, now: datetime
) -> Lock | None:
    """The second step is locked once `limit` codes in a row were wrong, until `cooloff` after
    the last wrong one. The count only goes back to zero on a right code, so after the
    cool-off each further wrong code locks it again at once (like the password lockout, the
    guesses an attacker gets stay a handful an hour)."""
    if failures < limit or last_failure is None:
        return None
    until = last_failure + cooloff
    return Lock(failures, until) if until > now else None
