"""The one way services refuse: a list of problems, each naming the field and, where a
regulation is behind it, the rule and its source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    field: str
    message: str

    def __str__(self) -> str:
        return self.message


class ServiceError(Exception):
    """Raised by a service before it writes anything; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    def by_field(self) -> dict[str, list[str]]:
        grouped: dict[str, list[str]] = {}
        for problem in self.problems:
            grouped.setdefault(problem.field, []).append(problem.message)
        return grouped


def raise_if(problems: list[Problem]) -> None:
    if problems:
        raise ServiceError(problems)
