"""Who is behind an address: stored contacts found by e-mail (case-insensitive) or phone.

Phones are compared normalised (``duplicates.normalise_phone``: '+86 139-0000-1001' is
'13900001001'). An address two stored contacts share is ambiguous and matches neither.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from graphsvc.application.duplicates import normalise_email, normalise_phone
from graphsvc.domain.model import Contact

#: ``normalise_email`` remembered: an import meets the same addresses again and again (a
#: 100,000-message mailbox asks about 30 times per message)
email_key = functools.lru_cache(maxsize=1 << 16)(normalise_email)


@dataclass
class Directory:
    """Stored contacts indexed by normalised e-mail and phone."""

    by_email: dict[str, str] = field(default_factory=dict)
    by_phone: dict[str, str] = field(default_factory=dict)
    ambiguous: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, contacts: Iterable[Contact]) -> Directory:
        directory = cls()
        for contact in contacts:
            for email in contact.emails:
                directory._add(directory.by_email, normalise_email(email), contact.id)
            for phone in contact.phones:
                directory._add(directory.by_phone, normalise_phone(phone), contact.id)
        return directory

    def _add(self, index: dict[str, str], key: str | None, contact: str) -> None:
        if key is None or key in self.ambiguous:
            return
        if index.get(key, contact) != contact:
            del index[key]
            self.ambiguous.add(key)
            return
        index[key] = contact

    def add(self, contact: Contact) -> None:
        """A contact created by this import: later addresses find it too."""
        for email in contact.emails:
            self._add(self.by_email, normalise_email(email), contact.id)
        for phone in contact.phones:
            self._add(self.by_phone, normalise_phone(phone), contact.id)

    def email(self, address: str) -> str | None:
        key = email_key(address)
        return self.by_email.get(key) if key else None

    def card(self, emails: Iterable[str], phones: Iterable[str]) -> str | None:
        """The stored contact of an address card: by its first known e-mail, else phone."""
        for email in emails:
            found = self.email(email)
            if found:
                return found
        for phone in phones:
            key = normalise_phone(phone)
            if key and key in self.by_phone:
                return self.by_phone[key]
        return None
