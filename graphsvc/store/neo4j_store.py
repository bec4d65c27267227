"""Neo4j store: the production store, through the official driver.

One driver per store object (one per process in the service), managed transactions, the
database always named, bulk writes as batched ``UNWIND`` of parameter rows. Every statement
is a named file in ``queries/``; a whole bundle is written in one transaction.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Collection, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import date
from typing import Any, cast

from neo4j import Driver, GraphDatabase, ManagedTransaction, Transaction
from neo4j.exceptions import AuthError, ConstraintError, DriverError, Neo4jError, ServiceUnavailable

from graphsvc.domain.audit import AuditEntry, AuditQuery, Change
from graphsvc.domain.keys import KeyRecord
from graphsvc.domain.line_use import LineUses, add_uses, line_uses, moved
from graphsvc.domain.missing import no_such
from graphsvc.domain.model import KINDS, Interaction, Link, Project, Row
from graphsvc.domain.stored import InvalidRow, parse_stored, split
from graphsvc.store import neo4j_audit
from graphsvc.store.base import (
    NotFound,
    PortfolioChecks,
    StaleWrite,
    Store,
    StoreUnavailable,
    TooLarge,
    neo4j_too_large,
    neo4j_unavailable,
)
from graphsvc.store.cypher import QueryBook
from graphsvc.store.neo4j_export import portfolio_read

BATCH = 5000
#: a transaction of ours (a write) or the driver's (managed reads and schema steps)
Tx = ManagedTransaction | Transaction
#: how long a write is retried after transient failures (the driver's default for managed ones)
WRITE_RETRY_SECONDS = 30.0
#: the server's answer to a transaction past its memory limit (dbms.memory.transaction.total.max,
#: db.memory.transaction.max); a TransientError the driver would retry
OUT_OF_TRANSACTION_MEMORY = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"

#: seconds a read of the data version is trusted (see Neo4jStore.data_version)
VERSION_TTL = 0.25

#: kinds other rows refer to, each with a referrers_<kind> query
REFERRER_QUERIES = {"organizations", "contacts", "projects", "stages", "responsibilities"}

#: kinds stored as nodes: kind -> upsert query
NODE_UPSERTS = {
    "organizations": "upsert_organizations",
    "contacts": "upsert_contacts",
    "contact_history": "upsert_contact_history",
    "projects": "upsert_projects",
    "stages": "upsert_stages",
    "responsibilities": "upsert_responsibilities",
    "interactions": "upsert_interactions",
}


def _native(value: Any) -> Any:
    """Driver values (neo4j.time types inside maps and lists) to plain Python."""
    if isinstance(value, dict):
        return {k: _native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_native(v) for v in value]
    if hasattr(value, "to_native"):
        return value.to_native()
    return value


def _params(row: Row) -> dict[str, Any]:
    """A row as query parameters: references apart, stored properties without nulls."""
    data = row.model_dump()
    params: dict[str, Any] = {field: data.pop(field) for field in row.references}
    if isinstance(row, Project):
        params["organizations"] = [
            {"org": part.pop("org"), "props": {k: v for k, v in part.items() if v is not None}}
            for part in data.pop("organizations")
        ]
    if isinstance(row, Interaction):
        params["participants"] = data.pop("participants")
    if isinstance(row, Link):
        params["kind"] = data.pop("kind")
    params["id"] = row.id
    params["props"] = {k: v for k, v in data.items() if v is not None}
    return params


def _write_steps(
    change: Change, new: dict[str, set[str]], stored: dict[str, int], moved_from: set[str]
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The statements writing ``change``, in order, each with its parameters (built as they
    are asked for, see one_ahead). ``new`` is ``change.created()``, ``stored`` counts the
    stored relationships of each kind, ``moved_from`` names the projects that stages are
    moved away from."""
    bundle = change.upserts
    # Rows the audit records as created are CREATEd, cheaper than MERGE. (A guarded
    # change has just checked they are absent; for an unguarded import the id
    # constraints refuse a row stored meanwhile, see apply.)
    for kind in KINDS:
        fresh = new.get(kind, set())
        created = [row for row in bundle.rows(kind) if row.id in fresh]
        rows = [row for row in bundle.rows(kind) if row.id not in fresh]
        if kind in NODE_UPSERTS:
            for batch in _param_batches(created):
                yield f"create_{kind}", {"rows": batch}
            for batch in _param_batches(rows):
                yield NODE_UPSERTS[kind], {"rows": batch}
        elif kind == "assignments":
            for batch in _param_batches(created):
                yield "create_assignments", {"rows": batch}
            for batch in _param_batches(rows):
                if stored["assignments"]:
                    yield "retire_assignments", {"rows": batch}
                yield "merge_assignments", {"rows": batch}
        elif kind == "links":
            for link_kind in ("communicates", "reports_to", "backup_for"):
                for batch in _param_batches([r for r in cast(list[Link], created) if r.kind == link_kind]):
                    yield f"create_links_{link_kind}", {"rows": batch}
            for batch in _param_batches(rows):
                if stored["links"]:
                    yield "retire_links", {"rows": batch}
                for link_kind in ("communicates", "reports_to", "backup_for"):
                    of_kind = [r for r in batch if r["kind"] == link_kind]
                    if of_kind:
                        yield f"merge_links_{link_kind}", {"rows": of_kind}
        if kind == "stages" and bundle.stages:
            yield "link_stages", {"projects": sorted(moved_from | {stage.project for stage in bundle.stages})}
    for kind in reversed(KINDS):
        ids = sorted(change.deletes.get(kind, ()))
        for start in range(0, len(ids), BATCH):
            yield f"delete_{kind}", {"ids": ids[start : start + BATCH]}
    if change.deletes.get("stages"):
        yield "link_stages", {"projects": sorted(moved_from)}
    audit = change.audit
    step = neo4j_audit.BATCHES_PER_STATEMENT * neo4j_audit.BATCH_SIZE
    for start in range(0, len(audit), step):
        # a slice boundary may split a change's kind into one more, smaller batch: harmless
        yield "append_audit", {"rows": neo4j_audit.audit_batches(audit[start : start + step])}


