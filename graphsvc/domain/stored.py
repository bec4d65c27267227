"""Rows read back from a store, checked against today's model without stopping at a bad one.

A row written by an older version, or straight into SQLite or Neo4j, may break a rule the
model has gained since (a limit, a range). Such a row must not keep the store from opening
or the other rows from being served: it is left out of what is read, kept as stored (no
write touches it), and reported by ``graphsvc db check``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from graphsvc.domain.model import KINDS, Row
from graphsvc.domain.validation_text import validation_message
from graphsvc.support.i18n import _


@dataclass(frozen=True)
class InvalidRow:
    """A stored row today's model refuses: where it is and why."""

    kind: str
    id: str
    reason: str

    def __str__(self) -> str:
        return _("{kind} {id!r}: stored row is invalid ({reason}); kept as stored, not served").format(
            kind=self.kind, id=self.id, reason=self.reason
        )


def reason(exc: ValidationError) -> str:
    return _("; ").join(
        _("{field}: {reason}").format(
            field=".".join(str(part) for part in error["loc"]) or _("row"), reason=validation_message(error)
        )
        for error in exc.errors(include_url=False)
    )


def parse_stored(kind: str, row_id: str, data: str | dict[str, Any]) -> Row | InvalidRow:
    """One stored row (its JSON text, or a map of its properties) as a model, or why not."""
    model = KINDS.get(kind)
    if model is None:
        return InvalidRow(kind, row_id, _("unknown kind; expected one of {kinds}").format(kinds=", ".join(KINDS)))
    try:
        return model.model_validate_json(data) if isinstance(data, str) else model.model_validate(data)
    except ValidationError as exc:
        return InvalidRow(kind, row_id, reason(exc))


#: one validator per kind for a whole list: a clean list (the usual case) in one call, a
#: third faster than row by row for the 244k links of a large portfolio
_LISTS: dict[str, TypeAdapter[list[Row]]] = {
    kind: TypeAdapter(list[model])  # type: ignore[valid-type]  # a runtime class per kind; its rows are Rows
    for kind, model in KINDS.items()
}


def parse_stored_list(kind: str, rows: list[dict[str, Any]]) -> tuple[list[Row], list[InvalidRow]]:
    """A kind's stored rows as models, and those the model refuses (left out)."""
    try:
        return _LISTS[kind].validate_python(rows), []
    except ValidationError:
        pass  # at least one is invalid: go row by row
    return split(parse_stored(kind, str(row.get("id")), row) for row in rows)


def split(parsed: Iterable[Row | InvalidRow]) -> tuple[list[Row], list[InvalidRow]]:
    valid: list[Row] = []
    invalid: list[InvalidRow] = []
    for item in parsed:
        if isinstance(item, InvalidRow):
            invalid.append(item)
        else:
            valid.append(item)
    return valid, invalid
