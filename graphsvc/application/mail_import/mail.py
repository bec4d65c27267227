"""Reading e-mail headers from ``.mbox`` files and ``.eml`` files: never the bodies.

Each message's header block only is split into headers (``HeaderParser``); the headers we
use are parsed by policy ``default``'s header classes, which decode encoded words such as
``=?utf-8?b?...?=`` display names. A message without a Message-ID gets a key digested from
its headers, so reading it again gives the same key.

Speed (benchmarks/mail_bench.py), always with the email package's own answer: a plain
header block (every line ``Name: value`` or a fold) is split here as the parser would split
it. The policy's structured header parser is exact but slow (about half a millisecond per
address list), so well-formed ASCII headers take a short cut: an address list is split at
its commas (only when every mailbox in it has the plain form ``name <addr>`` or ``addr``)
and each mailbox is parsed by the policy once and remembered (the same people write again
and again); a plain ``Date`` goes straight to ``parsedate_to_datetime`` (what the policy
calls) and a plain ``<id@host>`` Message-ID is taken as written. Anything else goes to the
parser and the policy as before.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import mailbox
import re
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from email.errors import HeaderParseError
from email.parser import HeaderParser
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

from graphsvc.application.mail_import.records import Mail, Person, Skip, is_address, storable_instant
from graphsvc.support.gc_pause import paused_gc
from graphsvc.support.i18n import gettext as _

#: compat32 only splits the block into raw headers (the values as ``policy.default`` would
#: keep them); each header we need is parsed below
_PARSER = HeaderParser(policy=policy.compat32)
_SOURCE_PARSE = policy.compat32.header_source_parse


def read_eml(path: Path, subjects: bool, source: str) -> tuple[list[Mail], list[Skip]]:
    with path.open("rb") as handle:
        return _one(_headers(handle), source, lambda: source, subjects)


#: messages read between two collections of the young generation (see read_mbox)
_COLLECT_EVERY = 1000


def read_mbox(path: Path, subjects: bool, source: str) -> tuple[list[Mail], list[Skip]]:
    """Every message's headers. The cyclic collector is paused meanwhile: its passes over
    the growing list of records found next to nothing (a sixth of the time on 100,000
    messages). Only the young generation, what the last 1,000 messages left, is collected
    as we go, so the reference cycles the email parser and the policy's header classes
    leave for an odd message are still freed without rescanning what is kept."""
    mails: list[Mail] = []
    skipped: list[Skip] = []
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        with paused_gc():
            for number, key in enumerate(box.iterkeys(), start=1):
                with box.get_file(key) as handle:
                    found, skip = _one(_headers(handle), source, functools.partial(_message_label, number), subjects)
                mails.extend(found)
                skipped.extend(skip)
                if number % _COLLECT_EVERY == 0:
                    gc.collect(0)
    finally:
        box.close()
    return mails, skipped


class _Readable(Protocol):
    def read(self, size: int, /) -> bytes: ...


#: the end of the header block: an empty line (at the very start, or after a line's end)
_EMPTY_LINE = re.compile(rb"(?:\A|(\n))\r?\n")
_CHUNK = 16384


def _headers(handle: _Readable) -> list[tuple[str, Any]]:
    """The header block only, as (name, value as written): reading (in chunks, not line by
    line) stops at the first empty line."""
    data = bytearray()  # grows in place: a huge block without an empty line stays linear
    while True:
        chunk = handle.read(_CHUNK)
        start = max(0, len(data) - 2)  # an empty line may straddle two chunks
        data += chunk
        end = _EMPTY_LINE.search(data, start)
        if end is not None:
            del data[end.start() + 1 if end.group(1) else 0 :]
            break
        if not chunk:
            break
    text = data.decode("ascii", "surrogateescape")  # as BytesParser decodes
    return _split_plain(text) or list(_PARSER.parsestr(text).raw_items())


#: a header line (name, colon) or a folded continuation; a line ending in CR LF or LF
_HEADER_LINE = re.compile(r"[\x21-\x39\x3b-\x7e]+:[^\r\n]*\r?\n?|[ \t][^\r\n]*\r?\n?")
_LINES = re.compile(r"[^\n]*\n|[^\n]+")


def _split_plain(text: str) -> list[tuple[str, Any]] | None:
    """The headers of a plain block (every line a ``Name: value`` or a folded continuation,
    no lone CR, no envelope ``From `` line) split as the email parser splits them (name up
    to the first colon; the value with its folds, leading blanks and final line end
    removed); None for any other block, which the parser reads."""
    headers: list[tuple[str, Any]] = []
    lines: list[str] = []
    for line in _LINES.findall(text):
        if _HEADER_LINE.fullmatch(line) is None:
            return None
        if line[0] in " \t":
            if not lines:
                return None
            lines.append(line)
            continue
        if lines:
            headers.append(_SOURCE_PARSE(lines))
        lines = [line]
    if lines:
        headers.append(_SOURCE_PARSE(lines))
    return headers if headers else None


def _message_label(number: int) -> str:
    return _("message {number}").format(number=number)


def _one(
    message: list[tuple[str, Any]], source: str, item: Callable[[], str], subjects: bool
) -> tuple[list[Mail], list[Skip]]:
    """``item()`` names the message in a skip (made only then: most messages are not skipped)."""

    def skip(code: str, reason: str) -> tuple[list[Mail], list[Skip]]:
        return [], [Skip(source, item(), code, reason)]

    raw = _raw_headers(message)
    senders = _addresses(raw, "from")
    if not senders:
        return skip("no_sender", _("no readable From address"))
    at = _date(raw)
    if at is None:
        return skip("no_date", _("no readable Date header"))
    recipients = tuple(p for name in ("to", "cc") for p in _addresses(raw, name))
    subject = str(_fetched(raw, "subject") or "").strip() if subjects else ""
    key = _message_id(raw) or _digest(raw)
    return [Mail(key=key, source=source, at=at, sender=senders[0], recipients=recipients, subject=subject)], []


def _addresses(headers: _Raw, header: str) -> list[Person]:
    people: list[Person] = []
    for raw in headers.get(header, ()):
        plain = _simple_addresses(raw)
        # not the plain form: the policy parses the whole header
        people.extend(_people(_parsed_addresses(_parse(header, raw))) if plain is None else plain)
    return people


def _people(pairs: tuple[tuple[str, str], ...] | None) -> tuple[Person, ...]:
    """The storable addresses among (display name, address) pairs."""
    people = []
    for display_name, addr_spec in pairs or ():
        email = addr_spec.strip()
        if is_address(email):
            people.append(Person(name=display_name.strip(), email=email))
    return tuple(people)


def _parsed_addresses(value: Any) -> tuple[tuple[str, str], ...] | None:
    """(display name, address) of each address in a header the policy parsed; None for a
    malformed header (its addresses cannot be told)."""
    try:
        addresses = value.addresses
        return tuple((a.display_name or "", a.addr_spec or "") for a in addresses)
    except (AttributeError, ValueError, IndexError):
        return None


def _date(headers: _Raw) -> datetime | None:
    raw = _first(headers, "date")
    if raw is None:
        return None
    try:
        if raw.isascii():
            at = parsedate_to_datetime(_unfolded(raw))  # what the policy's DateHeader does
        else:
            value = _parse("date", raw)
            at = getattr(value, "datetime", None) or parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    if not isinstance(at, datetime):
        return None
    return storable_instant(at.replace(tzinfo=UTC) if at.tzinfo is None else at)


def _message_id(headers: _Raw) -> str | None:
    raw = _first(headers, "message-id")
    if raw is None:
        return None
    plain = _PLAIN_MESSAGE_ID.fullmatch(_unfolded(raw)) if raw.isascii() else None
    value = plain.group(1) if plain else str(_parse("message-id", raw) or "").strip().strip("<>").strip()
    return value or None


# -- the short cut for well-formed headers ----------------------------------------------------

_FETCH = policy.default.header_fetch_parse
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_DOT_ATOM = rf"{_ATOM}(?:\.{_ATOM})*"
_ADDR_SPEC = rf"{_DOT_ATOM}@{_DOT_ATOM}"
_WORD = rf'(?:{_ATOM}|"(?:[^"\\]|\\.)*")'
#: one mailbox in the plain form: an optional name of atoms, encoded words and quoted
#: strings before ``<addr>``, or a bare ``addr``; no comments, groups or routes
_PLAIN_MAILBOX = re.compile(rf"[ \t]*(?:(?:{_WORD}(?:[ \t]+{_WORD})*[ \t]*)?<{_ADDR_SPEC}>|{_ADDR_SPEC})[ \t]*")
_PLAIN_MESSAGE_ID = re.compile(rf"[ \t]*<({_ADDR_SPEC})>[ \t]*")


#: header name (lower case) -> its values as written (unparsed), in order
_Raw = dict[str, list[str]]
_WANTED = frozenset(("from", "to", "cc", "date", "message-id", "subject"))


def _raw_headers(message: list[tuple[str, Any]]) -> _Raw:
    headers: _Raw = {}
    for key, value in message:
        name = key.lower()
        if name in _WANTED and isinstance(value, str):
            headers.setdefault(name, []).append(value)
    return headers


def _first(headers: _Raw, name: str) -> str | None:
    found = headers.get(name)
    return found[0] if found else None


def _fetched(headers: _Raw, name: str) -> Any:
    """The first such header parsed by policy ``default`` (``EmailMessage.get``), or None."""
    raw = _first(headers, name)
    return None if raw is None else _parse(name, raw)


def _parse(name: str, raw: str) -> Any:
    """A header parsed by policy ``default``; None where its parser fails on a malformed
    value (it raises IndexError on a Message-ID of ``<<a@b>>``): one bad header must not
    stop the import."""
    try:
        return _FETCH(name, raw)
    except (HeaderParseError, IndexError, ValueError, TypeError, AttributeError):
        return None


def _unfolded(raw: str) -> str:
    """The value as the policy hands it to its parsers: line breaks removed."""
    return raw.replace("\r", "").replace("\n", "")


def _simple_addresses(raw: str) -> list[Person] | None:
    """The people of a plain ASCII address list, each mailbox parsed by the policy (and
    remembered); None when the list is not plain or a mailbox of it does not parse."""
    if not raw.isascii():
        return None
    value = _unfolded(raw)
    found: list[Person] = []
    position = 0
    while True:
        mailbox_ = _PLAIN_MAILBOX.match(value, position)
        if mailbox_ is None:
            return None
        people = _mailbox(mailbox_.group(0).strip(" \t"))
        if people is None:
            return None
        found.extend(people)
        position = mailbox_.end()
        if position == len(value):
            return found
        if value[position] != ",":
            return None
        position += 1


@functools.lru_cache(maxsize=65536)
def _mailbox(text: str) -> tuple[Person, ...] | None:
    """One mailbox's people (the records are immutable, so one is shared by every message)."""
    pairs = _parsed_addresses(_parse("to", text))
    return None if pairs is None else _people(pairs)


def _digest(headers: _Raw) -> str:
    """A stable key for a message without a Message-ID: its identifying headers digested."""
    parts = [_text(headers, name) for name in ("from", "to", "cc", "date", "subject")]
    return "digest:" + hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


def _text(headers: _Raw, name: str) -> str:
    """A header's decoded text (as written, unfolded, where it does not parse); "" if absent."""
    raw = _first(headers, name)
    if raw is None:
        return ""
    parsed = _parse(name, raw)
    return _unfolded(raw) if parsed is None else str(parsed)
