"""One error body for every HTTP error (``application/error_body.py``: the command line's
``--json`` answers with the same), and how each error becomes one."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from graphsvc.analysis.paths import PathError
from graphsvc.application.access import Forbidden, Unauthenticated
from graphsvc.application.error_body import ErrorBody, ProblemItem, ambiguous_body, path_error_body
from graphsvc.application.import_report import ImportReport, Issue
from graphsvc.application.name_lookup import AmbiguousName
from graphsvc.application.retry import Conflict
from graphsvc.domain.bundle import BundleError
from graphsvc.domain.validation_text import validation_message
from graphsvc.store import StoreUnavailable
from graphsvc.store.base import NotFound, TooLarge
from graphsvc.support.i18n import N_, _


def error(status: int, code: str, detail: str, **extra: Any) -> JSONResponse:
    body = ErrorBody(detail=detail, code=code, **extra).model_dump(mode="json")
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(status_code=status, content=body, headers=headers)


def import_refused(report: ImportReport, describe: Callable[[Issue], str] = str) -> JSONResponse:
    """An import that met errors (nothing was written): 422, each error a problem as located
    in the report (``describe``: how an issue reads in the detail); 413 when the store
    refused the write as too large for one transaction."""
    problems = [
        ProblemItem(location=issue.location or "upload", row=issue.row, field=issue.field, reason=issue.reason)
        for issue in report.errors
    ]
    listed = _("; ").join(describe(issue) for issue in report.errors[:5])
    if report.commits:  # an import in parts that stopped at a part too large
        detail = _("import stopped after {parts} transaction(s), {count} problem(s): {problems}").format(
            parts=report.commits, count=len(problems), problems=listed
        )
    else:
        detail = _("import rejected, {count} problem(s); nothing was written: {problems}").format(
            count=len(problems), problems=listed
        )
    if any(issue.code == "too_large" for issue in report.errors):
        return error(413, "too_large", detail, problems=problems)
    return error(422, "invalid", detail, problems=problems)


#: the methods an ``Allow`` header may list
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")

MEANING = {
    303: "a page asked for without a key or sign-in session: to the sign-in form (Location)",
    401: "no valid API key",
    403: "the key's role does not allow this",
    404: "unknown id (or outside the key's projects)",
    409: "conflicts with what is stored",
    413: "the upload is over the size limit, or its write too large for one store transaction (commit_every)",
    422: "invalid input; problems name each field",
    503: "the store is not reachable",
}


#: documented error responses, for route declarations
def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": MEANING[status]} for status in statuses}


def document(app: FastAPI, public: set[str], read_methods: set[str]) -> None:
    """Make the app's OpenAPI document say what ``install``'s handlers answer.

    Routes declare the errors their own handlers raise; what applies to every route is
    added here once: 401 behind the key check (every path but ``public``), 403 for writes
    (a read-only key), 503 when the store is down. And whatever a route declared, every
    4xx body is the one ErrorBody, as JSON (FastAPI would otherwise document its own 422
    shape, and an HTML page's errors as HTML).
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        error_schema = ErrorBody.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, definition in error_schema.pop("$defs", {}).items():
            components.setdefault(name, definition)
        components.setdefault("ErrorBody", error_schema)
        reference = {"$ref": "#/components/schemas/ErrorBody"}
        for path, item in schema.get("paths", {}).items():
            for method, operation in item.items():
                declared = operation.setdefault("responses", {})
                if path not in public:
                    extra = [401, 503] + ([403] if method.upper() not in read_methods else [])
                    for status in extra:
                        declared.setdefault(str(status), {"description": MEANING[status]})
                    if "text/html" in declared.get("200", {}).get("content", {}):
                        declared.setdefault("303", {"description": MEANING[303]})
                for status, response in declared.items():
                    if status == "422" and response.get("description") == "Validation Error":  # FastAPI's own
                        response["description"] = MEANING[422]
                    if status.startswith("4"):
                        json_media = response.get("content", {}).get("application/json", {})
                        response["content"] = {"application/json": {**json_media, "schema": reference}}
                    elif status == "503" and "content" not in response:
                        response["content"] = {"application/json": {"schema": reference}}
        used = json.dumps(schema.get("paths", {}))
        for name in ("HTTPValidationError", "ValidationError"):
            if f"#/components/schemas/{name}" not in used:
                components.pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def allowed_methods(request: Request) -> list[str]:
    """The methods some route answers at the request's path (for a 405's ``Allow``): the
    router raises 405 naming only the first route matching the path, not all of them."""
    found = []
    for method in METHODS:
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] == Match.FULL for route in request.app.router.routes):
            found.append(method)
    return found


