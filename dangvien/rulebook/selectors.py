"""Which version of a rule is in force on a date."""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet

from dangvien.rulebook.models import RuleVersion

# Within `rules_cached()`, the rulebook is read once: an import checks the same rules for
# 100,000 rows, and a page asks the rules in force on the date of every step it shows (58
# reads of the rulebook for one case page). Every request runs in such a block
# (`RulesPerRequestMiddleware`). The rulebook is a few dozen versions: all of them are kept.
_cache: contextvars.ContextVar[dict[str, list[Rule]] | None] = contextvars.ContextVar(
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


def rules_forget() -> None:
    """A version was just added: what the current block read may no longer be in force."""
    cache = _cache.get()
    if cache is not None:
        cache.clear()


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
    for rule in _versions(key):  # newest first
        if rule.effective_from <= on:
            return rule
    raise RuleMissingError(f"{key} @ {on.isoformat()}")


def rule_values(key: str) -> list[Any]:
    """Every value the rule has had, in any version: for a bound that must hold whichever
    version applies (e.g. the shortest certificate validity ever set)."""
    return [rule.value for rule in _versions(key)]


def _versions(key: str) -> list[Rule]:
    cache = _cache.get()
    if cache is None:
        return _read(RuleVersion.objects.filter(key=key)).get(key, [])
    if not cache:
        # The first rule a block asks for: the whole rulebook (a few dozen rows) in one
        # query, since a page or an import goes on to ask for most of it.
        cache.update(_read(RuleVersion.objects.all()))
    return cache.get(key, [])


def _read(versions: QuerySet[RuleVersion]) -> dict[str, list[Rule]]:
    """The versions by key, newest first."""
    found: dict[str, list[Rule]] = {}
    # Tuples, not model instances: every request reads the whole rulebook.
    rows = versions.order_by("key", "-effective_from").values_list(
        "key", "value", "title", "source", "effective_from"
    )
    for key, value, title, source, effective_from in rows:
        found.setdefault(key, []).append(Rule(key, value, title, source, effective_from))
    return found
