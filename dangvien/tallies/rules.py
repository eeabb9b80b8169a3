"""Pure rules of the kept counts (no database)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TypeVar

from dangvien.orgs.rules import path_ids

A = TypeVar("A")
B = TypeVar("B")


def moved(
    old_path: str, new_path: str, rows: Iterable[tuple[A, B, int]]
) -> Counter[tuple[int, A, B]]:
    """A unit's kept rows `(a, b, n)` count its whole subtree: when it moves from
    `old_path` to `new_path`, each leaves the ancestors it left (−n) and joins those it
    joined (+n), keyed `(ancestor, a, b)`. Nothing when the ancestors stay the same."""
    old = set(path_ids(old_path)[:-1])
    new = set(path_ids(new_path)[:-1])
    left, joined = old - new, new - old
    deltas: Counter[tuple[int, A, B]] = Counter()
    if not left and not joined:
        return deltas
    for a, b, n in rows:
        for ancestor in left:
            deltas[(ancestor, a, b)] -= n
        for ancestor in joined:
            deltas[(ancestor, a, b)] += n
    return deltas
