"""Pausing the cyclic garbage collector around bulk work (imports, portfolio scans, the
path directory), shared so that every bulk path does it the same way."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc(settle: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector while a bulk computation (an import, a scan) runs.

    A scan or a directory build allocates hundreds of thousands of objects that live until
    it ends (indices, lines, findings), so the collector keeps starting full passes over
    them, and over every row the store holds, that find next to nothing: plain reference
    counting frees what is dropped on the way. On the 50k-contact portfolio those passes
    were a third to a half of the time. The collector is switched back on (if it was on)
    at the end; this changes when cyclic garbage is reclaimed, never what is computed.
    ``settle`` runs one full pass at the end (for results that are kept, like the path
    directory), so that pass is not left to whatever runs next.

    Work under the pause should make no reference cycles: every object allocated under it
    waits for the pass that follows it (the next allocation after the collector is back
    on), and cyclic garbage stays in memory until then and makes that pass longer. The scan
    keeps to this (``tests/test_portfolio_slices.py`` checks it). ``gc.freeze()`` instead
    of that pass is no way out: it would exempt the whole heap, not just the result, from
    every later pass, so cycles other code drops later (a replaced path directory, a
    request's exception and traceback) would never be freed.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
            if settle:
                gc.collect()
