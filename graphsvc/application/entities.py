"""Single-entity writes (create, replace, patch, delete) as audited, all-or-nothing Changes.

The HTTP API calls these; they check exactly what an import checks (the same parser, so
the same problems with the same field names) plus what only a single write can get wrong:
an id that already exists (Conflict) and a delete that would leave references dangling
(Conflict, unless asked to cascade).

Cascade rules, the same on both stores because they are computed here:
- a contact's earlier states (contact history) are part of the contact and always go with it;
- rows that cannot exist without the deleted one go with it: a project's stages, a stage's
  responsibilities, assignments of a deleted contact or responsibility, links of a deleted
  contact, the earlier states of a deleted contact;
- optional references are cleared: a contact's or earlier state's organisation, an
  interaction's project;
- list entries are dropped: a project's participation of the organisation, an interaction's
  participant (an interaction left with nobody goes too).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, cast

from graphsvc.application.importer import keep_history, parse_against
from graphsvc.application.retry import Conflict, retried
from graphsvc.domain.audit import Change, record
from graphsvc.domain.bundle import Bundle, BundleError, Problem, parse_bundle
from graphsvc.domain.model import KINDS, Contact, Interaction, Project, Row
from graphsvc.store.base import NotFound, Store


def singular(kind: str) -> str:
    return {"contact_history": "contact period", "responsibilities": "responsibility"}.get(kind, kind.rstrip("s"))


def get(store: Store, kind: str, row_id: str) -> Row:
    found = store.read(kind, [row_id])
    if not found:
        raise NotFound(f"no {singular(kind)} {row_id!r}")
    return found[0]


def _parse_one(store: Store, kind: str, data: Any, to_write: bool = True) -> Row:
    """Validate one row as an import would, against what is stored. A row not
    ``to_write`` yet (a preview the caller checks the reach of first) is checked only
    against the ids stored, so that its answer tells nothing of other stored rows."""
    if not isinstance(data, dict):
        raise BundleError([Problem(kind, 0, None, "must be a JSON object")])
    if not to_write:
        return parse_bundle({kind: [data]}, known=store.existing_ids).rows(kind)[0]
    return parse_against(store, {kind: [data]}).rows(kind)[0]


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
def create(store: Store, kind: str, data: Any, actor: str, today: date | None = None) -> Row:
    row = _parse_one(store, kind, data)
    if store.existing_ids(kind, {row.id}):
        raise Conflict(f"{singular(kind)} {row.id!r} already exists")
    return _apply_rows(store, kind, actor, "create", row, None, today or date.today())


@retried
def replace(store: Store, kind: str, row_id: str, data: Any, actor: str, today: date | None = None) -> Row:
    """Full replacement (PUT): fields left out take their defaults."""
    old = get(store, kind, row_id)
    if isinstance(data, dict):
        if "id" in data and data["id"] != row_id:
            raise BundleError([Problem(kind, 0, "id", f"must be {row_id!r}, the id in the path")])
        data = {**data, "id": row_id}
    row = _parse_one(store, kind, data)
    return _apply_rows(store, kind, actor, "update", row, old, today or date.today())


def patched(store: Store, kind: str, row_id: str, data: Any, to_write: bool = False) -> tuple[Row, Row]:
    """The stored row and what a partial update would make of it (nothing written)."""
    old = get(store, kind, row_id)
    if not isinstance(data, dict):
        raise BundleError([Problem(kind, 0, None, "must be a JSON object")])
    if "id" in data and data["id"] != row_id:
        raise BundleError([Problem(kind, 0, "id", f"must be {row_id!r}, the id in the path")])
    merged = {**old.model_dump(mode="json"), **data}
    return old, _parse_one(store, kind, merged, to_write)


@retried
def patch(
    store: Store, kind: str, row_id: str, data: Any, actor: str, today: date | None = None, operation: str = "update"
) -> Row:
    """Partial update (PATCH): only the given fields change."""
    old, row = patched(store, kind, row_id, data, to_write=True)
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
                    if left:
                        updates[referring][row_id] = interaction.model_copy(update={"participants": left})
                    else:
                        deletes[referring].add(row_id)
                else:
                    deletes[referring].add(row_id)
    for k, ids_gone in deletes.items():
        for row_id in ids_gone:
            updates[k].pop(row_id, None)
    return {k: v for k, v in deletes.items() if v}, {k: v for k, v in updates.items() if v}


@retried
def delete(store: Store, kind: str, row_id: str, actor: str, cascade: bool = False) -> dict[str, Any]:
    """Delete one row; with cascade, what depends on it too. Returns what was removed/changed."""
    get(store, kind, row_id)
    deletes, updates = cascade_plan(store, kind, {row_id})
    owned = {"contact_history"} if kind == "contacts" else set()  # a person's earlier states are part of them
    dependents = {k: sorted(v - ({row_id} if k == kind else set())) for k, v in deletes.items() if k not in owned}
    dependents = {k: v for k, v in dependents.items() if v}
    changed = {k: sorted(v) for k, v in updates.items()}
    if (dependents or changed) and not cascade:
        held = "; ".join(
            f"{len(ids)} {k} ({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''})"
            for k, ids in sorted({**dependents, **changed}.items())
        )
        raise Conflict(f"{singular(kind)} {row_id!r} is still referred to by {held}; delete with cascade=true")
    gone = {k: {r.id: r for r in store.read(k, v)} for k, v in deletes.items()}
    before = {k: {r.id: r for r in store.read(k, list(v))} for k, v in updates.items()}
    audit: list[tuple[str, Row | None, Row | None]] = [
        (k, row, None) for k, rows in gone.items() for row in rows.values()
    ]
    audit += [(k, before[k][row_id_], row) for k, rows in updates.items() for row_id_, row in rows.items()]
    upserts = Bundle(**{k: list(rows.values()) for k, rows in updates.items()})
    store.apply(Change(upserts=upserts, deletes=deletes, audit=record(actor, "delete", audit)))
    return {"deleted": {k: sorted(v) for k, v in deletes.items()}, "updated": changed}
