"""``graphsvc db``: create the schema, count stored rows, check consistency."""

from __future__ import annotations

import typer

from graphsvc.cli.common import EXIT_INCONSISTENT, configured_store, fail
from graphsvc.cli.help import PlainCommand, PlainGroup

db_app = typer.Typer(cls=PlainGroup, help="Store administration.", no_args_is_help=True)


@db_app.command("init", cls=PlainCommand)
def db_init() -> None:
    """Create constraints and indexes (idempotent; also done on every start)."""
    with configured_store() as store:
        typer.echo(f"{store.name} store ready")


@db_app.command("status", cls=PlainCommand)
def db_status() -> None:
    """How many rows of each kind are stored."""
    with configured_store() as store:
        for kind, count in store.counts().items():
            typer.echo(f"{kind:18} {count}")


@db_app.command("check", cls=PlainCommand)
def db_check() -> None:
    """Check that the stored data is consistent (references, unique ids, store invariants)."""
    from graphsvc.application.consistency import check

    with configured_store() as store:
        problems = check(store)
    for problem in problems:
        typer.echo(f"  - {problem}", err=True)
    if problems:
        raise fail(f"error: {len(problems)} consistency problem(s)", EXIT_INCONSISTENT)
    typer.echo(f"{store.name} store is consistent")
