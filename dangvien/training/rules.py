"""Pure rules of the training classes: no ORM.

The awareness-class certificate is valid for `months` months from its issue date (Hướng dẫn
12-HD/BTCTW as quoted; the number is a rulebook value). Here the certificate is valid while
`on < expiry`, where `expiry` is the same day of the month `months` later, or, when that
month has no such day (issued 31/01, 30/02 does not exist), the first day of the following
month. So a certificate issued 15/03/2020 for 60 months is valid through 14/03/2025 and
expired from 15/03/2025.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from dangvien.lib.dates import add_months
from dangvien.lib.errors import Problem


def certificate_expiry(issued: date, months: int) -> date:
    """The first day on which the certificate is no longer valid."""
    return add_months(issued, months)


def certificate_valid(issued: date, on: date, months: int) -> bool:
    return issued <= on < certificate_expiry(issued, months)


def certificate_problems(issued: date, on: date, months: int, cite: str) -> list[Problem]:
    """A problem when the awareness certificate has expired on `on`."""
    if on < certificate_expiry(issued, months):
        return []
    return [
        Problem(
            "certificate",
            _(
                "Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng đã hết hạn %(months)s tháng "
                "(cấp ngày %(issued)s) — %(cite)s"
            )
            % {"months": months, "issued": f"{issued:%d/%m/%Y}", "cite": cite},
        )
    ]


def class_date_problems(start: date | None, end: date | None) -> list[Problem]:
    if start is not None and end is not None and end < start:
        return [Problem("end", _("Ngày kết thúc lớp phải từ ngày khai giảng trở đi."))]
    return []
