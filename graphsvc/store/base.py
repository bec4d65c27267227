"""The one store interface both implementations honour, checked by the conformance suite."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Collection, Hashable, Iterable
from dataclasses import replace
from datetime import date
from typing import TypeVar, cast

from graphsvc.domain.audit import AuditEntry, AuditQuery, Change
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.keys import KeyRecord
from graphsvc.domain.line_use import LineUses, line_uses
from graphsvc.domain.model import KINDS, Interaction, Row
from graphsvc.domain.stored import InvalidRow
from graphsvc.support.i18n import _


class StoreUnavailable(RuntimeError):
    """The store cannot be reached or opened; the message says which and why."""


#: project -> duty -> [(finding code, contact ids)], as Store.portfolio_checks answers
PortfolioChecks = dict[str, dict[str, list[tuple[str, tuple[str, ...]]]]]


def cache_token(store: Store) -> Hashable:
    """What caches of derived answers key a store by: the object itself for a store, the
    principal's reach for a scoped view (two views with the same reach may share answers;
    an ``id()`` could be reused by a later view with another reach)."""
    return getattr(store, "cache_token", None) or id(store)


def neo4j_unavailable(uri: str, error: Exception) -> str:
    """Why a Neo4j store cannot serve: its address and the driver's reason."""
    return _("Neo4j at {uri} unavailable: {error}").format(uri=uri, error=error)


class TooLarge(RuntimeError):
    """The store refused a write as too large for one transaction (Neo4j: the server's
    transaction memory limit); nothing of that transaction was written. The message names
    the limit; ``written``: the transactions of the same import committed before it."""

    written = 0


def neo4j_too_large(reason: str) -> str:
    """Why Neo4j refused a write as too large: the server's reason (its memory limit)."""
    return _("the write is too large for one transaction on this Neo4j server ({reason}); nothing was written").format(
        reason=reason
    )


class StaleWrite(RuntimeError):
    """A guarded change found a row different from what it was computed from (someone else
    wrote it in between); nothing was written, and the caller recomputes and retries."""


class NotFound(KeyError):
    """An id that is not stored; the message names it."""

    def __str__(self) -> str:
        return str(self.args[0])


