"""The audit trail: who changed which row, when, from what to what.

Every write through the service, the CLI import and the lifecycle operations is one
``Change``: the rows to insert or replace, the ids to delete, and one ``AuditEntry`` per
row that actually changed. Stores apply a Change in one transaction, so an entry exists if
and only if its change was committed. Entries are append-only: nothing in the API edits them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, Field

from graphsvc.domain.bundle import Bundle
from graphsvc.domain.model import Row


class AuditEntry(BaseModel):
    """One row's change as read back. ``before`` is None for a creation, ``after`` for a deletion."""

    id: str = Field(description="unique id of this entry")
    change: str = Field(description="id shared by the entries of one transaction")
    seq: int = Field(description="position within the change")
    at: datetime = Field(description="when the change was made (UTC)")
    actor: str = Field(description="who made it: an API key's name, or cli:<user>")
    operation: str = Field(description="create, update, delete, import, leave, merge, unmerge, move")
    kind: str = Field(description="the bundle array of the entity, e.g. contacts")
    entity: str = Field(description="the entity id")
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> AuditEntry:
        values = dict(data)
        for key in ("before", "after"):
            values[key] = None if values.get(key) is None else json.loads(values[key])
        return cls.model_validate(values)


@dataclass(slots=True)
class Record:
    """An entry on its way into a store. (A plain slotted class: an import writes one per
    row, so building them must be cheap.)

    ``before`` is the stored row's JSON text (the guard compares it with what is stored);
    ``after`` is the row object being written, serialised by the store when it writes the
    row itself, so a bulk import turns each row into JSON once, not twice. Entries of one
    change share its time, actor and operation (``record`` makes them so; the embedded
    store keeps those once per change)."""

    id: str
    change: str
    seq: int
    at: str  # ISO instant in UTC: sortable as text
    actor: str
    operation: str
    kind: str
    entity: str
    before: str | None
    after: Row | None

    def stored(self, after: str | None = None) -> tuple[Any, ...]:
        """Flat form for storage, in AUDIT_COLUMNS order; ``after`` is the row's JSON if
        the caller already has it."""
        if after is None and self.after is not None:
            after = self.after.model_dump_json()
        return (
            self.id,
            self.change,
            self.seq,
            self.at,
            self.actor,
            self.operation,
            self.kind,
            self.entity,
            self.before,
            after,
        )


#: the stored form's fields, in order
AUDIT_COLUMNS = ("id", "change", "seq", "at", "actor", "operation", "kind", "entity", "before", "after")


@dataclass
class AuditQuery:
    """Filters of the audit log; None means any."""

    kind: str | None = None
    entity: str | None = None
    actor: str | None = None
    since: datetime | None = None
    #: the entries of one change (e.g. the merge an unmerge undoes)
    change: str | None = None
    limit: int = 100
    offset: int = 0

    def since_text(self) -> str | None:
        return None if self.since is None else self.since.astimezone(UTC).isoformat()


@dataclass
class Change:
    """Rows to insert or replace, ids to delete (by kind), and the entries recording it."""

    upserts: Bundle = field(default_factory=Bundle)
    deletes: dict[str, set[str]] = field(default_factory=dict)
    audit: list[Record] = field(default_factory=list)
    #: check the audited rows' ``before`` values inside the transaction (see Store.apply);
    #: unguarded, only rows recorded as created are checked to be absent (StaleWrite)
    guard: bool = True

    def expected(self) -> dict[str, dict[str, str | None]]:
        """kind -> id -> the stored row (its JSON text) this change was computed from
        (None: absent). Compare with ``row.model_dump_json()``."""
        found: dict[str, dict[str, str | None]] = {}
        for entry in self.audit:
            found.setdefault(entry.kind, {})[entry.entity] = entry.before
        return found

    def created(self) -> dict[str, set[str]]:
        """kind -> ids of the rows this change records as created (absent before it)."""
        found: dict[str, set[str]] = {}
        for entry in self.audit:
            if entry.before is None and entry.after is not None:
                found.setdefault(entry.kind, set()).add(entry.entity)
        return found


def record(
    actor: str,
    operation: str,
    changes: Sequence[tuple[str, Row | None, Row | None]],
    now: datetime | None = None,
) -> list[Record]:
    """Entries for (kind, before, after) triples, skipping rows that did not change."""
    change_id = uuid.uuid4().hex
    at = (now or datetime.now(UTC)).astimezone(UTC).isoformat()
    entries: list[Record] = []
    for kind, before, after in changes:
        if before is None and after is None:
            continue
        old = None if before is None else before.model_dump_json()
        if old is not None and after is not None and old == after.model_dump_json():
            continue
        entity = (after or before).id  # type: ignore[union-attr]
        seq = len(entries)
        entries.append(Record(f"{change_id}-{seq}", change_id, seq, at, actor, operation, kind, entity, old, after))
    return entries
