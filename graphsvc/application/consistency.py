"""A store's self-check: what any sequence of committed writes must leave true.

Every reference resolves, ids are unique per kind, every row is valid (a stored row the
model refuses is named with its kind, id and reason: it is left out of reads, so the
others can be served), and (embedded) the in-memory graph is exactly what the SQLite file
holds. Used by ``graphsvc db check`` and by
the concurrency tests.
"""

from __future__ import annotations

from graphsvc.domain.bundle import BundleError, canonical_dict, parse_bundle
from graphsvc.store.base import Store
from graphsvc.support.i18n import _


def check(store: Store) -> list[str]:
    """Problems found; an empty list means consistent."""
    problems: list[str] = [str(row) for row in store.invalid_rows()]
    data = canonical_dict(store.export())
    for kind, rows in data.items():
        if isinstance(rows, list):
            ids = [row["id"] for row in rows]
            if len(ids) != len(set(ids)):
                problems.append(_("{kind}: duplicate ids").format(kind=kind))
    try:
        parse_bundle(data)
    except BundleError as exc:
        problems.extend(str(problem) for problem in exc.problems)
    problems.extend(store.self_check())
    return problems
