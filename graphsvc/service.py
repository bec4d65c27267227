"""HTTP service skeleton: health, readiness against the store, bundle schema.

One store (and so one Neo4j driver) per process, opened at start-up and closed at exit.
"""

from __future__ import annotations

import gc
import logging
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from graphsvc import __version__

from graphsvc import api_errors
from graphsvc.analysis.findings import Thresholds
from graphsvc.analysis.paths import PathAnswer
from graphsvc.api import router as entities_router
from graphsvc.api_errors import ErrorBody
from graphsvc.auth import Forbidden, Gate, Views, is_loopback, store_of
from graphsvc.bundle import BundleError, Problem, json_schema
from graphsvc.params import Day
from graphsvc.handover import router as handover_router
from graphsvc.lifecycle_web import router as lifecycle_router
from graphsvc.maps.web import router as maps_router
from graphsvc.response_cache import ResponseCache, cache_of
from graphsvc.reminders_web import router as reminders_router
from graphsvc.spreadsheet_web import router as spreadsheet_router
from graphsvc.insights import PortfolioReport, ProjectReport, contact_paths, portfolio_report, project_report
from graphsvc.store import Store, StoreUnavailable, open_store

log = logging.getLogger("graphsvc")


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


def create_app(store: Store | None = None, host: str | None = None) -> FastAPI:
    """Build the app; tests pass a store, the CLI lets settings choose one.

    ``host`` is the address served on: without API keys, authentication is off only when
    it is a loopback address (None means in-process, as in tests).
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = store is None
        app.state.store = store if store is not None else open_store()
        if owned:
            try:
                app.state.store.init_schema()
            except StoreUnavailable as exc:
                # Stay up: /readyz reports the reason until the store comes back.
                log.warning("store not ready at start-up: %s", exc)
        app.state.gate = Gate(app.state.store, loopback=is_loopback(host))
        app.state.views = Views(app.state.store)
        app.state.responses = ResponseCache()
        # The loaded store lives as long as the process: keep its objects out of the
        # collector's full scans, which otherwise pause every request now and then.
        gc.collect()
        gc.freeze()
        try:
            if app.state.gate.open_access():
                log.warning("authentication is OFF: serving on loopback with no API keys "
                            "(create one with `graphsvc keys create` to turn it on)")
            elif not app.state.gate.records():
                log.warning("no API keys exist and %s is not loopback: every request needs a key; "
                            "create one with `graphsvc keys create --role admin`", host)
            else:
                log.info("authentication is on: API key required")
        except StoreUnavailable as exc:
            log.warning("cannot read API keys yet: %s", exc)
        yield
        if owned:
            app.state.store.close()

    app = FastAPI(
        title="graphsvc",
        version=__version__,
        description="Who owns what, who talks to whom, phase by phase, across organisations.",
        lifespan=lifespan,
        dependencies=[Depends(authenticate), Depends(single_valued_query)],
    )

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """The process is up (does not touch the store)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], responses={503: {"description": "store not reachable"}})
    def readyz(request: Request) -> Any:
        """The store answers; 503 with the reason otherwise."""
        current: Store = request.app.state.store
        try:
            current.ping()
        except StoreUnavailable as exc:
            return JSONResponse(
                status_code=503, content={"status": "unavailable", "store": current.name, "detail": str(exc)}
            )
        return {"status": "ready", "store": current.name}

    def limits(
        stale_days: int = Query(14, ge=1, description="a line unused for longer is stale"),
        overload: int = Query(5, ge=1, description="accountable for more duties than this is overload"),
    ) -> Thresholds:
        return Thresholds(stale_days=stale_days, overload=overload)

    @app.get(
        "/api/v1/projects/{project_id}/findings",
        tags=["findings"],
        response_model=ProjectReport,
        responses={404: {"model": ErrorBody, "description": "unknown project or stage"}},
    )
    def get_project_findings(
        request: Request,
        project_id: str,
        stage: str | None = Query(None, description="only findings about this stage"),
        as_of: Day | None = Query(None, description="judge as of this day (default today)"),
        thresholds: Thresholds = Depends(limits),
    ) -> Any:
        """Responsibility vacuums and broken communication chains of one project."""
        return cache_of(request).json(
            request,
            ("findings", project_id, stage, as_of, thresholds.stale_days, thresholds.overload),
            lambda: project_report(store_of(request), project_id, stage, as_of, thresholds),
        )

    @app.get("/api/v1/portfolio/findings", tags=["findings"], response_model=PortfolioReport)
    def get_portfolio_findings(
        request: Request,
        as_of: Day | None = Query(None, description="judge as of this day (default today)"),
        thresholds: Thresholds = Depends(limits),
    ) -> Any:
        """Every project scanned: findings ranked by severity, health per project."""
        return cache_of(request).json(
            request,
            ("portfolio", as_of, thresholds.stale_days, thresholds.overload),
            lambda: portfolio_report(store_of(request), as_of, thresholds),
        )

    @app.get(
        "/api/v1/paths",
        tags=["paths"],
        response_model=PathAnswer,
        responses={
            404: {"model": ErrorBody, "description": "unknown source or target"},
            422: {"model": ErrorBody, "description": "no working line, or nobody to reach"},
        },
    )
    def get_paths(
        request: Request,
        source: str = Query(..., min_length=1, description="contact id of the person asking"),
        target: str = Query(
            ..., min_length=1,
            description="contact, organization or responsibility id, or org:ID, title:TEXT, responsibility:ID",
        ),
        k: int = Query(3, ge=1, le=20, description="how many paths"),
        as_of: Day | None = Query(None, description="as of this day (default today)"),
    ) -> PathAnswer:
        """Whom to contact about a target, and through whom: the k cheapest working paths."""
        return contact_paths(store_of(request), source, target, k, as_of)

    @app.get("/api/v1/schema/bundle", tags=["bundle"])
    def bundle_schema() -> dict[str, Any]:
        """The JSON Schema of the import/export bundle."""
        return json_schema()

    app.include_router(entities_router)
    app.include_router(lifecycle_router)
    app.include_router(reminders_router)
    app.include_router(spreadsheet_router)
    app.include_router(handover_router)
    app.include_router(maps_router)
    api_errors.install(app)
    api_errors.document(app, public=PUBLIC_PATHS, read_methods=READ_METHODS)
    return app
