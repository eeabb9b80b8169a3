"""Which version of a rule is in force on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


from dangvien.rulebook.models import RuleVersion


@dataclass(frozen=True)
class Rule:
    key: str
    value: Any
    title: str
    source: str
    effective_from: date

    def cite(self) -> str:
        """How an error names the rule: its content and its source."""
        return f"{self.title} ({self.source})"


class RuleMissingError(LookupError):
    """No version of the rule is in force on that date: the rulebook is incomplete."""


def rule_in_force(key: str, on: date) -> Rule:
    version = (
        RuleVersion.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise RuleMissingError(f"{key} @ {on.isoformat()}")
    return Rule(key, version.value, version.title, version.source, version.effective_from)
