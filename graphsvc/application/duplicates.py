"""Suspected duplicate contacts: dirty data from several spreadsheets, caught before import.

Three signs that two contact rows may be one person, or that a number or address is
wrong (同名不同号): the same name with different phones, the same phone under different
names, the same e-mail under different names. A fourth, the same name sharing a phone or
e-mail under two ids, is the same person entered twice. These are suspicions for a person
to judge, never errors. Pure functions: callers pass the people, with any handle they like.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from graphsvc.support.i18n import N_

SAME_NAME_DIFFERENT_PHONES = "same_name_different_phones"
SAME_PHONE_DIFFERENT_NAMES = "same_phone_different_names"
SAME_EMAIL_DIFFERENT_NAMES = "same_email_different_names"
SAME_NAME_SHARED_CHANNEL = "same_name_shared_channel"

#: each reason code in words (translated where it is shown)
REASON_TEXT = {
    SAME_NAME_DIFFERENT_PHONES: N_("the same name with different phones"),
    SAME_PHONE_DIFFERENT_NAMES: N_("the same phone under different names"),
    SAME_EMAIL_DIFFERENT_NAMES: N_("the same e-mail under different names"),
    SAME_NAME_SHARED_CHANNEL: N_("the same name and phone/e-mail under two ids (entered twice?)"),
}

_SPACE = re.compile(r"\s+")
_MIN_PHONE_DIGITS = 6


def normalise_name(name: str) -> str | None:
    """Width, case and spacing ignored: '王 建国' and '王建国', 'Ann Lee' and 'ann  lee' match."""
    key = _SPACE.sub("", unicodedata.normalize("NFKC", name or "")).casefold()
    return key or None


def normalise_email(email: str) -> str | None:
    key = unicodedata.normalize("NFKC", email or "").strip().casefold()
    return key or None


def normalise_phone(phone: str) -> str | None:
    """Digits only, China's +86/0086 dropped so '+86 139-0000-1001' matches '13900001001'.

    A landline written internationally ('+86 571 8888 1234') gets its trunk 0 back
    ('057188881234'); other countries keep '+' and their code. Too short to tell: None.
    """
    text = unicodedata.normalize("NFKC", phone or "").strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    international = text.startswith("+") or digits.startswith("00")
    digits = digits.removeprefix("00")
    if not international and len(digits) == 13 and digits.startswith("861"):
        international = True  # 86 13900001001: a mobile number written with its code, no plus
    if international:
        if not digits.startswith("86"):
            return "+" + digits if len(digits) >= _MIN_PHONE_DIGITS else None
        digits = digits[2:]
        if not (len(digits) == 11 and digits.startswith("1")) and not digits.startswith("0"):
            digits = "0" + digits
    return digits if len(digits) >= _MIN_PHONE_DIGITS else None


@dataclass(frozen=True)
class Person:
    """A contact row as the duplicate check sees it; ``handle`` is the caller's (e.g. a location)."""

    id: str
    name: str
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    #: already in the store (not in the file being imported)
    stored: bool = False
    handle: Hashable = None
    phone_keys: frozenset[str] = field(init=False, compare=False)
    email_keys: frozenset[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "phone_keys", frozenset(filter(None, map(normalise_phone, self.phones))))
        object.__setattr__(self, "email_keys", frozenset(filter(None, map(normalise_email, self.emails))))


@dataclass(frozen=True)
class Suspicion:
    reason: str
    #: the shared name, phone or e-mail (normalised for phones and e-mails)
    value: str
    first: Person
    second: Person


def _groups(people: Iterable[Person], keys: Callable[[Person], Iterable[str]]) -> dict[str, list[Person]]:
    grouped: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        for key in keys(person):
            grouped[key].append(person)
    return grouped


def find_duplicates(people: list[Person]) -> list[Suspicion]:
    """Every suspected pair that involves at least one row not yet stored.

    Pass the rows being imported first, then the stored ones; rows with the same id are one
    contact (an update), never duplicates. A phone or e-mail shared by many names (a
    switchboard) is reported once per name, against the first row that has it.
    """
    found: list[Suspicion] = []
    reported: set[tuple[str, str, str]] = set()

    def report(reason: str, value: str, first: Person, second: Person) -> None:
        low, high = sorted((first.id, second.id))
        key = (reason, low, high)
        if first.id != second.id and not (first.stored and second.stored) and key not in reported:
            reported.add(key)
            found.append(Suspicion(reason, value, first, second))

    names = {id(p): normalise_name(p.name) for p in people}
    for group in _groups(people, lambda p: [name] if (name := names[id(p)]) else []).values():
        fresh = [p for p in group if not p.stored]
        stored = [p for p in group if p.stored]
        pairs = [*combinations(fresh, 2), *((a, b) for a in fresh for b in stored)]
        for first, second in pairs:
            shared = sorted(first.phone_keys & second.phone_keys) + sorted(first.email_keys & second.email_keys)
            if shared:
                report(SAME_NAME_SHARED_CHANNEL, shared[0], first, second)
            elif first.phone_keys and second.phone_keys:
                report(SAME_NAME_DIFFERENT_PHONES, first.name, first, second)
    for reason, keys in (
        (SAME_PHONE_DIFFERENT_NAMES, lambda p: sorted(p.phone_keys)),
        (SAME_EMAIL_DIFFERENT_NAMES, lambda p: sorted(p.email_keys)),
    ):
        for value, group in _groups(people, keys).items():
            one_per_name: dict[Any, Person] = {}
            for person in group:
                one_per_name.setdefault(names[id(person)], person)
            anchor, *others = one_per_name.values()
            for other in others:
                report(reason, value, anchor, other)
    return found
