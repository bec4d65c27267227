"""API keys: roles, how a key is issued, and how a presented key is checked.

A key reads ``gsk_<id>_<secret>``. Only a SHA-256 hash of the secret is stored: the secret
is 32 random bytes, so a fast hash is enough (there is nothing to brute-force), and the id
lets the service find the record without scanning.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime
from enum import Enum

from pydantic import BaseModel, Field

PREFIX = "gsk"


class Role(str, Enum):
    admin = "admin"  # everything
    pmo = "pmo"  # read everything
    manager = "manager"  # read and write their projects
    member = "member"  # read their projects
    external = "external"  # read their projects; other organisations' phones and e-mails hidden


#: roles whose reach is limited to the projects named on the key
SCOPED_ROLES = {Role.manager, Role.member, Role.external}


class KeyRecord(BaseModel):
    """What is stored about a key; never the secret itself."""

    id: str
    name: str = Field(description="who holds the key; recorded as the actor in the audit trail")
    role: Role
    projects: list[str] = Field(default_factory=list, description="reach of scoped roles")
    org: str | None = Field(None, description="the holder's organisation (external: whose details stay visible)")
    secret_hash: str
    created: datetime


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(name: str, role: Role, projects: list[str], org: str | None) -> tuple[str, KeyRecord]:
    """A new key: the text to hand out once, and the record to store."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    record = KeyRecord(
        id=key_id,
        name=name,
        role=role,
        projects=sorted(set(projects)),
        org=org,
        secret_hash=_hash(secret),
        created=datetime.now(UTC),
    )
    return f"{PREFIX}_{key_id}_{secret}", record


def split(text: str) -> tuple[str, str] | None:
    """(id, secret) of a presented key, or None if it is not shaped like one."""
    parts = text.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def matches(record: KeyRecord, secret: str) -> bool:
    return hmac.compare_digest(record.secret_hash, _hash(secret))
