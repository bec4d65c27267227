"""Web sign-in sessions: the signed cookie value that stands for an API key in a browser.

A session token reads ``v1.<key id>.<expiry>.<signature>``. The signature is an
HMAC-SHA256 with the data store's session secret (``Store.server_secret``) over
the id, the expiry and the stored hash of the key, so a token is worth nothing once it
expires, once its key is revoked or re-issued, or once the secret is replaced. The token
never holds the key itself.
"""

from __future__ import annotations

import hashlib
import hmac

from graphsvc.domain.keys import KeyRecord

#: how long a sign-in lasts
SESSION_SECONDS = 12 * 3600
#: the name of the store's secret that signs sessions (``Store.server_secret``)
SESSION_SECRET_NAME = "web-sessions"
VERSION = "v1"


def _signature(secret: str, payload: str, record: KeyRecord) -> str:
    message = f"{payload}.{record.secret_hash}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def session_token(secret: str, record: KeyRecord, now: float) -> str:
    """A token for ``record``'s key, valid for SESSION_SECONDS from ``now`` (Unix seconds)."""
    payload = f"{VERSION}.{record.id}.{int(now) + SESSION_SECONDS}"
    return f"{payload}.{_signature(secret, payload, record)}"


def token_key_id(token: str) -> str | None:
    """The key id a token names (not yet checked), or None if it is not shaped like one."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != VERSION or not parts[1] or not parts[2].isdigit():
        return None
    return parts[1]


def token_valid(secret: str, token: str, record: KeyRecord, now: float) -> bool:
    """The token was signed with ``secret`` for this very key record and has not expired."""
    parts = token.split(".")
    if len(parts) != 4 or parts[1] != record.id or not parts[2].isdigit():
        return False
    payload = ".".join(parts[:3])
    expected = _signature(secret, payload, record)
    return hmac.compare_digest(expected, parts[3]) and now < int(parts[2])


def form_token(secret: str, purpose: str, bound_to: str) -> str:
    """A CSRF token for a form, bound to a value only this browser holds (a cookie)."""
    return hmac.new(secret.encode(), f"{purpose}.{bound_to}".encode(), hashlib.sha256).hexdigest()
