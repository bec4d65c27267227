"""The Neo4j store's audit batches: one entity's history across batches, hash collisions,
and the move of databases written with one AuditEntry node per entry into batches."""

from __future__ import annotations

import json
from datetime import date

import pytest

from graphsvc.application import entities
from graphsvc.application.importer import import_bundle
from graphsvc.domain.audit import AuditQuery
from graphsvc.store import neo4j_audit

from samples import small

pytestmark = pytest.mark.neo4j

TODAY = date(2026, 11, 22)

OLD_SCHEMA = [
    "CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (n:AuditEntry) REQUIRE n.id IS UNIQUE",
    "CREATE INDEX audit_entity IF NOT EXISTS FOR (n:AuditEntry) ON (n.kind, n.entity)",
    "CREATE INDEX audit_actor IF NOT EXISTS FOR (n:AuditEntry) ON (n.actor)",
    "CREATE INDEX audit_at IF NOT EXISTS FOR (n:AuditEntry) ON (n.at)",
]


def _everything(store) -> list:
    return [e.model_dump() for e in store.audit_log(AuditQuery(limit=10_000))]


def _history(store, entity: str) -> list:
    return [e.model_dump() for e in store.audit_log(AuditQuery(entity=entity, limit=10_000))]


def _many_contacts(count: int) -> dict:
    bundle = small()
    org = bundle["organizations"][0]["id"]
    bundle["contacts"] += [{"id": f"c-many-{n:04d}", "name": f"Person {n}", "org": org} for n in range(count)]
    return bundle


def test_history_is_found_in_any_batch_and_exact_under_hash_collisions(neo4j_store, monkeypatch):
    count = 2 * neo4j_audit.BATCH_SIZE + 7  # contacts of one import span three batches
    import_bundle(neo4j_store, _many_contacts(count), today=TODAY, actor="importer")
    for n in (0, neo4j_audit.BATCH_SIZE + 3, count - 1):
        entities.patch(neo4j_store, "contacts", f"c-many-{n:04d}", {"title": "Lead"}, "alice")
    last = f"c-many-{count - 1:04d}"
    history = _history(neo4j_store, last)
    assert [(e["operation"], e["actor"]) for e in history] == [("import", "importer"), ("update", "alice")]
    assert history[0]["before"] is None and history[1]["before"]["title"] != "Lead"
    assert history[1]["after"]["title"] == "Lead"
    everything = _everything(neo4j_store)
    assert len({e["id"] for e in everything}) == len(everything)

    # Every entity hashed alike: each lookup reads every batch, and still answers exactly.
    neo4j_store.clear()
    monkeypatch.setattr(neo4j_audit, "entity_token", lambda entity: "0000000000000000")
    import_bundle(neo4j_store, _many_contacts(count), today=TODAY, actor="importer")
    entities.patch(neo4j_store, "contacts", last, {"title": "Lead"}, "alice")
    collided = _history(neo4j_store, last)
    assert [(e["operation"], e["entity"]) for e in collided] == [("import", last), ("update", last)]
    assert _history(neo4j_store, "c-many-0001")[0]["entity"] == "c-many-0001"
    assert _history(neo4j_store, "nobody") == []


def test_database_with_one_node_per_entry_keeps_every_entry(neo4j_store, monkeypatch):
    monkeypatch.setattr(neo4j_audit, "MIGRATE_ENTRIES", 7)  # changes split across transactions
    import_bundle(neo4j_store, small(), today=TODAY, actor="importer")
    entities.patch(neo4j_store, "contacts", "c-li", {"title": "Chief"}, "alice")
    entities.delete(neo4j_store, "organizations", "o-old", "bob", cascade=True)
    expected = _everything(neo4j_store)

    # Rewrite the audit as databases written before 2026-11-23 held it.
    old = [
        {
            **e,
            "at": e["at"].isoformat(),
            "before": None if e["before"] is None else json.dumps(e["before"]),
            "after": None if e["after"] is None else json.dumps(e["after"]),
        }
        for e in expected
    ]
    driver, database = neo4j_store.driver, neo4j_store.database
    driver.execute_query("MATCH (b:AuditBatch) DETACH DELETE b", database_=database)
    for statement in OLD_SCHEMA:
        driver.execute_query(statement, database_=database)
    driver.execute_query(
        "UNWIND $rows AS row CREATE (e:AuditEntry) SET e = row",
        {"rows": [{k: v for k, v in e.items() if v is not None} for e in old]},
        database_=database,
    )

    assert len(expected) > 2 * neo4j_audit.MIGRATE_ENTRIES
    neo4j_store.init_schema()  # a start: moves the entries
    assert _everything(neo4j_store) == expected
    assert [e.operation for e in neo4j_store.audit_log(AuditQuery(actor="bob"))] == ["delete", "delete"]
    assert [e["entity"] for e in _history(neo4j_store, "c-li")] == ["c-li", "c-li"]
    left, _, _ = driver.execute_query("MATCH (e:AuditEntry) RETURN count(e) AS n", database_=database)
    assert left[0]["n"] == 0
    names, _, _ = driver.execute_query("SHOW INDEXES YIELD name RETURN collect(name) AS names", database_=database)
    assert not {"audit_entry_id", "audit_entity", "audit_actor", "audit_at"} & set(names[0]["names"])

    neo4j_store.init_schema()  # a second start finds nothing to move
    assert _everything(neo4j_store) == expected
    entities.patch(neo4j_store, "contacts", "c-li", {"title": "Chief of staff"}, "carol")  # writes go on
    assert len(_everything(neo4j_store)) == len(expected) + 1
