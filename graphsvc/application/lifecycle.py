"""What happens to people over a project's life: someone leaves and hands over to a
successor, a person entered twice is merged, someone changes employer or title.

Each operation is one audited Change (all or nothing) and keeps history: assignments and
links are closed on the day and continued by new rows rather than rewritten, earlier
employer/title/status states become contact history, and the audit trail keeps every
row as it was.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from graphsvc.application.entities import Reach, get, patch
from graphsvc.application.importer import keep_history
from graphsvc.application.retry import Conflict, retried
from graphsvc.domain.audit import Change, record
from graphsvc.domain.bundle import Bundle, BundleError, Problem
from graphsvc.domain.missing import no_such
from graphsvc.domain.model import Assignment, Contact, ContactStatus, Interaction, Link, Row, derived_id
from graphsvc.domain.validation_text import validation_message
from graphsvc.store.base import Store, read_as
from graphsvc.support.i18n import N_, _

#: one audited row change: (kind, before, after)
Changed = tuple[str, Row | None, Row | None]


class Moved(BaseModel):
    kind: str = Field(description="assignments or links")
    old: str = Field(description="the row closed (or re-pointed)")
    new: str | None = Field(description="the row that continues it (None if dropped)")
    detail: str


class MergedField(BaseModel):
    field: str
    survivor: Any = Field(description="the survivor's value before the merge")
    merged: Any = Field(description="the value after it (lists united, empty fields filled from the duplicate)")


class LifecycleReport(BaseModel):
    contact: str
    operation: str
    moved: list[Moved] = Field(default_factory=list)
    skipped: list[Moved] = Field(default_factory=list)
    history_added: list[str] = Field(default_factory=list)
    deleted: list[str] = Field(default_factory=list)
    fields: list[MergedField] = Field(default_factory=list, description="merge: the survivor's fields that change")
    dry_run: bool = Field(False, description="nothing was written: what the operation would do")
    change: str | None = Field(
        None, description="the audit trail's id of the change written (a merge is undone with it)"
    )


def _open_on(row: Assignment | Link, day: date) -> bool:
    return row.valid_to is None or row.valid_to > day


def _fresh_id(store: Store, kind: str, base: str, suffix: str, taken: set[str]) -> str:
    """``base`` + ``suffix`` (then -2, -3, ...) not yet taken, within the id limit."""
    candidate, n = derived_id(base, suffix), 1
    while candidate in taken or store.existing_ids(kind, {candidate}):
        n += 1
        candidate = derived_id(base, f"{suffix}-{n}")
    taken.add(candidate)
    return candidate


#: why a successor who is not active cannot take over
_NOT_ACTIVE = {
    ContactStatus.on_leave.value: N_("{name} is on_leave, not active"),
    ContactStatus.left.value: N_("{name} is left, not active"),
}


def _bad(field: str, reason: str) -> BundleError:
    return BundleError([Problem("body", None, field, reason)])


def unknown_contact(contact_id: str, field: str) -> BundleError:
    return _bad(field, no_such("contacts", contact_id))


def _active_contact(store: Store, contact_id: str, field: str) -> Contact:
    found = store.read("contacts", [contact_id])
    if not found:
        raise unknown_contact(contact_id, field)
    return found[0]  # type: ignore[return-value]


@retried
def leave(store: Store, contact_id: str, on: date, successor_id: str | None, actor: str) -> LifecycleReport:
    """``contact_id`` leaves on ``on``; their open assignments and working links continue
    with the successor from that day (the old rows end that day)."""
    leaver: Contact = get(store, "contacts", contact_id)  # type: ignore[assignment]
    if leaver.status == ContactStatus.left.value:
        raise Conflict(_("contact {contact!r} has already left").format(contact=contact_id))
    successor = None
    if successor_id is not None:
        if successor_id == contact_id:
            raise _bad("successor", _("must be someone else"))
        successor = _active_contact(store, successor_id, "successor")
        if successor.status != ContactStatus.active.value:
            raise _bad("successor", _(_NOT_ACTIVE[successor.status]).format(name=successor.name))
    report = LifecycleReport(contact=contact_id, operation="leave")
    departed = leaver.model_copy(update={"status": ContactStatus.left, "since": on})
    bundle, report.history_added = keep_history(Bundle(contacts=[departed]), {leaver.id: leaver}, on)
    changes: list[tuple[str, Row | None, Row | None]] = [("contacts", leaver, bundle.contacts[0])]
    changes += [("contact_history", None, p) for p in bundle.contact_history]
    upserts: dict[str, list[Row]] = {"contacts": list(bundle.contacts), "contact_history": list(bundle.contact_history)}

    held = store.referrers("contacts", {contact_id})
    assignments = [a for a in read_as(store, Assignment, held.get("assignments", set())) if _open_on(a, on)]
    links = [link for link in read_as(store, Link, held.get("links", set())) if _open_on(link, on)]
    if successor is None:
        report.skipped += [
            Moved(
                kind="assignments",
                old=a.id,
                new=None,
                detail=_("no successor: left open, reported as a vacuum by the findings"),
            )
            for a in assignments
        ]
    else:
        taken: set[str] = set()
        for a in assignments:
            _continue(
                store,
                "assignments",
                a,
                {"contact": successor.id},
                on,
                upserts,
                changes,
                report,
                taken,
                _("{raci} for {duty} now with {name}").format(raci=a.raci, duty=a.responsibility, name=successor.name),
            )
        existing = read_as(store, Link, store.referrers("contacts", {successor.id}).get("links", set()))
        for link in links:
            ends = {"source": successor.id} if link.source == contact_id else {"target": successor.id}
            other = link.target if "source" in ends else link.source
            same = [
                e
                for e in existing
                if e.kind == link.kind
                and _open_on(e, on)
                and (e.source, e.target) == (ends.get("source", link.source), ends.get("target", link.target))
            ]
            if other == successor.id:
                report.skipped.append(
                    Moved(kind="links", old=link.id, new=None, detail=_("a line to the successor themself"))
                )
                _close(link, on, upserts, changes)
            elif same:
                report.skipped.append(
                    Moved(
                        kind="links",
                        old=link.id,
                        new=same[0].id,
                        detail=_("{name} already has this {kind} line").format(name=successor.name, kind=link.kind),
                    )
                )
                _close(link, on, upserts, changes)
            else:
                update: dict[str, Any] = {**ends, "last_contact": None}
                _continue(
                    store,
                    "links",
                    link,
                    update,
                    on,
                    upserts,
                    changes,
                    report,
                    taken,
                    _("{kind} line with {other} now held by {name}").format(
                        kind=link.kind, other=other, name=successor.name
                    ),
                )
    entries = record(actor, "leave", changes)
    store.apply(Change(upserts=Bundle(**upserts), audit=entries))
    report.change = entries[0].change if entries else None
    return report


def _close(row: Assignment | Link, on: date, upserts: dict[str, list[Row]], changes: list[Changed]) -> None:
    kind = "assignments" if isinstance(row, Assignment) else "links"
    if row.valid_from is not None and row.valid_from >= on:
        return  # not begun yet: the continuation replaces it outright (see _continue)
    closed = row.model_copy(update={"valid_to": on})
    upserts.setdefault(kind, []).append(closed)
    changes.append((kind, row, closed))


def _continue(
    store: Store,
    kind: str,
    row: Assignment | Link,
    update: dict[str, Any],
    on: date,
    upserts: dict[str, list[Row]],
    changes: list[Changed],
    report: LifecycleReport,
    taken: set[str],
    detail: str,
) -> None:
    """End ``row`` on ``on`` and start its continuation from ``on``; a row that has not
    begun yet is simply handed over (same id)."""
    if row.valid_from is not None and row.valid_from >= on:
        moved = row.model_copy(update=update)
        upserts.setdefault(kind, []).append(moved)
        changes.append((kind, row, moved))
        report.moved.append(Moved(kind=kind, old=row.id, new=row.id, detail=detail))
        return
    _close(row, on, upserts, changes)
    new_id = _fresh_id(store, kind, row.id, f"@{on.isoformat()}", taken)
    continued = row.model_copy(update={**update, "id": new_id, "valid_from": on})
    upserts.setdefault(kind, []).append(continued)
    changes.append((kind, None, continued))
    report.moved.append(Moved(kind=kind, old=row.id, new=new_id, detail=detail))


@retried
def merge(store: Store, survivor_id: str, duplicate_id: str, actor: str, dry_run: bool = False) -> LifecycleReport:
    """The duplicate's details, history, assignments, links and interactions move to the
    survivor; the duplicate row goes (the audit trail keeps it, and ``unmerge`` restores it).
    A dry run reports the same and writes nothing."""
    if survivor_id == duplicate_id:
        raise _bad("duplicate", _("must differ from the survivor"))
    survivor: Contact = get(store, "contacts", survivor_id)  # type: ignore[assignment]
    duplicate = _active_contact(store, duplicate_id, "duplicate")
    report = LifecycleReport(contact=survivor_id, operation="merge", deleted=[duplicate_id], dry_run=dry_run)
    merged = _within_limits(survivor.model_copy(update=_merged_details(survivor, duplicate)))
    report.fields = [
        MergedField(field=name, survivor=before, merged=after)
        for name, before in survivor.model_dump(mode="json").items()
        if (after := merged.model_dump(mode="json")[name]) != before
    ]
    changes: list[tuple[str, Row | None, Row | None]] = [("contacts", survivor, merged), ("contacts", duplicate, None)]
    upserts: dict[str, list[Row]] = {"contacts": [merged]}
    deletes: dict[str, set[str]] = {"contacts": {duplicate_id}}

    def repoint(kind: str, row: Row, update: dict[str, Any], detail: str) -> None:
        # validated again, not model_copy'd: the row keeps its canonical form (sorted
        # participants), as a reload from the store would give it
        new = type(row).model_validate(row.model_dump() | update)
        upserts.setdefault(kind, []).append(new)
        changes.append((kind, row, new))
        report.moved.append(Moved(kind=kind, old=row.id, new=row.id, detail=detail))

    def drop(kind: str, row: Row, kept: str | None, detail: str) -> None:
        deletes.setdefault(kind, set()).add(row.id)
        changes.append((kind, row, None))
        report.skipped.append(Moved(kind=kind, old=row.id, new=kept, detail=detail))

    held = store.referrers("contacts", {duplicate_id})
    own = store.referrers("contacts", {survivor_id})
    for period in store.read("contact_history", held.get("contact_history", set())):
        repoint("contact_history", period, {"contact": survivor_id}, _("earlier state kept under the survivor"))
    own_duties = {(a.responsibility, a.raci) for a in read_as(store, Assignment, own.get("assignments", set()))}
    for a in read_as(store, Assignment, held.get("assignments", set())):
        if (a.responsibility, a.raci) in own_duties:
            drop(
                "assignments",
                a,
                None,
                _("survivor already holds {raci} for {duty}").format(raci=a.raci, duty=a.responsibility),
            )
        else:
            repoint(
                "assignments",
                a,
                {"contact": survivor_id},
                _("{raci} for {duty}").format(raci=a.raci, duty=a.responsibility),
            )
    own_links = {(link.kind, link.source, link.target): link for link in read_as(store, Link, own.get("links", set()))}
    for link in read_as(store, Link, held.get("links", set())):
        source = survivor_id if link.source == duplicate_id else link.source
        target = survivor_id if link.target == duplicate_id else link.target
        twin = own_links.get((link.kind, source, target))
        if source == target:
            drop("links", link, None, _("a line between the two entries of one person"))
        elif twin is not None:
            drop("links", link, twin.id, _("the survivor already has this line"))
            dates = [d for d in (twin.last_contact, link.last_contact) if d is not None]
            if dates and max(dates) != twin.last_contact:
                updated = twin.model_copy(update={"last_contact": max(dates)})
                upserts.setdefault("links", []).append(updated)
                changes.append(("links", twin, updated))
        else:
            repoint("links", link, {"source": source, "target": target}, _("{kind} line").format(kind=link.kind))
    for interaction in read_as(store, Interaction, held.get("interactions", set())):
        people = list(dict.fromkeys(survivor_id if p == duplicate_id else p for p in interaction.participants))
        sender = survivor_id if interaction.sender == duplicate_id else interaction.sender
        repoint(
            "interactions", interaction, {"participants": people, "sender": sender}, _("took part as the duplicate")
        )
    if dry_run:
        return report
    entries = record(actor, "merge", changes)
    store.apply(Change(upserts=Bundle(**upserts), deletes=deletes, audit=entries))
    report.change = entries[0].change
    return report


def _within_limits(contact: Contact) -> Contact:
    """A merged contact is validated again: the united lists may pass the model's limits."""
    try:
        return Contact.model_validate(contact.model_dump())
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        raise _bad(
            "duplicate",
            _("the merged {field}: {reason}").format(
                field=".".join(map(str, error["loc"])), reason=validation_message(error)
            ),
        ) from None


