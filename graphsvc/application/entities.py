"""Single-entity writes (create, replace, patch, delete) as audited, all-or-nothing Changes.

The HTTP API calls these; they check exactly what an import checks (the same parser, so
the same problems with the same field names) plus what only a single write can get wrong:
an id that already exists (Conflict) and a delete that would leave references dangling
(Conflict, unless asked to cascade). A scoped caller's write is held to its reach
(``Reach``): it sees, refers to and changes only rows in reach.

Cascade rules, the same on both stores because they are computed here:
- a contact's earlier states (contact history) are part of the contact and always go with it;
- rows that cannot exist without the deleted one go with it: a project's stages, a stage's
  responsibilities, assignments of a deleted contact or responsibility, links of a deleted
  contact, the earlier states of a deleted contact;
- optional references are cleared: a contact's or earlier state's organisation, an
  interaction's project;
- list entries are dropped: a project's participation of the organisation, an interaction's
  participant (and its sender, if that was the one; an interaction left with nobody goes too).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from graphsvc.application.importer import keep_history
from graphsvc.application.retry import Conflict, retried
from graphsvc.application.stage_order import stored_stage_conflicts
from graphsvc.domain.audit import AuditQuery, Change, record
from graphsvc.domain.bundle import Bundle, BundleError, Problem, parse_bundle
from graphsvc.domain.missing import no_such, row_noun, rows_noun
from graphsvc.domain.model import KINDS, Contact, Interaction, Project, Row, Stage, not_a_participant
from graphsvc.store.base import NotFound, Store
from graphsvc.support.i18n import _


@dataclass(frozen=True)
class Reach:
    """What a scoped caller's write is held to: the rows it may see (``view``; references
    to anything else are dangling, as if it did not exist) and ``check(old, new)``, which
    raises when the written row would leave the reach or widen it; ``removal(deletes,
    updates)`` vets everything a deletion would remove or rewrite."""

    view: Store
    check: Callable[[Row | None, Row], None]
    removal: Callable[[dict[str, set[str]], dict[str, dict[str, Row]]], None]


def singular(kind: str) -> str:
    return {"contact_history": "contact period", "responsibilities": "responsibility"}.get(kind, kind.rstrip("s"))


def get(store: Store, kind: str, row_id: str) -> Row:
    found = store.read(kind, [row_id])
    if not found:
        raise NotFound(no_such(kind, row_id))
    return found[0]


def references(kind: str, row: Row) -> set[tuple[str, str]]:
    """(kind, id) of every row ``row`` refers to."""
    found = {(target, ref) for field, target in KINDS[kind].references.items() if (ref := getattr(row, field))}
    if isinstance(row, Project):
        found |= {("organizations", p.org) for p in row.organizations}
    if isinstance(row, Interaction):
        found |= {("contacts", c) for c in row.participants}
    return found


def _parse_one(store: Store, kind: str, data: Any, reach: Reach | None = None, old: Row | None = None) -> Row:
    """Validate one row as an import would, against what is stored (for a scoped caller:
    what it may see, besides the references the row already held). A single write names
    its row's id: only imports derive one from the natural key."""
    if not isinstance(data, dict):
        raise BundleError([Problem(kind, 0, None, _("must be a JSON object"))])
    if reach is None:
        return parse_bundle({kind: [data]}, known=store.existing_ids, derive_ids=False).rows(kind)[0]
    held = references(kind, old) if old is not None else set()
    view = reach.view

    def reachable(target: str, ids: set[str]) -> set[str]:
        kept = {i for i in ids if (target, i) in held}
        return view.existing_ids(target, ids - kept) | store.existing_ids(target, kept)

    row = parse_bundle({kind: [data]}, known=reachable, derive_ids=False).rows(kind)[0]
    sender = row.sender if isinstance(row, Interaction) else None
    if sender is not None and sender != getattr(old, "sender", None) and not view.existing_ids("contacts", {sender}):
        # a participant the caller cannot see is no more a sender than an unknown id
        raise BundleError(
            [Problem(kind, 0, "sender", _("Value error, {error}").format(error=not_a_participant(sender)))]
        )
    return row


def _visible(store: Store, kind: str, row_id: str, reach: Reach | None) -> Row:
    """The stored row, if the caller may see it (else NotFound, as for an unknown id)."""
    if reach is not None:
        get(reach.view, kind, row_id)
    return get(store, kind, row_id)