def _line_use_batches(delta: LineUses) -> Iterator[list[dict[str, Any]]]:
    """The changes of the kept line uses as ``adjust_line_uses`` rows (``a`` < ``b``)."""
    rows = [
        {"a": a, "b": b, "day": day, "delta": count}
        for pair, by_day in delta.items()
        for a, b in [sorted(pair)]
        for day, count in by_day.items()
        if count
    ]
    for start in range(0, len(rows), BATCH):
        yield rows[start : start + BATCH]


def _param_batches(rows: list[Row]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), BATCH):
        yield [_params(row) for row in rows[start : start + BATCH]]


_END = object()


def one_ahead(steps: Iterator[Any]) -> Generator[Any, None, None]:
    """Yield ``steps``, building the next one on a helper thread while the caller uses the
    current one: a write's parameters (pydantic dumps, JSON) are built while Neo4j runs the
    previous statement instead of after it. One step at a time on the helper, in order; if
    the caller stops early, the step in progress is finished and dropped."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="neo4j-params") as pool:
        pending = pool.submit(next, steps, _END)
        while (item := pending.result()) is not _END:
            pending = pool.submit(next, steps, _END)
            yield item


class Neo4jStore(Store):
    name = "neo4j"

    def __init__(
        self,
        uri: str,
        user: str = "neo4j",
        password: str = "",
        database: str = "neo4j",
        queries: QueryBook | None = None,
    ):
        self.uri = uri
        self.database = database
        self.queries = queries or QueryBook()
        auth = (user, password) if password else None
        # Warnings such as "label does not exist yet" on an empty database are noise here.
        self._version_memo: tuple[float, int | None] = (0.0, None)
        #: the line uses as of a data version, kept by line_uses() and moved by our own writes
        self._uses_cache: tuple[int, LineUses] | None = None
        self._uses_lock = threading.Lock()
        self.driver: Driver = GraphDatabase.driver(
            uri, auth=auth, notifications_min_severity="OFF", connection_timeout=5.0
        )

    def _query(self, name: str, **params: Any) -> list[dict[str, Any]]:
        """One read or schema statement through the driver's managed execute_query."""
        text, bound = self.queries.bind(name, **params)
        try:
            records, _, _ = self.driver.execute_query(text, bound, database_=self.database)
        except (ServiceUnavailable, AuthError, OSError) as exc:
            raise StoreUnavailable(neo4j_unavailable(self.uri, exc)) from exc
        return [_native(record.data()) for record in records]

    def _run(self, tx: Tx, name: str, **params: Any) -> list[dict[str, Any]]:
        text, bound = self.queries.bind(name, **params)
        return [record.data() for record in tx.run(text, bound)]

    # -- schema and lifecycle -------------------------------------------------------------

    def init_schema(self) -> None:
        self.ping()  # fail fast: the statements below would retry an unreachable server
        self.run_statements("schema")
        neo4j_audit.migrate_entries(self)
        if self._query("line_uses_missing")[0]["missing"]:
            self.rebuild_line_uses()

    def run_statements(self, name: str) -> None:
        """A query file of parameterless statements ending in ';', run one at a time (schema
        statements cannot share a transaction)."""
        text = self.queries.get(name).text
        body = "\n".join(line for line in text.splitlines() if not line.startswith("//"))
        for statement in filter(None, (s.strip() for s in body.split(";"))):
            try:
                self.driver.execute_query(statement, database_=self.database)
            except (ServiceUnavailable, AuthError, OSError) as exc:
                raise StoreUnavailable(neo4j_unavailable(self.uri, exc)) from exc

    def ping(self) -> None:
        """Fast, no retries: a readiness probe must answer within seconds."""
        try:
            self.driver.verify_connectivity()
        except (ServiceUnavailable, AuthError, OSError, ValueError) as exc:
            raise StoreUnavailable(neo4j_unavailable(self.uri, exc)) from exc

    def close(self) -> None:
        self.driver.close()

    def clear(self) -> None:
        text, bound = self.queries.bind("clear_all")
        with self.driver.session(database=self.database) as session:
            session.run(text, bound).consume()
        self.driver.execute_query(self.queries.bind("bump_version")[0], database_=self.database)
        self.driver.execute_query(self.queries.bind("mark_line_uses_reset")[0], database_=self.database)
        self._version_memo = (0.0, None)
        with self._uses_lock:
            self._uses_cache = None

    # -- writes ---------------------------------------------------------------------------

    def apply(self, change: Change) -> None:
        try:
            version, delta = self._write(change)
            self._moved_uses(version, delta, set(change.deletes.get("contacts", ())))
        except ConstraintError as exc:
            # A row this change creates was created by someone else after it was computed
            # (an unguarded import): nothing was written; recompute, as for any stale write.
            raise StaleWrite(f"a row this write creates was stored meanwhile: {exc.message}") from exc
        except (ServiceUnavailable, AuthError) as exc:
            raise StoreUnavailable(neo4j_unavailable(self.uri, exc)) from exc
        finally:
            self._version_memo = (0.0, None)  # after the commit: the next ask sees the write

    def _write(self, change: Change) -> tuple[int, LineUses]:
        """One write transaction of the change, retried after transient failures for up to
        WRITE_RETRY_SECONDS as the driver's managed transactions are, but not when the server
        ran out of transaction memory (at a statement or at the commit): the same write would
        only fail again (TooLarge)."""
        started, delay = time.monotonic(), 0.1
        while True:
            try:
                with self.driver.session(database=self.database) as session, session.begin_transaction() as tx:
                    answer = self._apply_change(tx, change)
                    tx.commit()
                    return answer
            except (Neo4jError, DriverError) as exc:
                if isinstance(exc, Neo4jError) and exc.code == OUT_OF_TRANSACTION_MEMORY:
                    raise TooLarge(neo4j_too_large(exc.message or "")) from exc
                if not exc.is_retryable() or time.monotonic() - started > WRITE_RETRY_SECONDS:
                    raise
            time.sleep(delay)
            delay = min(delay * 2, 2.0)

    def _apply_change(self, tx: Tx, change: Change) -> tuple[int, LineUses]:
        """Write the change; answers the data version it made and how it moved the line uses."""
        # First statement: bumping the counter write-locks its node, so write transactions
        # run one after another and the guard below reads what nobody else is changing.
        version: int = self._run(tx, "bump_version")[0]["version"]
        if change.guard:
            self._check_expected(tx, change)
        stored = self._run(tx, "relationship_counts")[0]
        moved_from: set[str] = set()
        # the projects stored stages leave (stages this change creates have none)
        new = change.created()
        stage_ids = [stage.id for stage in change.upserts.stages if stage.id not in new.get("stages", ())]
        stage_ids += sorted(change.deletes.get("stages", ()))
        if stage_ids:
            moved_from = {r["project"] for r in self._run(tx, "stage_projects", ids=stage_ids)}
        delta = self._line_use_delta(tx, change, new.get("interactions", set()))
        # closing: a failed statement stops the helper thread now, not when collected
        with closing(one_ahead(_write_steps(change, new, stored, moved_from))) as steps:
            for name, params in steps:
                self._run(tx, name, **params)
        for batch in _line_use_batches(delta):
            self._run(tx, "adjust_line_uses", rows=batch, version=version)
        if change.deletes.get("contacts"):  # their lines went with them (DETACH DELETE)
            self._run(tx, "mark_line_uses_reset")
        return version, delta

    def _line_use_delta(self, tx: Tx, change: Change, created: set[str]) -> LineUses:
        """How the change moves the kept line uses: the interactions it writes counted in,
        the stored ones it replaces or deletes counted out (read before anything is written)."""
        replaced = {i.id for i in change.upserts.interactions if i.id not in created}
        replaced |= set(change.deletes.get("interactions", ()))
        delta: LineUses = {}
        if replaced:
            found = self._run(tx, "read_interactions_by_id", ids=sorted(replaced))
            for parsed in (parse_stored("interactions", str(r["row"].get("id")), _native(r["row"])) for r in found):
                if isinstance(parsed, Interaction):
                    add_uses(delta, parsed, -1, keep_negative=True)
        for interaction in change.upserts.interactions:
            add_uses(delta, interaction, keep_negative=True)
        return delta

    def _check_expected(self, tx: Tx, change: Change) -> None:
        for kind, expected in change.expected().items():
            found = self._run(tx, f"read_{kind}_by_id", ids=sorted(expected))
            # a stored row the model refuses never equals what a write expects: it is kept
            parsed = [parse_stored(kind, str(r["row"].get("id")), _native(r["row"])) for r in found]
            stored = {row.id: row.model_dump_json() if isinstance(row, Row) else "(invalid)" for row in parsed}
            for row_id, before in expected.items():
                if stored.get(row_id) != before:
                    raise StaleWrite(f"{kind} {row_id!r} changed while this write was prepared")

    # -- reads ----------------------------------------------------------------------------

    def read(self, kind: str, ids: Iterable[str] | None = None) -> list[Row]:
        rows, _ = self._read_checked(kind, ids)
        return sorted(rows, key=lambda row: row.id)

    def _read_checked(self, kind: str, ids: Iterable[str] | None = None) -> tuple[list[Row], list[InvalidRow]]:
        """Stored rows as models, and those today's model refuses (left out of reads)."""
        if ids is None:
            found = self._query(f"read_{kind}")
        else:
            id_list = sorted(set(ids))
            if not id_list:
                return [], []
            found = self._query(f"read_{kind}_by_id", ids=id_list)
        return split(parse_stored(kind, str(r["row"].get("id")), r["row"]) for r in found)

    def existing_ids(self, kind: str, ids: set[str]) -> set[str]:
        """The ids stored, an invalid row's included: its id is taken."""
        if not ids:
            return set()
        return {r["row"]["id"] for r in self._query(f"read_{kind}_by_id", ids=sorted(ids))}

    def invalid_rows(self) -> list[InvalidRow]:
        invalid = [row for kind in KINDS for row in self._read_checked(kind)[1]]
        return sorted(invalid, key=lambda row: (row.kind, row.id))

    def project_scope(self, project_id: str) -> dict[str, set[str]]:
        found = self._query("project_scope", project=project_id)
        if not found:
            raise NotFound(no_such("projects", project_id))
        structure = found[0]
        people = self._query("project_scope_people", project=project_id, contacts=structure["contacts"])[0]
        return {
            "projects": {project_id},
            "stages": set(structure["stages"]),
            "responsibilities": set(structure["responsibilities"]),
            "assignments": set(structure["assignments"]),
            "organizations": set(structure["engaged"]) | set(people["employers"]),
            "contacts": set(structure["contacts"]),
            "contact_history": set(people["contact_history"]),
            "links": set(people["links"]),
            "interactions": set(people["interactions"]),
        }

    def referrers(self, kind: str, ids: set[str]) -> dict[str, set[str]]:
        if kind not in REFERRER_QUERIES or not ids:
            return {}
        found: dict[str, set[str]] = {}
        for record in self._query(f"referrers_{kind}", ids=sorted(ids)):
            for referring_kind, referring_ids in record.items():
                if referring_ids:
                    found.setdefault(referring_kind, set()).update(referring_ids)
        return found

    def audit_log(self, query: AuditQuery) -> list[AuditEntry]:
        return neo4j_audit.read_log(self, query)

    def audit_count(self, query: AuditQuery) -> int:
        return neo4j_audit.count_log(self, query)

    def save_key(self, key: KeyRecord) -> None:
        self._query("save_key", id=key.id, data=key.model_dump_json())

    def delete_key(self, key_id: str) -> bool:
        removed: int = self._query("delete_key", id=key_id)[0]["removed"]
        return removed > 0

    def keys(self) -> list[KeyRecord]:
        return [KeyRecord.model_validate_json(r["data"]) for r in self._query("read_keys")]

    def server_secret(self, name: str, renew: bool = False) -> str:
        statement = "renew_server_secret" if renew else "server_secret"
        value: str = self._query(statement, secret_name=name, value=secrets.token_hex(32))[0]["value"]
        return value

    def portfolio_checks(self, day: date) -> PortfolioChecks:
        """One statement over the whole portfolio (queries/portfolio_responsibility_checks.cypher)."""
        out: PortfolioChecks = {}
        for record in self._query("portfolio_responsibility_checks", as_of=day):
            duty = out.setdefault(record["project"], {}).setdefault(record["responsibility"], [])
            duty.append((record["code"], tuple(sorted(record["contacts"]))))
        return out

    def portfolio_read(
        self, day: date | None, kinds: Collection[str] | None = None
    ) -> tuple[PortfolioChecks | None, dict[str, list[Row]]]:
        """The lean one-transaction read of the whole portfolio (store/neo4j_export.py)."""
        return portfolio_read(self, day, kinds)

    def data_version(self) -> int:
        """Asked before every cached answer: remembered for VERSION_TTL seconds (this
        process's own writes forget it at once; other processes' show within the TTL)."""
        stamp, version = self._version_memo
        if version is None or time.monotonic() - stamp > VERSION_TTL:
            version = self._query("data_version")[0]["version"]
            self._version_memo = (time.monotonic(), version)
        return version

    def counts(self) -> dict[str, int]:
        return self._query("count_rows")[0]

    def line_uses(self) -> LineUses:
        """The line uses kept in the graph (``USED_LINE``, updated by every write).

        Read once, then kept in this process and moved by this process's own writes (the
        delta each write applies in the graph), so the path directory after an import does
        not read them all again; after a write by another process (the data version moved
        by more than ours) the next call reads only the uses moved since its copy. The
        answer is shared: callers must not change it."""
        version = self.data_version()
        with self._uses_lock:
            cache = self._uses_cache
            if cache is not None and cache[0] == version:
                return cache[1]
        with self.driver.session(database=self.database) as session:
            version, uses = session.execute_read(self._read_line_uses, cache)
        with self._uses_lock:
            self._uses_cache = (version, uses)
        return uses

    def _read_line_uses(self, tx: Tx, cache: tuple[int, LineUses] | None) -> tuple[int, LineUses]:
        """The kept uses as of the version read first (rows newer than it only cost one more
        read later, never a stale answer): the copy ``cache`` moved by what changed since it
        (``USED_LINE.v``), or all of them when there is no copy or a write since it removed
        uses without a trace (``line_uses_version``)."""
        found = self._run(tx, "line_uses_version")[0]
        version: int = found["version"]
        if cache is not None and cache[0] >= found["reset"]:
            uses = dict(cache[1])  # copy on write: the answer handed out stays as it was
            for record in self._run(tx, "read_line_uses_since", since=cache[0]):
                pair = frozenset((record["a"], record["b"]))
                days = dict(uses.get(pair, {}))
                if record["uses"] > 0:
                    days[record["day"].to_native()] = record["uses"]
                else:
                    days.pop(record["day"].to_native(), None)
                if days:
                    uses[pair] = days
                else:
                    uses.pop(pair, None)
            return version, uses
        uses = {}
        for record in self._run(tx, "read_line_uses"):
            uses.setdefault(frozenset((record["a"], record["b"])), {})[record["day"].to_native()] = record["uses"]
        return version, uses

    def _moved_uses(self, version: int, delta: LineUses, deleted_contacts: set[str]) -> None:
        """After this process's write ``version`` committed: move the kept copy by its delta
        (copy on write: an answer already handed out stays as it was)."""
        with self._uses_lock:
            cache = self._uses_cache
            if cache is None or cache[0] != version - 1:
                return  # someone else wrote in between: the next call reads what moved since the copy
            uses = moved(cache[1], delta)
            if deleted_contacts:  # their lines went with them (DETACH DELETE)
                uses = {pair: days for pair, days in uses.items() if pair.isdisjoint(deleted_contacts)}
            self._uses_cache = (version, uses)

    def rebuild_line_uses(self) -> None:
        """Count the kept line uses from the stored interactions again (a database written
        before they were kept, or one ``db check`` finds wrong): one transaction."""

        def rebuild(tx: Tx) -> None:
            version = self._run(tx, "bump_version")[0]["version"]
            self._run(tx, "clear_line_uses")
            self._run(tx, "mark_line_uses_reset")
            found = self._run(tx, "read_interactions")
            parsed = (parse_stored("interactions", str(r["row"].get("id")), _native(r["row"])) for r in found)
            for batch in _line_use_batches(line_uses([i for i in parsed if isinstance(i, Interaction)])):
                self._run(tx, "adjust_line_uses", rows=batch, version=version)

        with self.driver.session(database=self.database) as session:
            session.execute_write(rebuild)
        self._version_memo = (0.0, None)
        with self._uses_lock:
            self._uses_cache = None
