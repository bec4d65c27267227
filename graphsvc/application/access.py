"""Who is asking, and what they may see and change.

Every request is resolved to a Principal (from an API key, or an anonymous admin when
authentication is off). Scoped roles (manager, member, external) see the store through a
``ScopedStore``: only the rows of their projects' scope, and for external keys the phones and
e-mails of people outside their own organisation replaced by a marker. Because the maps,
handover exports, findings and paths all read through the store they are given, one
mechanism enforces the same reach everywhere.
"""

from __future__ import annotations

import ipaddress
import logging
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from graphsvc.domain.audit import AuditEntry, AuditQuery, Change
from graphsvc.domain.keys import SCOPED_ROLES, KeyRecord, Role, matches, split
from graphsvc.domain.model import KINDS, Assignment, Contact, Interaction, Responsibility, Row, Stage
from graphsvc.domain.sessions import SESSION_SECRET_ID, new_secret_record, session_token, token_key_id, token_valid
from graphsvc.store.base import NotFound, PortfolioChecks, Store, read_as

log = logging.getLogger("graphsvc.application.access")

REDACTED = "(redacted)"
#: how long key records are cached: a revoked key stops working within this many seconds
KEY_CACHE_SECONDS = 2.0


class Unauthenticated(Exception):
    """No key, or a key that is not valid (HTTP 401)."""


class Forbidden(Exception):
    """A valid key whose role does not allow this (HTTP 403)."""


@dataclass(frozen=True)
class Principal:
    name: str
    role: Role
    projects: frozenset[str] = frozenset()
    org: str | None = None
    key_id: str | None = None

    @property
    def scoped(self) -> bool:
        return self.role in SCOPED_ROLES

    @property
    def can_write(self) -> bool:
        return self.role in (Role.admin, Role.manager)

    def require(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"role {self.role.value} may not do this (needs {allowed})")


ANONYMOUS_ADMIN = Principal(name="anonymous", role=Role.admin)


def is_loopback(host: str | None) -> bool:
    if host is None or host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Gate:
    """Turns a presented key into a Principal; authentication is off only on loopback
    while no key exists."""

    store: Store
    loopback: bool
    _cached: tuple[float, dict[str, KeyRecord]] = (0.0, {})
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _stored(self, fresh: bool = False) -> dict[str, KeyRecord]:
        """Every stored key record (and the session secret's), read at most every
        KEY_CACHE_SECONDS."""
        with self._lock:
            stamp, records = self._cached
            if fresh or time.monotonic() - stamp > KEY_CACHE_SECONDS:
                records = {k.id: k for k in self.store.keys()}
                self._cached = (time.monotonic(), records)
            return records

    def records(self) -> dict[str, KeyRecord]:
        """The API keys."""
        return {key_id: record for key_id, record in self._stored().items() if key_id != SESSION_SECRET_ID}

    def open_access(self) -> bool:
        return self.loopback and not self.records()

    def principal(self, presented: str | None) -> Principal:
        records = self.records()
        if not presented:
            if self.loopback and not records:
                return ANONYMOUS_ADMIN
            raise Unauthenticated("an API key is required (header 'Authorization: Bearer <key>' or 'X-API-Key')")
        parts = split(presented)
        record = records.get(parts[0]) if parts else None
        if parts is None or record is None or not matches(record, parts[1]):
            raise Unauthenticated("the API key is not valid (revoked, mistyped or from another server)")
        return principal_of_key(record)

    # -- web sign-in sessions (see graphsvc.domain.sessions) ---------------------------

    def session_secret(self) -> str:
        """The data store's secret for signing sessions, made on first use and kept with
        the keys (so every server process on the store shares it)."""
        record = self._stored().get(SESSION_SECRET_ID) or self._stored(fresh=True).get(SESSION_SECRET_ID)
        if record is None:
            self.store.save_key(new_secret_record())
            record = self._stored(fresh=True)[SESSION_SECRET_ID]
        return record.secret_hash

    def open_session(self, presented: str) -> tuple[Principal, str]:
        """Sign in with a key: its Principal and a session token standing for it."""
        principal = self.principal(presented)
        record = self.records()[principal.key_id or ""]
        return principal, session_token(self.session_secret(), record, time.time())

    def session_principal(self, token: str) -> Principal:
        """The Principal of a session token, checked against the keys stored now: a revoked
        key's sessions end with it."""
        key_id = token_key_id(token)
        record = self.records().get(key_id) if key_id else None
        # another server process may have made the secret within the cache's lifetime
        secret = self._stored().get(SESSION_SECRET_ID) or (
            self._stored(fresh=True).get(SESSION_SECRET_ID) if record else None
        )
        if record is None or secret is None or not token_valid(secret.secret_hash, token, record, time.time()):
            raise Unauthenticated("the sign-in session is not valid (expired, signed out or its key revoked)")
        return principal_of_key(record)


def principal_of_key(record: KeyRecord) -> Principal:
    return Principal(
        name=record.name, role=record.role, projects=frozenset(record.projects), org=record.org, key_id=record.id
    )


def redact(contact: Contact, visible_org: str | None) -> Contact:
    """Hide the phones and e-mails of someone outside ``visible_org`` (keeping that they exist)."""
    if contact.org is not None and contact.org == visible_org:
        return contact
    return contact.model_copy(
        update={
            "phones": [REDACTED] if contact.phones else [],
            "emails": [REDACTED] if contact.emails else [],
        }
    )


class ScopedStore(Store):
    """The store as a scoped principal sees it: their projects' rows only, redacted for
    external keys. Writes pass through (handlers check reach before writing)."""

    def __init__(self, base: Store, principal: Principal):
        self.base = base
        self.principal = principal
        self.name = base.name
        #: answers cached for this view are valid for any view with the same reach
        self.cache_token = ("view", id(base), principal.role, principal.projects, principal.org)
        self._scope: tuple[int, dict[str, set[str]]] | None = None
        self._lock = threading.Lock()

    def scope(self) -> dict[str, set[str]]:
        version = self.base.data_version()
        with self._lock:
            if self._scope is None or self._scope[0] != version:
                merged: dict[str, set[str]] = {kind: set() for kind in KINDS}
                for project in sorted(self.principal.projects):
                    try:
                        found = self.base.project_scope(project)
                    except NotFound:
                        continue
                    for kind, ids in found.items():
                        merged[kind] |= ids
                self._scope = (version, merged)
            return self._scope[1]

    def visible(self, kind: str, row_id: str) -> bool:
        return row_id in self.scope()[kind]

    def read(self, kind: str, ids: Iterable[str] | None = None) -> list[Row]:
        allowed = self.scope()[kind]
        wanted = allowed if ids is None else allowed & set(ids)
        rows = self.base.read(kind, wanted) if wanted else []
        if kind == "contacts" and self.principal.role == Role.external:
            rows = [redact(row, self.principal.org) for row in rows]  # type: ignore[arg-type]
        return rows

    def project_scope(self, project_id: str) -> dict[str, set[str]]:
        if project_id not in self.principal.projects:
            raise NotFound(f"no project {project_id!r}")
        return self.base.project_scope(project_id)

    # everything else is the base store's
    def init_schema(self) -> None:
        self.base.init_schema()

    def ping(self) -> None:
        self.base.ping()

    def apply(self, change: Change) -> None:
        self.base.apply(change)

    def clear(self) -> None:
        raise Forbidden("only an admin may clear the store")

    def close(self) -> None:
        """The base store belongs to the app."""

    def data_version(self) -> int:
        return self.base.data_version()

    def referrers(self, kind: str, ids: set[str]) -> dict[str, set[str]]:
        return self.base.referrers(kind, ids)

    def portfolio_checks(self, day: date) -> PortfolioChecks | None:
        """Only the projects in reach (the rest is not this caller's to see)."""
        checks = self.base.portfolio_checks(day)
        return None if checks is None else {p: c for p, c in checks.items() if p in self.principal.projects}

    def audit_log(self, query: AuditQuery) -> list[AuditEntry]:
        raise Forbidden("the audit trail is for admin and pmo keys")

    def save_key(self, key: KeyRecord) -> None:
        raise Forbidden("only an admin may manage keys")

    def delete_key(self, key_id: str) -> bool:
        raise Forbidden("only an admin may manage keys")

    def keys(self) -> list[KeyRecord]:
        raise Forbidden("only an admin may manage keys")


@dataclass
class Views:
    """One ScopedStore per key (so caches keyed by store survive between requests)."""

    base: Store
    _views: dict[str, ScopedStore] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def for_principal(self, principal: Principal) -> Store:
        if not principal.scoped:
            return self.base
        key = principal.key_id or principal.name
        with self._lock:
            view = self._views.get(key)
            if view is None or view.principal != principal:
                view = self._views[key] = ScopedStore(self.base, principal)
            return view


# -- write reach ---------------------------------------------------------------------------


def project_of(store: Store, kind: str, row: Row) -> str | None:
    """The project a project-bound row belongs to (None for people, organisations, links)."""
    if kind == "projects":
        return row.id
    # the kind names the row's model
    if kind == "stages":
        return cast(Stage, row).project
    if kind == "responsibilities":
        stages = read_as(store, Stage, [cast(Responsibility, row).stage])
        return stages[0].project if stages else None
    if kind == "assignments":
        duties = store.read("responsibilities", [cast(Assignment, row).responsibility])
        return project_of(store, "responsibilities", duties[0]) if duties else None
    if kind == "interactions":
        return cast(Interaction, row).project
    return None


def check_write(principal: Principal, base: Store, view: Store, kind: str, rows: Iterable[Row | None]) -> None:
    """Raise Forbidden unless the principal may write every given row (old and new versions)."""
    if principal.role == Role.admin:
        return
    if principal.role != Role.manager:
        raise Forbidden(f"role {principal.role.value} is read-only")
    for row in rows:
        if row is None:
            continue
        if kind == "projects" and row.id not in principal.projects:
            raise Forbidden("a manager may only change their own projects (an admin creates projects)")
        project = project_of(base, kind, row)
        if project is not None:
            if project not in principal.projects:
                raise Forbidden(f"project {project!r} is not one of this key's projects")
            continue
        if kind == "links":
            ends = {row.source, row.target}  # type: ignore[attr-defined]
            if len(view.read("contacts", ends)) != len(ends):
                raise Forbidden("a manager may link only people of their projects")
        elif kind in ("contacts", "organizations", "contact_history", "interactions"):
            stored = base.read(kind, [row.id])
            if stored and not view.read(kind, [row.id]):
                raise Forbidden(f"{kind} {row.id!r} is outside this key's projects")
