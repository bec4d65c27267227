"""Records to a bundle: interactions between known people, and (when asked) new contacts.

Ids are derived from what identifies an item, so importing the same files again gives the
same rows: an e-mail from its Message-ID, a meeting from its UID (+ the occurrence's start
for a recurring one), a new contact from its e-mail address (or phone, or name).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from graphsvc.application.duplicates import normalise_email, normalise_name, normalise_phone
from graphsvc.application.import_report import Issue, Matched, Suggested
from graphsvc.application.mail_import.matching import Directory, email_key
from graphsvc.application.mail_import.records import Card, Mail, Meeting, Person, Records, Skip
from graphsvc.domain.bundle import FORMAT, VERSION
from graphsvc.domain.model import MAX_LINE, Contact, Organization
from graphsvc.support.i18n import gettext as _

EMAIL_CHANNEL = "e-mail"
MEETING_CHANNEL = "meeting"


def _digest(text: str, size: int = 20) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:size]


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]+")


def clean(text: str, limit: int = MAX_LINE) -> str:
    """A header's text as one line a row may hold: control characters become spaces."""
    return _CONTROL.sub(" ", text).strip()[:limit].strip()


def mail_id(key: str) -> str:
    return f"mail-{_digest(key)}"


def meeting_id(key: str) -> str:
    return f"meeting-{_digest(key)}"


def new_contact_id(email: str | None, phone: str | None, name: str) -> str:
    if email:
        return f"c-mail-{_digest(normalise_email(email) or email, 12)}"
    if phone:
        return f"c-tel-{_digest(normalise_phone(phone) or phone, 12)}"
    return f"c-card-{_digest(normalise_name(name) or name, 12)}"


@dataclass
class Conversion:
    """The bundle (raw JSON data for ``import_bundle``) and what the report says of it."""

    data: dict[str, Any]
    matched: list[Matched]
    suggested: list[Suggested]
    skipped: list[Issue]


@dataclass
class _Seen:
    """What the files say of one unknown address."""

    names: Counter[str] = field(default_factory=Counter)
    items: int = 0
    card: Card | None = None


def convert(
    records: Records,
    stored: list[Contact],
    organizations: list[Organization],
    create_contacts: bool,
    taken: Callable[[set[str]], set[str]],
) -> Conversion:
    """``taken(ids)``: which of these contact ids are stored (a new contact's id must be free)."""
    directory = Directory.of(stored)
    names = {c.id: c.name for c in stored}
    skipped = [_skipped(s) for s in records.skipped]
    records = _once(records, skipped)
    unknown = _unknown(records, directory)
    new_contacts, new_orgs, suggested = _new_contacts(unknown, organizations, create_contacts, taken, skipped)
    for contact in new_contacts:
        directory.add(contact)
        names[contact.id] = contact.name
    matched: dict[str, tuple[set[str], int]] = defaultdict(lambda: (set(), 0))
    interactions = _interactions(records, directory, matched, skipped)
    for card in records.cards:
        found = directory.card(card.emails, card.phones)
        if found is not None and found not in {c.id for c in new_contacts}:
            via, count = matched[found]
            via.update(card.emails or card.phones)
            matched[found] = (via, count)
    report_matched = [
        Matched(contact=cid, name=names.get(cid, cid), via=sorted(via), items=count)
        for cid, (via, count) in sorted(matched.items())
        if cid not in {c.id for c in new_contacts}
    ]
    data = {
        "format": FORMAT,
        "version": VERSION,
        "organizations": [o.model_dump(mode="json") for o in new_orgs],
        "contacts": [c.model_dump(mode="json", exclude_defaults=True) for c in new_contacts],
        "interactions": interactions,
    }
    return Conversion(data=data, matched=report_matched, suggested=suggested, skipped=skipped)


def _once(records: Records, skipped: list[Issue]) -> Records:
    """Each message and meeting once (a copy in two folders counts once), the first kept."""
    seen: set[str] = set()
    mails: list[Mail] = []
    meetings: list[Meeting] = []
    items: list[Mail | Meeting] = [*records.mails, *records.meetings]
    for item in items:
        key = ("mail:" if isinstance(item, Mail) else "meeting:") + item.key
        if key in seen:
            skipped.append(Issue(location=item.source, item=item.key, code="duplicate", reason=_("already read once")))
        elif isinstance(item, Mail):
            mails.append(item)
        else:
            meetings.append(item)
        seen.add(key)
    return replace(records, mails=mails, meetings=meetings)


def _skipped(skip: Skip) -> Issue:
    return Issue(location=skip.source, item=skip.item, code=skip.code, reason=skip.reason)


def _unknown(records: Records, directory: Directory) -> dict[str, _Seen]:
    """Addresses (normalised e-mail, or ``tel:``/``name:`` for cards without one) no stored
    contact has, with the names they go by and how many messages and meetings they are in."""
    seen: dict[str, _Seen] = defaultdict(_Seen)
    people: list[tuple[Person, ...]] = [(m.sender, *m.recipients) for m in records.mails]
    people += [((m.organizer,) if m.organizer else ()) + m.attendees for m in records.meetings]
    for group in people:
        unknown: set[str] = set()  # an address counts once per message, with each name it goes by
        for person in group:
            key = email_key(person.email)
            if key and key not in directory.by_email:
                unknown.add(key)
                if person.name:
                    seen[key].names[person.name] += 1
        for key in unknown:
            seen[key].items += 1
    for card in records.cards:
        if directory.card(card.emails, card.phones) is not None:
            continue
        emails = [e for e in (normalise_email(e) for e in card.emails) if e]
        phones = [p for p in (normalise_phone(p) for p in card.phones) if p]
        key = emails[0] if emails else f"tel:{phones[0]}" if phones else f"name:{normalise_name(card.name)}"
        seen[key].card = card
        seen[key].names[card.name] += 1_000  # the address book's name wins over headers
    return seen


