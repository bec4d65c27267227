"""The ``graphsvc`` command: every command group assembled on one Typer app.

Errors print a message to stderr and exit non-zero: 2 for bad input, 3 for an unreachable
store, 4 for an unknown id, 5 when there is no answer (no working line to the target), 6 for
a conflict with what is stored, 7 when ``db check`` finds the store inconsistent.
"""

from __future__ import annotations

import typer

from graphsvc.cli.admin import audit_app, contact_app, keys_app
from graphsvc.cli.data import (
    demo_command,
    export_command,
    import_command,
    schema_command,
    validate_command,
)
from graphsvc.cli.db import db_app
from graphsvc.cli.handover import handover_command
from graphsvc.cli.help import PlainCommand, PlainGroup
from graphsvc.cli.listings import contacts_app, projects_app
from graphsvc.cli.maps import map_command
from graphsvc.cli.reminders import reminders_command
from graphsvc.cli.reports import findings_command, path_command, portfolio_command
from graphsvc.cli.serve import serve_command
from graphsvc.support.i18n import UnknownLanguage, from_environment, language_named, set_process_language

app = typer.Typer(
    cls=PlainGroup, help="graphsvc: who owns what, who talks to whom, phase by phase.", no_args_is_help=True
)


def _choose_language(ctx: typer.Context, value: str | None) -> str | None:
    """``--lang``, else ``GRAPHSVC_LANG``, else the locale: before anything is printed (eager),
    for this run only (a caller running commands in its own process keeps its language)."""
    try:
        set_process_language(language_named(value) if value else from_environment())
    except UnknownLanguage as error:
        raise typer.BadParameter(str(error), param_hint="--lang / GRAPHSVC_LANG") from None
    ctx.call_on_close(lambda: set_process_language(None))
    return value


@app.callback()
def language(
    lang: str | None = typer.Option(
        None,
        "--lang",
        metavar="LANGUAGE",
        is_eager=True,
        expose_value=False,
        callback=_choose_language,
        help="zh-CN or en (default: GRAPHSVC_LANG, else the locale)",
    ),
) -> None:
    """graphsvc: who owns what, who talks to whom, phase by phase."""


app.add_typer(db_app, name="db")
app.command("import", cls=PlainCommand)(import_command)
app.command("export", cls=PlainCommand)(export_command)
app.command("validate", cls=PlainCommand)(validate_command)
app.command("schema", cls=PlainCommand)(schema_command)
app.command("demo", cls=PlainCommand)(demo_command)
app.command("findings", cls=PlainCommand)(findings_command)
app.command("portfolio", cls=PlainCommand)(portfolio_command)
app.command("path", cls=PlainCommand)(path_command)
app.command("serve", cls=PlainCommand)(serve_command)
app.command("handover", cls=PlainCommand)(handover_command)
app.command("map", cls=PlainCommand)(map_command)
app.command("reminders", cls=PlainCommand)(reminders_command)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(contact_app, name="contact")
app.add_typer(projects_app, name="projects")
app.add_typer(contacts_app, name="contacts")

if __name__ == "__main__":
    app()
