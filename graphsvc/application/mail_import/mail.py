"""Reading e-mail headers from ``.mbox`` files and ``.eml`` files: never the bodies.

Each message's header block only is parsed (``BytesHeaderParser``, policy ``default``, which
decodes encoded words such as ``=?utf-8?b?...?=`` display names). A message without a
Message-ID gets a key digested from its headers, so reading it again gives the same key.
"""

from __future__ import annotations

import hashlib
import mailbox
from collections.abc import Iterable
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path

from graphsvc.application.mail_import.records import Mail, Person, Skip, is_address, storable_instant
from graphsvc.support.i18n import gettext as _

_PARSER = BytesHeaderParser(policy=policy.default)


def read_eml(path: Path, subjects: bool, source: str) -> tuple[list[Mail], list[Skip]]:
    with path.open("rb") as handle:
        return _one(_headers(handle), source, source, subjects)


def read_mbox(path: Path, subjects: bool, source: str) -> tuple[list[Mail], list[Skip]]:
    mails: list[Mail] = []
    skipped: list[Skip] = []
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for number, key in enumerate(box.iterkeys(), start=1):
            with box.get_file(key) as handle:
                found, skip = _one(_headers(handle), source, _("message {number}").format(number=number), subjects)
            mails.extend(found)
            skipped.extend(skip)
    finally:
        box.close()
    return mails, skipped


def _headers(handle: Iterable[bytes]) -> Message:
    """The header block only: reading stops at the first empty line."""
    lines = []
    for line in handle:
        if line in (b"\n", b"\r\n"):
            break
        lines.append(line)
    return _PARSER.parsebytes(b"".join(lines))


def _one(message: Message, source: str, item: str, subjects: bool) -> tuple[list[Mail], list[Skip]]:
    def skip(code: str, reason: str) -> tuple[list[Mail], list[Skip]]:
        return [], [Skip(source, item, code, reason)]

    senders = _addresses(message, "from")
    if not senders:
        return skip("no_sender", _("no readable From address"))
    at = _date(message)
    if at is None:
        return skip("no_date", _("no readable Date header"))
    recipients = tuple(p for name in ("to", "cc") for p in _addresses(message, name))
    subject = str(message.get("subject", "") or "").strip() if subjects else ""
    key = _message_id(message) or _digest(message)
    return [Mail(key=key, source=source, at=at, sender=senders[0], recipients=recipients, subject=subject)], []


def _addresses(message: Message, header: str) -> list[Person]:
    people: list[Person] = []
    for value in message.get_all(header, []) if isinstance(message, EmailMessage) else []:
        try:
            addresses = value.addresses
        except (AttributeError, ValueError, IndexError):
            continue  # a malformed header: its addresses cannot be told
        for address in addresses:
            email = (address.addr_spec or "").strip()
            if is_address(email):
                people.append(Person(name=(address.display_name or "").strip(), email=email))
    return people


def _date(message: Message) -> datetime | None:
    value = message.get("date")
    if value is None:
        return None
    try:
        at = getattr(value, "datetime", None) or parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if not isinstance(at, datetime):
        return None
    return storable_instant(at.replace(tzinfo=UTC) if at.tzinfo is None else at)


def _message_id(message: Message) -> str | None:
    value = str(message.get("message-id", "") or "").strip().strip("<>").strip()
    return value or None


def _digest(message: Message) -> str:
    """A stable key for a message without a Message-ID: its identifying headers digested."""
    parts = [str(message.get(name, "")) for name in ("from", "to", "cc", "date", "subject")]
    return "digest:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