def _unavailable(store: Store, kind: str, row_id: str, reach: Reach | None) -> Conflict | None:
    """Why a new row may not take this id. A scoped caller gets one answer for an id taken
    anywhere (in its reach or not) and for one used before (the audit trail knows it), so
    the answer tells nothing about rows it cannot see."""
    if reach is None:
        if store.existing_ids(kind, {row_id}):
            return Conflict(_("{kind} {id!r} already exists").format(kind=row_noun(kind), id=row_id))
        return None
    if store.existing_ids(kind, {row_id}) or store.audit_log(AuditQuery(kind=kind, entity=row_id, limit=1)):
        return Conflict(
            _("{kind} id {id!r} is not available (in use, or used before): choose another").format(
                kind=row_noun(kind), id=row_id
            )
        )
    return None


def _held_to_reach(store: Store, old: Row | None, row: Row, reach: Reach | None) -> None:
    """The checks a row must pass against the rest of the store before it is written: the
    caller's reach first, then what only stored rows can tell (a stage's order taken), read
    through the caller's view so that the answer tells nothing outside its reach."""
    if reach is not None:
        reach.check(old, row)
    if isinstance(row, Stage):
        problems = list(stored_stage_conflicts(reach.view if reach else store, Bundle(stages=[row])))
        if problems:
            raise BundleError(problems)


def _apply_rows(store: Store, kind: str, actor: str, operation: str, new: Row, old: Row | None, today: date) -> Row:
    bundle = Bundle(**{kind: [new]})
    if kind == "contacts":
        bundle, _ = keep_history(bundle, {old.id: cast(Contact, old)} if old else {}, today)
        new = bundle.contacts[0]
    stored_periods = {p.id: p for p in store.read("contact_history", [p.id for p in bundle.contact_history])}
    changes = [(kind, old, new)] + [("contact_history", stored_periods.get(p.id), p) for p in bundle.contact_history]
    entries = record(actor, operation, changes)
    if entries:  # write only what changed: every written row is then guarded by its entry
        changed = {(e.kind, e.entity) for e in entries}
        upserts = Bundle(
            **{k: [row for row in bundle.rows(k) if (k, row.id) in changed] for k in (kind, "contact_history")}
        )
        store.apply(Change(upserts=upserts, audit=entries))
    return new


@retried
def create(
    store: Store, kind: str, data: Any, actor: str, today: date | None = None, reach: Reach | None = None
) -> Row:
    row = _parse_one(store, kind, data, reach)
    taken = _unavailable(store, kind, row.id, reach)
    if taken is not None:
        raise taken
    _held_to_reach(store, None, row, reach)
    return _apply_rows(store, kind, actor, "create", row, None, today or date.today())


@retried
def replace(
    store: Store,
    kind: str,
    row_id: str,
    data: Any,
    actor: str,
    today: date | None = None,
    reach: Reach | None = None,
) -> Row:
    """Full replacement (PUT): fields left out take their defaults."""
    old = _visible(store, kind, row_id, reach)
    if isinstance(data, dict):
        if "id" in data and data["id"] != row_id:
            raise BundleError([Problem(kind, 0, "id", _("must be {id!r}, the id in the path").format(id=row_id))])
        data = {**data, "id": row_id}
    row = _parse_one(store, kind, data, reach, old)
    _held_to_reach(store, old, row, reach)
    return _apply_rows(store, kind, actor, "update", row, old, today or date.today())


def patched(store: Store, kind: str, row_id: str, data: Any, reach: Reach | None = None) -> tuple[Row, Row]:
    """The stored row and what a partial update would make of it (nothing written)."""
    old = _visible(store, kind, row_id, reach)
    if not isinstance(data, dict):
        raise BundleError([Problem(kind, 0, None, _("must be a JSON object"))])
    if "id" in data and data["id"] != row_id:
        raise BundleError([Problem(kind, 0, "id", _("must be {id!r}, the id in the path").format(id=row_id))])
    merged = {**old.model_dump(mode="json"), **data}
    row = _parse_one(store, kind, merged, reach, old)
    _held_to_reach(store, old, row, reach)
    return old, row


@retried
def patch(
    store: Store,
    kind: str,
    row_id: str,
    data: Any,
    actor: str,
    today: date | None = None,
    operation: str = "update",
    reach: Reach | None = None,
) -> Row:
    """Partial update (PATCH): only the given fields change."""
    old, row = patched(store, kind, row_id, data, reach)
    return _apply_rows(store, kind, actor, operation, row, old, today or date.today())


