"""What the readers hand on: people seen in files, e-mails, meetings and address cards.

Plain data only, so that matching and conversion know no file format. Bodies are never
part of a record: nothing of them is read or kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from graphsvc.domain.model import MAX_OFFSET, MAX_YEAR, MIN_YEAR

#: an e-mail address a contact row can hold: one line of printable text around one @
_EMAIL = re.compile(r"[^\s@\x00-\x1f\x7f-\x9f]{1,200}@[^\s@\x00-\x1f\x7f-\x9f]{1,250}")


def storable_instant(at: datetime) -> datetime | None:
    """``at`` if an interaction can hold it (a year and UTC offset the model takes), else None."""
    offset = at.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        return None
    if not (MIN_YEAR < at.year < MAX_YEAR):
        return None
    return at


def is_address(text: str) -> bool:
    """Whether ``text`` is an e-mail address worth matching and storing (no controls, no spaces)."""
    return _EMAIL.fullmatch(text) is not None


@dataclass(frozen=True)
class Person:
    """An address as written in a header or calendar: display name and e-mail."""

    name: str
    email: str


@dataclass(frozen=True)
class Mail:
    """The headers of one e-mail; ``key`` is its Message-ID, or a digest of its headers."""

    key: str
    source: str
    at: datetime
    sender: Person
    recipients: tuple[Person, ...]
    subject: str = ""


@dataclass(frozen=True)
class Meeting:
    """One meeting (one occurrence of a recurring one); ``key`` is its UID (+ occurrence)."""

    key: str
    source: str
    at: datetime
    organizer: Person | None
    attendees: tuple[Person, ...]
    subject: str = ""


@dataclass(frozen=True)
class Card:
    """One address-book entry (vCard)."""

    source: str
    name: str
    org: str = ""
    title: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skip:
    """Something in a file that was not imported, and why (``code`` is stable, ``reason`` words)."""

    source: str
    item: str
    code: str
    reason: str


@dataclass
class Records:
    """Everything read from the given files."""

    mails: list[Mail] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    #: file -> (format, items read)
    sources: dict[str, tuple[str, int]] = field(default_factory=dict)
