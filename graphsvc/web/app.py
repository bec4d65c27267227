"""The HTTP app: health, readiness against the store, and every feature's router.

One store (and so one Neo4j driver) per process, opened at start-up and closed at exit.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from graphsvc import __version__
from graphsvc.analysis.interactions import use_half_life
from graphsvc.application.access import Gate, Views, is_loopback
from graphsvc.store import Store, StoreUnavailable, open_store
from graphsvc.support.settings import ImportLimits, load_settings
from graphsvc.web import errors, signin
from graphsvc.web.access import (
    PUBLIC_PATHS,
    READ_METHODS,
    authenticate,
    single_valued_query,
)
from graphsvc.web.api_docs import documents
from graphsvc.web.entities import router as entities_router
from graphsvc.web.handover import router as handover_router
from graphsvc.web.language import RequestLanguage
from graphsvc.web.lifecycle import router as lifecycle_router
from graphsvc.web.mail_import import MAIL_UPLOAD
from graphsvc.web.mail_import import router as mail_router
from graphsvc.web.maps import router as maps_router
from graphsvc.web.reminders import router as reminders_router
from graphsvc.web.reports import router as reports_router
from graphsvc.web.response_cache import ResponseCache
from graphsvc.web.signin import router as signin_router
from graphsvc.web.spreadsheet import UPLOAD_PATHS
from graphsvc.web.spreadsheet import router as spreadsheet_router
from graphsvc.web.upload_limit import UploadLimit

log = logging.getLogger("graphsvc")


def create_app(store: Store | None = None, host: str | None = None, limits: ImportLimits | None = None) -> FastAPI:
    """Build the app; tests pass a store, the CLI lets settings choose one.

    ``host`` is the address served on: without API keys, authentication is off only when
    it is a loopback address (None means in-process, as in tests). ``limits`` bound the
    spreadsheet upload (None: from the settings).
    """
    settings = load_settings()
    limits = limits or settings.import_limits
    use_half_life(settings.half_life_days)

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
            app.state.store.ping()  # fast: reading the keys of a store that is down would retry for a minute
            if app.state.gate.open_access():
                log.warning(
                    "authentication is OFF: serving on loopback with no API keys "
                    "(create one with `graphsvc keys create` to turn it on)"
                )
            elif not app.state.gate.records():
                log.warning(
                    "no API keys exist and %s is not loopback: every request needs a key; "
                    "create one with `graphsvc keys create --role admin`",
                    host,
                )
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
        # served below as routes of their own, so that they need a key like the API
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    documents(app)

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

    app.state.limits = limits
    app.add_middleware(UploadLimit, paths=UPLOAD_PATHS | {MAIL_UPLOAD}, max_bytes=limits.max_bytes)
    app.add_middleware(RequestLanguage)  # outermost: every answer, errors included, in the asker's language
    app.include_router(reports_router)
    app.include_router(entities_router)
    app.include_router(lifecycle_router)
    app.include_router(reminders_router)
    app.include_router(spreadsheet_router)
    app.include_router(mail_router)
    app.include_router(handover_router)
    app.include_router(maps_router)
    app.include_router(signin_router)
    errors.install(app)
    signin.install(app)
    errors.document(app, public=PUBLIC_PATHS, read_methods=READ_METHODS)
    return app
