"""What every command shares: exit codes, the error exit, the configured store, the actor
written to the audit trail, colour, and the date options."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from graphsvc.domain.dates import parse_day
from graphsvc.domain.missing import rows_noun
from graphsvc.support.i18n import N_, ngettext
from graphsvc.support.i18n import gettext as _

if TYPE_CHECKING:
    from graphsvc.store import Store


EXIT_BAD_INPUT = 2
EXIT_STORE = 3
EXIT_NOT_FOUND = 4
EXIT_NO_ANSWER = 5
EXIT_CONFLICT = 6
EXIT_INCONSISTENT = 7


def fail(message: str, code: int) -> typer.Exit:
    """Print ``message`` to stderr and return the exit to raise."""
    typer.echo(message, err=True)
    return typer.Exit(code)


def error(detail: object) -> str:
    """An error line, ``error: ...`` in the reader's language (``detail`` already is)."""
    return _("error: {detail}").format(detail=detail)


#: the stores, as messages name them
STORE_WORDS = {"embedded": N_("embedded"), "neo4j": "Neo4j"}


def kind_word(kind: str) -> str:
    """A kind of stored row in the reader's language (a kind we do not know, as it is)."""
    try:
        return rows_noun(kind)
    except KeyError:
        return kind


def store_word(name: str) -> str:
    """A store's name in the reader's language."""
    return _(STORE_WORDS[name]) if name in STORE_WORDS else name


def row_counts(counts: dict[str, int]) -> str:
    """``3 organizations, 12 contacts`` (the kinds with rows), or ``nothing``."""
    found = [_("{count} {kind}").format(count=n, kind=kind_word(kind)) for kind, n in counts.items() if n]
    return _(", ").join(found) or _("nothing")


def kept_history(count: int) -> str:
    """The line saying how many earlier contact states an import kept as history."""
    return ngettext(
        "kept {count} earlier contact state as history", "kept {count} earlier contact states as history", count
    ).format(count=count)


def more_note(more: int) -> str:
    """The note under a list cut short by ``--limit``."""
    return _("… {count} more; --limit 0 shows all").format(count=more)


@contextmanager
def configured_store() -> Iterator[Store]:
    """Open the configured store with its schema in place, turning outages into messages."""
    from graphsvc.analysis.interactions import use_half_life
    from graphsvc.store import StoreUnavailable, open_store
    from graphsvc.store.base import TooLarge
    from graphsvc.support.settings import SettingsError, load_settings

    try:
        settings = load_settings()
        use_half_life(settings.half_life_days)
        store = open_store(settings)
    except SettingsError as exc:
        raise fail(error(exc), EXIT_BAD_INPUT) from exc
    except StoreUnavailable as exc:
        raise fail(error(exc), EXIT_STORE) from exc
    try:
        store.init_schema()
    except StoreUnavailable as exc:
        store.close()
        raise fail(error(exc), EXIT_STORE) from exc
    try:
        yield store
    except StoreUnavailable as exc:
        raise fail(error(exc), EXIT_STORE) from exc
    except TooLarge as exc:
        raise fail(error(exc), EXIT_BAD_INPUT) from exc
    finally:
        store.close()


def announce_checking(dry_run: bool) -> None:
    """A large import says on stderr that its long step is under way (stdout stays the report)."""
    typer.echo(_("checking") if dry_run else _("checking and writing"), err=True)


def actor() -> str:
    """Who writes from the command line, for the audit trail."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def colour_wanted(no_color: bool) -> bool | None:
    """False when ``--no-color`` or ``NO_COLOR`` (https://no-color.org) asks for none;
    None lets ``typer.echo`` decide: colour on a terminal, none into a pipe or file."""
    return False if no_color or os.environ.get("NO_COLOR") else None


def echo(text: str, no_color: bool = False) -> None:
    """Print coloured text to stdout, without the colour where it is not wanted."""
    typer.echo(text, color=colour_wanted(no_color))


NO_COLOR = typer.Option(False, "--no-color", help="no colours (also: NO_COLOR set, or output not a terminal)")


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc


def day_option(default: Any, *names: str, help: str) -> Any:
    """A date option taking the forms imports take (``domain/dates.py``); anything else is
    exit 2 with a message naming the option."""
    return typer.Option(default, *names, parser=_day, metavar="DAY", help=help)


AS_OF = day_option(None, "--as-of", help="judge as of this day (default today)")