def _merged_details(survivor: Contact, duplicate: Contact) -> dict[str, Any]:
    """Lists united (survivor's first), empty fields filled from the duplicate."""
    update: dict[str, Any] = {
        name: list(dict.fromkeys([*getattr(survivor, name), *getattr(duplicate, name)]))
        for name in ("emails", "phones", "tags")
    }
    for name in ("title", "preferred_channel", "language", "notes"):
        if not getattr(survivor, name) and getattr(duplicate, name):
            update[name] = getattr(duplicate, name)
    if survivor.org is None and duplicate.org is not None:
        update["org"] = duplicate.org
    return update


def move(
    store: Store,
    contact_id: str,
    on: date,
    org: str | None,
    title: str | None,
    actor: str,
    reach: Reach | None = None,
) -> Contact:
    """A change of employer and/or title from ``on``; the earlier state becomes history
    (``reach``: what a scoped caller's change is held to, see entities)."""
    changes: dict[str, Any] = {"since": on.isoformat()}
    if org is not None:
        changes["org"] = org
    if title is not None:
        changes["title"] = title
    if len(changes) == 1:
        raise _bad("org", _("give a new org, a new title, or both"))
    return patch(store, "contacts", contact_id, changes, actor, operation="move", reach=reach)  # type: ignore[return-value]
