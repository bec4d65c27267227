"""The stored contacts as an address book (vCard 3.0), for phones and mail programs."""

from __future__ import annotations

from graphsvc.application.mail_import.vcard import contacts_to_vcf
from graphsvc.domain.model import Contact, Organization
from graphsvc.store.base import Store, read_as


def address_book(store: Store) -> str:
    contacts = sorted(read_as(store, Contact), key=lambda c: c.id)
    return contacts_to_vcf(contacts, {o.id: o.name for o in read_as(store, Organization)})
