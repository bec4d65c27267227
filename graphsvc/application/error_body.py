"""The one error body of graphsvc's answers, shared by the HTTP API and the command line's
``--json`` output: ``detail`` (a sentence naming the field or id), ``code`` (stable, for
programs), ``problems`` (each field at fault), for path queries the ``nearest``
reachable people, and for a name that could mean several rows the ``candidates``."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graphsvc.analysis.findings import Subject
from graphsvc.analysis.paths import PathError
from graphsvc.application.name_lookup import AmbiguousName, Candidate


class ProblemItem(BaseModel):
    location: str = Field(description="body, query, path, or the bundle array / sheet at fault")
    row: int | None = Field(None, description="row index within an array, when there is one")
    field: str | None = Field(None, description="the field at fault, dotted for nested fields")
    reason: str


class ErrorBody(BaseModel):
    detail: str = Field(description="what went wrong, naming the field or id")
    code: str = Field(
        description="invalid, not_found, conflict, unauthenticated, forbidden, no_path, too_large, unavailable, "
        "ambiguous"
    )
    problems: list[ProblemItem] = Field(default_factory=list)
    nearest: list[Subject] = Field(default_factory=list)
    candidates: list[Candidate] = Field(
        default_factory=list, description="ambiguous: the rows a name could mean (give one's id instead)"
    )


def path_error_body(exc: PathError) -> ErrorBody:
    """A path query without an answer: an unknown id (``not_found``) or no working line (``no_path``)."""
    return ErrorBody(detail=str(exc), code="no_path" if exc.status == 422 else "not_found", nearest=exc.nearest)


def ambiguous_body(exc: AmbiguousName, location: str | None = None, field: str | None = None) -> ErrorBody:
    """A name that matches several rows: the candidates, so the caller can pick one by id;
    with ``field``, the problem names the parameter it was typed in."""
    problems = [ProblemItem(location=location or "query", field=field, reason=str(exc))] if field else []
    return ErrorBody(detail=str(exc), code="ambiguous", candidates=exc.candidates, problems=problems)
