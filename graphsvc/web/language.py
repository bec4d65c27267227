"""The language of each request: ``?lang=``, else ``Accept-Language``, else the server's.

A pure ASGI middleware (no extra task), so the language set here is the one every
endpoint, exception handler and threadpool call of the request reads. Answers say which
language they are in (``Content-Language``) and that it depends on the request header
(``Vary: Accept-Language``), so no cache hands one reader's language to another.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graphsvc.application.error_body import ErrorBody, ProblemItem
from graphsvc.support.i18n import (
    UnknownLanguage,
    current_language,
    enter_language,
    from_accept_language,
    language_named,
    leave_language,
)


class RequestLanguage:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("lang")
        try:
            language = (
                language_named(asked[-1])
                if asked
                else from_accept_language(Headers(scope=scope).get("accept-language"))
            )
        except UnknownLanguage as error:
            await _refuse(error, scope, receive, send)
            return
        token = enter_language(language) if language else None

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Language", current_language())
                headers.add_vary_header("Accept-Language")
            await send(message)

        try:
            await self.app(scope, receive, send_with_language)
        finally:
            if token is not None:
                leave_language(token)


async def _refuse(error: UnknownLanguage, scope: Scope, receive: Receive, send: Send) -> None:
    body = ErrorBody(
        detail=f"lang: {error}",
        code="invalid",
        problems=[ProblemItem(location="query", field="lang", reason=str(error))],
    )
    await JSONResponse(status_code=422, content=body.model_dump(mode="json"))(scope, receive, send)
