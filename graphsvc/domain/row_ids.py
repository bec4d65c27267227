"""Ids for relationship rows given without one, derived from what identifies the row.

A spreadsheet user lists "contact, duty, R/A/C/I" and has no id column. Such a row gets an
id made from its natural key, so importing the same rows again finds the same ids and
changes nothing (as mail import derives an e-mail's id from its Message-ID):

- assignment: responsibility, contact, raci (and valid_from if given) -> ``a-<digest>``
- link: source, target, kind (and valid_from if given) -> ``l-<digest>``
- interaction: at (in UTC), participants (sorted), channel (and sender if any) -> ``i-<digest>``

The key is taken from the validated row, so spellings of the same value (surrounding
spaces, an instant with another UTC offset, participants in another order) give one id.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from graphsvc.domain.model import Assignment, Interaction, Link, Row

#: kinds whose rows may omit ``id`` -> the prefix of a derived id
PREFIXES: dict[str, str] = {"assignments": "a", "links": "l", "interactions": "i"}
#: id placeholder to validate an id-less row before its id is known (never stored)
PLACEHOLDER = "-"
#: hex digits of the key's SHA-256 kept in an id (as in mail import's ids)
DIGEST_SIZE = 20


def omits_id(kind: str, raw: Any) -> bool:
    """Whether ``raw`` is a row of a kind that may omit its id, given without one (missing,
    null or blank: an empty id cell of a sheet reads as missing too)."""
    if kind not in PREFIXES or not isinstance(raw, dict):
        return False
    value = raw.get("id")
    return value is None or (isinstance(value, str) and not value.strip())


def natural_key(row: Row) -> list[Any]:
    """What identifies a relationship row, as JSON values (README: "Rows without ids")."""
    if isinstance(row, Assignment):
        key: list[Any] = [row.responsibility, row.contact, row.raci]
    elif isinstance(row, Link):
        key = [row.source, row.target, row.kind]
    elif isinstance(row, Interaction):
        key = [row.at.isoformat(), sorted(row.participants), row.channel]
        return key + ([row.sender] if row.sender is not None else [])
    else:
        raise TypeError(f"{type(row).__name__} rows have no natural key")
    return key + ([row.valid_from.isoformat()] if row.valid_from is not None else [])


def describe_key(row: Row) -> str:
    """The natural key as a reader sees it in a message: its values joined by ' / '."""
    parts = [", ".join(part) if isinstance(part, list) else str(part) for part in natural_key(row)]
    return " / ".join(parts)


def derived_row_id(kind: str, row: Row) -> str:
    """``<prefix>-<digest>``: the digest of the key as JSON, so no two keys share a text."""
    text = json.dumps(natural_key(row), ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:DIGEST_SIZE]
    return f"{PREFIXES[kind]}-{digest}"
