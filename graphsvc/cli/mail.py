"""``graphsvc import`` for mailboxes, calendars and address books (.mbox, .eml or a folder
of them, .ics, .vcf). ``cli/data.py`` only decides which importer a command line means. The
report goes to stdout (``--json``: the same JSON as the HTTP upload), errors to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from graphsvc.cli.common import EXIT_BAD_INPUT, announce_checking, error, fail

if TYPE_CHECKING:
    from graphsvc.application.mail_import.report import MailImportReport
    from graphsvc.store.base import Store


#: from this many bytes of mail on, a progress bar is drawn even when stderr is not a terminal
LARGE_BYTES = 20 * 2**20
#: from this many messages and meetings on, the checking step is announced on stderr
LARGE_ITEMS = 5000


def _progress(total: int) -> AbstractContextManager[Any]:
    """A bar on stderr for a terminal or a large mailbox; never on stdout (``--json`` stays clean)."""
    from graphsvc.support.i18n import gettext as _

    if not (sys.stderr.isatty() or total >= LARGE_BYTES):
        return nullcontext(None)
    return typer.progressbar(length=max(total, 1), label=_("reading"), file=sys.stderr)


def is_mail(paths: list[Path]) -> bool:
    from graphsvc.application.mail_import.formats import is_mail_input

    return is_mail_input(paths)


def import_mail(
    paths: list[Path],
    dry_run: bool,
    as_json: bool,
    create_contacts: bool,
    subjects: bool,
    open_store: Callable[[], AbstractContextManager[Store]],
    actor: str,
    since: date | None = None,
    until: date | None = None,
) -> None:
    """Read the files, import (or with ``dry_run`` only check) them, and print the report.
    ``since``/``until``: the days recurring meetings are expanded over (default: a year
    back to 90 days ahead)."""
    from graphsvc.application.mail_import.run import default_window, input_files, read_paths, run_import
    from graphsvc.support.i18n import gettext as _
    from graphsvc.support.settings import load_settings

    start, end = default_window(date.today())
    window = (since or start, until or end)
    if window[0] >= window[1]:
        raise fail(error(_("--since must be before --until")), EXIT_BAD_INPUT)
    total = sum(f.stat().st_size for f in input_files(paths))
    with _progress(total) as bar:
        records, problems = read_paths(paths, window, subjects, tick=bar.update if bar is not None else None)
    if len(records.mails) + len(records.meetings) >= LARGE_ITEMS:
        announce_checking(dry_run)
    with open_store() as store:
        report = run_import(
            store,
            records,
            problems,
            dry_run=dry_run,
            create_contacts=create_contacts,
            actor=actor,
            max_items=load_settings().import_limits.max_rows,
        )
        store_name = store.name
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _print(report, store_name)
    if report.errors:
        raise typer.Exit(EXIT_BAD_INPUT)


def _print(report: MailImportReport, store_name: str) -> None:
    from graphsvc.support.i18n import current_language, ngettext
    from graphsvc.support.i18n import gettext as _

    for source in report.sources:
        typer.echo(
            _("read {file} ({format}): {count} items").format(
                file=source.file, format=source.format, count=source.items
            )
        )
    typer.echo(
        ngettext("{count} stored contact found", "{count} stored contacts found", len(report.matched)).format(
            count=len(report.matched)
        )
    )
    for new in report.suggested_contacts:
        address = new.email or new.phone or new.name
        if new.created:
            typer.echo(
                _("new contact {name} <{address}> created as {id}").format(name=new.name, address=address, id=new.id)
            )
        else:
            typer.echo(
                _("suggested new contact: {name} <{address}>, in {count} messages or meetings").format(
                    name=new.name, address=address, count=new.items
                )
            )
    for duplicate in report.suspected_duplicates:
        typer.echo(_("suspected duplicate: {message}").format(message=duplicate.message))
    if any(not new.created for new in report.suggested_contacts):
        typer.echo(_("(add --create-contacts to create the suggested contacts)"))
    for skip in report.skipped:
        typer.echo(
            _("skipped {source} {item}: {reason}").format(source=skip.source, item=skip.item, reason=skip.reason)
        )
    for problem in report.errors:
        typer.echo(_("error: {location}: {reason}").format(location=problem.location, reason=problem.reason), err=True)
    rows = ("、" if current_language().startswith("zh") else ", ").join(
        _rows(kind, n) for kind, n in report.counts.items() if n
    ) or _("nothing")
    if report.errors:
        typer.echo(_("nothing was written."), err=True)
    elif report.committed:
        typer.echo(_("imported into the {store} store: {rows}").format(store=store_name, rows=rows))
    else:
        typer.echo(_("dry run, nothing written; importing would give: {rows}").format(rows=rows))


def _rows(kind: str, count: int) -> str:
    from graphsvc.support.i18n import ngettext

    if kind == "interactions":
        return ngettext("{count} interaction", "{count} interactions", count).format(count=count)
    if kind == "contacts":
        return ngettext("{count} contact", "{count} contacts", count).format(count=count)
    return ngettext("{count} organisation", "{count} organisations", count).format(count=count)
