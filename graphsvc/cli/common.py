"""What every command shares: exit codes, the error exit, the configured store, the actor
written to the audit trail, and the ``--as-of`` option."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING

import typer

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


@contextmanager
def configured_store() -> Iterator[Store]:
    """Open the configured store with its schema in place, turning outages into messages."""
    from graphsvc.store import StoreUnavailable, open_store
    from graphsvc.support.settings import SettingsError

    try:
        store = open_store()
    except SettingsError as exc:
        raise fail(f"error: {exc}", EXIT_BAD_INPUT) from exc
    except StoreUnavailable as exc:
        raise fail(f"error: {exc}", EXIT_STORE) from exc
    try:
        store.init_schema()
    except StoreUnavailable as exc:
        store.close()
        raise fail(f"error: {exc}", EXIT_STORE) from exc
    try:
        yield store
    except StoreUnavailable as exc:
        raise fail(f"error: {exc}", EXIT_STORE) from exc
    finally:
        store.close()


def actor() -> str:
    """Who writes from the command line, for the audit trail."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def day_of(value: datetime | None) -> date | None:
    """The day of a parsed ``--as-of`` (None: today, decided by the report)."""
    return value.date() if value else None


AS_OF = typer.Option(None, "--as-of", formats=["%Y-%m-%d"], help="judge as of this day (default today)")
