"""The portfolio scan's read of a Neo4j store: every row of every kind, lean.

``Store.read`` returns one record per row, a map of its properties, which the store turns
into plain Python value by value and then into a model. For a whole portfolio (384k rows
for 1,000 projects) the per-record cost dominates: ``read_links`` alone took 8.4 s bare.
Here each kind is one statement answering one record: a list with one list per row, the
fields in a fixed order (``FIELDS``, the same as the files ``queries/portfolio_<kind>.cypher``
name them), days as ``YYYY-MM-DD`` text. The rows come out equal to ``Store.read``'s
(``tests/test_portfolio_slices.py`` holds them to it), so the scan's answers do not depend
on which read served it.

All statements, and the responsibility checks, run in one read transaction: the scan sees
one state of the store even while others write.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from neo4j import ManagedTransaction
from neo4j.exceptions import AuthError, ServiceUnavailable

from graphsvc.model import KINDS, Row
from graphsvc.store.base import PortfolioChecks, StoreUnavailable

#: kind -> the fields of each row list, in the order its portfolio_<kind> statement returns them
FIELDS: dict[str, tuple[str, ...]] = {
    "organizations": ("id", "name", "kind", "notes", "tags"),
    "contacts": ("id", "name", "org", "title", "status", "since", "emails", "phones", "preferred_channel",
                 "language", "tags", "notes"),
    "contact_history": ("id", "contact", "org", "title", "status", "valid_from", "valid_to"),
    "projects": ("id", "name", "description", "organizations"),
    "stages": ("id", "project", "name", "order", "status", "start", "end"),
    "responsibilities": ("id", "stage", "name", "description"),
    "assignments": ("id", "contact", "responsibility", "raci", "valid_from", "valid_to"),
    "links": ("id", "source", "target", "kind", "last_contact", "weight", "channel", "valid_from", "valid_to"),
    "interactions": ("id", "at", "participants", "channel", "summary", "project"),
}

#: fields holding a day, returned as text by the statements
DAY_FIELDS = {"since", "valid_from", "valid_to", "start", "end", "last_contact"}

#: a project's participations, each a list in this order
PARTICIPATION = ("org", "role", "valid_from", "valid_to")


class _Days:
    """Day text to ``date``, each distinct day parsed once (a portfolio has a few hundred)."""

    def __init__(self) -> None:
        self._seen: dict[str, date] = {}

    def __call__(self, text: str) -> date:
        found = self._seen.get(text)
        if found is None:
            found = self._seen[text] = date.fromisoformat(text)
        return found


def _rows(kind: str, lists: list[list[Any]], day: _Days) -> list[Row]:
    """Row lists to models. A null is a property the store does not hold (it stores no
    nulls), so it is left out and the model's default applies, as with ``Store.read``."""
    model = KINDS[kind]
    fields = FIELDS[kind]
    days = [i for i, name in enumerate(fields) if name in DAY_FIELDS]
    out = []
    for values in lists:
        for i in days:
            if values[i] is not None:
                values[i] = day(values[i])
        row = {name: value for name, value in zip(fields, values) if value is not None}
        if kind == "projects":
            row["organizations"] = [_participation(part, day) for part in row["organizations"]]
        elif kind == "interactions":
            row["at"] = row["at"].to_native()
        out.append(model.model_validate(row))
    return out


def _participation(values: list[Any], day: _Days) -> dict[str, Any]:
    part = {name: value for name, value in zip(PARTICIPATION, values) if value is not None}
    for name in ("valid_from", "valid_to"):
        if name in part:
            part[name] = day(part[name])
    return part


def _read_all(tx: ManagedTransaction, store, day: date | None) -> tuple[PortfolioChecks | None, dict[str, list[Row]]]:
    checks: PortfolioChecks | None = None
    if day is not None:
        checks = {}
        text, bound = store.queries.bind("portfolio_responsibility_checks", as_of=day)
        for record in tx.run(text, bound):
            duty = checks.setdefault(record["project"], {}).setdefault(record["responsibility"], [])
            duty.append((record["code"], tuple(sorted(record["contacts"]))))
    days = _Days()
    rows = {}
    for kind in KINDS:
        text, bound = store.queries.bind(f"portfolio_{kind}")
        rows[kind] = _rows(kind, tx.run(text, bound).single(strict=True)["rows"], days)
    return checks, rows


def portfolio_read(store, day: date | None = None) -> tuple[PortfolioChecks | None, dict[str, list[Row]]]:
    """Every row of the store by kind (in no particular order), and with ``day`` the
    responsibility checks as ``Store.portfolio_checks(day)`` answers them, from one read
    transaction of a ``Neo4jStore`` (its driver, database and query book)."""
    try:
        with store.driver.session(database=store.database) as session:
            return session.execute_read(_read_all, store, day)
    except (ServiceUnavailable, AuthError, OSError) as exc:
        raise StoreUnavailable(f"Neo4j at {store.uri} unavailable: {exc}") from exc
