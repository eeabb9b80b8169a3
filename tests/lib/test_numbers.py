from __future__ import annotations

from django.utils import translation

from dangvien.lib.numbers import grouped
from dangvien.orgs.commands import checked_message


def test_counts_are_grouped_as_the_language_writes_them() -> None:
    with translation.override("vi"):
        assert grouped(5_951_585) == "5.951.585"
        assert grouped(463) == "463"
        assert grouped(0) == "0"
    with translation.override("en"):
        assert grouped(5_951_585) == "5,951,585"


def test_a_commands_message_groups_its_count() -> None:
    with translation.override("vi"):
        assert checked_message(200_000) == "Đã kiểm tra 200.000 dòng: không có lỗi (chưa ghi)."