class Store(ABC):
    """A graph store of bundle rows. Every write call is one all-or-nothing transaction."""

    name: str

    @abstractmethod
    def init_schema(self) -> None:
        """Create constraints and indexes; safe to call any number of times."""

    @abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable unless the store answers."""

    def write(self, bundle: Bundle) -> None:
        """Insert or replace every row of the bundle by id, all at once or not at all."""
        self.apply(Change(upserts=bundle))

    @abstractmethod
    def apply(self, change: Change) -> None:
        """In one transaction: upsert rows, delete ids (a node with its relationships),
        append the audit entries. The caller keeps references whole (see entities.py).

        Writes are serialised. A guarded change first checks that every audited row is still
        as its entry's ``before`` says (absent for None) and raises StaleWrite otherwise, so
        concurrent read-modify-write callers never lose each other's updates. An unguarded
        change (a bulk import) still raises StaleWrite if a row it records as created
        (``Change.created``) is stored, and writes nothing."""

    @abstractmethod
    def referrers(self, kind: str, ids: set[str]) -> dict[str, set[str]]:
        """Ids, by kind, of the rows that hold a reference to one of the given rows."""

    @abstractmethod
    def audit_log(self, query: AuditQuery) -> list[AuditEntry]:
        """Audit entries matching the query, oldest first."""

    def audit_count(self, query: AuditQuery) -> int:
        """How many audit entries match the query's filters (its offset and limit aside).
        The stores count without reading the entries; this fallback reads them."""
        return len(self.audit_log(replace(query, offset=0, limit=2**62)))

    @abstractmethod
    def save_key(self, key: KeyRecord) -> None:
        """Store an API key record (its secret only as a hash); replaces one with the same id."""

    @abstractmethod
    def delete_key(self, key_id: str) -> bool:
        """Revoke a key; False if there was none."""

    @abstractmethod
    def keys(self) -> list[KeyRecord]:
        """All API key records, by id."""

    @abstractmethod
    def server_secret(self, name: str, renew: bool = False) -> str:
        """The named secret of this data store (e.g. the one signing web sessions): random,
        made on first use, the same for every process using the store; ``renew`` replaces it."""

    @abstractmethod
    def read(self, kind: str, ids: Iterable[str] | None = None) -> list[Row]:
        """Rows of one kind (all, or those with the given ids), sorted by id."""

    @abstractmethod
    def clear(self) -> None:
        """Remove everything (tests and benchmarks)."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def data_version(self) -> int:
        """A number that changes with every write, for caches of derived graphs."""

    @abstractmethod
    def project_scope(self, project_id: str) -> dict[str, set[str]]:
        """Ids, by kind, of the rows one project's analysis needs (see project_snapshot).

        The project, its stages, responsibilities and assignments; the organisations taking
        part; the people assigned there or working (now or earlier) at a participating
        organisation; the links among those people, their earlier states, their employers,
        and the interactions they took part in or that concern the project.
        Raises NotFound for an unknown project.
        """

    def project_snapshot(self, project_id: str) -> Bundle:
        scope = self.project_scope(project_id)
        return Bundle(**{kind: self.read(kind, scope.get(kind, set())) for kind in KINDS})

    @property
    def write_lock(self) -> threading.RLock:
        """Held by read-modify-write operations (entities, lifecycle) of this process, so
        they queue instead of retrying; the guard in apply covers other processes."""
        lock: threading.RLock | None = self.__dict__.get("_write_lock")
        return lock if lock is not None else self.__dict__.setdefault("_write_lock", threading.RLock())

    def portfolio_checks(self, day: date) -> PortfolioChecks | None:
        """The responsibility pattern checks (NO_ACCOUNTABLE, MULTIPLE_ACCOUNTABLE,
        OWNER_INACTIVE, NO_RESPONSIBLE) of every open duty, where the store answers them as
        one query: project -> duty -> [(code, contacts)]. None: the Python judge answers."""
        return None

    def portfolio_read(
        self, day: date | None, kinds: Collection[str] | None = None
    ) -> tuple[PortfolioChecks | None, dict[str, list[Row]]]:
        """What a portfolio scan reads: every row by kind (in any order; only ``kinds`` when
        given) and, given a day, ``portfolio_checks(day)``. A store may answer with a leaner
        read of the same rows."""
        checks = None if day is None else self.portfolio_checks(day)
        return checks, {kind: self.read(kind) for kind in KINDS if kinds is None or kind in kinds}

    def line_uses(self) -> LineUses:
        """How often each line was used per day by the logged interactions this store (or
        view) holds (``domain.line_use``). The stores keep it up to date as interactions are
        written, so a path query never re-reads the log; a view counts what it may see."""
        return line_uses(read_as(self, Interaction))

    def self_check(self) -> list[str]:
        """Store-specific invariants beyond the rows themselves (see consistency.check)."""
        return self.line_uses_check()

    def line_uses_check(self) -> list[str]:
        """The line uses kept must be those the stored interactions make."""
        kept, counted = self.line_uses(), line_uses(read_as(self, Interaction))
        if kept == counted:
            return []
        wrong = sorted(
            sorted(pair)
            for pair in kept.keys() ^ counted.keys()
            | {pair for pair in kept.keys() & counted.keys() if kept[pair] != counted[pair]}
        )
        return [
            _("the line uses kept for {count} pairs differ from the logged interactions (first: {pair})").format(
                count=len(wrong), pair=" – ".join(wrong[0])
            )
        ]

    def invalid_rows(self) -> list[InvalidRow]:
        """Stored rows today's model refuses: left out of every read, kept as stored (see
        domain/stored.py); ``existing_ids`` still counts their ids as taken."""
        return []

    def existing_ids(self, kind: str, ids: set[str]) -> set[str]:
        return {row.id for row in self.read(kind, ids)} if ids else set()

    def export(self) -> Bundle:
        return Bundle(**{kind: self.read(kind) for kind in KINDS})

    def counts(self) -> dict[str, int]:
        return {kind: len(self.read(kind)) for kind in KINDS}

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_R = TypeVar("_R", bound=Row)

#: the model of each kind -> the kind
_KIND_OF: dict[type[Row], str] = {model: kind for kind, model in KINDS.items()}


def read_as(store: Store, model: type[_R], ids: Iterable[str] | None = None) -> list[_R]:
    """``store.read`` of the kind whose rows are ``model``s, typed as such."""
    return cast(list[_R], store.read(_KIND_OF[model], ids))
