"""HTTP service skeleton: health, readiness against the store, bundle schema.

One store (and so one Neo4j driver) per process, opened at start-up and closed at exit.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from graphsvc import __version__
from graphsvc.bundle import json_schema
from graphsvc.store import Store, StoreUnavailable, open_store

log = logging.getLogger("graphsvc")


def create_app(store: Store | None = None) -> FastAPI:
    """Build the app; tests pass a store, the CLI lets settings choose one."""

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
        yield
        if owned:
            app.state.store.close()

    app = FastAPI(
        title="graphsvc",
        version=__version__,
        description="Who owns what, who talks to whom, phase by phase, across organisations.",
        lifespan=lifespan,
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

    @app.get("/api/v1/schema/bundle", tags=["bundle"])
    def bundle_schema() -> dict[str, Any]:
        """The JSON Schema of the import/export bundle."""
        return json_schema()

    return app
