"""Lifecycle operations over HTTP: a person leaves, duplicates are reviewed, merged and
unmerged, employer/title change."""

from __future__ import annotations

from fastapi import APIRouter, Body, Request
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from graphsvc.application import lifecycle
from graphsvc.application.access import check_lifecycle, write_reach
from graphsvc.application.entities import get
from graphsvc.application.lifecycle import LifecycleReport
from graphsvc.application.stored_duplicates import DuplicatePair, stored_duplicates
from graphsvc.application.unmerge import unmerge
from graphsvc.domain.keys import Role
from graphsvc.domain.model import Contact, Day, Line, Ref
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
    dry_run: StrictBool = Field(False, description="report what would move and change, write nothing")


class UnmergeRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"change": "9f2c4e0a7b1d4c3e8a6f5b2d1c0e9a8b"}]}
    )
    change: Ref = Field(description="the merge's change id (its report's `change`, or the audit)")


class MoveRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"on": "2026-12-01", "org": "org-bafang-construction"}]}
    )
    on: Day = Field(description="the day the new employer/title starts")
    org: str | None = Field(None, min_length=1, description="new organisation id")
    title: Line | None = Field(None, description="new title")


def _writable(request: Request, operation: str, contact_id: str, named: str | None, field: str) -> Store:
    """The base store, once the path's contact is visible (else 404), a contact named in the
    body too (else 422 naming the field, as for an unknown one), and the caller may rewrite
    what the operation touches (else 403: someone who also appears outside the reach)."""
    get(store_of(request), "contacts", contact_id)
    if named and not store_of(request).read("contacts", [named]):
        raise lifecycle.unknown_contact(named, field)
    store: Store = request.app.state.store
    involved = [contact_id] + ([named] if named and operation == "merge" else [])
    check_lifecycle(principal_of(request), store, store_of(request), operation, involved)
    return store


@router.post(
    "/api/v1/contacts/{contact_id}/leave",
    response_model=LifecycleReport,
    responses=responses(401, 403, 404, 409, 422),
)
def post_leave(request: Request, contact_id: str, body: LeaveRequest = Body(...)) -> LifecycleReport:
    """The person leaves on a day; open assignments and working links continue with the
    successor (old rows end that day, history kept). Reports what moved."""
    return lifecycle.leave(
        _writable(request, "leave", contact_id, body.successor, "successor"),
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
    interactions re-pointed; the duplicate is removed (the audit trail keeps it, and
    `/api/v1/contacts/unmerge` with the report's `change` undoes it). With `dry_run` the
    report says what would move and change, and nothing is written."""
    return lifecycle.merge(
        _writable(request, "merge", contact_id, body.duplicate, "duplicate"),
        contact_id,
        body.duplicate,
        principal_of(request).name,
        dry_run=body.dry_run,
    )


@router.get("/api/v1/duplicates", response_model=list[DuplicatePair], responses=responses(401))
def get_duplicates(request: Request) -> list[DuplicatePair]:
    """Suspected duplicate contacts already stored, one entry per pair with its reasons and
    a suggested survivor when one is plainly better. A scoped key sees only pairs wholly in
    its reach, with the details it may see."""
    return stored_duplicates(store_of(request))


@router.post("/api/v1/contacts/unmerge", response_model=LifecycleReport, responses=responses(401, 403, 404, 409, 422))
def post_unmerge(request: Request, body: UnmergeRequest = Body(...)) -> LifecycleReport:
    """Undo a merge (admin): the duplicate restored and every row the merge changed put back
    as it was. 409 naming the row if one has changed since, or if the merge was undone already."""
    principal_of(request).require(Role.admin)
    return unmerge(request.app.state.store, body.change, principal_of(request).name)


@router.post(
    "/api/v1/contacts/{contact_id}/move",
    response_model=Contact,
    responses=responses(401, 403, 404, 422),
)
def post_move(request: Request, contact_id: str, body: MoveRequest = Body(...)) -> Contact:
    """Change employer and/or title from a day; the earlier state becomes history."""
    store = _writable(request, "move", contact_id, None, "org")
    reach = write_reach(principal_of(request), store, store_of(request), "contacts")
    return lifecycle.move(store, contact_id, body.on, body.org, body.title, principal_of(request).name, reach=reach)