def cascade_plan(store: Store, kind: str, ids: set[str]) -> tuple[dict[str, set[str]], dict[str, dict[str, Row]]]:
    """What deleting the rows takes with it: ids to delete and rows to rewrite, by kind."""
    deletes: dict[str, set[str]] = defaultdict(set)
    deletes[kind] |= ids
    updates: dict[str, dict[str, Row]] = defaultdict(dict)

    def current(k: str, row_id: str) -> Row:
        if row_id not in updates[k]:
            updates[k][row_id] = get(store, k, row_id)
        return updates[k][row_id]

    for doomed_kind in KINDS:  # dependents always come later in KINDS
        doomed = set(deletes.get(doomed_kind, ()))
        if not doomed:
            continue
        for referring, referring_ids in store.referrers(doomed_kind, doomed).items():
            for row_id in referring_ids - deletes[referring]:
                if (doomed_kind, referring) in (("organizations", "contacts"), ("organizations", "contact_history")):
                    row = current(referring, row_id)
                    updates[referring][row_id] = row.model_copy(update={"org": None})
                elif (doomed_kind, referring) == ("organizations", "projects"):
                    project = cast(Project, current(referring, row_id))
                    kept = [p for p in project.organizations if p.org not in doomed]
                    updates[referring][row_id] = project.model_copy(update={"organizations": kept})
                elif (doomed_kind, referring) == ("projects", "interactions"):
                    row = current(referring, row_id)
                    updates[referring][row_id] = row.model_copy(update={"project": None})
                elif (doomed_kind, referring) == ("contacts", "interactions"):
                    interaction = cast(Interaction, current(referring, row_id))
                    left = [c for c in interaction.participants if c not in doomed]
                    sender = None if interaction.sender in doomed else interaction.sender
                    if left:
                        # validated again: an e-mail left without its sender is read from the
                        # first participant left, as any e-mail given without one
                        updates[referring][row_id] = Interaction.model_validate(
                            {**interaction.model_dump(mode="json"), "participants": left, "sender": sender}
                        )
                    else:
                        deletes[referring].add(row_id)
                else:
                    deletes[referring].add(row_id)
    for k, ids_gone in deletes.items():
        for row_id in ids_gone:
            updates[k].pop(row_id, None)
    return {k: v for k, v in deletes.items() if v}, {k: v for k, v in updates.items() if v}


@retried
def delete(
    store: Store,
    kind: str,
    row_id: str,
    actor: str,
    cascade: bool = False,
    reach: Reach | None = None,
) -> dict[str, Any]:
    """Delete one row; with cascade, what depends on it too. Returns what was removed/changed.
    For a scoped caller, everything the deletion would touch is vetted first."""
    _visible(store, kind, row_id, reach)
    deletes, updates = cascade_plan(store, kind, {row_id})
    if reach is not None:
        reach.removal(deletes, updates)
    owned = {"contact_history"} if kind == "contacts" else set()  # a person's earlier states are part of them
    dependents = {k: sorted(v - ({row_id} if k == kind else set())) for k, v in deletes.items() if k not in owned}
    dependents = {k: v for k, v in dependents.items() if v}
    changed = {k: sorted(v) for k, v in updates.items()}
    if (dependents or changed) and not cascade:
        held = _("; ").join(
            _("{count} {kind} ({ids})").format(
                count=len(ids), kind=rows_noun(k), ids=", ".join(ids[:5]) + (", ..." if len(ids) > 5 else "")
            )
            for k, ids in sorted({**dependents, **changed}.items())
        )
        raise Conflict(
            _("{kind} {id!r} is still referred to by {held}; delete with cascade=true").format(
                kind=row_noun(kind), id=row_id, held=held
            )
        )
    gone = {k: {r.id: r for r in store.read(k, v)} for k, v in deletes.items()}
    before = {k: {r.id: r for r in store.read(k, list(v))} for k, v in updates.items()}
    audit: list[tuple[str, Row | None, Row | None]] = [
        (k, row, None) for k, rows in gone.items() for row in rows.values()
    ]
    audit += [(k, before[k][row_id_], row) for k, rows in updates.items() for row_id_, row in rows.items()]
    upserts = Bundle(**{k: list(rows.values()) for k, rows in updates.items()})
    store.apply(Change(upserts=upserts, deletes=deletes, audit=record(actor, "delete", audit)))
    return {"deleted": {k: sorted(v) for k, v in deletes.items()}, "updated": changed}
