"""One error body for every HTTP error: ``detail`` (a sentence naming the field or id),
``code`` (stable, for programs), ``problems`` (each field at fault) and, for path queries,
the ``nearest`` reachable people."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from graphsvc.analysis.findings import Subject
from graphsvc.analysis.paths import PathError
from graphsvc.auth import Forbidden, Unauthenticated
from graphsvc.bundle import BundleError
from graphsvc.entities import Conflict
from graphsvc.store import StoreUnavailable
from graphsvc.store.base import NotFound


class ProblemItem(BaseModel):
    location: str = Field(description="body, query, path, or the bundle array / sheet at fault")
    row: int | None = Field(None, description="row index within an array, when there is one")
    field: str | None = Field(None, description="the field at fault, dotted for nested fields")
    reason: str


class ErrorBody(BaseModel):
    detail: str = Field(description="what went wrong, naming the field or id")
    code: str = Field(description="invalid, not_found, conflict, unauthenticated, forbidden, no_path, unavailable")
    problems: list[ProblemItem] = Field(default_factory=list)
    nearest: list[Subject] = Field(default_factory=list)


def error(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    body = ErrorBody(detail=detail, code=code, **extra).model_dump(mode="json")
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(status_code=status, content=body, headers=headers)


#: documented error responses, for route declarations
def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    meaning = {
        401: "no valid API key",
        403: "the key's role does not allow this",
        404: "unknown id (or outside the key's projects)",
        409: "conflicts with what is stored",
        422: "invalid input; problems name each field",
    }
    return {status: {"model": ErrorBody, "description": meaning[status]} for status in statuses}


def _validation_problems(exc: RequestValidationError) -> list[ProblemItem]:
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        where = loc[0] if loc else "request"
        field = ".".join(loc[1:]) or None
        problems.append(ProblemItem(location=where, field=field, reason=str(err.get("msg", "invalid"))))
    return problems


def install(app: FastAPI) -> None:
    """Map every error the service raises onto the one body shape."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = _validation_problems(exc)
        detail = "; ".join(f"{p.location} {p.field or ''}: {p.reason}".replace(" :", ":") for p in problems)
        return error(422, "invalid", detail or "invalid request", problems=problems)

    @app.exception_handler(BundleError)
    async def invalid_rows(request: Request, exc: BundleError) -> JSONResponse:
        problems = [ProblemItem(location=p.array, row=p.index, field=p.field, reason=p.reason) for p in exc.problems]
        detail = "; ".join(f"{p.field or p.location}: {p.reason}" for p in problems)
        return error(422, "invalid", detail, problems=problems)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> JSONResponse:
        return error(404, "not_found", str(exc))

    @app.exception_handler(Conflict)
    async def conflict(request: Request, exc: Conflict) -> JSONResponse:
        return error(409, "conflict", str(exc))

    @app.exception_handler(Unauthenticated)
    async def unauthenticated(request: Request, exc: Unauthenticated) -> JSONResponse:
        return error(401, "unauthenticated", str(exc))

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> JSONResponse:
        return error(403, "forbidden", str(exc))

    @app.exception_handler(PathError)
    async def no_path(request: Request, exc: PathError) -> JSONResponse:
        return error(exc.status, "no_path" if exc.status == 422 else "not_found", str(exc), nearest=exc.nearest)

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return error(503, "unavailable", str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "invalid", 401: "unauthenticated", 403: "forbidden"}.get(exc.status_code, "invalid")
        return error(exc.status_code, code, str(exc.detail))
