"""Lifecycle operations over HTTP: a person leaves, duplicates merge, employer/title change."""

from __future__ import annotations

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict, Field

from graphsvc.application import lifecycle
from graphsvc.application.access import check_write
from graphsvc.application.entities import get
from graphsvc.application.lifecycle import LifecycleReport
from graphsvc.domain.model import Contact, Day, Line
from graphsvc.store.base import Store
from graphsvc.web.access import principal_of, store_of
from graphsvc.web.errors import responses

router = APIRouter(tags=["contacts"])


class LeaveRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"on": "2026-12-01", "successor": "c-li-na"}]}
    )
    on: Day = Field(description="the first day they are gone")
    successor: str | None = Field(None, min_length=1, description="who takes over their open duties and lines")


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"duplicate": "c-wang-jg-2"}]})
    duplicate: str = Field(min_length=1, description="the other entry of the same person; it is removed")


class MoveRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"on": "2026-12-01", "org": "org-bafang-construction"}]}
    )
    on: Day = Field(description="the day the new employer/title starts")
    org: str | None = Field(None, min_length=1, description="new organisation id")
    title: Line | None = Field(None, description="new title")


def _writable(request: Request, contact_id: str, *named_in_body: str) -> None:
    """The path's contact must be visible (else 404) and writable (else 403); contacts named
    in the body must be too, but an unknown one is the body's fault: 422 naming the field."""
    rows = [get(store_of(request), "contacts", contact_id)]
    rows += store_of(request).read("contacts", [i for i in named_in_body if i])
    check_write(principal_of(request), request.app.state.store, store_of(request), "contacts", rows)


def _visible_only(request: Request, named: str | None, field: str) -> Store:
    """The base store, once a contact named in the body is known to be visible to the caller
    (one that is not is reported like an unknown one)."""
    if named and not store_of(request).read("contacts", [named]):
        raise lifecycle.unknown_contact(named, field)
    store: Store = request.app.state.store
    return store


@router.post(
    "/api/v1/contacts/{contact_id}/leave",
    response_model=LifecycleReport,
    responses=responses(401, 403, 404, 409, 422),
)
def post_leave(request: Request, contact_id: str, body: LeaveRequest = Body(...)) -> LifecycleReport:
    """The person leaves on a day; open assignments and working links continue with the
    successor (old rows end that day, history kept). Reports what moved."""
    _writable(request, contact_id, body.successor or "")
    return lifecycle.leave(
        _visible_only(request, body.successor, "successor"),
        contact_id,
        body.on,
        body.successor,
        principal_of(request).name,
    )


@router.post(
    "/api/v1/contacts/{contact_id}/merge",
    response_model=LifecycleReport,
    responses=responses(401, 403, 404, 422),
)
def post_merge(request: Request, contact_id: str, body: MergeRequest = Body(...)) -> LifecycleReport:
    """Merge a duplicate entry into this contact: details, history, duties, lines and
    interactions re-pointed; the duplicate is removed (the audit trail keeps it)."""
    _writable(request, contact_id, body.duplicate)
    return lifecycle.merge(
        _visible_only(request, body.duplicate, "duplicate"), contact_id, body.duplicate, principal_of(request).name
    )


@router.post(
    "/api/v1/contacts/{contact_id}/move",
    response_model=Contact,
    responses=responses(401, 403, 404, 422),
)
def post_move(request: Request, contact_id: str, body: MoveRequest = Body(...)) -> Contact:
    """Change employer and/or title from a day; the earlier state becomes history."""
    _writable(request, contact_id)
    return lifecycle.move(
        request.app.state.store, contact_id, body.on, body.org, body.title, principal_of(request).name
    )
