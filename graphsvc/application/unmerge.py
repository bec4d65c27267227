"""Undo a merge from its audit entries: the duplicate comes back and every row the merge
re-pointed, dropped or changed is put back exactly as it was.

The audit trail keeps each row the merge wrote as it was before and after. The undo is
refused when any of those rows is no longer as the merge left it (a later edit would be
lost silently), and when the merge was undone already; the undo is itself one audited
change (operation ``unmerge``), so it can be traced like any other.
"""

from __future__ import annotations

from typing import Any

from graphsvc.application.entities import references
from graphsvc.application.lifecycle import LifecycleReport, Moved
from graphsvc.application.retry import Conflict, retried
from graphsvc.domain.audit import AuditEntry, AuditQuery, Change, record
from graphsvc.domain.bundle import Bundle, BundleError, Problem
from graphsvc.domain.missing import dangling, row_noun
from graphsvc.domain.model import KINDS, Row
from graphsvc.store.base import NotFound, Store
from graphsvc.support.i18n import _

#: the operation recorded by an undo
UNMERGE = "unmerge"
#: more entries than any one merge writes
_ALL = 2**62


def _row(kind: str, data: dict[str, Any] | None) -> Row | None:
    return None if data is None else KINDS[kind].model_validate(data)


def _merge_entries(store: Store, change_id: str) -> list[AuditEntry]:
    entries = store.audit_log(AuditQuery(change=change_id, limit=_ALL))
    if not entries:
        raise NotFound(_("no change {id!r} in the audit trail").format(id=change_id))
    if entries[0].operation != "merge":
        raise BundleError(
            [
                Problem(
                    "body",
                    None,
                    "change",
                    _("change {id!r} is a {operation}, not a merge: only merges can be undone").format(
                        id=change_id, operation=entries[0].operation
                    ),
                )
            ]
        )
    return entries


def _duplicate_of(entries: list[AuditEntry]) -> str:
    """The contact the merge removed."""
    return next(e.entity for e in entries if e.kind == "contacts" and e.after is None)


def _refuse_if_undone(store: Store, change_id: str, duplicate: str) -> None:
    """Undone: an unmerge of the duplicate's row follows the merge in its history."""
    history = store.audit_log(AuditQuery(kind="contacts", entity=duplicate, limit=_ALL))
    merged_at = next(e.at for e in history if e.change == change_id)
    if any(e.operation == UNMERGE and e.at >= merged_at for e in history):
        raise Conflict(_("the merge {id!r} has been undone already").format(id=change_id))


@retried
def unmerge(store: Store, change_id: str, actor: str) -> LifecycleReport:
    """Undo the merge recorded as audit change ``change_id``: the duplicate restored, the
    rows re-pointed back, the survivor's details as they were."""
    entries = _merge_entries(store, change_id)
    duplicate = _duplicate_of(entries)
    _refuse_if_undone(store, change_id, duplicate)
    report = LifecycleReport(contact=duplicate, operation=UNMERGE)
    changes: list[tuple[str, Row | None, Row | None]] = []
    upserts: dict[str, list[Row]] = {}
    deletes: dict[str, set[str]] = {}
    for entry in entries:
        found = store.read(entry.kind, [entry.entity])
        now = found[0] if found else None
        if now != _row(entry.kind, entry.after):
            raise Conflict(
                _("{kind} {id!r} has changed since the merge; the merge can no longer be undone").format(
                    kind=row_noun(entry.kind), id=entry.entity
                )
            )
        before = _row(entry.kind, entry.before)
        changes.append((entry.kind, now, before))
        if before is None:
            deletes.setdefault(entry.kind, set()).add(entry.entity)
        else:
            upserts.setdefault(entry.kind, []).append(before)
        detail = _("restored") if now is None else _("back as before the merge")
        report.moved.append(Moved(kind=entry.kind, old=entry.entity, new=entry.entity, detail=detail))
    _refuse_dangling(store, upserts)
    audit = record(actor, UNMERGE, changes)
    store.apply(Change(upserts=Bundle(**upserts), deletes=deletes, audit=audit))
    report.change = audit[0].change if audit else None
    return report


def _refuse_dangling(store: Store, upserts: dict[str, list[Row]]) -> None:
    """A restored row may name a row removed since the merge (the duplicate's employer):
    refused, naming it, rather than stored with a reference to nothing."""
    restored = {(kind, row.id) for kind, rows in upserts.items() for row in rows}
    for kind, rows in upserts.items():
        for row in rows:
            for target, ref in sorted(references(kind, row) - restored):
                if not store.existing_ids(target, {ref}):
                    raise Conflict(
                        _("{kind} {id!r} cannot be restored: {missing}").format(
                            kind=row_noun(kind), id=row.id, missing=dangling(target, ref)
                        )
                    )
