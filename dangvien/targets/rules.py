"""Pure checks of targets: no database, so that the services, the importer and the pages
give the same answer with the same words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from dangvien.lib.errors import Problem
from dangvien.lib.periods import Period

# A sanity bound, not a rule of the party regulations (they set no ceiling on a plan, so it
# is not in the rulebook): a whole province has about 100.000 members, so a plan above this
# is a typing slip or a 1e300 cell, which would not even fit the database's integer column.
# The API's schema (api/schemas.py, TargetIn) holds the same bound.
MAX_ADMISSIONS = 1_000_000


def admissions_problems(
    admissions: int, admissions_min: int | None, *, prefix: str = ""
) -> list[Problem]:
    """A plan is a whole number from 0 to MAX_ADMISSIONS; a range plan ("3–5 đảng viên",
    seed 000) has its lower end between 0 and the plan."""
    problems: list[Problem] = []
    if admissions < 0:
        problems.append(Problem(f"{prefix}admissions", _("Chỉ tiêu không được là số âm.")))
    if admissions > MAX_ADMISSIONS:
        problems.append(
            Problem(
                f"{prefix}admissions",
                _("Chỉ tiêu không được quá %(n)s.")
                % {"n": f"{MAX_ADMISSIONS:,}".replace(",", ".")},
            )
        )
    if admissions_min is not None and not 0 <= admissions_min <= max(admissions, 0):
        problems.append(
            Problem(
                f"{prefix}admissions_min",
                _("Chỉ tiêu tối thiểu phải từ 0 đến chỉ tiêu (%(n)s).") % {"n": admissions},
            )
        )
    return problems


def exists_during(valid_from: date, valid_to: date | None, period: Period) -> bool:
    """A unit may hold a target for a period it existed in, even if it has ended since (the
    2021 target of a district dissolved in 2025 stays valid history)."""
    return valid_from <= period.end and (valid_to is None or valid_to > period.start)


def not_existing_message(name: str, period: Period) -> str:
    return _("%(unit)s không hoạt động trong kỳ %(period)s.") % {
        "unit": name,
        "period": period.label,
    }


def percent_problems(percent: Decimal, strict: bool) -> list[Problem]:
    """A structural target is a share: above 0 and at most 100% ("trên 100%" cannot be met)."""
    if not Decimal(0) < percent <= Decimal(100):
        return [Problem("percent", _("Tỷ lệ phải lớn hơn 0 và không quá 100%."))]
    if strict and percent == Decimal(100):
        return [Problem("strict", _("Không thể đặt chỉ tiêu “trên 100%”."))]
    return []


@dataclass(frozen=True)
class SumCheck:
    """The children's targets against the parent's: "the page shows where the children's
    targets do not add up to the parent's" (issue 5)."""

    parent: int | None
    children_sum: int
    children_with_target: int
    children_count: int

    @property
    def missing(self) -> int:
        """Children that have no target yet for the period."""
        return self.children_count - self.children_with_target

    @property
    def difference(self) -> int | None:
        """Children's sum minus the parent's target; None when the parent has none."""
        return None if self.parent is None else self.children_sum - self.parent

    @property
    def over(self) -> int:
        """How many the children's sum exceeds the parent's target by (0 if not)."""
        return max(self.difference or 0, 0)

    @property
    def short(self) -> int:
        """How many the children's sum falls short of the parent's target by (0 if not)."""
        return max(-(self.difference or 0), 0)

    @property
    def adds_up(self) -> bool:
        """True only when every child has a target and they sum to the parent's exactly."""
        return self.parent is not None and self.missing == 0 and self.difference == 0

    @property
    def needs_attention(self) -> bool:
        """A page warns when there are children and something does not add up."""
        return self.children_count > 0 and not self.adds_up


def sum_check(parent: int | None, children: Iterable[int | None]) -> SumCheck:
    values = list(children)
    given = [v for v in values if v is not None]
    return SumCheck(parent, sum(given), len(given), len(values))
