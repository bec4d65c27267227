"""Writes computed from what is stored, recomputed when it changed before they landed."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable
from typing import Any, TypeVar

from graphsvc.store.base import StaleWrite, Store
from graphsvc.support.i18n import _


class Conflict(Exception):
    """A write that contradicts what is stored (existing id, rows still referring)."""


#: how often a write computed from rows someone else changed meanwhile is recomputed
ATTEMPTS = 20

F = TypeVar("F", bound=Callable[..., Any])


def retried(operation: F) -> F:
    """Run a read-modify-write under the store's write lock (writers of this process queue),
    and recompute it from fresh reads when the store reports StaleWrite (a writer in another
    process got there first), so concurrent writers never lose each other's changes."""

    @functools.wraps(operation)
    def run(store: Store, *args: Any, **kwargs: Any) -> Any:
        for attempt in range(ATTEMPTS):
            try:
                with store.write_lock:
                    return operation(store, *args, **kwargs)
            except StaleWrite:
                if attempt == ATTEMPTS - 1:
                    raise Conflict(_("the rows kept changing under this write; try again")) from None
                time.sleep(random.uniform(0, 0.002 * (attempt + 1)))
        raise AssertionError("unreachable")

    return run  # type: ignore[return-value]
