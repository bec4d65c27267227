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
from graphsvc.cli.maps import map_command
from graphsvc.cli.reminders import reminders_command
from graphsvc.cli.reports import findings_command, path_command, portfolio_command
from graphsvc.cli.serve import serve_command

app = typer.Typer(help="graphsvc: who owns what, who talks to whom, phase by phase.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.command("import")(import_command)
app.command("export")(export_command)
app.command("validate")(validate_command)
app.command("schema")(schema_command)
app.command("demo")(demo_command)
app.command("findings")(findings_command)
app.command("portfolio")(portfolio_command)
app.command("path")(path_command)
app.command("serve")(serve_command)
app.command("handover")(handover_command)
app.command("map")(map_command)
app.command("reminders")(reminders_command)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(contact_app, name="contact")

if __name__ == "__main__":
    app()
