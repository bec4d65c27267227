"""Embedded store: a networkx graph in memory, persisted to SQLite.

The zero-setup default. Rows are kept as JSON in one SQLite table (WAL journal, one
transaction per write call, so a killed import leaves the file as before or complete) and
mirrored into a ``MultiDiGraph`` with the same labels and relationship types as the Neo4j
schema, so traversals ask the graph rather than scan tables.

The rows in memory are updated with every write; the graph mirror on first use after one
(``graph``). Most bulk work never traverses it (a CLI import, the portfolio scan and the
path directory read rows), and on 374k imported rows building it costs about as much as
writing them to SQLite.

Several processes may share one file (servers, the CLI). Every write bumps a counter row
and logs the ids it touched (``sync_state``, ``sync_log``), in its own transaction. Before
each read (when SQLite's ``data_version`` says another connection committed) and inside
each write transaction, a process whose copy is behind re-reads just the rows the missed
writes touched (the whole file after a bulk import, or if the log no longer reaches back
that far), so it never reads, or checks a write against, an old copy.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import networkx as nx

from graphsvc.domain.audit import AUDIT_COLUMNS, AuditEntry, AuditQuery, Change
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.keys import KeyRecord
from graphsvc.domain.line_use import LineUses, add_uses
from graphsvc.domain.missing import no_such
from graphsvc.domain.model import (
    KINDS,
    Assignment,
    Contact,
    ContactPeriod,
    Interaction,
    Link,
    Project,
    Responsibility,
    Row,
    Stage,
)
from graphsvc.domain.stored import InvalidRow, parse_stored
from graphsvc.store.base import NotFound, StaleWrite, Store, StoreUnavailable
from graphsvc.support.i18n import _

#: kind -> node label; assignments and links are relationships, not nodes
LABELS = {
    "organizations": "Organization",
    "contacts": "Contact",
    "contact_history": "ContactPeriod",
    "projects": "Project",
    "stages": "Stage",
    "responsibilities": "Responsibility",
    "interactions": "Interaction",
}
LINK_TYPES = {"communicates": "COMMUNICATES_WITH", "reports_to": "REPORTS_TO", "backup_for": "BACKUP_FOR"}

#: writes whose touched ids stay in ``sync_log``; a process further behind reloads the file
SYNC_LOG_KEEP = 1000
#: how long a write waits for another process's write (a large import) to finish, instead
#: of failing at once with "database is locked" (SQLite's default: 5 s)
BUSY_TIMEOUT_SECONDS = 120.0

Node = tuple[str, str]
Edge = tuple[Node, Node, tuple[str, str]]

#: edge type -> (kind of the row holding the reference, which end of the edge it is);
#: "edge" means the edge itself is the row (assignments and links)
REFERRING_END: dict[str, tuple[str, Literal[0, 1, "edge"]]] = {
    "WORKS_FOR": ("contacts", 0),
    "PERIOD_AT": ("contact_history", 0),
    "PARTICIPATES_IN": ("projects", 1),
    "HAS_PERIOD": ("contact_history", 1),
    "PARTICIPATED_IN": ("interactions", 1),
    "ABOUT": ("interactions", 0),
    "HAS_STAGE": ("stages", 1),
    "REQUIRES": ("responsibilities", 1),
    "ASSIGNED": ("assignments", "edge"),
    **dict.fromkeys(LINK_TYPES.values(), ("links", "edge")),
}


def edges_of(kind: str, row: Row) -> Iterator[Edge]:
    """The typed edges a row contributes, as in the Neo4j schema (NEXT is derived apart)."""
    if isinstance(row, Contact) and row.org:
        yield ("Contact", row.id), ("Organization", row.org), ("WORKS_FOR", "")
    elif isinstance(row, ContactPeriod):
        yield ("Contact", row.contact), ("ContactPeriod", row.id), ("HAS_PERIOD", "")
        if row.org:
            yield ("ContactPeriod", row.id), ("Organization", row.org), ("PERIOD_AT", "")
    elif isinstance(row, Project):
        for i, part in enumerate(row.organizations):
            yield ("Organization", part.org), ("Project", row.id), ("PARTICIPATES_IN", str(i))
    elif isinstance(row, Stage):
        yield ("Project", row.project), ("Stage", row.id), ("HAS_STAGE", "")
    elif isinstance(row, Responsibility):
        yield ("Stage", row.stage), ("Responsibility", row.id), ("REQUIRES", "")
    elif isinstance(row, Assignment):
        yield ("Contact", row.contact), ("Responsibility", row.responsibility), ("ASSIGNED", row.id)
    elif isinstance(row, Link):
        yield ("Contact", row.source), ("Contact", row.target), (LINK_TYPES[row.kind], row.id)
    elif isinstance(row, Interaction):
        for contact in row.participants:
            yield ("Contact", contact), ("Interaction", row.id), ("PARTICIPATED_IN", "")
        if row.project:
            yield ("Interaction", row.id), ("Project", row.project), ("ABOUT", "")


class EmbeddedStore(Store):
    name = "embedded"

    def __init__(self, path: Path | str | None = None):
        """``path`` None keeps everything in memory (tests); otherwise a SQLite file."""
        self.path = Path(path) if path is not None else None
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(self.path) if self.path else ":memory:",
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_SECONDS,
            )
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(
                _("cannot open embedded store at {path}: {error}").format(path=self.path, error=exc)
            ) from exc
        self._lock = threading.RLock()
        self._version = 0
        #: the shared write counter (``sync_state``) the rows in memory reflect
        self._synced = 0
        #: SQLite's data_version when this connection last caught up (see ``_sync``)
        self._data_version = -1
        self._graph: nx.MultiDiGraph[Node] = nx.MultiDiGraph()
        #: writes not yet mirrored into the graph, oldest first (see ``graph``)
        self._pending: list[tuple[str, list[Any]]] = []
        self._changed()
        self.init_schema()
        self._load()

    # -- schema and lifecycle -------------------------------------------------------------

    def init_schema(self) -> None:
        self._db.executescript(
            "CREATE TABLE IF NOT EXISTS rows ("
            " kind TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL,"
            " PRIMARY KEY (kind, id)) WITHOUT ROWID;"
            # The audit trail in two tables: what is common to a change (when, who, what
            # operation) once per change, and one small row per changed entity. An import
            # writes one entry per row, so per-entry bytes and indexes are what it pays for.
            "CREATE TABLE IF NOT EXISTS audit_changes ("
            " change TEXT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, operation TEXT NOT NULL);"
            "CREATE INDEX IF NOT EXISTS audit_changes_at ON audit_changes (at);"
            "CREATE INDEX IF NOT EXISTS audit_changes_actor ON audit_changes (actor);"
            "CREATE TABLE IF NOT EXISTS audit_entries ("
            " change TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, entity TEXT NOT NULL,"
            " before TEXT, after TEXT);"
            "CREATE INDEX IF NOT EXISTS audit_entries_change ON audit_entries (change, seq);"
            "CREATE INDEX IF NOT EXISTS audit_entries_entity ON audit_entries (kind, entity);"
            "CREATE TABLE IF NOT EXISTS api_keys (id TEXT PRIMARY KEY, data TEXT NOT NULL);"
            "CREATE TABLE IF NOT EXISTS server_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);"
            # Shared by the processes using this file: a counter bumped by every write, and
            # the ids (JSON: kind -> [id]) each of the last SYNC_LOG_KEEP writes touched.
            "CREATE TABLE IF NOT EXISTS sync_state (one INTEGER PRIMARY KEY CHECK (one = 1), version INTEGER NOT NULL);"
            "INSERT OR IGNORE INTO sync_state (one, version) VALUES (1, 0);"
            "CREATE TABLE IF NOT EXISTS sync_log (version INTEGER PRIMARY KEY, touched TEXT NOT NULL);"
        )
        self._migrate_audit()

    def _migrate_audit(self) -> None:
        """Files written before 2026-11-23 keep the audit in one wide table: move it into
        the two tables, in one transaction (a crash leaves it where it was)."""
        if not self._db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").fetchone():
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                "INSERT OR IGNORE INTO audit_changes (change, at, actor, operation)"
                " SELECT change, min(at), min(actor), min(operation) FROM audit GROUP BY change"
            )
            self._db.execute(
                "INSERT INTO audit_entries (change, seq, kind, entity, before, after)"
                " SELECT change, seq, kind, entity, before, after FROM audit ORDER BY at, change, seq"
            )
            self._db.execute("DROP TABLE audit")
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def ping(self) -> None:
        try:
            self._db.execute("SELECT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(
                _("embedded store at {path} does not answer: {error}").format(path=self.path, error=exc)
            ) from exc

    def close(self) -> None:
        self._db.close()

    def _load(self) -> None:
        """Every row into memory, with the write counter they reflect (one read snapshot)."""
        with self._lock, self._transaction("BEGIN"):
            self._load_rows()

    def _load_rows(self) -> None:
        """The whole file into memory; inside a transaction."""
        self._rows: dict[str, dict[str, Row]] = {kind: {} for kind in KINDS}
        #: the interaction log's line uses, kept up to date by every write (_apply, _remove)
        self._uses: LineUses = {}
        self._graph = nx.MultiDiGraph()
        self._pending = []
        self._synced = self._stored_version()
        #: stored rows today's model refuses: kept in the file, not served (see domain/stored.py)
        self._invalid: dict[tuple[str, str], InvalidRow] = {}
        loaded = defaultdict(list)
        for kind, row_id, data in self._db.execute("SELECT kind, id, data FROM rows"):
            parsed = parse_stored(kind, row_id, data)
            if isinstance(parsed, InvalidRow):
                self._invalid[kind, row_id] = parsed
            else:
                loaded[kind].append(parsed)
        self._apply(Bundle(**loaded))

    # -- seeing other processes' writes ---------------------------------------------------

    @contextmanager
    def _transaction(self, begin: str) -> Iterator[None]:
        """``begin`` ... COMMIT, rolled back on any error; the caller holds ``_lock``."""
        self._db.execute(begin)
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _stored_version(self) -> int:
        version: int = self._db.execute("SELECT version FROM sync_state").fetchone()[0]
        return version

    def _sync(self) -> None:
        """Before a read: catch up if another connection committed since we last looked.
        (``PRAGMA data_version`` is a shared-memory lookup, far cheaper than a query.)"""
        if self.path is None:
            return  # a private in-memory database has no other writers
        with self._lock:
            seen = self._db.execute("PRAGMA data_version").fetchone()[0]
            if seen == self._data_version:
                return
            with self._transaction("BEGIN"):
                self._catch_up()
            self._data_version = seen

    def _catch_up(self) -> None:
        """Bring the rows in memory to the committed state, re-reading only the rows the
        writes made since ``_synced`` touched; inside a transaction, holding ``_lock``."""
        version = self._stored_version()
        if version == self._synced:
            return
        logged = self._db.execute(
            "SELECT touched FROM sync_log WHERE version > ? ORDER BY version", (self._synced,)
        ).fetchall()
        if len(logged) != version - self._synced:  # pruned from the log, or cleared
            self._load_rows()
            self._changed()
            return
        touched: dict[str, set[str]] = defaultdict(set)
        for (text,) in logged:
            for kind, ids in json.loads(text).items():
                touched[kind].update(ids)
        if sum(map(len, touched.values())) > sum(map(len, self._rows.values())) // 2:
            # a bulk import elsewhere: one scan of the table beats looking each row up
            # (37k rows: 1.7 s against 2.0 s)
            self._load_rows()
            self._changed()
            return
        upserts: dict[str, list[Row]] = defaultdict(list)
        deletes: dict[str, set[str]] = {}
        for kind, ids in touched.items():
            found: dict[str, str] = {}
            wanted = sorted(ids)
            for start in range(0, len(wanted), 500):  # under SQLite's bound-parameter limit
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                found.update(
                    self._db.execute(f"SELECT id, data FROM rows WHERE kind = ? AND id IN ({marks})", (kind, *chunk))
                )
            for row_id in ids:
                self._invalid.pop((kind, row_id), None)
            valid: dict[str, Row] = {}
            for row_id, data in found.items():
                parsed = parse_stored(kind, row_id, data)
                if isinstance(parsed, InvalidRow):
                    self._invalid[kind, row_id] = parsed
                else:
                    valid[row_id] = parsed
            upserts[kind] = list(valid.values())
            deletes[kind] = ids - valid.keys()
        self._apply(Bundle(**upserts))
        self._remove(deletes)
        self._synced = version
        self._changed()

    # -- writes ---------------------------------------------------------------------------

    def apply(self, change: Change) -> None:
        bundle = change.upserts
        payload = []
        texts: dict[int, str] = {}  # id() of each row written -> its JSON (the rows live until we return)
        for kind, model in KINDS.items():
            to_json = model.__pydantic_serializer__.to_json  # = model_dump_json, minus a wrapper per row
            for row in bundle.rows(kind):
                text = to_json(row).decode()
                payload.append((kind, row.id, text))
                texts[id(row)] = text
        deleted = [(kind, row_id) for kind, ids in change.deletes.items() for row_id in ids]
        # One row per change (record() gives all entries of a change the same time, actor and
        # operation), one per entry; an audited row written here shares its JSON with its entry.
        changes = {e.change: (e.change, e.at, e.actor, e.operation) for e in change.audit}
        entries = [
            (e.change, e.seq, e.kind, e.entity, e.before, texts.get(id(e.after)) or _json(e.after))
            for e in change.audit
        ]
        touched: dict[str, list[str]] = defaultdict(list)
        for kind, row_id, _payload in payload:
            touched[kind].append(row_id)
        for kind, row_id in deleted:
            touched[kind].append(row_id)
        touched_json = json.dumps(touched, separators=(",", ":"))
        with self._lock:
            # BEGIN IMMEDIATE takes the file's write lock: from here to COMMIT no other
            # process writes, so what we catch up to is what the guard must check against.
            self._db.execute("BEGIN IMMEDIATE")
            try:
                if self.path is not None:
                    seen = self._db.execute("PRAGMA data_version").fetchone()[0]
                    self._catch_up()
                    self._data_version = seen
                self._check_not_invalid(change)
                self._check_expected(change)
                self._db.executemany(
                    "INSERT INTO rows (kind, id, data) VALUES (?, ?, ?)"
                    " ON CONFLICT (kind, id) DO UPDATE SET data = excluded.data",
                    payload,
                )
                self._db.executemany("DELETE FROM rows WHERE kind = ? AND id = ?", deleted)
                self._db.executemany(
                    "INSERT INTO audit_changes (change, at, actor, operation) VALUES (?, ?, ?, ?)",
                    changes.values(),
                )
                self._db.executemany(
                    "INSERT INTO audit_entries (change, seq, kind, entity, before, after) VALUES (?, ?, ?, ?, ?, ?)",
                    entries,
                )
                version = self._synced + 1
                self._db.execute("UPDATE sync_state SET version = ?", (version,))
                self._db.execute("INSERT INTO sync_log (version, touched) VALUES (?, ?)", (version, touched_json))
                self._db.execute("DELETE FROM sync_log WHERE version <= ?", (version - SYNC_LOG_KEEP,))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._synced = version
            self._apply(bundle)
            self._remove(change.deletes)
            self._changed()

    def _check_expected(self, change: Change) -> None:
        """Every audited row must still be as its entry's ``before`` says, guarded or not:
        here the check is in memory and cheap, so an unguarded import computed before
        another process's write is recomputed too (on Neo4j only its created rows are
        checked, see Store.apply)."""
        for kind, expected in change.expected().items():
            rows = self._rows[kind]
            for row_id, before in expected.items():
                stored = rows.get(row_id)
                if stored is None and before is None:
                    continue
                if stored is None or before is None or stored.model_dump_json() != before:
                    raise StaleWrite(f"{kind} {row_id!r} changed while this write was prepared")

    def _check_not_invalid(self, change: Change) -> None:
        """A stored row the model refuses is kept as stored: no write replaces or deletes it
        (the Neo4j store's id constraints refuse to create its id again the same way)."""
        if not self._invalid:
            return
        written = {(kind, row.id) for kind in KINDS for row in change.upserts.rows(kind)}
        written |= {(kind, row_id) for kind, ids in change.deletes.items() for row_id in ids}
        kept = sorted(written & self._invalid.keys())
        if kept:
            raise StaleWrite(f"{kept[0][0]} {kept[0][1]!r} is stored but invalid (see graphsvc db check)")

    def clear(self) -> None:
        with self._lock:
            with self._transaction("BEGIN IMMEDIATE"):
                self._db.execute("DELETE FROM rows")
                self._db.execute("DELETE FROM audit_entries")
                self._db.execute("DELETE FROM audit_changes")
                self._db.execute("DELETE FROM api_keys")
                self._db.execute("DELETE FROM server_secrets")
                # emptied log: other processes see a gap and reload
                self._db.execute("DELETE FROM sync_log")
                self._db.execute("UPDATE sync_state SET version = version + 1")
                self._load_rows()
            self._changed()

    def _apply(self, bundle: Bundle) -> None:
        """Committed rows into memory now; into the graph on its next use."""
        upserted = []
        for kind in KINDS:
            rows = self._rows[kind]
            for row in bundle.rows(kind):
                old = rows.get(row.id)
                upserted.append((kind, old, row))
                rows[row.id] = row
                if isinstance(row, Interaction):
                    if isinstance(old, Interaction):
                        add_uses(self._uses, old, -1)
                    add_uses(self._uses, row)
        if upserted:
            self._pending.append(("upsert", upserted))

    def _changed(self) -> None:
        """After every write: a new version for caches, and derived lists dropped."""
        self._version += 1
        self._sorted: dict[str, list[Row]] = {}
        self._scopes: dict[str, dict[str, set[str]]] = {}

    def _remove(self, deletes: dict[str, set[str]]) -> None:
        """Deleted rows out of memory now; out of the graph on its next use."""
        removed = []
        for kind, ids in deletes.items():
            rows = self._rows[kind]
            for row_id in ids:
                old = rows.pop(row_id, None)
                if old is not None:
                    removed.append((kind, old))
                if isinstance(old, Interaction):
                    add_uses(self._uses, old, -1)
        if removed:
            self._pending.append(("delete", removed))

    # -- the graph mirror -----------------------------------------------------------------

    @property
    def graph(self) -> nx.MultiDiGraph[Node]:
        """The rows as a typed graph, brought up to date with every write made since it was
        last used (in the order they were made)."""
        with self._lock:
            pending, self._pending = self._pending, []
            for operation, items in pending:
                if operation == "upsert":
                    self._mirror_upserts(items)
                else:
                    self._mirror_deletes(items)
            return self._graph

    def _mirror_upserts(self, upserted: list[tuple[str, Row | None, Row]]) -> None:
        """Nodes and edges of written rows (in bulk: imports are large); a replaced row's
        old edges go first."""
        graph = self._graph
        touched_projects: set[str] = set()
        stale_edges: list[Edge] = []
        nodes: list[tuple[Node, dict[str, Row]]] = []
        edges: list[Edge] = []
        for kind, old, row in upserted:
            if old is not None:
                stale_edges.extend(edges_of(kind, old))
                if isinstance(old, Stage):
                    touched_projects.add(old.project)
            label = LABELS.get(kind)
            if label:
                nodes.append(((label, row.id), {"row": row}))
            edges.extend(edges_of(kind, row))
            if isinstance(row, Stage):
                touched_projects.add(row.project)
        # the stubs know (u, v) and (u, v, data) only; a multigraph takes (u, v, key) too
        graph.remove_edges_from(stale_edges)  # type: ignore[arg-type]
        graph.add_nodes_from(nodes)
        graph.add_edges_from((u, v, key, {}) for u, v, key in edges)  # type: ignore[misc]
        for project in touched_projects:
            self._link_stages(project)

    def _mirror_deletes(self, removed: list[tuple[str, Row]]) -> None:
        """A deleted node takes its edges with it; a deleted assignment or link is an edge."""
        touched_projects: set[str] = set()
        for kind, old in removed:
            label = LABELS.get(kind)
            if label:
                self._graph.remove_node((label, old.id))
            else:
                self._graph.remove_edges_from(list(edges_of(kind, old)))  # type: ignore[arg-type]  # keyed, as above
            if isinstance(old, Stage):
                touched_projects.add(old.project)
        for project in touched_projects:
            self._link_stages(project)

    def _link_stages(self, project: str) -> None:
        """Derive NEXT between consecutive stages of a project, as the Neo4j store does."""
        graph = self._graph
        stages = sorted(_stages_in(graph, project), key=lambda s: s.order)
        for stage in stages:
            node = ("Stage", stage.id)
            graph.remove_edges_from([(node, v, k) for _, v, k in graph.out_edges(node, keys=True) if k[0] == "NEXT"])
        for a, b in zip(stages, stages[1:]):
            graph.add_edge(("Stage", a.id), ("Stage", b.id), key=("NEXT", ""))

    # -- reads ----------------------------------------------------------------------------

    def read(self, kind: str, ids: Iterable[str] | None = None) -> list[Row]:
        self._sync()
        with self._lock:
            rows = self._rows[kind]
            if ids is None:
                # Whole kinds are read often (lists, portfolio) and change rarely: keep them
                # sorted until the next write.
                cached = self._sorted.get(kind)
                if cached is None:
                    cached = self._sorted[kind] = sorted(rows.values(), key=lambda row: row.id)
                return list(cached)
            found = [rows[i] for i in set(ids) if i in rows]
        return sorted(found, key=lambda row: row.id)

    def data_version(self) -> int:
        self._sync()
        return self._version

    def line_uses(self) -> LineUses:
        """A copy of the line uses kept in memory (updated by every write, not recounted)."""
        self._sync()
        with self._lock:
            return {pair: dict(by_day) for pair, by_day in self._uses.items()}

    def self_check(self) -> list[str]:
        """The memory mirror must equal the file: reload the rows and compare."""
        with self._lock:
            problems = []
            on_disk: dict[str, dict[str, str]] = defaultdict(dict)
            with self._transaction("BEGIN"):  # the rows other processes wrote, then the same snapshot
                self._catch_up()
                for kind, row_id, data in self._db.execute("SELECT kind, id, data FROM rows"):
                    on_disk[kind][row_id] = data
            for kind in KINDS:
                memory = {row_id: row.model_dump_json() for row_id, row in self._rows[kind].items()}
                parsed = {row_id: parse_stored(kind, row_id, data) for row_id, data in on_disk[kind].items()}
                disk = {row_id: row.model_dump_json() for row_id, row in parsed.items() if isinstance(row, Row)}
                if memory != disk:
                    differ = sorted(
                        set(memory) ^ set(disk) | {i for i in memory.keys() & disk.keys() if memory[i] != disk[i]}
                    )
                    problems.append(f"{kind}: memory and file differ for {', '.join(differ[:5])}")
            expected = {
                (u, v, k) for kind in KINDS for row in self._rows[kind].values() for u, v, k in edges_of(kind, row)
            }
            actual = {(u, v, k) for u, v, k in self.graph.edges(keys=True) if k[0] != "NEXT"}
            if expected != actual:
                problems.append(f"graph: {len(expected - actual)} edge(s) missing, {len(actual - expected)} stale")
            return problems + self.line_uses_check()

    def referrers(self, kind: str, ids: set[str]) -> dict[str, set[str]]:
        self._sync()
        found: dict[str, set[str]] = defaultdict(set)
        label = LABELS.get(kind)
        if label is None:
            return {}
        with self._lock:
            for row_id in ids:
                node = (label, row_id)
                if node not in self.graph:
                    continue
                edges = list(self.graph.out_edges(node, keys=True)) + list(self.graph.in_edges(node, keys=True))
                for u, v, (edge_type, edge_id) in edges:
                    holder = REFERRING_END.get(edge_type)
                    if holder is None:
                        continue
                    referring_kind, end = holder
                    if end == "edge":
                        found[referring_kind].add(edge_id)
                    elif (u, v)[end] != node:
                        found[referring_kind].add((u, v)[end][1])
        return dict(found)

    def audit_log(self, query: AuditQuery) -> list[AuditEntry]:
        where, args = self._audit_filter(query)
        sql = (
            "SELECT e.change || '-' || e.seq, e.change, e.seq, c.at, c.actor, c.operation,"
            " e.kind, e.entity, e.before, e.after"
            " FROM audit_entries e JOIN audit_changes c ON c.change = e.change" + where
        )
        sql += " ORDER BY c.at, e.change, e.seq LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, query.limit, query.offset]).fetchall()
        return [AuditEntry.from_stored(dict(zip(AUDIT_COLUMNS, row))) for row in rows]

    def audit_count(self, query: AuditQuery) -> int:
        where, args = self._audit_filter(query)
        sql = "SELECT count(*) FROM audit_entries e JOIN audit_changes c ON c.change = e.change" + where
        with self._lock:
            total: int = self._db.execute(sql, args).fetchone()[0]
        return total

    @staticmethod
    def _audit_filter(query: AuditQuery) -> tuple[str, list[object]]:
        """The WHERE clause (fixed text, values as parameters) of an audit query."""
        where: list[str] = []
        args: list[object] = []
        filters = (
            ("e.kind", query.kind),
            ("e.entity", query.entity),
            ("c.actor", query.actor),
            ("e.change", query.change),
        )
        for column, value in filters:
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        if query.since is not None:
            where.append("c.at >= ?")
            args.append(query.since_text())
        return (" WHERE " + " AND ".join(where) if where else ""), args

    def save_key(self, key: KeyRecord) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO api_keys (id, data) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET data = excluded.data",
                (key.id, key.model_dump_json()),
            )

    def delete_key(self, key_id: str) -> bool:
        with self._lock:
            return self._db.execute("DELETE FROM api_keys WHERE id = ?", (key_id,)).rowcount > 0

    def keys(self) -> list[KeyRecord]:
        with self._lock:
            rows = self._db.execute("SELECT data FROM api_keys ORDER BY id").fetchall()
        return [KeyRecord.model_validate_json(data) for (data,) in rows]

    def server_secret(self, name: str, renew: bool = False) -> str:
        value = secrets.token_hex(32)
        verb = "INSERT OR REPLACE" if renew else "INSERT OR IGNORE"
        with self._lock:
            self._db.execute(f"{verb} INTO server_secrets (name, value) VALUES (?, ?)", (name, value))
            stored: str = self._db.execute("SELECT value FROM server_secrets WHERE name = ?", (name,)).fetchone()[0]
        return stored

    def counts(self) -> dict[str, int]:
        """Stored rows, the invalid ones included (they are stored)."""
        self._sync()
        with self._lock:
            counts = {kind: len(rows) for kind, rows in self._rows.items()}
            for kind, _ in self._invalid:
                if kind in counts:
                    counts[kind] += 1
            return counts

    def existing_ids(self, kind: str, ids: set[str]) -> set[str]:
        """The ids stored, an invalid row's included: its id is taken."""
        self._sync()
        with self._lock:
            rows = self._rows[kind]
            return {i for i in ids if i in rows or (kind, i) in self._invalid}

    def invalid_rows(self) -> list[InvalidRow]:
        self._sync()
        with self._lock:
            return [self._invalid[key] for key in sorted(self._invalid)]

    def _out(self, node: Node, *types: str) -> list[tuple[Node, str]]:
        """(neighbour, edge id) over outgoing edges of the given types."""
        if node not in self.graph:
            return []
        return [(v, key[1]) for _, v, key in self.graph.out_edges(node, keys=True) if key[0] in types]

    def _in(self, node: Node, *types: str) -> list[tuple[Node, str]]:
        if node not in self.graph:
            return []
        return [(u, key[1]) for u, _, key in self.graph.in_edges(node, keys=True) if key[0] in types]

    def project_scope(self, project_id: str) -> dict[str, set[str]]:
        self._sync()
        with self._lock:
            cached = self._scopes.get(project_id)
            if cached is None:
                cached = self._scopes[project_id] = self._project_scope(project_id)
            return {kind: set(ids) for kind, ids in cached.items()}

    def _project_scope(self, project_id: str) -> dict[str, set[str]]:
        with self._lock:
            project = ("Project", project_id)
            if project_id not in self._rows["projects"]:
                raise NotFound(no_such("projects", project_id))
            stages = [v for v, _ in self._out(project, "HAS_STAGE")]
            duties = [v for stage in stages for v, _ in self._out(stage, "REQUIRES")]
            assigned = [(u, aid) for duty in duties for u, aid in self._in(duty, "ASSIGNED")]
            engaged = {u for u, _ in self._in(project, "PARTICIPATES_IN")}
            people = {u for u, _ in assigned}
            for org in engaged:
                people.update(u for u, _ in self._in(org, "WORKS_FOR"))
                for period, _ in self._in(org, "PERIOD_AT"):
                    people.update(u for u, _ in self._in(period, "HAS_PERIOD"))
            periods = {v for c in people for v, _ in self._out(c, "HAS_PERIOD")}
            link_types = tuple(LINK_TYPES.values())
            links = {lid for c in people for v, lid in self._out(c, *link_types) if v in people}
            interactions = {v for c in people for v, _ in self._out(c, "PARTICIPATED_IN")}
            interactions.update(u for u, _ in self._in(project, "ABOUT"))
            employers = {v for c in people for v, _ in self._out(c, "WORKS_FOR")}
            employers.update(v for p in periods for v, _ in self._out(p, "PERIOD_AT"))
            return {
                "projects": {project_id},
                "stages": {s[1] for s in stages},
                "responsibilities": {d[1] for d in duties},
                "assignments": {aid for _, aid in assigned},
                "organizations": {o[1] for o in engaged | employers},
                "contacts": {c[1] for c in people},
                "contact_history": {p[1] for p in periods},
                "links": links,
                "interactions": {i[1] for i in interactions},
            }

    def stages_of(self, project: str) -> list[Stage]:
        self._sync()
        return _stages_in(self.graph, project)


def _json(row: Row | None) -> str | None:
    return None if row is None else row.model_dump_json()


def _stages_in(graph: nx.MultiDiGraph[Node], project: str) -> list[Stage]:
    node = ("Project", project)
    if node not in graph:
        return []
    return [graph.nodes[v]["row"] for _, v, key in graph.out_edges(node, keys=True) if key[0] == "HAS_STAGE"]
