"""vCard 3.0 and 4.0 address books: read cards (name, organisation, title, phones, e-mails)
and write contacts as vCard 3.0, which phones, Outlook and every mail program read."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import vobject

from graphsvc.application.mail_import.records import Card, Skip, is_address
from graphsvc.domain.model import Contact
from graphsvc.support.i18n import gettext as _


def read_vcf(path: Path, source: str) -> tuple[list[Card], list[Skip]]:
    cards: list[Card] = []
    skipped: list[Skip] = []
    text = path.read_bytes().decode("utf-8-sig", errors="replace")
    try:
        for number, component in enumerate(vobject.readComponents(text, ignoreUnreadable=True), start=1):
            card = _card(component, source)
            if card is None:
                item = _("card {number}").format(number=number)
                skipped.append(Skip(source, item, "no_name", _("a card without a name or e-mail")))
            else:
                cards.append(card)
    except Exception as exc:  # vobject raises its own and plain errors on damaged input
        skipped.append(Skip(source, source, "unreadable", _("not a readable vCard file: {error}").format(error=exc)))
    return cards, skipped


def _values(component: Any, name: str) -> list[Any]:
    return [line.value for line in component.contents.get(name, [])]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(part) for part in value if str(part).strip()).strip()
    return str(value or "").strip()


def _card(component: Any, source: str) -> Card | None:
    emails = tuple(e for e in (_text(v).removeprefix("mailto:") for v in _values(component, "email")) if is_address(e))
    phones = tuple(p for p in (_text(v).removeprefix("tel:") for v in _values(component, "tel")) if p)
    name = next((_text(v) for v in _values(component, "fn") if _text(v)), "")
    if not name:
        name = next((_name_of(v) for v in _values(component, "n") if _name_of(v)), "")
    if not name and emails:
        name = emails[0].split("@")[0]
    if not name:
        return None
    org = next((_text(v) for v in _values(component, "org") if _text(v)), "")
    title = next((_text(v) for v in _values(component, "title") if _text(v)), "")
    return Card(source=source, name=name, org=org, title=title, emails=emails, phones=phones)


def _name_of(value: Any) -> str:
    """A structured N value: family and given names (Chinese order: family first)."""
    family, given = _text(getattr(value, "family", "")), _text(getattr(value, "given", ""))
    if (family + given).isascii():
        return " ".join(part for part in (given, family) if part)
    return family + given


def contacts_to_vcf(contacts: Iterable[Contact], org_names: dict[str, str]) -> str:
    """Contacts as a vCard 3.0 address book (``org_names``: organisation id -> name)."""
    out = []
    for contact in contacts:
        card = vobject.vCard()
        card.add("fn").value = contact.name
        card.add("n").value = vobject.vcard.Name(family=contact.name)
        org = org_names.get(contact.org or "")
        if org:
            card.add("org").value = [org]
        if contact.title:
            card.add("title").value = contact.title
        for email in contact.emails:
            card.add("email").value = email
        for phone in contact.phones:
            card.add("tel").value = phone
        card.add("uid").value = contact.id
        out.append(card.serialize())
    return "".join(out)
