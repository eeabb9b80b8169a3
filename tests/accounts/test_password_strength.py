"""A minimum strength for passwords, with the reasons given in Vietnamese."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import get_default_password_validators

from dangvien.accounts.models import Role
from dangvien.accounts.services import user_create
from dangvien.lib.errors import ServiceError
from tests.conftest import World


def _refusal(world: World, password: str) -> list[str]:
    with pytest.raises(ServiceError) as refused:
        user_create(
            acting_user=world.xa,
            username="nguyenvanlong",
            full_name="Nguyễn Văn Long",
            password=password,
            unit=world.cell_1,
            role=Role.VIEWER,
        )
    return refused.value.by_field()["password"]


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("ngan-qua", "Mật khẩu quá ngắn: cần ít nhất 10 ký tự."),
        ("password123", "Mật khẩu này quá phổ biến."),
        ("0912345678901", "Mật khẩu này hoàn toàn là số."),
        ("nguyenvanlong", "Mật khẩu quá giống với Tên đăng nhập."),
    ],
)
def test_a_weak_password_is_refused_with_the_reason_in_vietnamese(
    world: World, password: str, reason: str
) -> None:
    assert reason in _refusal(world, password)


def test_a_long_uncommon_password_is_accepted(world: World) -> None:
    user = user_create(
        acting_user=world.xa,
        username="nguyenvanlong",
        full_name="Nguyễn Văn Long",
        password="song-thu-bon-mua-nuoc-day",
        unit=world.cell_1,
        role=Role.VIEWER,
    )
    assert user.check_password("song-thu-bon-mua-nuoc-day")


def test_the_minimum_length_is_at_least_ten_and_every_check_is_on() -> None:
    validators = {type(v).__name__: v for v in get_default_password_validators()}
    assert set(validators) == {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    }
    assert validators["MinimumLengthValidator"].min_length >= 10  # type: ignore[attr-defined]
    assert "10 ký tự" in validators["MinimumLengthValidator"].get_help_text()
