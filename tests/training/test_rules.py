"""The certificate's validity, as a pure rule."""

from __future__ import annotations

from datetime import date

from dangvien.training.rules import certificate_expiry, certificate_problems, certificate_valid

CITE = "Giấy chứng nhận có giá trị 60 tháng ([S])"


def test_certificate_is_valid_on_its_last_day_and_not_the_day_after() -> None:
    issued = date(2020, 3, 15)
    assert certificate_expiry(issued, 60) == date(2025, 3, 15)
    assert certificate_valid(issued, date(2025, 3, 14), 60)
    assert not certificate_valid(issued, date(2025, 3, 15), 60)
    assert certificate_problems(issued, date(2025, 3, 14), 60, CITE) == []
    (problem,) = certificate_problems(issued, date(2025, 3, 15), 60, CITE)
    assert "hết hạn 60 tháng" in problem.message
    assert "cấp ngày 15/03/2020" in problem.message
    assert CITE in problem.message


def test_a_day_the_target_month_lacks_expires_on_the_first_of_the_next_month() -> None:
    assert certificate_expiry(date(2024, 1, 31), 1) == date(2024, 3, 1)
    assert certificate_expiry(date(2020, 2, 29), 60) == date(2025, 3, 1)
    assert certificate_expiry(date(2020, 2, 29), 48) == date(2024, 2, 29)
    assert certificate_expiry(date(2020, 12, 31), 60) == date(2025, 12, 31)
    assert certificate_expiry(date(2021, 10, 31), 1) == date(2021, 12, 1)
    assert certificate_expiry(date(2021, 12, 31), 2) == date(2022, 3, 1)
    assert certificate_valid(date(2020, 2, 29), date(2025, 2, 28), 60)


def test_a_certificate_is_not_valid_before_it_is_issued() -> None:
    assert not certificate_valid(date(2020, 3, 15), date(2020, 3, 14), 60)
