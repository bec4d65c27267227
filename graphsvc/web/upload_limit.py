"""413 for an upload over the size limit, decided while the body streams in.

FastAPI parses a multipart form before the endpoint runs, so the endpoint is too late to
refuse a huge upload. This ASGI middleware sits in front: a declared ``Content-Length``
over the limit is answered at once, without reading the body; a body that grows past the
limit (chunked, or longer than declared) is cut off at the first chunk beyond it, with an
``HTTPException`` that FastAPI passes on to the one error body.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphsvc.support.i18n import _
from graphsvc.web.errors import error


def too_large_detail(max_bytes: int) -> str:
    return _("the upload is larger than {size} bytes (GRAPHSVC_UPLOAD_MAX_BYTES); nothing was read").format(
        size=max_bytes
    )


class UploadLimit:
    """Limits the request body of the upload ``paths`` to ``max_bytes``."""

    def __init__(self, app: ASGIApp, paths: frozenset[str], max_bytes: int) -> None:
        self.app = app
        self.paths = paths
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self.paths:
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await error(413, "too_large", too_large_detail(self.max_bytes))(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, too_large_detail(self.max_bytes))
            return message

        await self.app(scope, limited, send)
