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
one state of the store even while others write. They are sent from a helper thread, so
that the server answers the next statement while this process converts the last one.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Collection
from datetime import date
from enum import Enum
from typing import Any, Final, Literal, Protocol

from neo4j import READ_ACCESS, Driver
from neo4j.exceptions import AuthError, ServiceUnavailable

from graphsvc.domain.model import KINDS, Row
from graphsvc.domain.stored import parse_stored_list
from graphsvc.store.base import PortfolioChecks, StoreUnavailable, neo4j_unavailable
from graphsvc.store.cypher import QueryBook

#: kind -> the fields of each row list, in the order its portfolio_<kind> statement returns them
FIELDS: dict[str, tuple[str, ...]] = {
    "organizations": ("id", "name", "kind", "notes", "tags"),
    "contacts": (
        "id",
        "name",
        "org",
        "title",
        "status",
        "since",
        "emails",
        "phones",
        "preferred_channel",
        "language",
        "tags",
        "notes",
    ),
    "contact_history": ("id", "contact", "org", "title", "status", "valid_from", "valid_to"),
    "projects": ("id", "name", "description", "organizations"),
    "stages": ("id", "project", "name", "order", "status", "start", "end"),
    "responsibilities": ("id", "stage", "name", "description"),
    "assignments": ("id", "contact", "responsibility", "raci", "valid_from", "valid_to"),
    "links": ("id", "source", "target", "kind", "last_contact", "weight", "channel", "valid_from", "valid_to"),
    "interactions": ("id", "at", "participants", "channel", "summary", "project", "sender"),
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
    fields = FIELDS[kind]
    days = [i for i, name in enumerate(fields) if name in DAY_FIELDS]
    rows = []
    for values in lists:
        for i in days:
            if values[i] is not None:
                values[i] = day(values[i])
        row = {name: value for name, value in zip(fields, values) if value is not None}
        if kind == "projects":
            row["organizations"] = [_participation(part, day) for part in row["organizations"]]
        elif kind == "interactions":
            row["at"] = row["at"].to_native()
        rows.append(row)
    valid, _ = parse_stored_list(kind, rows)  # a row the model refuses is reported by db check
    return valid


def _participation(values: list[Any], day: _Days) -> dict[str, Any]:
    part = {name: value for name, value in zip(PARTICIPATION, values) if value is not None}
    for name in ("valid_from", "valid_to"):
        if name in part:
            part[name] = day(part[name])
    return part


#: the statements in the order they are sent: the largest first, so that the server works
#: on the rest while this process converts it
ORDER = (
    "links",
    "contacts",
    "assignments",
    "responsibilities",
    "organizations",
    "stages",
    "projects",
    "contact_history",
    "interactions",
)
assert sorted(ORDER) == sorted(KINDS)


class _End(Enum):
    """The marker after the last answer (an enum member, so that its type is its own)."""

    DONE = "done"


_DONE: Final = _End.DONE

#: what the helper thread hands over: (kind, row lists), ("checks", records), (_DONE, error or None)
_Answers = queue.Queue[tuple[str | Literal[_End.DONE], Any]]


class Neo4jStore(Protocol):
    """What this module uses of ``neo4j_store.Neo4jStore`` (named here, not imported: the
    store imports this module)."""

    driver: Driver
    database: str
    uri: str
    queries: QueryBook


def _fetch(store: Neo4jStore, day: date | None, out: _Answers, kinds: Collection[str] | None = None) -> None:
    """Send every statement in one read transaction, handing each answer to ``out`` as it
    arrives: (kind, row lists), ("checks", records), then _DONE or the exception raised.

    An explicit transaction, not a managed one: a managed one is retried after a transient
    error, which would hand the same kinds over twice. A failed scan is asked again whole.
    """
    try:
        session = store.driver.session(database=store.database, default_access_mode=READ_ACCESS)
        with session, session.begin_transaction() as tx:
            for kind in ORDER:
                if kinds is not None and kind not in kinds:
                    continue
                text, bound = store.queries.bind(f"portfolio_{kind}")
                out.put((kind, tx.run(text, bound).single(strict=True)["rows"]))
            if day is not None:
                text, bound = store.queries.bind("portfolio_responsibility_checks", as_of=day)
                out.put(("checks", [record.data() for record in tx.run(text, bound)]))
        out.put((_DONE, None))
    except BaseException as exc:
        out.put((_DONE, exc))


def portfolio_read(
    store: Neo4jStore, day: date | None = None, kinds: Collection[str] | None = None
) -> tuple[PortfolioChecks | None, dict[str, list[Row]]]:
    """Every row of the store by kind (in no particular order), and with ``day`` the
    responsibility checks as ``Store.portfolio_checks(day)`` answers them, from one read
    transaction of a ``Neo4jStore`` (its driver, database and query book).

    The statements run on a helper thread while this one turns the answers already in
    into models: waiting for the server releases the interpreter, so the server's work on
    the next statement and the conversion of the last one overlap (two processes, two cores).
    """
    answers: _Answers = queue.Queue()
    helper = threading.Thread(target=_fetch, args=(store, day, answers, kinds), name="portfolio-read", daemon=True)
    helper.start()
    days = _Days()
    rows: dict[str, list[Row]] = {}
    checks: PortfolioChecks | None = None
    try:
        while True:
            kind, answer = answers.get()
            if kind is _DONE:
                if answer is not None:
                    raise answer
                break
            if kind == "checks":
                checks = {}
                for record in answer:
                    duty = checks.setdefault(record["project"], {}).setdefault(record["responsibility"], [])
                    duty.append((record["code"], tuple(sorted(record["contacts"]))))
            else:
                rows[kind] = _rows(kind, answer, days)
    except (ServiceUnavailable, AuthError, OSError) as exc:
        raise StoreUnavailable(neo4j_unavailable(store.uri, exc)) from exc
    finally:
        helper.join()
    return checks, {kind: rows[kind] for kind in KINDS if kind in rows}
