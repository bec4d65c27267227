"""Who is calling: the request dependencies every route runs (the caller's key resolved to
a Principal and the store as they may see it; each query parameter at most once), and
how a route reads them back."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import Request, Security
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from graphsvc.application.access import Forbidden, Principal, Unauthenticated, read_only
from graphsvc.domain.bundle import BundleError, Problem
from graphsvc.store.base import Store
from graphsvc.support.i18n import _

#: reachable without a key: the probes, and signing in and out of the web pages
PUBLIC_PATHS = {"/healthz", "/readyz", "/signin", "/signout"}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}
#: the cookie holding a web sign-in session (graphsvc.domain.sessions)
SESSION_COOKIE = "graphsvc_session"

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key from `graphsvc keys create`")
bearer = HTTPBearer(auto_error=False, description="the same API key as a bearer token")


class SignInRequired(Exception):
    """A web page asked for without a valid key or session: answered by a redirect to the
    sign-in form (an API request gets 401 JSON instead)."""

    def __init__(self, path: str):
        super().__init__(path)
        self.path = path


def is_page(request: Request) -> bool:
    """A route answering an HTML page (the index, the maps, the API docs)."""
    route = request.scope.get("route")
    return request.method in ("GET", "HEAD") and getattr(route, "response_class", None) is HTMLResponse


def authenticate(
    request: Request,
    key: str | None = Security(api_key_header),
    token: HTTPAuthorizationCredentials | None = Security(bearer),
) -> None:
    """Resolve the caller for every route: their role, and the store as they may see it.

    A key in a header wins; without one, a sign-in session cookie stands for its key, for
    reads only (every write needs the key in a header, which no other site can make a
    browser send)."""
    if request.url.path in PUBLIC_PATHS:
        return
    presented = key or (token.credentials if token else None)
    session = request.cookies.get(SESSION_COOKIE)
    gate = request.app.state.gate
    try:
        if presented or not session or gate.open_access():
            principal = gate.principal(presented)
        elif request.method in READ_METHODS:
            principal = gate.session_principal(session)
        else:
            raise Unauthenticated(_("a sign-in session only reads: send the API key in a header to write"))
    except Unauthenticated:
        if is_page(request) and not presented:  # a browser; a program with a wrong key gets 401
            raise SignInRequired(request.url.path + (f"?{request.url.query}" if request.url.query else "")) from None
        raise
    if request.method not in READ_METHODS and not principal.can_write:
        raise Forbidden(read_only(principal.role))
    request.state.principal = principal
    request.state.store = request.app.state.views.for_principal(principal)


def single_valued_query(request: Request) -> None:
    """Each query parameter at most once: ``?project=a&project=b`` would quietly mean b."""
    if request.url.path in PUBLIC_PATHS:
        return
    counts = Counter(name for name, _ in request.query_params.multi_items())
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise BundleError([Problem("query", None, name, _("given more than once")) for name in repeated])


def principal_of(request: Any) -> Principal:
    """The caller of an HTTP request (set by ``authenticate``)."""
    principal: Principal = request.state.principal
    return principal


def store_of(request: Any) -> Store:
    """The store as the caller of an HTTP request may see it (scoped, redacted)."""
    store: Store = request.state.store
    return store