def _new_contacts(
    unknown: dict[str, _Seen],
    organizations: list[Organization],
    create: bool,
    taken: Callable[[set[str]], set[str]],
    skipped: list[Issue],
) -> tuple[list[Contact], list[Organization], list[Suggested]]:
    orgs = {normalise_name(o.name): o.id for o in organizations}
    new_orgs: dict[str, Organization] = {}
    planned: list[tuple[str, Suggested, Card | None]] = []
    for key, seen in unknown.items():
        card = seen.card
        email = None if key.startswith(("tel:", "name:")) else key
        phone = card.phones[0] if card and card.phones else None
        name = clean(seen.names.most_common(1)[0][0] if seen.names else (email or "").split("@")[0]) or key
        cid = new_contact_id(email, None if email else phone, name)
        suggestion = Suggested(email=email, phone=phone, name=name, items=seen.items, id=cid, created=False)
        planned.append((key, suggestion, card))
    in_use = taken({s.id for _, s, _ in planned}) if create else set()
    contacts: list[Contact] = []
    suggested: list[Suggested] = []
    for key, suggestion, card in planned:
        if create and suggestion.id in in_use:
            reason = _("the id {id} this contact would get is taken").format(id=suggestion.id)
            skipped.append(Issue(location=card.source if card else None, item=key, code="id_taken", reason=reason))
        elif create:
            try:
                contact = Contact(
                    id=suggestion.id,
                    name=suggestion.name,
                    org=_org_of(card, orgs, new_orgs),
                    title=clean(card.title) if card else "",
                    emails=list(card.emails) if card else [suggestion.email or ""],
                    phones=[p for p in (clean(p) for p in card.phones) if p] if card else [],
                )
            except ValidationError as exc:
                reason = _("not a contact that can be stored: {error}").format(error=exc.errors()[0]["msg"])
                skipped.append(Issue(location=card.source if card else None, item=key, code="invalid", reason=reason))
                continue
            contacts.append(contact)
            suggestion = suggestion.model_copy(update={"created": True})
        suggested.append(suggestion)
    suggested.sort(key=lambda s: (-s.items, s.email or s.phone or s.name))
    return contacts, list(new_orgs.values()), suggested


def _org_of(card: Card | None, orgs: dict[str | None, str], new_orgs: dict[str, Organization]) -> str | None:
    """A card's organisation: a stored one of that name, else one created with the contact."""
    if card is None or not card.org:
        return None
    key = normalise_name(card.org)
    if key in orgs:
        return orgs[key]
    if key not in new_orgs:
        new_orgs[key or card.org] = Organization(id=f"org-card-{_digest(key or card.org, 12)}", name=clean(card.org))
    return new_orgs[key or card.org].id


def _interactions(
    records: Records, directory: Directory, matched: dict[str, tuple[set[str], int]], skipped: list[Issue]
) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}

    def add(
        row_id: str, source: str, item: str, at: datetime, channel: str, sender: Person | None, people: list[Person]
    ) -> None:
        if row_id in rows:
            skipped.append(Issue(location=source, item=item, code="duplicate", reason=_("already read once")))
            return
        sender_id = directory.email(sender.email) if sender else None
        if channel == EMAIL_CHANNEL and sender_id is None:
            reason = _("the sender {address} is not a known contact").format(address=sender.email if sender else "")
            skipped.append(Issue(location=source, item=item, code="unknown_sender", reason=reason))
            return
        ids: dict[str, str] = {}
        for person in people:
            found = directory.email(person.email)
            if found is not None:
                ids.setdefault(found, person.email)
        if len(ids) < 2:
            reason = _("fewer than two of its people are known contacts")
            skipped.append(Issue(location=source, item=item, code="fewer_than_two_known", reason=reason))
            return
        for cid, address in ids.items():
            via, count = matched[cid]
            via.add(email_key(address) or address)
            matched[cid] = (via, count + 1)
        rows[row_id] = {
            "id": row_id,
            "at": at.isoformat(),
            "participants": sorted(ids),
            "channel": channel,
            "sender": sender_id,
        }

    for mail in records.mails:
        add(
            mail_id(mail.key),
            mail.source,
            mail.key,
            mail.at,
            EMAIL_CHANNEL,
            mail.sender,
            [mail.sender, *mail.recipients],
        )
        if mail.subject and mail_id(mail.key) in rows:
            rows[mail_id(mail.key)]["summary"] = clean(mail.subject)
    for meeting in records.meetings:
        people = ([meeting.organizer] if meeting.organizer else []) + list(meeting.attendees)
        add(
            meeting_id(meeting.key), meeting.source, meeting.key, meeting.at, MEETING_CHANNEL, meeting.organizer, people
        )
        if meeting.subject and meeting_id(meeting.key) in rows:
            rows[meeting_id(meeting.key)]["summary"] = clean(meeting.subject)
    return list(rows.values())
