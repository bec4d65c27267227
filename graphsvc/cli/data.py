"""Bundles in and out: ``import``, ``export``, ``validate``, ``schema`` and ``demo``."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from graphsvc.cli.common import EXIT_BAD_INPUT, actor, configured_store, day_option, fail

if TYPE_CHECKING:
    from graphsvc.store import Store


def _report_import(
    store: Store, data: object, as_json: bool, today: date | None = None, about: dict[str, Any] | None = None
) -> None:
    """Import ``data`` and say what was written; ``about`` adds to the JSON report."""
    from graphsvc.application.importer import import_bundle
    from graphsvc.domain.bundle import BundleError

    try:
        report = import_bundle(store, data, today=today, actor=actor())
    except BundleError as exc:
        if as_json:
            typer.echo(json.dumps({"problems": exc.as_dicts()}, ensure_ascii=False, indent=2))
        raise fail(str(exc) + "\nnothing was written.", EXIT_BAD_INPUT) from exc
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), **(about or {})}, ensure_ascii=False, indent=2))
        return
    rows = ", ".join(f"{n} {kind}" for kind, n in report.counts.items() if n)
    typer.echo(f"imported into the {store.name} store: {rows or 'nothing'}")
    if report.history_added:
        typer.echo(f"kept {len(report.history_added)} earlier contact state(s) as history")


def import_command(
    files: list[Path] = typer.Argument(
        ...,
        help="JSON bundle, or spreadsheet: one .xlsx, .csv files, or a directory of .csv files; "
        "or mail: .mbox, .eml files or a folder of them, .ics calendars, .vcf address books",
        exists=False,
    ),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    dry_run: bool = typer.Option(False, "--dry-run", help="spreadsheets and mail: check and report, write nothing"),
    create_contacts: bool = typer.Option(
        False, "--create-contacts", help="mail: create the suggested new contacts (unknown addresses)"
    ),
    subjects: bool = typer.Option(False, "--subjects", help="mail: keep subjects as summaries (bodies never)"),
) -> None:
    """Import a JSON bundle or a spreadsheet: everything is checked first; bad input writes nothing."""
    from graphsvc.cli.mail import import_mail, is_mail
    from graphsvc.cli.spreadsheet import import_spreadsheets, is_spreadsheet

    if is_mail(files):
        return import_mail(files, dry_run, as_json, create_contacts, subjects, configured_store, actor())
    if is_spreadsheet(files):
        return import_spreadsheets(files, dry_run=dry_run, as_json=as_json, open_store=configured_store, actor=actor())
    if len(files) > 1 or dry_run:
        raise fail("error: give one JSON bundle (--dry-run is for spreadsheets; see graphsvc validate)", EXIT_BAD_INPUT)
    file = files[0]
    if not file.is_file():
        raise fail(f"error: no such file: {file}", EXIT_BAD_INPUT)
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise fail(f"error: {file} is not a JSON bundle: {exc}", EXIT_BAD_INPUT) from exc
    with configured_store() as store:
        _report_import(store, data, as_json)
    return None


def export_command(
    file: str = typer.Argument(..., help="where to write the bundle; '-' for standard output"),
    format: str = typer.Option("json", "--format", help="json: the whole bundle; vcf: the contacts as vCard 3.0"),
) -> None:
    """Export the whole store as a canonical JSON bundle (sorted by id)."""
    from graphsvc.application.mail_import.export import address_book
    from graphsvc.domain.bundle import dump_bundle

    if format not in ("json", "vcf"):
        raise fail(f"error: --format must be json or vcf, got {format!r}", EXIT_BAD_INPUT)
    with configured_store() as store:
        text = address_book(store) if format == "vcf" else dump_bundle(store.export())
    if file == "-":
        sys.stdout.write(text)
    else:
        Path(file).write_text(text, encoding="utf-8")
        typer.echo(f"exported to {file}")


def validate_command(file: Path = typer.Argument(..., help="JSON bundle to check")) -> None:
    """Check a bundle on its own (references must resolve inside it); writes nothing."""
    from graphsvc.domain.bundle import BundleError, load_bundle_file

    try:
        bundle = load_bundle_file(str(file))
    except FileNotFoundError as exc:
        raise fail(f"error: no such file: {file}", EXIT_BAD_INPUT) from exc
    except BundleError as exc:
        raise fail(str(exc), EXIT_BAD_INPUT) from exc
    typer.echo(f"valid bundle: {bundle.size()} rows")


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
        raise fail("error: give --on or --scenario-dates, not both", EXIT_BAD_INPUT)
    day = SCENARIO_DAY if scenario_dates else on or date.today()
    try:
        data = demo_data_on(day)
    except DemoDayError as exc:
        raise fail(f"error: --on: {exc}", EXIT_BAD_INPUT) from exc
    shift = (day - SCENARIO_DAY).days
    about = {"scenario_day": SCENARIO_DAY.isoformat(), "loaded_as_of": day.isoformat(), "shifted_days": shift}
    with configured_store() as store:
        _report_import(store, data, as_json, today=day, about=about)
    if as_json:
        return
    if scenario_dates:
        typer.echo(
            f"dates kept as in the demo's README: its scenario day is {SCENARIO_DAY} (ask with --as-of {SCENARIO_DAY})"
        )
    else:
        when = "today" if day == date.today() else f"ask with --as-of {day}"
        typer.echo(f"the demo's scenario day {SCENARIO_DAY} became {day} ({when}): every date moved by {shift:+d} days")
