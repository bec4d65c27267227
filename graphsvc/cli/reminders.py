"""``graphsvc reminders``: "not contacted for N days", per project or per owner.

Registered on the main app in ``cli/main.py``.
"""

from __future__ import annotations

from datetime import date

import typer

from graphsvc.cli.common import AS_OF, EXIT_BAD_INPUT, EXIT_NOT_FOUND, configured_store, error, fail
from graphsvc.domain.defaults import REMINDER_DAYS
from graphsvc.support.i18n import gettext as _


def reminders_command(
    project: str | None = typer.Option(None, "--project", metavar="ID", help="project id"),
    owner: str | None = typer.Option(
        None,
        "--owner",
        metavar="PERSON",
        help="contact id, name or pinyin: only this owner's reminders (without --project: across every project they own something in)",
    ),
    days: int = typer.Option(
        REMINDER_DAYS, "--days", min=1, metavar="N", help="remind when a line is unused for more days than this"
    ),
    as_of: date | None = AS_OF,
    as_json: bool = typer.Option(False, "--json", help="print the reminders as JSON"),
) -> None:
    """Owners' working lines not used for more than N days, most overdue first."""
    from graphsvc.application.name_lookup import AmbiguousName
    from graphsvc.application.reminders import ReminderError, reminders_report, reminders_text
    from graphsvc.cli.candidates import ambiguous_exit
    from graphsvc.store.base import NotFound

    if project is None and owner is None:
        raise fail(error(_("give --project ID, --owner ID, or both")), EXIT_BAD_INPUT)
    with configured_store() as store:
        try:
            report = reminders_report(store, project, owner, days, as_of)
        except NotFound as exc:
            raise fail(error(exc), EXIT_NOT_FOUND) from exc
        except AmbiguousName as exc:
            raise ambiguous_exit(exc, as_json) from exc
        except ReminderError as exc:
            raise fail(error(exc), EXIT_BAD_INPUT) from exc
    typer.echo(report.model_dump_json(indent=2) if as_json else reminders_text(report))
