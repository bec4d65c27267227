"""The ``graphsvc`` command: store setup, import/export, demo data, and the HTTP service.

Errors print a message to stderr and exit non-zero: 2 for bad input, 3 for an unreachable
store, 4 for an unknown id, 5 when there is no answer (no working line to the target), 6 for
a conflict with what is stored, 7 when ``db check`` finds the store inconsistent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from datetime import date, datetime

import typer

from graphsvc.analysis.findings import Thresholds
from graphsvc.analysis.paths import PathError
from graphsvc.insights import contact_paths, portfolio_report, project_report
from graphsvc.report_text import paths_text, portfolio_text, project_text

from graphsvc.bundle import BundleError, dump_bundle, json_schema, load_bundle_file
from graphsvc.importer import import_bundle
from graphsvc.settings import SettingsError, load_settings
from graphsvc.store import Store, StoreUnavailable, open_store
from graphsvc.store.base import NotFound

app = typer.Typer(help="graphsvc: who owns what, who talks to whom, phase by phase.", no_args_is_help=True)
db_app = typer.Typer(help="Store administration.", no_args_is_help=True)
app.add_typer(db_app, name="db")

EXIT_BAD_INPUT = 2
EXIT_STORE = 3
EXIT_NOT_FOUND = 4
EXIT_NO_ANSWER = 5
EXIT_INCONSISTENT = 7


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


@contextmanager
def _store() -> Iterator[Store]:
    """Open the configured store with its schema in place, turning outages into messages."""
    try:
        store = open_store()
    except SettingsError as exc:
        raise _fail(f"error: {exc}", EXIT_BAD_INPUT) from exc
    except StoreUnavailable as exc:
        raise _fail(f"error: {exc}", EXIT_STORE) from exc
    try:
        store.init_schema()
    except StoreUnavailable as exc:
        store.close()
        raise _fail(f"error: {exc}", EXIT_STORE) from exc
    try:
        yield store
    except StoreUnavailable as exc:
        raise _fail(f"error: {exc}", EXIT_STORE) from exc
    finally:
        store.close()


def _report_import(store: Store, data: object, as_json: bool) -> None:
    try:
        report = import_bundle(store, data, actor=actor())
    except BundleError as exc:
        if as_json:
            typer.echo(json.dumps({"problems": exc.as_dicts()}, ensure_ascii=False, indent=2))
        raise _fail(str(exc) + "\nnothing was written.", EXIT_BAD_INPUT) from exc
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    rows = ", ".join(f"{n} {kind}" for kind, n in report.counts.items() if n)
    typer.echo(f"imported into the {store.name} store: {rows or 'nothing'}")
    if report.history_added:
        typer.echo(f"kept {len(report.history_added)} earlier contact state(s) as history")


@db_app.command("init")
def db_init() -> None:
    """Create constraints and indexes (idempotent; also done on every start)."""
    with _store() as store:
        typer.echo(f"{store.name} store ready")


@db_app.command("status")
def db_status() -> None:
    """How many rows of each kind are stored."""
    with _store() as store:
        for kind, count in store.counts().items():
            typer.echo(f"{kind:18} {count}")


@db_app.command("check")
def db_check() -> None:
    """Check that the stored data is consistent (references, unique ids, store invariants)."""
    from graphsvc.consistency import check

    with _store() as store:
        problems = check(store)
    for problem in problems:
        typer.echo(f"  - {problem}", err=True)
    if problems:
        raise _fail(f"error: {len(problems)} consistency problem(s)", EXIT_INCONSISTENT)
    typer.echo(f"{store.name} store is consistent")


@app.command("import")
def import_command(
    files: list[Path] = typer.Argument(
        ..., help="JSON bundle, or spreadsheet: one .xlsx, .csv files, or a directory of .csv files", exists=False
    ),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
    dry_run: bool = typer.Option(False, "--dry-run", help="spreadsheets: check and report, write nothing"),
) -> None:
    """Import a JSON bundle or a spreadsheet: everything is checked first; bad input writes nothing."""
    from graphsvc.spreadsheet_cli import import_spreadsheets, is_spreadsheet

    if is_spreadsheet(files):
        return import_spreadsheets(files, dry_run=dry_run, as_json=as_json, open_store=_store, actor=actor())
    if len(files) > 1 or dry_run:
        raise _fail("error: give one JSON bundle (--dry-run is for spreadsheets; see graphsvc validate)", EXIT_BAD_INPUT)
    file = files[0]
    if not file.is_file():
        raise _fail(f"error: no such file: {file}", EXIT_BAD_INPUT)
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _fail(f"error: {file} is not a JSON bundle: {exc}", EXIT_BAD_INPUT) from exc
    with _store() as store:
        _report_import(store, data, as_json)


@app.command("export")
def export_command(
    file: str = typer.Argument(..., help="where to write the bundle; '-' for standard output"),
) -> None:
    """Export the whole store as a canonical JSON bundle (sorted by id)."""
    with _store() as store:
        text = dump_bundle(store.export())
    if file == "-":
        sys.stdout.write(text)
    else:
        Path(file).write_text(text, encoding="utf-8")
        typer.echo(f"exported to {file}")


@app.command("validate")
def validate_command(file: Path = typer.Argument(..., help="JSON bundle to check")) -> None:
    """Check a bundle on its own (references must resolve inside it); writes nothing."""
    try:
        bundle = load_bundle_file(str(file))
    except FileNotFoundError as exc:
        raise _fail(f"error: no such file: {file}", EXIT_BAD_INPUT) from exc
    except BundleError as exc:
        raise _fail(str(exc), EXIT_BAD_INPUT) from exc
    typer.echo(f"valid bundle: {bundle.size()} rows")


@app.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of the bundle."""
    typer.echo(json.dumps(json_schema(), ensure_ascii=False, indent=2))


