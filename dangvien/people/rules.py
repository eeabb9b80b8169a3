"""Pure rules of the registry: no ORM here, callers pass plain values and rule values."""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _

from dangvien.lib.dates import PartialDate, whole_months_between
from dangvien.lib.errors import Problem
from dangvien.people.models import MEMBER_STATUSES, Status

# Which status may follow which. Admission and recognition normally come from the pipeline;
# the registry records them directly for members who joined before the system existed.
TRANSITIONS: dict[str, set[str]] = {
    Status.CANDIDATE: {Status.PROBATIONARY, Status.NOT_ADMITTED, Status.DECEASED},
    Status.NOT_ADMITTED: {Status.CANDIDATE},
    Status.PROBATIONARY: {
        Status.OFFICIAL,
        Status.REMOVED,
        Status.DECEASED,
        Status.TRANSFERRED_OUT,
        Status.LEFT,
        Status.EXPELLED,
    },
    Status.OFFICIAL: {Status.LEFT, Status.EXPELLED, Status.DECEASED, Status.TRANSFERRED_OUT},
    Status.TRANSFERRED_OUT: {Status.PROBATIONARY, Status.OFFICIAL},  # transferred back in
    Status.REMOVED: set(),
    Status.LEFT: set(),  # readmission is a new admission case
    Status.EXPELLED: set(),
    Status.DECEASED: set(),
}

# Fields of the party file (tài liệu mật): changed only with a stated legal basis, by an
# approver. Phone and current address are contact details anyone with edit rights may fix.
CONFIDENTIAL_FIELDS = frozenset(
    {
        "full_name",
        "birth_year",
        "birth_month",
        "birth_day",
        "sex",
        "ethnicity",
        "religion",
        "citizen_id",
        "home_town",
        "decision_number",
        "decision_date",
        "ceremony_date",
        "official_date",
        "card_number",
        "months_out",
    }
)
CONFIDENTIAL_SOURCE = (
    "Hồ sơ đảng viên là tài liệu mật; chỉ sửa khi có căn cứ pháp lý và được cấp có thẩm "
    "quyền đồng ý (Hướng dẫn 12-HD/BTCTW)"
)

_PHONE = re.compile(r"^(?:\+84|0)\d{9,10}$")


def citizen_id_problems(value: str, digits: int, cite: str) -> list[Problem]:
    if value and not (value.isdigit() and len(value) == digits):
        return [
            Problem(
                "citizen_id",
                _("Số CCCD phải gồm đúng %(n)s chữ số — %(rule)s") % {"n": digits, "rule": cite},
            )
        ]
    return []


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value)


def phone_problems(value: str) -> list[Problem]:
    if value and not _PHONE.match(normalise_phone(value)):
        return [
            Problem(
                "phone",
                _("Số điện thoại phải bắt đầu bằng 0 hoặc +84 và có 10–11 chữ số."),
            )
        ]
    return []


def birth_problems(birth: PartialDate, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if birth.year < 1900 or birth.earliest() > today:
        problems.append(Problem("birth", _("Ngày sinh không hợp lệ.")))
    return problems


def admission_date_problems(
    *, birth: PartialDate, decision: date | None, ceremony: date | None, official: date | None
) -> list[Problem]:
    """Dates of a member's record must follow one another."""
    problems: list[Problem] = []
    if decision and decision <= birth.earliest():
        problems.append(Problem("decision_date", _("Ngày quyết định kết nạp phải sau ngày sinh.")))
    if decision and ceremony and ceremony < decision:
        problems.append(
            Problem(
                "ceremony_date", _("Ngày vào Đảng (lễ kết nạp) không thể trước ngày quyết định.")
            )
        )
    if official and ceremony and official <= ceremony:
        problems.append(Problem("official_date", _("Ngày chính thức phải sau ngày vào Đảng.")))
    return problems


def transition_problems(current: str, new: str) -> list[Problem]:
    if new not in TRANSITIONS.get(current, set()):
        return [
            Problem(
                "status",
                _("Không thể chuyển từ “%(old)s” sang “%(new)s”.")
                % {"old": Status(current).label, "new": Status(new).label},
            )
        ]
    return []


def status_requirements(
    new: str, *, decision: date | None, ceremony: date | None, official: date | None
) -> list[Problem]:
    """What a status needs on the record before it can be set."""
    problems: list[Problem] = []
    if new in MEMBER_STATUSES and (decision is None or ceremony is None):
        problems.append(
            Problem(
                "decision_date",
                _("Đảng viên phải có ngày quyết định kết nạp và ngày vào Đảng."),
            )
        )
    if new == Status.OFFICIAL and official is None:
        problems.append(
            Problem("official_date", _("Đảng viên chính thức phải có ngày chính thức."))
        )
    return problems


def party_age_months(decision: date | None, on: date, months_out: int) -> int | None:
    """Party age in whole months: from the date written in the admission decision, less the
    months spent out of the party before a readmission (rule `member.party_age_from`)."""
    if decision is None or on < decision:
        return None
    return max(whole_months_between(decision, on) - months_out, 0)


def age_in_years(birth: PartialDate, on: date) -> int:
    """Age in whole years; a birth known only by year or month counts from its first day."""
    return whole_months_between(birth.earliest(), on) // 12
