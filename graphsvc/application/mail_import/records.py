"""What the readers hand on: people seen in files, e-mails, meetings and address cards.

Plain data only, so that matching and conversion know no file format. Bodies are never
part of a record: nothing of them is read or kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


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
