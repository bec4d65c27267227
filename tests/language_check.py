"""Which interface words of the wrong language a text shows, data aside.

The demo's data is bilingual ("交付经理 Handover Manager", "Harbourline Façade Consultants"),
so the data is taken out first: every string of the stored bundle (names, titles, ids,
e-mails, notes...), also where a table cut it short ("James Whita…") or wrapped it over
lines (whitespace is ignored on both sides). What is left is the interface: under zh-CN it
must hold no English word (identifiers aside: finding codes, ``--options``, file formats),
under en no Chinese character.
"""

from __future__ import annotations

import html.parser
import re
from functools import lru_cache
from typing import Any

#: words that are names of formats, products and the tool itself, in every language
NAMES = (
    "GraphML",
    "graphsvc",
    "RACI",
    "yEd",
    "Gephi",
    "JSON",
    "CSV",
    "PNG",
    "SVG",
    "PDF",
    "HTML",
    "API",
    "A3",
    "SQLite",
)
_WHITESPACE = re.compile(r"\s+")
_IDENTIFIERS = re.compile(
    r"--[a-z][a-z-]*"  # command-line options
    r"|(?<![A-Za-z_])[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+(?![A-Za-z0-9_])"  # finding codes, NO_COLOR (a page may set them right after a count or before Chinese)
    r"|\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"  # JSON keys, statuses written as values (on_leave)
    r"|https?://\S+"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"  # e-mail addresses
    r"|\b[\w-]+\.(?:html|csv|json|graphml|svg|png|zip|md|xlsx)\b"  # file names
    r"|\b[ARCIHF](?:/[ARCI])*\b"  # RACI letters (a matrix's cells, read one after the other)
    r"|\{\w+\}|%\(\w+\)s"  # placeholders of a message a page script fills in
    r"|'[^'\s]*'"  # a value echoed as typed, quoted: an id, a choice ('no-such-project', 'critical')
)
_ENGLISH = re.compile(r"[A-Za-z]{2,}")
_CHINESE = re.compile("[\u3400-\u9fff\uf900-\ufaff]+")


def data_strings(bundle: Any) -> list[str]:
    """Every string the stored data holds, longest first, whitespace taken out."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            squeezed = _WHITESPACE.sub("", value)
            if squeezed:
                found.add(squeezed)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(bundle)
    return sorted(found, key=len, reverse=True)


def without_data(text: str, data: list[str]) -> str:
    """``text`` with data (whole or cut short with …), identifiers and whitespace taken out.

    The data is found first, whitespace ignored (a table wraps a name over lines), and
    blanked in the text as written; then identifiers are taken out of what is left, so a
    data value like "Lumen Software - R&D" is not broken up by the RACI-letter rule.
    """
    kept = [index for index, char in enumerate(text) if not char.isspace()]
    squeezed = "".join(text[index] for index in kept)
    taken = bytearray(len(squeezed))

    def take(start: int, stop: int) -> bool:
        if any(taken[start:stop]):
            return False
        taken[start:stop] = b"\x01" * (stop - start)
        return True

    prefixes = _prefixes(tuple(data))
    cut = squeezed.find("…")
    while cut != -1:  # each "…" a table put after a value it cut: the longest data prefix before it
        for size in range(min(cut, 80), 0, -1):
            if squeezed[cut - size : cut] in prefixes and take(cut - size, cut + 1):
                break
        cut = squeezed.find("…", cut + 1)
    for value in data:
        if len(value) < 2:
            continue
        start = squeezed.find(value)
        while start != -1:
            take(start, start + len(value))
            start = squeezed.find(value, start + 1)
    chars = list(text)
    for position, index in enumerate(kept):
        if taken[position]:
            chars[index] = "\x00"
    text = _IDENTIFIERS.sub(" ", "".join(chars))
    for name in NAMES:
        text = text.replace(name, " ")
    return _WHITESPACE.sub("", text)


@lru_cache(maxsize=4)
def _prefixes(data: tuple[str, ...]) -> frozenset[str]:
    return frozenset(value[:end] for value in data for end in range(1, len(value)))


def english_words(text: str, data: list[str]) -> list[str]:
    """English left in ``text`` once the data is out (what a zh-CN reader must not see)."""
    left = without_data(text, data)
    return [_around(left, m) for m in _ENGLISH.finditer(left)]


def chinese_words(text: str, data: list[str]) -> list[str]:
    """Chinese left in ``text`` once the data is out (what an en reader must not see)."""
    left = without_data(text, data)
    return [_around(left, m) for m in _CHINESE.finditer(left)]


def error_text(body: dict[str, Any]) -> str:
    """The words an error body says to a reader (``detail`` and each problem's ``reason``),
    the field names and locations they name taken out: those are identifiers, as typed."""
    problems = body.get("problems") or []
    text = "\n".join([str(body.get("detail", ""))] + [str(p.get("reason", "")) for p in problems])
    names = {part for p in problems for key in ("field", "location") for part in str(p.get(key) or "").split(".")}
    for name in sorted(names - {""}, key=len, reverse=True):
        text = re.sub(rf"(?<![\w-]){re.escape(name)}(?![\w-])", " ", text)
    return text


def _around(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 12) : match.end() + 12].replace("\x00", "·")


class _PageText(html.parser.HTMLParser):
    """The text a reader meets on a page: its text and the attributes read out or shown."""

    SHOWN = ("title", "alt", "aria-label", "placeholder", "value")

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        for name, value in attrs:
            if name in self.SHOWN and value and not (tag == "meta" or (tag == "input" and name == "value")):
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def page_text(markup: str) -> str:
    parser = _PageText()
    parser.feed(markup)
    return "\n".join(parser.parts)
