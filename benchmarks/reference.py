"""Reference writers: the same rows by the most direct path each engine offers.

They are the yardstick for the stores' bulk import, measured in the same run on the same
data. Everything that can be prepared before the clock starts is prepared (JSON text for
SQLite, parameter maps for Neo4j); only the engine's own work is timed.

* SQLite: ``executemany`` of ``(kind, id, json.dumps(raw_row))`` into the embedded store's
  table shape (``rows(kind, id, data)`` WITHOUT ROWID, WAL, synchronous=NORMAL), one
  ``BEGIN IMMEDIATE`` ... ``COMMIT``. The JSON is the raw bundle dict serialised with the
  standard library, no pydantic.
* Neo4j: batched ``UNWIND $rows ... CREATE`` through the official driver in one managed
  transaction, onto an empty database carrying the store's constraints. Nodes are CREATEd by
  label (with their one parent relationship in the same statement where they have one);
  relationships MATCH their endpoints on the unique-constraint indexes and CREATE. The
  property maps are the ones the store writes (the pydantic rows dumped, references apart,
  nulls dropped, dates as dates), so the graph is the same graph: ``verify_reference`` reads
  it back through the store and compares.

Since issue #5 every import also writes one audit entry per row it creates, in the same
transaction. The "with audit" variants write those entries too, by the same direct path
(``executemany`` into the store's audit tables with their indexes; ``UNWIND ... CREATE`` of
the store's ``AuditBatch`` nodes, built before the clock starts, under its indexes), with the same values an
import writes (entry ids, change id, time, actor, operation, kind, entity, the row's JSON
as ``after``), so that the store's overhead can also be read against the same work.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphsvc.domain.audit import AUDIT_COLUMNS, record
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.model import KINDS, Row
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.store.neo4j_audit import audit_batches

# -- SQLite ----------------------------------------------------------------------------------


def sqlite_payload(raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, id, json) for every row of a raw bundle, in the store's kind order."""
    return [(kind, row["id"], json.dumps(row)) for kind in KINDS for row in raw.get(kind, [])]


def audit_entries(bundle: Bundle) -> list[dict[str, Any]]:
    """The entries an import of ``bundle`` into an empty store writes (one per row), as the
    flat dicts both stores keep; serialised before any clock starts."""
    entries = record("cli", "import", [(kind, None, row) for kind in KINDS for row in bundle.rows(kind)])
    return [dict(zip(AUDIT_COLUMNS, entry.stored())) for entry in entries]


