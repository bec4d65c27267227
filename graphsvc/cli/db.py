"""``graphsvc db``: create the schema, count stored rows, check consistency."""

from __future__ import annotations

import typer

from graphsvc.cli.common import EXIT_INCONSISTENT, configured_store, error, fail, kind_word, store_word
from graphsvc.cli.help import PlainCommand, PlainGroup
from graphsvc.support.i18n import gettext as _
from graphsvc.support.i18n import ngettext
from graphsvc.support.text_width import pad

db_app = typer.Typer(cls=PlainGroup, help="Store administration.", no_args_is_help=True)


@db_app.command("init", cls=PlainCommand)
def db_init() -> None:
    """Create constraints and indexes (idempotent; also done on every start)."""
    with configured_store() as store:
        typer.echo(_("{store} store ready").format(store=store_word(store.name)))


@db_app.command("status", cls=PlainCommand)
def db_status() -> None:
    """How many rows of each kind are stored."""
    with configured_store() as store:
        for kind, count in store.counts().items():
            typer.echo(f"{pad(kind_word(kind), 18)} {count}")


@db_app.command("check", cls=PlainCommand)
def db_check() -> None:
    """Check that the stored data is consistent (references, unique ids, store invariants)."""
    from graphsvc.application.consistency import check

    with configured_store() as store:
        problems = check(store)
    for problem in problems:
        typer.echo(f"  - {problem}", err=True)
    if problems:
        count = len(problems)
        found = ngettext("{count} consistency problem", "{count} consistency problems", count).format(count=count)
        raise fail(error(found), EXIT_INCONSISTENT)
    typer.echo(_("{store} store is consistent").format(store=store_word(store.name)))
