"""Which version of a rule is in force on a date."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from dangvien.rulebook.models import RuleVersion

# Within `rules_cached()`, each (key, date) is read once: an import checks the same rules for
# 100,000 rows, and a rule cannot change in the middle of one operation.
_cache: contextvars.ContextVar[dict[tuple[str, date], Rule] | None] = contextvars.ContextVar(
    "dangvien_rule_cache", default=None
)


@contextmanager
def rules_cached() -> Iterator[None]:
    """Read each rule version once for the length of the block (nested blocks share it)."""
    if _cache.get() is not None:
        yield
        return
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


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
    cache = _cache.get()
    if cache is not None and (key, on) in cache:
        return cache[(key, on)]
    rule = _read(key, on)
    if cache is not None:
        cache[(key, on)] = rule
    return rule


def _read(key: str, on: date) -> Rule:
    version = (
        RuleVersion.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .first()
    )
    if version is None:
        raise RuleMissingError(f"{key} @ {on.isoformat()}")
    return Rule(key, version.value, version.title, version.source, version.effective_from)


def rule_values(key: str) -> list[Any]:
    """Every value the rule has had, in any version: for a bound that must hold whichever
    version applies (e.g. the shortest certificate validity ever set)."""
    return list(RuleVersion.objects.filter(key=key).values_list("value", flat=True))
