"""``graphsvc projects list``, ``contacts list`` and ``contacts show``: find the ids the
other commands take. The command line acts as the local admin (it sees every project).

Registered on the main app in ``cli/main.py``.
"""

from __future__ import annotations

import json
from datetime import date

import typer

from graphsvc.cli.common import AS_OF, EXIT_BAD_INPUT, EXIT_NOT_FOUND, configured_store, error, fail, more_note
from graphsvc.cli.help import PlainCommand, PlainGroup
from graphsvc.support.i18n import gettext as _

projects_app = typer.Typer(
    cls=PlainGroup, help="Projects: list them, with the stage active today.", no_args_is_help=True
)
contacts_app = typer.Typer(cls=PlainGroup, help="People: find them, see one in full.", no_args_is_help=True)

#: contacts the text lists without --limit (the --limit help says so)
CONTACTS_SHOWN = 50
STATUSES = ("active", "on_leave", "left")


@projects_app.command("list", cls=PlainCommand)
def projects_list(
    as_of: date | None = AS_OF,
    as_json: bool = typer.Option(False, "--json", help="print the projects as JSON"),
) -> None:
    """Every project: id, name, the stage active on the day, and how many stages,
    organisations, people and duties it has."""
    from graphsvc.application.listings import project_rows
    from graphsvc.cli.listing_text import projects_text

    day = as_of or date.today()
    with configured_store() as store:
        rows = project_rows(store, day)
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rows], ensure_ascii=False, indent=2))
    else:
        typer.echo(projects_text(rows, day))


def _status(text: str) -> str:
    name = text.strip().lower().replace("-", "_").replace(" ", "_")
    if name not in STATUSES:
        raise typer.BadParameter(
            _("expected one of {choices}, got {text!r}").format(choices=", ".join(STATUSES), text=text)
        )
    return name


@contacts_app.command("list", cls=PlainCommand)
def contacts_list(
    org: str | None = typer.Option(
        None, "--org", metavar="ORG", help="only people employed by this organisation (id or name)"
    ),
    project: str | None = typer.Option(None, "--project", metavar="ID", help="only people in this project"),
    status: str | None = typer.Option(
        None, "--status", metavar="STATUS", parser=_status, help="only people who are active, on_leave or left"
    ),
    q: str | None = typer.Option(
        None,
        "--q",
        metavar="WORDS",
        help="only people with this in name, title or e-mail, or their name in pinyin (wjg, wangjianguo)",
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=0, metavar="N", help="show the first N (text default 50; 0: all)"
    ),
    as_json: bool = typer.Option(False, "--json", help="print the contacts as JSON (a list)"),
) -> None:
    """People by name, with their organisation, title and status."""
    from graphsvc.application.listings import contact_rows
    from graphsvc.application.name_lookup import AmbiguousName
    from graphsvc.application.triage import first
    from graphsvc.cli.candidates import ambiguous_exit
    from graphsvc.cli.listing_text import contacts_text
    from graphsvc.domain.model import ContactStatus
    from graphsvc.store.base import NotFound

    with configured_store() as store:
        try:
            rows = contact_rows(store, org, project, ContactStatus(status) if status else None, q)
        except AmbiguousName as exc:
            raise ambiguous_exit(exc, as_json) from exc
        except NotFound as exc:
            raise fail(error(exc), EXIT_NOT_FOUND) from exc
    shown, more = first(rows, limit if limit is not None or as_json else CONTACTS_SHOWN)
    if as_json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in shown], ensure_ascii=False, indent=2))
    else:
        typer.echo(contacts_text(shown))
    if more:  # on stderr with --json, which stays a list
        typer.echo(more_note(more), err=as_json)


@contacts_app.command("show", cls=PlainCommand)
def contacts_show(
    contact: str = typer.Argument(..., metavar="PERSON", help="the contact's id, name, or pinyin (wangjianguo, wjg)"),
    as_of: date | None = AS_OF,
    as_json: bool = typer.Option(False, "--json", help="print the contact as JSON"),
) -> None:
    """One person: organisation, title, status, channels and details, the duties they hold
    per project and stage, and their lines."""
    from graphsvc.application.listings import contact_card
    from graphsvc.application.name_lookup import AmbiguousName
    from graphsvc.cli.candidates import ambiguous_exit
    from graphsvc.cli.listing_text import card_text
    from graphsvc.store.base import NotFound

    if not contact.strip():
        raise fail(error(_("give a contact id")), EXIT_BAD_INPUT)
    with configured_store() as store:
        try:
            card = contact_card(store, contact, as_of or date.today())
        except AmbiguousName as exc:
            raise ambiguous_exit(exc, as_json) from exc
        except NotFound as exc:
            raise fail(error(exc), EXIT_NOT_FOUND) from exc
    typer.echo(card.model_dump_json(indent=2) if as_json else card_text(card))
