"""The one error body of graphsvc's answers, shared by the HTTP API and the command line's
``--json`` output: ``detail`` (a sentence naming the field or id), ``code`` (stable, for
programs), ``problems`` (each field at fault) and, for path queries, the ``nearest``
reachable people."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graphsvc.analysis.findings import Subject
from graphsvc.analysis.paths import PathError


class ProblemItem(BaseModel):
    location: str = Field(description="body, query, path, or the bundle array / sheet at fault")
    row: int | None = Field(None, description="row index within an array, when there is one")
    field: str | None = Field(None, description="the field at fault, dotted for nested fields")
    reason: str


class ErrorBody(BaseModel):
    detail: str = Field(description="what went wrong, naming the field or id")
    code: str = Field(
        description="invalid, not_found, conflict, unauthenticated, forbidden, no_path, too_large, unavailable"
    )
    problems: list[ProblemItem] = Field(default_factory=list)
    nearest: list[Subject] = Field(default_factory=list)


def path_error_body(exc: PathError) -> ErrorBody:
    """A path query without an answer: an unknown id (``not_found``) or no working line (``no_path``)."""
    return ErrorBody(detail=str(exc), code="no_path" if exc.status == 422 else "not_found", nearest=exc.nearest)
