"""Who is calling: the request dependencies every route runs (the caller's key resolved to
a Principal and the store as they may see it; each query parameter at most once), and
how a route reads them back."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from graphsvc.application.access import Forbidden, Principal
from graphsvc.domain.bundle import BundleError, Problem
from graphsvc.store.base import Store

#: reachable without a key (probes)
PUBLIC_PATHS = {"/healthz", "/readyz"}
READ_METHODS = {"GET", "HEAD", "OPTIONS"}

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="an API key from `graphsvc keys create`")
bearer = HTTPBearer(auto_error=False, description="the same API key as a bearer token")


def authenticate(
    request: Request,
    key: str | None = Security(api_key_header),
    token: HTTPAuthorizationCredentials | None = Security(bearer),
) -> None:
    """Resolve the caller for every route: their role, and the store as they may see it."""
    if request.url.path in PUBLIC_PATHS:
        return
    presented = key or (token.credentials if token else None)
    principal = request.app.state.gate.principal(presented)
    if request.method not in READ_METHODS and not principal.can_write:
        raise Forbidden(f"role {principal.role.value} is read-only")
    request.state.principal = principal
    request.state.store = request.app.state.views.for_principal(principal)


def single_valued_query(request: Request) -> None:
    """Each query parameter at most once: ``?project=a&project=b`` would quietly mean b."""
    if request.url.path in PUBLIC_PATHS:
        return
    counts = Counter(name for name, _ in request.query_params.multi_items())
    repeated = sorted(name for name, count in counts.items() if count > 1)
    if repeated:
        raise BundleError([Problem("query", None, name, "given more than once") for name in repeated])


def principal_of(request: Any) -> Principal:
    """The caller of an HTTP request (set by ``authenticate``)."""
    principal: Principal = request.state.principal
    return principal


def store_of(request: Any) -> Store:
    """The store as the caller of an HTTP request may see it (scoped, redacted)."""
    store: Store = request.state.store
    return store
