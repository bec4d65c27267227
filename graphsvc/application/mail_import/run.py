"""Reading the given files and importing what they hold: one call for the CLI and the web.

Every file is read first; the bundle is checked against the store like any other import and
written once (``import_bundle``: all-or-nothing, one audit entry per row), or, in a dry
run, only checked. Ids derived from message ids and UIDs make a re-import change nothing.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path, PurePath
from typing import Final

from graphsvc.application.duplicate_report import SuspectedDuplicate, among
from graphsvc.application.import_report import ImportReport, Issue, Source, Suggested, bundle_issue
from graphsvc.application.importer import import_bundle, parse_against
from graphsvc.application.mail_import.convert import convert
from graphsvc.application.mail_import.formats import SUFFIXES, eml_files
from graphsvc.application.mail_import.ics import read_ics
from graphsvc.application.mail_import.mail import read_eml, read_mbox
from graphsvc.application.mail_import.records import Records
from graphsvc.application.mail_import.vcard import read_vcf
from graphsvc.domain.bundle import BundleError
from graphsvc.domain.model import KINDS, Contact, Organization
from graphsvc.store.base import Store, TooLarge, read_as
from graphsvc.support.i18n import gettext as _

#: recurring meetings are expanded from this long before today ...
WINDOW_BEFORE: Final = timedelta(days=365)
#: ... to this long after it
WINDOW_AFTER: Final = timedelta(days=90)


def default_window(today: date) -> tuple[date, date]:
    return today - WINDOW_BEFORE, today + WINDOW_AFTER


def input_files(paths: Iterable[Path]) -> list[Path]:
    """The files ``read_paths`` reads (a folder: its ``.eml`` files), for a progress bar's length."""
    return [f for p in paths for f in (list(eml_files(p)) if p.is_dir() else [p] if p.is_file() else [])]


def read_paths(
    paths: Iterable[Path],
    window: tuple[date, date],
    subjects: bool,
    labels: dict[Path, str] | None = None,
    tick: Callable[[int], None] | None = None,
) -> tuple[Records, list[Issue]]:
    """Every record in the files (a folder: its ``.eml`` files); problems for files that are not there.

    ``labels``: how to name a file in the report (an upload: its own name, not where it was
    saved); ``tick`` is told the size in bytes of each file once it is read (a progress bar)."""
    labels = labels or {}
    records = Records()
    problems: list[Issue] = []
    for path in paths:
        if path.is_dir():
            files = list(eml_files(path))
        elif path.is_file():
            files = [path]
        else:
            problems.append(Issue(location=str(path), reason=_("no such file or folder")))
            continue
        for file in files:
            kind = SUFFIXES.get(file.suffix.lower())
            source = labels.get(file, str(file))
            if kind is None:
                problems.append(Issue(location=source, reason=_("not a .mbox, .eml, .ics or .vcf file")))
                continue
            count = _read_one(records, file, source, kind, window, subjects)
            records.sources[source] = (kind, count)
            if tick is not None:
                tick(file.stat().st_size)
    return records, problems


def read_uploads(
    uploads: list[tuple[str, bytes]], window: tuple[date, date], subjects: bool
) -> tuple[Records, list[Issue]]:
    """``read_paths`` for uploaded files ((name, content)): each is saved in a private
    temporary folder under a name of our own with its suffix, read, and removed."""
    with tempfile.TemporaryDirectory(prefix="graphsvc-mail-") as folder:
        labels: dict[Path, str] = {}
        for number, (name, content) in enumerate(uploads):
            label = PurePath(name.replace("\\", "/")).name or "upload"
            path = Path(folder) / f"{number}{PurePath(label).suffix.lower()}"
            path.write_bytes(content)
            labels[path] = label if label not in labels.values() else f"{label} ({number + 1})"
        return read_paths(list(labels), window, subjects, labels)


def _read_one(records: Records, file: Path, source: str, kind: str, window: tuple[date, date], subjects: bool) -> int:
    if kind in ("mbox", "eml"):
        mails, skipped = read_mbox(file, subjects, source) if kind == "mbox" else read_eml(file, subjects, source)
        records.mails.extend(mails)
        records.skipped.extend(skipped)
        return len(mails)
    if kind == "ics":
        meetings, skipped = read_ics(file, window, subjects, source)
        records.meetings.extend(meetings)
        records.skipped.extend(skipped)
        return len(meetings)
    cards, skipped = read_vcf(file, source)
    records.cards.extend(cards)
    records.skipped.extend(skipped)
    return len(cards)


def run_import(
    store: Store,
    records: Records,
    problems: list[Issue],
    dry_run: bool,
    create_contacts: bool,
    actor: str,
    max_items: int | None = None,
    commit_every: int | None = None,
) -> ImportReport:
    """Check the records against the store and (unless ``dry_run`` or anything is wrong) write
    them (``commit_every``: in parts, see ``import_bundle``)."""
    sources = [Source(file=f, format=kind, items=n) for f, (kind, n) in records.sources.items()]
    items = len(records.mails) + len(records.meetings) + len(records.cards)
    if max_items is not None and items > max_items:
        reason = _("{count} messages, meetings and cards: more than the {limit} one import may hold")
        problems = [*problems, Issue(reason=reason.format(count=items, limit=max_items))]
    if problems:
        return ImportReport(ok=False, dry_run=dry_run, committed=False, sources=sources, errors=problems)
    stored = read_as(store, Contact)
    organizations = read_as(store, Organization)
    conversion = convert(
        records, stored, organizations, create_contacts, taken=lambda ids: store.existing_ids("contacts", ids)
    )
    report = ImportReport(
        ok=True,
        dry_run=dry_run,
        committed=False,
        sources=sources,
        counts={kind: len(conversion.data.get(kind, [])) for kind in KINDS},
        matched=conversion.matched,
        suggested_contacts=conversion.suggested,
        warnings=conversion.skipped,
        suspected_duplicates=_suspected(conversion.suggested, stored),
    )
    try:
        if dry_run:
            parse_against(store, conversion.data)
        else:
            outcome = import_bundle(store, conversion.data, actor=actor, commit_every=commit_every)
            report.commits = outcome.commits
    except BundleError as exc:
        return report.refused([bundle_issue(p) for p in exc.problems])
    except TooLarge as exc:
        return report.too_large(exc)
    return report.model_copy(update={"committed": not dry_run})


def _suspected(suggested: list[Suggested], stored: list[Contact]) -> list[SuspectedDuplicate]:
    """Suggested new contacts that may be someone stored (the same name under another
    phone or address: 同名不同号) or each other."""
    incoming = [
        (
            Contact.model_construct(
                id=s.id, name=s.name, emails=[s.email] if s.email else [], phones=[s.phone] if s.phone else []
            ),
            ("suggested_contacts", index),
        )
        for index, s in enumerate(suggested)
    ]
    return among(incoming, stored)
