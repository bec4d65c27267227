"""The audit trail as people read it: newest first by default, one page of it, and how
many more entries match beyond the page."""

from __future__ import annotations

from dataclasses import replace

from graphsvc.domain.audit import AuditEntry, AuditQuery
from graphsvc.store.base import Store


def audit_page(store: Store, query: AuditQuery, newest_first: bool = True) -> tuple[list[AuditEntry], int]:
    """The entries of ``query`` (``limit`` 0: all of them), newest first unless asked
    otherwise, and how many more match after them.

    The stores keep the trail oldest first; the newest page is the matching oldest-first
    page read from the other end, reversed.
    """
    total = store.audit_count(query)
    available = max(0, total - query.offset)
    size = min(query.limit, available) if query.limit else available
    if size == 0:
        return [], available
    if newest_first:
        entries = store.audit_log(replace(query, offset=available - size, limit=size))[::-1]
    else:
        entries = store.audit_log(replace(query, limit=size))
    return entries, available - len(entries)
