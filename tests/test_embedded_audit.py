"""The embedded store's audit tables, and the move of files written with the older single
audit table into them."""

from __future__ import annotations

import sqlite3
from datetime import date

from graphsvc.application import entities
from graphsvc.application.importer import import_bundle
from graphsvc.domain.audit import AuditQuery
from graphsvc.store.embedded import EmbeddedStore

from samples import small

TODAY = date(2026, 11, 22)

OLD_AUDIT = (
    "CREATE TABLE audit ("
    " id TEXT PRIMARY KEY, change TEXT NOT NULL, seq INTEGER NOT NULL, at TEXT NOT NULL,"
    " actor TEXT NOT NULL, operation TEXT NOT NULL, kind TEXT NOT NULL, entity TEXT NOT NULL,"
    " before TEXT, after TEXT);"
    "CREATE INDEX audit_entity ON audit (kind, entity);"
    "CREATE INDEX audit_actor ON audit (actor);"
    "CREATE INDEX audit_at ON audit (at);"
)


def _everything(store: EmbeddedStore) -> list:
    return [e.model_dump() for e in store.audit_log(AuditQuery(limit=10_000))]


def test_file_with_the_old_audit_table_keeps_every_entry(tmp_path):
    path = tmp_path / "store.sqlite"
    store = EmbeddedStore(path)
    import_bundle(store, small(), today=TODAY, actor="importer")
    entities.patch(store, "contacts", "c-li", {"title": "Chief"}, "alice")
    entities.delete(store, "organizations", "o-old", "bob", cascade=True)
    expected = _everything(store)
    store.close()

    # Rewrite the file's audit as the older single table held it.
    db = sqlite3.connect(path, isolation_level=None)
    rows = db.execute(
        "SELECT e.change || '-' || e.seq, e.change, e.seq, c.at, c.actor, c.operation, e.kind, e.entity,"
        " e.before, e.after FROM audit_entries e JOIN audit_changes c USING (change)"
    ).fetchall()
    db.executescript("DROP TABLE audit_entries; DROP TABLE audit_changes;" + OLD_AUDIT)
    db.executemany("INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.close()

    reopened = EmbeddedStore(path)
    assert _everything(reopened) == expected
    assert [e.operation for e in reopened.audit_log(AuditQuery(actor="bob"))] == ["delete", "delete"]
    tables = {name for (name,) in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "audit" not in tables
    entities.patch(reopened, "contacts", "c-li", {"title": "Chief of staff"}, "carol")  # writes go on
    assert len(_everything(reopened)) == len(expected) + 1