@app.command("demo")
def demo_command(as_json: bool = typer.Option(False, "--json")) -> None:
    """Load the demo portfolio (a property development and a software product)."""
    from graphsvc.demo import demo_data

    with _store() as store:
        _report_import(store, demo_data(), as_json)


def _day(value: datetime | None) -> date | None:
    return value.date() if value else None


AS_OF = typer.Option(None, "--as-of", formats=["%Y-%m-%d"], help="judge as of this day (default today)")
STALE = typer.Option(14, "--stale-days", min=1, help="a line unused for longer is stale")
OVERLOAD = typer.Option(5, "--overload", min=1, help="accountable for more duties than this is overload")


@app.command("findings")
def findings_command(
    project: str = typer.Option(..., "--project", help="project id"),
    stage: str | None = typer.Option(None, "--stage", help="only findings about this stage"),
    as_of: datetime | None = AS_OF,
    stale_days: int = STALE,
    overload: int = OVERLOAD,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Responsibility vacuums and broken communication chains of one project."""
    limits = Thresholds(stale_days=stale_days, overload=overload)
    with _store() as store:
        try:
            report = project_report(store, project, stage, _day(as_of), limits)
        except NotFound as exc:
            raise _fail(f"error: {exc}", EXIT_NOT_FOUND) from exc
    typer.echo(report.model_dump_json(indent=2) if as_json else project_text(report))


@app.command("portfolio")
def portfolio_command(
    as_of: datetime | None = AS_OF,
    stale_days: int = STALE,
    overload: int = OVERLOAD,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Scan every project: findings ranked by severity, health per project."""
    with _store() as store:
        report = portfolio_report(store, _day(as_of), Thresholds(stale_days=stale_days, overload=overload))
    typer.echo(report.model_dump_json(indent=2) if as_json else portfolio_text(report))


@app.command("path")
def path_command(
    source: str = typer.Argument(..., help="contact id of the person asking"),
    target: str = typer.Argument(
        ..., help="contact, organization or responsibility id, or org:ID, title:TEXT, responsibility:ID"
    ),
    k: int = typer.Option(3, "--k", min=1, max=20, help="how many paths"),
    as_of: datetime | None = AS_OF,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Whom to contact about TARGET, and through whom SOURCE can reach them."""
    with _store() as store:
        try:
            answer = contact_paths(store, source, target, k, _day(as_of))
        except PathError as exc:
            nearest = f"\nnearest reachable: {', '.join(n.name for n in exc.nearest)}" if exc.nearest else ""
            code = EXIT_NOT_FOUND if exc.status == 404 else EXIT_NO_ANSWER
            raise _fail(f"error: {exc}{nearest}", code) from exc
    typer.echo(answer.model_dump_json(indent=2) if as_json else paths_text(answer))


@app.command("serve")
def serve_command(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
) -> None:
    """Run the HTTP service (OpenAPI docs at /docs)."""
    import uvicorn

    from graphsvc.service import create_app

    try:
        settings = load_settings()
    except SettingsError as exc:
        raise _fail(f"error: {exc}", EXIT_BAD_INPUT) from exc
    typer.echo(f"serving the {settings.store} store on http://{host}:{port} (docs at /docs)")
    uvicorn.run(create_app(host=host), host=host, port=port)


from graphsvc.handover import handover_command  # noqa: E402 - they import this module lazily
from graphsvc.maps.cli import map_command  # noqa: E402
from graphsvc.reminders_cli import reminders_command  # noqa: E402
from graphsvc.admin_cli import actor, audit_app, contact_app, keys_app  # noqa: E402

app.command("handover")(handover_command)
app.command("map")(map_command)
app.command("reminders")(reminders_command)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(contact_app, name="contact")

if __name__ == "__main__":
    app()
