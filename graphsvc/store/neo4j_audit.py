"""The audit trail in Neo4j: entries stored in batches, one node per change, kind and up to
BATCH_SIZE entries.

One node per entry made the audit as costly to write as the rows themselves (a node, ten
properties and four index entries per row: an import's rate halved). A batch node keeps
its entries in parallel lists (``seqs``, ``entities``, ``befores``, ``afters``) and what
they share once (change, time, actor, operation, kind), so an import writes one node per
BATCH_SIZE rows. One entity's history is found through a full-text index over ``tokens``:
a short hash per entity in the batch; the exact id is then matched in the list, so a hash
collision only costs a batch read, never a wrong answer.

Databases written before 2026-11-23 hold one ``AuditEntry`` node per entry;
``migrate_entries`` moves them into batches when the schema is initialised.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, Protocol

from neo4j import Driver, ManagedTransaction

from graphsvc.domain.audit import AUDIT_COLUMNS, AuditEntry, AuditQuery, Record


class Neo4jStore(Protocol):
    """What this module uses of ``neo4j_store.Neo4jStore`` (named here, not imported: the
    store imports this module)."""

    driver: Driver
    database: str

    def _query(self, name: str, **params: Any) -> list[dict[str, Any]]: ...

    def _run(self, tx: ManagedTransaction, name: str, **params: Any) -> list[dict[str, Any]]: ...

    def run_statements(self, name: str) -> None: ...


#: entries per batch node: big enough that an import writes few nodes, small enough that
#: reading one entity's history reads little beside it
BATCH_SIZE = 500
#: batch nodes per append_audit statement
BATCHES_PER_STATEMENT = 10
#: AuditEntry nodes moved per transaction when migrating
MIGRATE_ENTRIES = 20_000
#: stands for a missing before/after (Neo4j lists hold no nulls; JSON text is never empty)
MISSING = ""


def entity_token(entity: str) -> str:
    """The full-text term for an entity id: hex digits only, so no query syntax to escape."""
    return hashlib.blake2b(entity.encode(), digest_size=8).hexdigest()


def _flat(entry: Record | dict[str, Any]) -> dict[str, Any]:
    return dict(zip(AUDIT_COLUMNS, entry.stored())) if isinstance(entry, Record) else entry


def audit_batches(entries: Iterable[Record | dict[str, Any]]) -> list[dict[str, Any]]:
    """Batch nodes' properties for entries (Records being written, or flat stored entries),
    grouped by change and kind in their order."""
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in map(_flat, entries):
        groups.setdefault((entry["change"], entry["kind"]), []).append(entry)
    batches = []
    for (change, kind), group in groups.items():
        for start in range(0, len(group), BATCH_SIZE):
            part = group[start : start + BATCH_SIZE]
            first = part[0]
            entities = [e["entity"] for e in part]
            batches.append(
                {
                    "change": change,
                    "at": first["at"],
                    "actor": first["actor"],
                    "operation": first["operation"],
                    "kind": kind,
                    "seqs": [e["seq"] for e in part],
                    "entities": entities,
                    "befores": [MISSING if e["before"] is None else e["before"] for e in part],
                    "afters": [MISSING if e["after"] is None else e["after"] for e in part],
                    "tokens": " ".join(dict.fromkeys(map(entity_token, entities))),
                }
            )
    return batches


def read_log(store: Neo4jStore, query: AuditQuery) -> list[AuditEntry]:
    filters = {
        "kind": query.kind,
        "actor": query.actor,
        "since": query.since_text(),
        "change": query.change,
        "skip": query.offset,
        "limit": query.limit,
    }
    if query.entity is None:
        found = store._query("read_audit", **filters)
    else:
        found = store._query("read_audit_entity", token=entity_token(query.entity), entity=query.entity, **filters)
    return [_entry(r["entry"]) for r in found]


def count_log(store: Neo4jStore, query: AuditQuery) -> int:
    filters = {"kind": query.kind, "actor": query.actor, "since": query.since_text(), "change": query.change}
    if query.entity is None:
        found = store._query("count_audit", **filters)
    else:
        found = store._query("count_audit_entity", token=entity_token(query.entity), entity=query.entity, **filters)
    return int(found[0]["entries"])


def _entry(stored: dict[str, Any]) -> AuditEntry:
    values = dict(stored)
    values["id"] = f"{values['change']}-{values['seq']}"
    for key in ("before", "after"):
        if values[key] == MISSING:
            values[key] = None
    return AuditEntry.from_stored(values)


def migrate_entries(store: Neo4jStore) -> int:
    """Move AuditEntry nodes (one per entry, written before 2026-11-23) into batch nodes,
    MIGRATE_ENTRIES per transaction (memory stays bounded however large an old import was).
    An interrupted migration loses nothing: every entry is either still a node or already
    in a batch, and the next start moves the rest. Returns the number of entries moved."""
    moved = 0
    while store._query("legacy_audit_count")[0]["entries"]:
        with store.driver.session(database=store.database) as session:
            moved += session.execute_write(_move, store)
    store.run_statements("legacy_audit_cleanup")
    return moved


def _move(tx: Any, store: Neo4jStore) -> int:
    # Deleting while reading write-locks the entries taken: a second process migrating at
    # the same time cannot write them twice.
    taken = store._run(tx, "legacy_audit_take", limit=MIGRATE_ENTRIES)
    entries = sorted((record["entry"] for record in taken), key=lambda e: (e["change"], e["seq"]))
    batches = audit_batches(entries)
    for start in range(0, len(batches), BATCHES_PER_STATEMENT):
        store._run(tx, "append_audit", rows=batches[start : start + BATCHES_PER_STATEMENT])
    return len(entries)
