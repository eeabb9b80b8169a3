"""Targets for tests, through the service."""

from __future__ import annotations

from dangvien.lib.periods import Period
from dangvien.orgs.models import Unit
from dangvien.targets.models import Target
from dangvien.targets.services import target_set


def make_target(
    unit: Unit, period: str, admissions: int, admissions_min: int | None = None
) -> Target:
    return target_set(
        acting_user=None,
        unit=unit,
        period=Period.parse(period),
        admissions=admissions,
        admissions_min=admissions_min,
        document="(mẫu) 01-KH",
    )
