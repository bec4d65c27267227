"""Importing a bundle into a store: check everything, keep history, then write once.

Shared by the CLI and the HTTP API so both stores get exactly the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from graphsvc.application.duplicate_report import SuspectedDuplicate, among
from graphsvc.application.retry import retried
from graphsvc.application.stage_order import stored_stage_conflicts
from graphsvc.domain.audit import Change, record
from graphsvc.domain.bundle import Bundle, BundleError, Problem, parse_bundle_with_warnings
from graphsvc.domain.model import KINDS, Contact, ContactPeriod, Row, derived_id
from graphsvc.store.base import Store, TooLarge, read_as
from graphsvc.support.gc_pause import paused_gc
from graphsvc.support.i18n import _


@dataclass
class ImportOutcome:
    """What ``import_bundle`` wrote (or ``check_bundle`` would write)."""

    counts: dict[str, int]
    history_added: list[str] = field(default_factory=list)
    #: what did not block the import (an id-less row repeating an earlier one, left out)
    warnings: list[Problem] = field(default_factory=list)
    #: only checked (``check_bundle``): nothing was written
    dry_run: bool = False
    #: contacts that may be one person, in the bundle or against the store (when asked for)
    suspected_duplicates: list[SuspectedDuplicate] = field(default_factory=list)
    #: the transactions the write took (0: nothing changed, or only checked)
    commits: int = 0


def _state(contact: Contact) -> tuple[str | None, str, str]:
    return contact.org, contact.title, contact.status


def keep_history(bundle: Bundle, stored: dict[str, Contact], today: date) -> tuple[Bundle, list[str]]:
    """Turn changes of employer, title or status into closed history periods.

    A contact whose org, title or status differs from the stored one gets the stored state
    closed as a ContactPeriod ending on the new row's ``since`` (today if not given), so a
    re-imported spreadsheet never silently overwrites who worked where. A change dated the
    day the stored state began corrects it instead; one dated earlier is refused.
    """
    contacts: list[Contact] = []
    periods = list(bundle.contact_history)
    period_ids = {p.id for p in periods}
    added: list[str] = []
    problems: list[Problem] = []
    for index, new in enumerate(bundle.contacts):
        old = stored.get(new.id)
        if old is None:
            contacts.append(new)
            continue
        if _state(old) == _state(new):
            if new.since is None and old.since is not None:
                new = new.model_copy(update={"since": old.since})
            contacts.append(new)
            continue
        effective = new.since or today
        if old.since is not None and old.since == effective:
            # A second change on the day the current state began corrects that state: a
            # period of no days would say nothing (the audit trail keeps the value anyway).
            contacts.append(new.model_copy(update={"since": effective}))
            continue
        if old.since is not None and old.since > effective:
            problems.append(
                Problem(
                    "contacts",
                    index,
                    "since",
                    _(
                        "must be after {day}, when the stored employer/title/status began, "
                        "so that the change can be kept in history"
                    ).format(day=old.since),
                )
            )
            continue
        period_id = derived_id(new.id, f"@{effective.isoformat()}")
        if period_id not in period_ids:
            periods.append(
                ContactPeriod(
                    id=period_id,
                    contact=new.id,
                    org=old.org,
                    title=old.title,
                    status=old.status,
                    valid_from=old.since,
                    valid_to=effective,
                )
            )
            period_ids.add(period_id)
            added.append(period_id)
        contacts.append(new.model_copy(update={"since": effective}))
    if problems:
        raise BundleError(problems)
    return bundle.model_copy(update={"contacts": contacts, "contact_history": periods}), added


def _changed_rows(store: Store, bundle: Bundle) -> tuple[Bundle, list[tuple[str, Row | None, Row]]]:
    """Only the rows that differ from what is stored, with their stored versions for the audit."""
    nonempty = {kind for kind, n in store.counts().items() if n}
    changed: dict[str, list[Row]] = {}
    triples: list[tuple[str, Row | None, Row]] = []
    for kind in KINDS:
        rows = bundle.rows(kind)
        if kind not in nonempty or not rows:
            changed[kind] = rows  # nothing of this kind stored: every row is new
            triples.extend((kind, None, row) for row in rows)
            continue
        stored = {r.id: r for r in store.read(kind, [r.id for r in rows])}
        _refuse_invalid_stored(store, kind, rows, {row.id for row in rows} - stored.keys())
        changed[kind] = [row for row in rows if stored.get(row.id) != row]
        triples.extend((kind, stored.get(row.id), row) for row in changed[kind])
    return Bundle(**changed), triples


def parse_against(store: Store, data: Any) -> Bundle:
    """``parse_bundle`` with what only the store can tell: references to stored rows, and
    stage orders stored stages hold. Raises BundleError listing every problem."""
    return parse_against_with_warnings(store, data)[0]


def parse_against_with_warnings(
    store: Store, data: Any, tick: Callable[[int], None] | None = None
) -> tuple[Bundle, list[Problem]]:
    """``parse_against``, with the warnings of ``parse_bundle_with_warnings`` (``tick``: told
    how many rows each step validated)."""
    bundle, warnings = parse_bundle_with_warnings(data, known=store.existing_ids, tick=tick)
    problems = list(stored_stage_conflicts(store, bundle))
    if problems:
        raise BundleError(problems)
    return bundle, warnings


def _refuse_invalid_stored(store: Store, kind: str, rows: list[Row], unread: set[str]) -> None:
    """An id stored but not read is a stored row the model refuses: it is kept, not replaced."""
    taken = store.existing_ids(kind, unread) if unread else set()
    if taken:
        reason = _("a stored row with this id is invalid and kept as stored (see graphsvc db check)")
        raise BundleError([Problem(kind, index, "id", reason) for index, row in enumerate(rows) if row.id in taken])


def check_bundle(
    store: Store,
    data: Any,
    today: date | None = None,
    duplicates: bool = False,
    tick: Callable[[int], None] | None = None,
) -> ImportOutcome:
    """What ``import_bundle`` would do with ``data``, without writing anything: the same
    checks against the store (raising BundleError with every problem), the rows it would
    write and the history it would keep (a dry run)."""
    with paused_gc():
        bundle, warnings = parse_against_with_warnings(store, data, tick)
        stored = {c.id: c for c in read_as(store, Contact, [c.id for c in bundle.contacts])}
        bundle, added = keep_history(bundle, stored, today or date.today())
        suspected = _suspected(store, bundle) if duplicates else []
    return ImportOutcome(
        counts=bundle.counts(), history_added=added, warnings=warnings, dry_run=True, suspected_duplicates=suspected
    )


def _suspected(store: Store, bundle: Bundle) -> list[SuspectedDuplicate]:
    """The bundle's contacts (located as ``contacts`` row i) that may be one person, among
    themselves or with a stored contact."""
    if not bundle.contacts:
        return []
    incoming = [(contact, ("contacts", index)) for index, contact in enumerate(bundle.contacts)]
    return among(incoming, read_as(store, Contact))


@retried
def import_bundle(
    store: Store,
    data: Any,
    today: date | None = None,
    actor: str = "cli",
    duplicates: bool = False,
    tick: Callable[[int], None] | None = None,
    commit_every: int | None = None,
) -> ImportOutcome:
    """Validate ``data`` against the store, then write what changed in one transaction,
    with an audit entry per created or changed row. (Recomputed if a row it creates was
    stored by another writer in between, see ``retried``.)

    ``commit_every``: write in transactions of at most that many changed rows instead (an
    import larger than the server's transaction memory): everything is still checked before
    the first is written; one stopped halfway leaves whole parts, and importing again
    writes the rest.

    Raises BundleError (nothing written) listing every problem found; TooLarge when the
    store refuses a transaction as too large (nothing of that transaction written).
    """
    with paused_gc():  # millions of small acyclic objects: rescanning them is wasted time
        bundle, warnings = parse_against_with_warnings(store, data, tick)
        stored = {c.id: c for c in read_as(store, Contact, [c.id for c in bundle.contacts])}
        bundle, added = keep_history(bundle, stored, today or date.today())
        suspected = _suspected(store, bundle) if duplicates else []
        changed, triples = _changed_rows(store, bundle)
        commits = 0
        for part, part_triples in _parts(changed, triples, commit_every):
            # Unguarded: an import replaces rows wholesale by id (its audit's before values
            # are what was stored when it was checked), and re-reading a bulk load inside
            # the transaction would double its cost.
            try:
                store.apply(Change(upserts=part, audit=record(actor, "import", part_triples), guard=False))
            except TooLarge as exc:
                exc.written = commits
                raise
            commits += 1
    return ImportOutcome(
        counts=bundle.counts(),
        history_added=added,
        warnings=warnings,
        suspected_duplicates=suspected,
        commits=commits,
    )


def _parts(
    changed: Bundle, triples: list[tuple[str, Row | None, Row]], every: int | None
) -> Iterator[tuple[Bundle, list[tuple[str, Row | None, Row]]]]:
    """The changed rows in one part, or in parts of at most ``every`` rows taken in the
    bundle's order, so that a part refers only to rows stored or written by an earlier one
    (the audit triples follow their rows). Nothing when nothing changed."""
    if not triples:
        return
    if every is None:
        yield changed, triples
        return
    for start in range(0, len(triples), every):
        part = triples[start : start + every]
        rows: dict[str, list[Row]] = {}
        for kind, _before, after in part:
            rows.setdefault(kind, []).append(after)
        yield Bundle(**rows), part
