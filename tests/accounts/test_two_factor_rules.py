"""The pure rules behind the second step (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dangvien.accounts.models import Role
from dangvien.accounts.rules import (
    CodeKind,
    Gate,
    Lock,
    format_recovery_code,
    format_secret,
    gate,
    new_recovery_codes,
    read_code,
    required_role,
    second_step_lock,
    two_factor_required,
)

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "kind", "code"),
    [
        ("123456", CodeKind.TOTP, "123456"),
        (" 123 456 ", CodeKind.TOTP, "123456"),
        ("abcde-fgh23", CodeKind.RECOVERY, "abcdefgh23"),
        ("ABCDE FGH23", CodeKind.RECOVERY, "abcdefgh23"),
        ("12345", CodeKind.INVALID, "12345"),
        ("1234567", CodeKind.INVALID, "1234567"),
        ("abcde-fgh21", CodeKind.INVALID, "abcdefgh21"),  # no 1 (nor 0, i, l, o) in codes
        ("", CodeKind.INVALID, ""),
    ],
)
def test_a_typed_code_is_read_as_an_app_code_or_a_recovery_code(
    typed: str, kind: CodeKind, code: str
) -> None:
    assert read_code(typed) == (kind, code)


def test_recovery_codes_are_ten_distinct_readable_codes() -> None:
    codes = new_recovery_codes()
    assert len(set(codes)) == 10
    for code in codes:
        assert read_code(format_recovery_code(code)) == (CodeKind.RECOVERY, code)


def test_the_secret_is_shown_in_groups_of_four() -> None:
    assert format_secret("JBSWY3DPEHPK3PXP") == "JBSW Y3DP EHPK 3PXP"


@pytest.mark.parametrize(
    ("verified", "has_device", "required", "expected"),
    [
        (True, True, True, Gate.OPEN),
        (False, True, False, Gate.SECOND_STEP),
        (False, True, True, Gate.SECOND_STEP),
        (False, False, True, Gate.ENROL),
        (False, False, False, Gate.OPEN),
    ],
)
def test_the_gate_after_the_password(
    verified: bool, has_device: bool, required: bool, expected: Gate
) -> None:
    assert gate(verified=verified, has_device=has_device, required=required) is expected


@pytest.mark.parametrize(
    ("roles", "superuser", "setting", "expected"),
    [
        ([Role.EDITOR], False, "approver", False),
        ([Role.EDITOR, Role.APPROVER], False, "approver", True),
        ([Role.ADMINISTRATOR], False, "approver", True),
        ([], True, "approver", True),
        ([], False, "approver", False),
        ([Role.ADMINISTRATOR], True, "none", False),
        ([Role.VIEWER], False, "viewer", True),
        ([Role.APPROVER], False, "administrator", False),
    ],
)
def test_who_must_use_a_second_factor(
    roles: list[int], superuser: bool, setting: str, expected: bool
) -> None:
    required = two_factor_required(
        roles=roles, is_superuser=superuser, required_from=required_role(setting)
    )
    assert required is expected


def test_the_second_step_locks_at_the_limit_until_the_cool_off_ends() -> None:
    def lock(failures: int, minutes_ago: int) -> Lock | None:
        return second_step_lock(
            failures=failures,
            last_failure=NOW - timedelta(minutes=minutes_ago),
            limit=5,
            cooloff=timedelta(minutes=30),
            now=NOW,
        )

    assert lock(4, 0) is None
    locked = lock(5, 10)
    assert locked is not None
    assert locked.until == NOW + timedelta(minutes=20)
    assert lock(5, 31) is None
    # Past the limit, each further wrong code locks again for the whole cool-off.
    assert lock(6, 0) is not None
