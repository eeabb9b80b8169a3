"""Pure rules of the reports: ages and bands, education groups, grades, averages.

No ORM here: the selectors read the rows and the rulebook, these functions decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from statistics import median
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

# --- age ----------------------------------------------------------------------------------


# (lowest age, highest age or None, label): the finer bands of provincial reports.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, gettext_noop("Dưới 18")),
    (18, 25, gettext_noop("Từ 18 đến 25")),
    (26, 30, gettext_noop("Từ 26 đến 30")),
    (31, 35, gettext_noop("Từ 31 đến 35")),
    (36, 45, gettext_noop("Từ 36 đến 45")),
    (46, 60, gettext_noop("Từ 46 đến 60")),
    (61, None, gettext_noop("Trên 60")),
)
YOUNG = (18, 30)  # "đảng viên trẻ": 18–30, the Youth-Union age


def age_band(age: int) -> str:
    """The band's label (untranslated: callers translate it with gettext)."""
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BANDS[0][2]


def is_young(age: int) -> bool:
    return YOUNG[0] <= age <= YOUNG[1]


# --- education ------------------------------------------------------------------------------

# Professional education by rank (people.defaults.PROFESSIONAL): 0 untrained, 1 elementary
# (sơ cấp), 2 intermediate (trung cấp), 3 college (cao đẳng), 4 university, 5–6 postgraduate.
# Seed 002 counts "cao đẳng, đại học" together: college and above.
PROFESSIONAL_GROUPS: tuple[tuple[int, str], ...] = (
    (3, gettext_noop("Cao đẳng, đại học trở lên")),
    (2, gettext_noop("Trung cấp")),
    (1, gettext_noop("Sơ cấp")),
    (0, gettext_noop("Chưa qua đào tạo")),
)
# General education by the equivalent grade of the 12-year system (rank).
GENERAL_GROUPS: tuple[tuple[int, str], ...] = (
    (12, gettext_noop("Trung học phổ thông")),
    (9, gettext_noop("Trung học cơ sở")),
    (5, gettext_noop("Tiểu học")),
    (0, gettext_noop("Dưới tiểu học, biết chữ")),
)
UNKNOWN = gettext_noop("Chưa rõ")


def group_by_rank(rank: int | None, groups: Sequence[tuple[int, str]]) -> str:
    if rank is None:
        return UNKNOWN
    for lowest, label in groups:
        if rank >= lowest:
            return label
    return groups[-1][1]


# --- achievement ----------------------------------------------------------------------------


def over_percent(admitted: int, target: int) -> Decimal:
    """(admitted / target − 1) × 100: 17 means 17% over the target, −5 five per cent under."""
    return (Decimal(admitted) / Decimal(target) - 1) * 100


def average_over_percent(pairs: Sequence[tuple[int, int | None]]) -> Decimal | None:
    """Mean yearly over-achievement over the (admitted, target) pairs that have a target
    (seed 002: Nam Giang "bình quân mỗi năm thực hiện vượt 17% chỉ tiêu")."""
    values = [over_percent(a, t) for a, t in pairs if t]
    if not values:
        return None
    return sum(values, Decimal(0)) / len(values)


def median_days(days: Sequence[int]) -> Decimal | None:
    if not days:
        return None
    return Decimal(str(median(days)))


# --- year-end grades ------------------------------------------------------------------------


@dataclass(frozen=True)
class GradeScale:
    """Grades by achievement percent, best first; read from the rulebook
    (`reports.grade_thresholds`), so an administrator can change them."""

    steps: tuple[tuple[Decimal, str], ...]
    below: str

    @classmethod
    def from_rule(cls, value: Any) -> GradeScale:
        steps = tuple(
            sorted(
                ((Decimal(str(s["min_percent"])), str(s["grade"])) for s in value["steps"]),
                key=lambda step: step[0],
                reverse=True,
            )
        )
        return cls(steps, str(value["below"]))

    def grade(self, percent: Decimal | None) -> str:
        if percent is None:
            return _("Chưa có chỉ tiêu")
        for lowest, label in self.steps:
            if percent >= lowest:
                return label
        return self.below
