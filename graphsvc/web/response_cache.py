"""Computed JSON answers kept per data version, so repeated reads between writes cost a
lookup instead of a recomputation (findings, maps, portfolio are pure functions of the data
and the day).

The key always holds the caller's view of the store (scoped keys see other data), the
store's data version (any write invalidates), the day (answers default to "as of today")
and the language (explanations and remedies are written in it).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import date

from fastapi import Request, Response
from pydantic import BaseModel

from graphsvc.store.base import cache_token
from graphsvc.support.i18n import current_language
from graphsvc.web.access import store_of

#: answers kept; each is one serialised response
MAX_ENTRIES = 4096


class ResponseCache:
    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()

    def json(self, request: Request, key: tuple[Hashable, ...], build: Callable[[], BaseModel]) -> Response:
        """The cached serialisation of ``build()`` for this caller, data version and day."""
        store = store_of(request)
        full_key = (cache_token(store), store.data_version(), date.today(), current_language(), *key)
        body = self._lookup(full_key)
        if body is None:
            # One build per key: concurrent askers wait for it instead of repeating it.
            with self._lock:
                building = self._building.setdefault(full_key, threading.Lock())
            with building:
                body = self._lookup(full_key)
                if body is None:
                    body = build().model_dump_json().encode()
                    with self._lock:
                        self._entries[full_key] = body
                        while len(self._entries) > self.max_entries:
                            self._entries.popitem(last=False)
            with self._lock:
                self._building.pop(full_key, None)
        return Response(content=body, media_type="application/json")

    def _lookup(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._entries.get(key)
            if body is not None:
                self._entries.move_to_end(key)
            return body


def cache_of(request: Request) -> ResponseCache:
    cache: ResponseCache = request.app.state.responses
    return cache
