"""What every ``graphsvc import`` prints, whatever the input (JSON bundle, spreadsheet, mail):
the one import report as text or JSON on stdout, progress and errors on stderr, exit 2 when
anything is wrong (nothing was written then)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from graphsvc.application.mail_import.formats import SUFFIXES
from graphsvc.cli.common import EXIT_BAD_INPUT, announce_checking, error, kept_history, row_counts, store_word
from graphsvc.support.i18n import gettext as _
from graphsvc.support.i18n import ngettext

if TYPE_CHECKING:
    from graphsvc.application.import_report import ImportReport, Issue

#: how many suggestions, duplicates or warnings the text report lists (``--json``: all)
TEXT_LIST = 20
T = TypeVar("T")
#: the formats a mail import reads (its report also says who was found and who is new)
MAIL_FORMATS = frozenset(SUFFIXES.values())


def progress(total: int, large: int, label: str) -> AbstractContextManager[Any]:
    """A bar on stderr for a terminal or an input of ``large`` units or more; never on stdout
    (``--json`` stays clean). Yields None when no bar is drawn."""
    if not (sys.stderr.isatty() or total >= large):
        return nullcontext(None)
    return typer.progressbar(length=max(total, 1), label=label, file=sys.stderr)


@contextmanager
def validation_progress(total: int, large: int, dry_run: bool) -> Iterator[Callable[[int], None] | None]:
    """A bar over a bundle's rows as they are validated (a terminal, or ``large`` rows or more);
    once they all are, the line saying the check against the store (and the write) is under
    way. Yields the tick to give the import, or None when no bar is drawn."""
    with ExitStack() as stack:
        bar = stack.enter_context(progress(total, large, _("checking rows")))
        if bar is None:
            yield None
            return
        done = 0

        def tick(rows: int) -> None:
            nonlocal done
            if done >= total:
                return  # a retried import validates again: the bar is already closed
            bar.update(rows)
            done += rows
            if done >= total:
                stack.close()
                announce_checking(dry_run)

        yield tick


def show(
    report: ImportReport,
    store_name: str,
    as_json: bool,
    describe: Callable[[Issue], str] = str,
    about: dict[str, Any] | None = None,
) -> None:
    """Print the report (``about`` adds to its JSON); exit 2 if it has errors.
    ``describe``: how an issue's place reads for this input (a bundle's rows are indexes)."""
    if as_json:
        body = {**report.model_dump(mode="json"), **(about or {})}
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        _print(report, store_name, describe)
    if report.errors:
        count = len(report.errors)
        if report.commits:  # an import in parts that stopped at a part too large
            footer = ngettext(
                "{count} error; the import stopped after {parts} transaction(s).",
                "{count} errors; the import stopped after {parts} transaction(s).",
                count,
            ).format(count=count, parts=report.commits)
        else:
            footer = ngettext(
                "{count} error; nothing was written.", "{count} errors; nothing was written.", count
            ).format(count=count)
        typer.echo(footer, err=True)
        raise typer.Exit(EXIT_BAD_INPUT)


def _listed(items: Sequence[T]) -> Iterator[T]:
    """The first TEXT_LIST items, then a line saying how many more ``--json`` holds."""
    yield from items[:TEXT_LIST]
    if len(items) > TEXT_LIST:
        typer.echo(_("… {count} more; --json lists them all").format(count=len(items) - TEXT_LIST))


def _print(report: ImportReport, store_name: str, describe: Callable[[Issue], str]) -> None:
    mail = any(source.format in MAIL_FORMATS for source in report.sources)
    for source in report.sources:
        if source.format in MAIL_FORMATS:
            typer.echo(
                _("read {file} ({format}): {count} items").format(
                    file=source.file, format=source.format, count=source.items
                )
            )
    if mail:
        count = len(report.matched)
        typer.echo(ngettext("{count} stored contact found", "{count} stored contacts found", count).format(count=count))
    for new in _listed(sorted(report.suggested_contacts, key=lambda new: (-new.items, new.id))):
        address = new.email or new.phone or new.name
        if new.created:
            typer.echo(
                _("new contact {name} <{address}> created as {id}").format(name=new.name, address=address, id=new.id)
            )
        else:
            typer.echo(
                ngettext(
                    "suggested new contact: {name} <{address}>, in {count} message or meeting",
                    "suggested new contact: {name} <{address}>, in {count} messages or meetings",
                    new.items,
                ).format(name=new.name, address=address, count=new.items)
            )
    if any(not new.created for new in report.suggested_contacts):
        typer.echo(_("(add --create-contacts to create the suggested contacts)"))
    for duplicate in _listed(report.suspected_duplicates):
        typer.echo(_("suspected duplicate: {message}").format(message=duplicate.message))
    for warning in _listed(report.warnings):
        if warning.item is not None:  # a message, meeting or card left out
            typer.echo(
                _("skipped {source} {item}: {reason}").format(
                    source=warning.location or "", item=warning.item, reason=warning.reason
                )
            )
        else:
            typer.echo(_("warning: {warning}").format(warning=describe(warning)))
    for problem in report.errors:
        typer.echo(error(describe(problem)), err=True)
    if report.errors:
        return
    rows = row_counts(report.counts)
    if report.committed and not report.commits:
        typer.echo(
            _("nothing changed in the {store} store: {rows} already stored as given").format(
                store=store_word(store_name), rows=rows
            )
        )
    elif report.committed:
        typer.echo(_("imported into the {store} store: {rows}").format(store=store_word(store_name), rows=rows))
        if report.commits > 1:
            typer.echo(_("written in {count} transactions (--commit-every)").format(count=report.commits))
    else:
        typer.echo(_("dry run, nothing written; importing would give: {rows}").format(rows=rows))
    if report.history_added:
        typer.echo(kept_history(len(report.history_added)))
