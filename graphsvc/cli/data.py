"""Bundles in and out: ``import``, ``export``, ``validate``, ``schema`` and ``demo``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from graphsvc.cli.common import (
    EXIT_BAD_INPUT,
    actor,
    configured_store,
    day_option,
    error,
    fail,
)
from graphsvc.cli.import_output import show, validation_progress
from graphsvc.support.i18n import gettext as _
from graphsvc.support.i18n import ngettext

if TYPE_CHECKING:
    from graphsvc.store import Store


#: from this many rows on, an import draws a bar as it checks the rows, even when stderr is not a terminal
LARGE_BUNDLE_ROWS = 5000


def _report_import(
    store: Store,
    data: object,
    as_json: bool,
    today: date | None = None,
    about: dict[str, Any] | None = None,
    dry_run: bool = False,
    file: str = "bundle",
    commit_every: int | None = None,
) -> None:
    """Import ``data`` (``dry_run``: only check it) and print the report (``about`` adds to
    its JSON); exit 2 if anything is wrong. A large bundle shows a bar as its rows are checked."""
    from graphsvc.application.bundle_import import bundle_rows, run_import
    from graphsvc.application.import_report import bundle_text

    with validation_progress(sum(bundle_rows(data).values()), LARGE_BUNDLE_ROWS, dry_run) as tick:
        report = run_import(
            store, data, dry_run=dry_run, actor=actor(), today=today, file=file, tick=tick, commit_every=commit_every
        )
    show(report, store.name, as_json, describe=bundle_text, about=about)


def import_command(
    files: list[Path] = typer.Argument(
        ...,
        help="JSON bundle, or spreadsheet: one .xlsx, .csv files, or a directory of .csv files; "
        "or mail: .mbox, .eml files or a folder of them, .ics calendars, .vcf address books",
        exists=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    dry_run: bool = typer.Option(False, "--dry-run", help="check and report, write nothing"),
    create_contacts: bool = typer.Option(
        False, "--create-contacts", help="mail: create the suggested new contacts (unknown addresses)"
    ),
    subjects: bool = typer.Option(False, "--subjects", help="mail: keep subjects as summaries (bodies never)"),
    encoding: str | None = typer.Option(
        None,
        "--encoding",
        metavar="NAME",
        help="CSV files: their text encoding (e.g. cp1252, shift_jis); default: UTF-8, UTF-16 with BOM, or Chinese GB18030",
    ),
    commit_every: int | None = typer.Option(
        None,
        "--commit-every",
        min=1,
        metavar="ROWS",
        help="write in transactions of at most ROWS rows (an import too large for one Neo4j transaction); "
        "everything is checked first, and importing again after a stop writes the rest",
    ),
    since: date | None = day_option(
        None, "--since", help="calendars: expand recurring meetings from this day (default: a year ago)"
    ),
    until: date | None = day_option(
        None, "--until", help="calendars: expand recurring meetings up to this day (default: 90 days ahead)"
    ),
) -> None:
    """Import a JSON bundle, a spreadsheet, or mail, calendars and address books: everything
    is checked first; bad input writes nothing."""
    from graphsvc.cli.mail import import_mail, is_mail
    from graphsvc.cli.spreadsheet import import_spreadsheets, is_spreadsheet

    if is_mail(files):
        return import_mail(
            files,
            dry_run,
            as_json,
            create_contacts,
            subjects,
            configured_store,
            actor(),
            since=since,
            until=until,
            commit_every=commit_every,
        )
    if is_spreadsheet(files):
        return import_spreadsheets(
            files,
            dry_run=dry_run,
            as_json=as_json,
            open_store=configured_store,
            actor=actor(),
            encoding=encoding,
            commit_every=commit_every,
        )
    if len(files) > 1:
        raise fail(error(_("give one JSON bundle")), EXIT_BAD_INPUT)
    file = files[0]
    if not file.is_file():
        raise fail(error(_("no such file: {file}").format(file=file)), EXIT_BAD_INPUT)
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise fail(
            error(_("{file} is not a JSON bundle: {reason}").format(file=file, reason=exc)), EXIT_BAD_INPUT
        ) from exc
    with configured_store() as store:
        _report_import(store, data, as_json, dry_run=dry_run, file=str(file), commit_every=commit_every)
    return None


def export_command(
    file: str = typer.Argument(..., help="where to write the bundle; '-' for standard output"),
    format: str = typer.Option("json", "--format", help="json: the whole bundle; vcf: the contacts as vCard 3.0"),
) -> None:
    """Export the whole store as a canonical JSON bundle (sorted by id)."""
    from graphsvc.application.mail_import.export import address_book
    from graphsvc.domain.bundle import dump_bundle

    if format not in ("json", "vcf"):
        raise fail(error(_("--format must be json or vcf, got {value!r}").format(value=format)), EXIT_BAD_INPUT)
    with configured_store() as store:
        text = address_book(store) if format == "vcf" else dump_bundle(store.export())
    if file == "-":
        sys.stdout.write(text)
    else:
        Path(file).write_text(text, encoding="utf-8")
        typer.echo(_("exported to {file}").format(file=file))


def validate_command(file: Path = typer.Argument(..., help="JSON bundle to check")) -> None:
    """Check a bundle on its own (references must resolve inside it); writes nothing."""
    from graphsvc.domain.bundle import BundleError, load_bundle_file_with_warnings

    try:
        bundle, warnings = load_bundle_file_with_warnings(str(file))
    except FileNotFoundError as exc:
        raise fail(error(_("no such file: {file}").format(file=file)), EXIT_BAD_INPUT) from exc
    except BundleError as exc:
        raise fail(str(exc), EXIT_BAD_INPUT) from exc
    for warning in warnings:
        typer.echo(_("warning: {warning}").format(warning=warning))
    typer.echo(_("valid bundle: {count} rows").format(count=bundle.size()))


def schema_command() -> None:
    """Print the JSON Schema of the bundle."""
    from graphsvc.domain.bundle import json_schema

    typer.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


def demo_command(
    as_json: bool = typer.Option(False, "--json", help="print the answer as JSON"),
    on: date | None = day_option(
        None,
        "--on",
        help="load as if today were this day: the demo's scenario day becomes it (default today)",
    ),
    scenario_dates: bool = typer.Option(
        False, "--scenario-dates", help="keep the demo's fixed dates, as in its README (scenario day 2026-11-22)"
    ),
) -> None:
    """Load the demo portfolio (a property development and a software product), its dates
    moved so that its scenario day is the day it is loaded."""
    from graphsvc.application.demo import SCENARIO_DAY, DemoDayError, demo_data_on

    if on and scenario_dates:
        raise fail(error(_("give --on or --scenario-dates, not both")), EXIT_BAD_INPUT)
    day = SCENARIO_DAY if scenario_dates else on or date.today()
    try:
        data = demo_data_on(day)
    except DemoDayError as exc:
        raise fail(error(f"--on: {exc}"), EXIT_BAD_INPUT) from exc
    shift = (day - SCENARIO_DAY).days
    about = {"scenario_day": SCENARIO_DAY.isoformat(), "loaded_as_of": day.isoformat(), "shifted_days": shift}
    with configured_store() as store:
        _report_import(store, data, as_json, today=day, about=about, file="demo")
    if as_json:
        return
    if scenario_dates:
        typer.echo(
            _("dates kept as in the demo's README: its scenario day is {day} (ask with --as-of {iso})").format(
                day=SCENARIO_DAY, iso=SCENARIO_DAY
            )
        )
    else:
        when = _("today") if day == date.today() else _("ask with --as-of {iso}").format(iso=day)
        typer.echo(
            ngettext(
                "the demo's scenario day {scenario} became {day} ({when}): every date moved by {shift} day",
                "the demo's scenario day {scenario} became {day} ({when}): every date moved by {shift} days",
                abs(shift),
            ).format(scenario=SCENARIO_DAY, day=day, when=when, shift=f"{shift:+d}")
        )
