"""Suspected duplicate contacts already stored, for a person to review before merging.

The same four signs as the import report (``duplicates.py``), over the contacts the caller
may see: a scoped key's view holds only its reach, so every pair it is shown lies wholly
inside it, and an external key's redacted phones and e-mails reveal no shared number.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from graphsvc.application.access import REDACTED
from graphsvc.application.duplicates import REASON_TEXT, Person, find_duplicates
from graphsvc.domain.model import Contact, ContactStatus
from graphsvc.store.base import Store, read_as
from graphsvc.support.i18n import _


class PairedContact(BaseModel):
    id: str
    name: str
    org: str | None
    phones: list[str]
    emails: list[str]
    status: str


class Reason(BaseModel):
    code: str = Field(description=", ".join(REASON_TEXT))
    text: str = Field(description="the reason in words, in the caller's language")
    value: str = Field(description="the shared name, phone or e-mail (phones and e-mails normalised)")


class DuplicatePair(BaseModel):
    first: PairedContact
    second: PairedContact
    reasons: list[Reason]
    survivor: str | None = Field(
        description="the entry to keep when one is plainly the better one (active, more details); None: judge"
    )


def _paired(contact: Contact) -> PairedContact:
    return PairedContact(
        id=contact.id,
        name=contact.name,
        org=contact.org,
        phones=list(contact.phones),
        emails=list(contact.emails),
        status=ContactStatus(contact.status).value,
    )


def _details(contact: Contact) -> int:
    """How much a contact row says: the entry that says more is the one to keep."""
    filled = [contact.org, contact.title, contact.preferred_channel, contact.language, contact.notes]
    return len(contact.phones) + len(contact.emails) + sum(1 for value in filled if value)


def suggested_survivor(first: Contact, second: Contact) -> str | None:
    """The active one if only one is active, else the one with more details; None when
    neither is plainly better."""
    active = [c for c in (first, second) if c.status == ContactStatus.active.value]
    if len(active) == 1:
        return active[0].id
    if _details(first) != _details(second):
        return max(first, second, key=_details).id
    return None


def _shown(values: list[str]) -> tuple[str, ...]:
    """The values an external key may see: a redaction marker is not a shared e-mail."""
    return tuple(v for v in values if v != REDACTED)


def stored_duplicates(store: Store) -> list[DuplicatePair]:
    """Every suspected pair among the contacts ``store`` shows, one entry per pair with all
    its reasons, sorted by the pair's ids."""
    contacts = {c.id: c for c in read_as(store, Contact)}
    people = [Person(c.id, c.name, _shown(c.phones), _shown(c.emails)) for c in contacts.values()]
    pairs: dict[tuple[str, str], list[Reason]] = {}
    for suspicion in find_duplicates(people):
        key = (min(suspicion.first.id, suspicion.second.id), max(suspicion.first.id, suspicion.second.id))
        reason = Reason(code=suspicion.reason, text=_(REASON_TEXT[suspicion.reason]), value=suspicion.value)
        if all(r.code != reason.code for r in pairs.setdefault(key, [])):
            pairs[key].append(reason)
    return [
        DuplicatePair(
            first=_paired(contacts[low]),
            second=_paired(contacts[high]),
            reasons=reasons,
            survivor=suggested_survivor(contacts[low], contacts[high]),
        )
        for (low, high), reasons in sorted(pairs.items())
    ]
