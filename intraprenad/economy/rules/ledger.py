"""Rules of the stored ledger: the id ranges that hold the rows behind a figure (ADR 20)."""

from __future__ import annotations

from collections.abc import Iterable


def merge_ranges(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The inclusive id ranges `(first, last)` joined where they touch or overlap, in order.

    The blocks of one object's months lie next to each other, so a unit's year is usually one range."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged
