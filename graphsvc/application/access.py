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

from graphsvc.application.entities import Reach
from graphsvc.domain.audit import AuditEntry, AuditQuery, Change
from graphsvc.domain.keys import SCOPED_ROLES, KeyRecord, Role, matches, split
from graphsvc.domain.missing import no_such
from graphsvc.domain.model import (
    KINDS,
    Assignment,
    Contact,
    ContactPeriod,
    ContactStatus,
    Interaction,
    Link,
    Project,
    Responsibility,
    Row,
    Stage,
)
from graphsvc.domain.sessions import SESSION_SECRET_NAME, session_token, token_key_id, token_valid
from graphsvc.store.base import NotFound, PortfolioChecks, Store, read_as
from graphsvc.support.i18n import N_, _

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
            raise Forbidden(
                _("role {role} may not do this (needs {allowed})").format(role=self.role.value, allowed=allowed)
            )


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
    _secret: tuple[float, str] = (0.0, "")
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def records(self) -> dict[str, KeyRecord]:
        """The API keys, read at most every KEY_CACHE_SECONDS."""
        with self._lock:
            stamp, records = self._cached
            if time.monotonic() - stamp > KEY_CACHE_SECONDS:
                records = {k.id: k for k in self.store.keys()}
                self._cached = (time.monotonic(), records)
            return records

    def open_access(self) -> bool:
        return self.loopback and not self.records()

    def principal(self, presented: str | None) -> Principal:
        records = self.records()
        if not presented:
            if self.loopback and not records:
                return ANONYMOUS_ADMIN
            raise Unauthenticated(_("an API key is required (header 'Authorization: Bearer <key>' or 'X-API-Key')"))
        parts = split(presented)
        record = records.get(parts[0]) if parts else None
        if parts is None or record is None or not matches(record, parts[1]):
            raise Unauthenticated(_("the API key is not valid (revoked, mistyped or from another server)"))
        return principal_of_key(record)

    # -- web sign-in sessions (see graphsvc.domain.sessions) ---------------------------

    def session_secret(self) -> str:
        """The data store's secret signing sessions (``Store.server_secret``: one for every
        server process on the store), read at most every KEY_CACHE_SECONDS, so that
        renewing it signs everyone out as quickly as revoking a key ends its sessions."""
        with self._lock:
            stamp, secret = self._secret
            if time.monotonic() - stamp > KEY_CACHE_SECONDS:
                secret = self.store.server_secret(SESSION_SECRET_NAME)
                self._secret = (time.monotonic(), secret)
            return secret

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
        if record is None or not token_valid(self.session_secret(), token, record, time.time()):
            raise Unauthenticated(_("the sign-in session is not valid (expired, signed out or its key revoked)"))
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


def _among(interaction: Interaction, people: set[str]) -> Interaction:
    """An interaction as a key sees it: participants outside its reach left out, its sender
    too (an interaction of one of its projects may name people it cannot see)."""
    if set(interaction.participants) <= people:
        return interaction
    return interaction.model_copy(
        update={
            "participants": [c for c in interaction.participants if c in people],
            "sender": interaction.sender if interaction.sender in people else None,
        }
    )


class ScopedStore(Store):
    """The store as a scoped principal sees it: their projects' rows only, redacted for
    external keys. Writes pass through: entity and lifecycle writes are held to the reach
    by ``write_reach`` and ``check_lifecycle`` (below) before they are made."""

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
                scopes = 0
                for project in sorted(self.principal.projects):
                    try:
                        found = self.base.project_scope(project)
                    except NotFound:
                        continue
                    scopes += 1
                    for kind, ids in found.items():
                        merged[kind] |= ids
                people = merged["contacts"]
                if scopes > 1:  # lines between people of two of the key's projects
                    lines = self.base.referrers("contacts", people).get("links", set())
                    merged["links"] = {
                        link.id for link in read_as(self.base, Link, lines) if {link.source, link.target} <= people
                    }
                merged["interactions"] = {
                    i.id
                    for i in read_as(self.base, Interaction, merged["interactions"])
                    if (i.project in self.principal.projects and not people.isdisjoint(i.participants))
                    or (i.project is None and set(i.participants) <= people)
                }
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
        if kind == "interactions":
            people = self.scope()["contacts"]
            rows = [_among(i, people) for i in cast(list[Interaction], rows)]
        return rows

    def project_scope(self, project_id: str) -> dict[str, set[str]]:
        """The project's scope as this key may see it: only what is in its reach."""
        if project_id not in self.principal.projects:
            raise NotFound(no_such("projects", project_id))
        reach = self.scope()
        return {kind: ids & reach[kind] for kind, ids in self.base.project_scope(project_id).items()}

    # everything else is the base store's
    def init_schema(self) -> None:
        self.base.init_schema()

    def ping(self) -> None:
        self.base.ping()

    def apply(self, change: Change) -> None:
        self.base.apply(change)

    def clear(self) -> None:
        raise Forbidden(_("only an admin may clear the store"))

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
        raise Forbidden(_("the audit trail is for admin and pmo keys"))

    def save_key(self, key: KeyRecord) -> None:
        raise Forbidden(_("only an admin may manage keys"))

    def delete_key(self, key_id: str) -> bool:
        raise Forbidden(_("only an admin may manage keys"))

    def keys(self) -> list[KeyRecord]:
        raise Forbidden(_("only an admin may manage keys"))

    def server_secret(self, name: str, renew: bool = False) -> str:
        raise Forbidden(_("only an admin may manage the store's secrets"))


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
#
# A scoped write may only create or change rows inside the key's reach, before and after
# the write, and never widens the reach. ``entities`` resolves every reference of the new
# row through the view (an outside one is dangling, exactly like an unknown one) and reads
# the old row through it (an outside one is not found); what is left to check here is
# what would pull new rows into the reach or put the written row outside it.


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


def check_writer(principal: Principal) -> None:
    """Only admin and manager keys write."""
    if principal.role not in (Role.admin, Role.manager):
        raise Forbidden(read_only(principal.role))


def _career(contact: Contact) -> tuple[str | None, str | None, ContactStatus]:
    """What a contact's history records: employer, title and status."""
    return contact.org, contact.title, contact.status


def _participants(project: Project) -> set[str]:
    return {p.org for p in project.organizations}


def check_reach(principal: Principal, base: Store, view: Store, kind: str, old: Row | None, new: Row) -> None:
    """Raise Forbidden unless a manager's write of ``new`` (replacing ``old``, both already
    known to be in reach with their references) keeps it in reach and widens nothing."""
    if kind == "projects":
        if old is None or new.id not in principal.projects:
            raise Forbidden(_("a manager may only change their own projects (an admin creates projects)"))
        added = sorted(_participants(cast(Project, new)) - _participants(cast(Project, old)))
        if added:
            raise Forbidden(
                _(
                    "adding organisation {orgs} to project {project!r} needs an admin key "
                    "(all its people would come into this key's reach)"
                ).format(orgs=", ".join(map(repr, added)), project=new.id)
            )
        return
    project = project_of(base, kind, new)
    if (kind in ("stages", "responsibilities", "assignments") or project is not None) and (
        project not in principal.projects
    ):
        raise Forbidden(_("a manager may only write rows of their own projects"))
    if isinstance(new, Interaction):
        seen = view.existing_ids("contacts", set(new.participants))
        if not (seen if new.project is not None else seen == set(new.participants)):
            raise Forbidden(
                _(
                    "an interaction without a project is in this key's reach only when all its participants are: "
                    "give it one of the key's projects"
                )
            )
    if isinstance(new, Contact) and isinstance(old, Contact) and _career(old) != _career(new):
        # the same change as ``move`` (it is a patch underneath), held to the same rule
        check_lifecycle(principal, base, view, "changing their employer, title or status", [new.id])
    if old is not None:
        return  # a row in reach, changed to refer only to rows in reach, stays in reach
    if kind == "organizations":
        raise Forbidden(
            _(
                "a new organisation would be outside this key's reach until it takes part in a project: "
                "an admin creates organisations"
            )
        )
    if kind == "contacts":
        taking_part = set().union(*(_participants(p) for p in read_as(view, Project, principal.projects)))
        if cast(Contact, new).org not in taking_part:
            raise Forbidden(
                _(
                    "a new contact must work at an organisation taking part in one of this key's projects, "
                    "or it would be outside the key's reach (an admin adds anyone else)"
                )
            )


def check_removal(view: Store, deletes: dict[str, set[str]], updates: dict[str, dict[str, Row]]) -> None:
    """A manager's deletion may remove or rewrite only rows in reach (no ids named: the
    rows outside are not the caller's to know)."""
    touched = {**{k: set(ids) for k, ids in deletes.items()}}
    for k, rows in updates.items():
        touched.setdefault(k, set()).update(rows)
    if any(view.existing_ids(k, ids) != ids for k, ids in touched.items()):
        raise Forbidden(_("rows outside this key's reach depend on this row: deleting it needs an admin key"))


def write_reach(principal: Principal, base: Store, view: Store, kind: str) -> Reach | None:
    """What an entity write of this caller is held to (None: an admin, held to nothing)."""
    check_writer(principal)
    if principal.role == Role.admin:
        return None
    return Reach(
        view=view,
        check=lambda old, new: check_reach(principal, base, view, kind, old, new),
        removal=lambda deletes, updates: check_removal(view, deletes, updates),
    )


#: a lifecycle operation on someone who also appears outside the key's reach
_SHARED_CONTACT = {
    "leave": N_(
        "contact {contact!r} also appears outside this key's reach (in a project not among its projects): "
        "leave needs an admin key"
    ),
    "merge": N_(
        "contact {contact!r} also appears outside this key's reach (in a project not among its projects): "
        "merge needs an admin key"
    ),
    "move": N_(
        "contact {contact!r} also appears outside this key's reach (in a project not among its projects): "
        "move needs an admin key"
    ),
    "changing their employer, title or status": N_(
        "contact {contact!r} also appears outside this key's reach (in a project not among its projects): "
        "changing their employer, title or status needs an admin key"
    ),
}


def read_only(role: Role) -> str:
    """Why a key of a reading role cannot write."""
    return _("role {role} is read-only").format(role=role.value)


def check_lifecycle(principal: Principal, base: Store, view: Store, operation: str, contact_ids: Iterable[str]) -> None:
    """A lifecycle operation rewrites the person's duties, lines and interactions wherever
    they are: a manager may do it only for people who appear nowhere outside the key's
    reach (no row referring to them outside it, no employer taking part in another project)."""
    check_writer(principal)
    if principal.role == Role.admin:
        return
    for contact_id in contact_ids:
        held = base.referrers("contacts", {contact_id})
        hidden = any(view.existing_ids(k, ids) != ids for k, ids in held.items())
        periods = read_as(base, ContactPeriod, held.get("contact_history", set()))
        employers = {c.org for c in read_as(base, Contact, [contact_id])} | {p.org for p in periods}
        employers.discard(None)
        projects = base.referrers("organizations", cast(set[str], employers)).get("projects", set())
        if hidden or projects - principal.projects:
            raise Forbidden(_(_SHARED_CONTACT[operation]).format(contact=contact_id))
