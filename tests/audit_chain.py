"""The audit chain of a contended row: shared by the concurrency tests."""

from __future__ import annotations

from typing import Any


def chain_is_unbroken(entries: Any, first: dict[str, Any]) -> bool:
    """Each write's before is exactly the after of one earlier write, from the first value."""
    by_before = {}
    for entry in entries:
        key = repr(sorted(entry.before.items()))
        if key in by_before:
            return False  # two writes started from the same value: one would be lost
        by_before[key] = entry
    current, seen = first, 0
    while repr(sorted(current.items())) in by_before:
        current = by_before[repr(sorted(current.items()))].after
        seen += 1
    return seen == len(entries)