def sqlite_reference(
    path: Path, payload: list[tuple[str, str, str]], audit: list[dict[str, Any]] | None = None
) -> tuple[Callable[[], None], Callable[[], None]]:
    """Open an empty database at ``path`` as the store does (with ``audit``: the store's own
    tables and indexes, and the entries written too).

    Returns (write, finish): ``write`` is the timed part, ``finish`` checks the row count
    and closes the connection.
    """
    if audit is not None:
        EmbeddedStore(path).close()  # the store's schema, audit indexes included
    db = sqlite3.connect(str(path), isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(
        "CREATE TABLE IF NOT EXISTS rows ("
        " kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,"
        " PRIMARY KEY (kind, id)) WITHOUT ROWID"
    )
    # the store's two audit tables: one row per change, one per entry
    changes = sorted({(e["change"], e["at"], e["actor"], e["operation"]) for e in audit or ()})
    entries = [(e["change"], e["seq"], e["kind"], e["entity"], e["before"], e["after"]) for e in audit or ()]

    def write() -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.executemany("INSERT INTO rows (kind, id, data) VALUES (?, ?, ?)", payload)
            if entries:
                db.executemany("INSERT INTO audit_changes (change, at, actor, operation) VALUES (?, ?, ?, ?)", changes)
                db.executemany(
                    "INSERT INTO audit_entries (change, seq, kind, entity, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                    entries,
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def finish() -> None:
        try:
            (count,) = db.execute("SELECT count(*) FROM rows").fetchone()
            if count != len(payload):
                raise AssertionError(f"sqlite reference wrote {count} rows, expected {len(payload)}")
        finally:
            db.close()

    return write, finish


# -- Neo4j -----------------------------------------------------------------------------------

BATCH = 5000  # the same batch size as graphsvc.store.neo4j_store.BATCH at the time of writing

STATEMENTS = {
    "organizations": """
        UNWIND $rows AS row
        CREATE (n:Organization) SET n = row.props""",
    "contacts": """
        UNWIND $rows AS row
        CREATE (n:Contact) SET n = row.props
        WITH n, row WHERE row.org IS NOT NULL
        MATCH (o:Organization {id: row.org})
        CREATE (n)-[:WORKS_FOR]->(o)""",
    "contact_history": """
        UNWIND $rows AS row
        MATCH (c:Contact {id: row.contact})
        CREATE (c)-[:HAS_PERIOD]->(n:ContactPeriod) SET n = row.props
        WITH n, row WHERE row.org IS NOT NULL
        MATCH (o:Organization {id: row.org})
        CREATE (n)-[:PERIOD_AT]->(o)""",
    "projects": """
        UNWIND $rows AS row
        CREATE (n:Project) SET n = row.props
        WITH n, row
        UNWIND row.organizations AS part
        MATCH (o:Organization {id: part.org})
        CREATE (o)-[r:PARTICIPATES_IN]->(n) SET r = part.props""",
    "stages": """
        UNWIND $rows AS row
        MATCH (p:Project {id: row.project})
        CREATE (p)-[:HAS_STAGE]->(n:Stage) SET n = row.props""",
    "next": """
        UNWIND $rows AS row
        MATCH (a:Stage {id: row.a})
        MATCH (b:Stage {id: row.b})
        CREATE (a)-[:NEXT]->(b)""",
    "responsibilities": """
        UNWIND $rows AS row
        MATCH (s:Stage {id: row.stage})
        CREATE (s)-[:REQUIRES]->(n:Responsibility) SET n = row.props""",
    "assignments": """
        UNWIND $rows AS row
        MATCH (c:Contact {id: row.contact})
        MATCH (r:Responsibility {id: row.responsibility})
        CREATE (c)-[a:ASSIGNED]->(r) SET a = row.props""",
    "interactions": """
        UNWIND $rows AS row
        CREATE (n:Interaction) SET n = row.props
        WITH n, row
        CALL (n, row) {
          UNWIND row.participants AS cid
          MATCH (c:Contact {id: cid})
          CREATE (c)-[:PARTICIPATED_IN]->(n)
        }
        WITH n, row WHERE row.project IS NOT NULL
        MATCH (p:Project {id: row.project})
        CREATE (n)-[:ABOUT]->(p)""",
}
STATEMENTS["audit"] = """
        UNWIND $rows AS row
        CREATE (b:AuditBatch) SET b = row"""
LINK_TYPES = {"communicates": "COMMUNICATES_WITH", "reports_to": "REPORTS_TO", "backup_for": "BACKUP_FOR"}
for _kind, _type in LINK_TYPES.items():
    STATEMENTS[f"links_{_kind}"] = f"""
        UNWIND $rows AS row
        MATCH (a:Contact {{id: row.source}})
        MATCH (b:Contact {{id: row.target}})
        CREATE (a)-[r:{_type}]->(b) SET r = row.props"""


def _props(row: Row | dict[str, Any], drop: tuple[str, ...] = ()) -> dict[str, Any]:
    data = row.model_dump() if isinstance(row, Row) else dict(row)
    for field in drop:
        data.pop(field, None)
    return {k: v for k, v in data.items() if v is not None}


Plan = list[tuple[str, list[dict[str, Any]]]]


def neo4j_plan(bundle: Bundle, audit: list[dict[str, Any]] | None = None) -> Plan:
    """(statement name, parameter rows) in dependency order, prepared before timing; with
    ``audit``, the entries last (as the store writes them)."""
    plan: Plan = []
    for kind in KINDS:
        rows = bundle.rows(kind)
        if not rows:
            continue
        if kind == "links":
            by_kind: dict[str, list[dict[str, Any]]] = defaultdict(list)
            for link in rows:
                by_kind[link.kind].append(
                    {"source": link.source, "target": link.target, "props": _props(link, ("source", "target", "kind"))}
                )
            plan.extend((f"links_{k}", by_kind[k]) for k in LINK_TYPES if by_kind[k])
            continue
        refs = tuple(rows[0].references)
        params = []
        for row in rows:
            entry = {field: getattr(row, field) for field in refs}
            if kind == "projects":
                entry["organizations"] = [
                    {"org": part.org, "props": _props(part.model_dump(), ("org",))} for part in row.organizations
                ]
                entry["props"] = _props(row, ("organizations",))
            elif kind == "interactions":
                entry["participants"] = list(row.participants)
                entry["props"] = _props(row, ("participants", *refs))
            else:
                entry["props"] = _props(row, refs)
            params.append(entry)
        plan.append((kind, params))
        if kind == "stages":
            by_project: dict[str, list[Row]] = defaultdict(list)
            for stage in rows:
                by_project[stage.project].append(stage)
            pairs = []
            for stages in by_project.values():
                stages.sort(key=lambda s: s.order)
                pairs += [{"a": a.id, "b": b.id} for a, b in zip(stages, stages[1:])]
            if pairs:
                plan.append(("next", pairs))
    if audit:
        plan.append(("audit", audit_batches(audit)))
    return plan


def neo4j_reference(driver: Any, database: str, plan: Plan) -> Callable[[], None]:
    """The timed write: every statement of the plan, in batches, in one transaction."""

    def work(tx: Any) -> None:
        for name, rows in plan:
            text = STATEMENTS[name]
            for start in range(0, len(rows), BATCH):
                tx.run(text, rows=rows[start : start + BATCH]).consume()

    def run() -> None:
        with driver.session(database=database) as session:
            session.execute_write(work)

    return run


def verify_reference(store: Any, bundle: Bundle) -> None:
    """The reference graph reads back through the store as exactly the bundle."""
    from graphsvc.domain.bundle import canonical_dict

    got = canonical_dict(store.export())
    want = canonical_dict(bundle)
    if got != want:
        diff = [k for k in want if got.get(k) != want[k]]
        raise AssertionError(f"neo4j reference graph differs from the bundle in: {diff}")
