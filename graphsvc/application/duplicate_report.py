"""Suspected duplicate contacts as every import report shows them (spreadsheet, JSON
bundle, mail): both sides located (a row of the input, or a contact already stored), the
reason code and a sentence in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from pydantic import BaseModel, Field

from graphsvc.application.duplicates import REASON_TEXT, Person, Suspicion, find_duplicates
from graphsvc.domain.model import Contact
from graphsvc.support.i18n import gettext as _


class ContactRef(BaseModel):
    """One side of a suspected duplicate: a row of the file, or a contact already stored."""

    id: str
    name: str
    location: str | None = Field(None, description="the sheet, bundle array or list of the input")
    row: int | None = None
    stored: bool = False


class SuspectedDuplicate(BaseModel):
    reason: str = Field(description=", ".join(REASON_TEXT))
    value: str = Field(description="the shared name, phone (digits, without +86) or e-mail (lower case)")
    first: ContactRef
    second: ContactRef
    message: str


def _ref(person: Person) -> ContactRef:
    # the handle is (sheet, row number) in a spreadsheet, (array, index) in a bundle,
    # (file, item) in mail
    location, row = cast(tuple[str, int], person.handle) if person.handle else (None, None)
    return ContactRef(id=person.id, name=person.name, location=location, row=row, stored=person.stored)


def _where(ref: ContactRef) -> str:
    if ref.stored:
        return _("stored")
    return _("{sheet} row {row}").format(sheet=ref.location, row=ref.row)


def describe(suspicion: Suspicion) -> SuspectedDuplicate:
    first, second = _ref(suspicion.first), _ref(suspicion.second)
    message = _(
        "{reason} ({value}): {first} ({first_id}, {first_where}) and {second} ({second_id}, {second_where})"
    ).format(
        reason=_(REASON_TEXT[suspicion.reason]),
        value=suspicion.value,
        first=first.name,
        first_id=first.id,
        first_where=_where(first),
        second=second.name,
        second_id=second.id,
        second_where=_where(second),
    )
    return SuspectedDuplicate(
        reason=suspicion.reason, value=suspicion.value, first=first, second=second, message=message
    )


def among(incoming: Iterable[tuple[Contact, tuple[str, int]]], stored: Iterable[Contact]) -> list[SuspectedDuplicate]:
    """Suspected duplicates among the contacts an import brings (each with where it is in
    the input) and against the stored ones it does not replace."""
    people = [Person(c.id, c.name, tuple(c.phones), tuple(c.emails), handle=where) for c, where in incoming]
    ids = {p.id for p in people}
    people += [Person(c.id, c.name, tuple(c.phones), tuple(c.emails), stored=True) for c in stored if c.id not in ids]
    return [describe(s) for s in find_duplicates(people)]