#: where a request carries a value, as a reader calls it (the ``location`` stays the code)
LOCATIONS = {
    "query": N_("query"),
    "body": N_("body"),
    "path": N_("path"),
    "header": N_("header"),
    "cookie": N_("cookie"),
    "request": N_("request"),
}

#: what the framework itself answers (Starlette's status phrases, FastAPI's undecodable body)
FRAMEWORK_DETAILS = {
    "Not Found": N_("Not Found"),
    "Method Not Allowed": N_("Method Not Allowed"),
    "There was an error parsing the body": N_("There was an error parsing the body"),
}


def _validation_problems(exc: RequestValidationError) -> list[ProblemItem]:
    problems = []
    for err in exc.errors():
        loc = [str(part) for part in err.get("loc", ())]
        where = loc[0] if loc else "request"
        field = ".".join(loc[1:]) or None
        problems.append(ProblemItem(location=where, field=field, reason=validation_message(err)))
    return problems


def _located(location: str, field: str | None, reason: str) -> str:
    """``query as_of: <reason>``: one request problem in a sentence of the detail."""
    where = _(LOCATIONS[location]) if location in LOCATIONS else location
    if field:
        return _("{location} {field}: {reason}").format(location=where, field=field, reason=reason)
    return _("{location}: {reason}").format(location=where, reason=reason)


def _framework_detail(detail: object) -> str:
    text = str(detail)
    known = FRAMEWORK_DETAILS.get(text)
    return _(known) if known else text


def install(app: FastAPI) -> None:
    """Map every error the service raises onto the one body shape."""

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = _validation_problems(exc)
        detail = _("; ").join(_located(p.location, p.field, p.reason) for p in problems)
        return error(422, "invalid", detail or _("invalid request"), problems=problems)

    @app.exception_handler(BundleError)
    async def invalid_rows(request: Request, exc: BundleError) -> JSONResponse:
        problems = [ProblemItem(location=p.array, row=p.index, field=p.field, reason=p.reason) for p in exc.problems]
        detail = _("; ").join(
            _("{location}: {reason}").format(location=p.field or p.location, reason=p.reason) for p in problems
        )
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
        body = path_error_body(exc)
        return JSONResponse(status_code=exc.status, content=body.model_dump(mode="json"))

    @app.exception_handler(AmbiguousName)
    async def ambiguous(request: Request, exc: AmbiguousName) -> JSONResponse:
        # the query parameter the name was typed in (a path target may carry a prefix: org:...)
        field = next((name for name, value in request.query_params.multi_items() if exc.text in value), None)
        return JSONResponse(status_code=422, content=ambiguous_body(exc, "query", field).model_dump(mode="json"))

    @app.exception_handler(TooLarge)
    async def too_large(request: Request, exc: TooLarge) -> JSONResponse:
        return error(413, "too_large", str(exc))

    @app.exception_handler(StoreUnavailable)
    async def unavailable(request: Request, exc: StoreUnavailable) -> JSONResponse:
        return error(503, "unavailable", str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's answer to a body it cannot even decode (not JSON, not UTF-8): bad input
            # like any other, so 422 naming the body
            reason = _framework_detail(exc.detail)
            return error(
                422, "invalid", _located("body", None, reason), problems=[ProblemItem(location="body", reason=reason)]
            )
        code = {404: "not_found", 405: "invalid", 401: "unauthenticated", 403: "forbidden", 413: "too_large"}.get(
            exc.status_code, "invalid"
        )
        answer = error(exc.status_code, code, _framework_detail(exc.detail))
        if exc.status_code == 405:
            answer.headers["Allow"] = ", ".join(allowed_methods(request))
        return answer
