"""Reminders over HTTP: "not contacted for N days" per project and per owner.

Mounted by ``graphsvc.web.app.create_app`` with ``app.include_router(router)``; the store
is ``store_of(request)`` (the caller's view). Unknown project or contact ids raise ``NotFound``, which the
app turns into 404 with the common error body; ``days`` below 1 is a 422 naming the field.
"""

from __future__ import annotations

from fastapi import APIRouter, Query, Request

from graphsvc.application.error_body import ErrorBody
from graphsvc.application.reminders import (
    RemindersReport,
    reminders_report,
)
from graphsvc.domain.defaults import REMINDER_DAYS
from graphsvc.domain.model import Day
from graphsvc.web.access import store_of

router = APIRouter(tags=["reminders"])


DAYS_QUERY = Query(REMINDER_DAYS, ge=1, description="remind when a line is unused for more days than this")
AS_OF_QUERY = Query(None, description="judge as of this day (default today)")


@router.get(
    "/api/v1/projects/{project_id}/reminders",
    response_model=RemindersReport,
    responses={
        404: {
            "model": ErrorBody,
            "description": "unknown project or owner",
            "content": {"application/json": {"example": {"detail": "no project 'p-nope'", "code": "not_found"}}},
        },
    },
)
def get_project_reminders(
    request: Request,
    project_id: str,
    days: int = DAYS_QUERY,
    owner: str | None = Query(
        None, min_length=1, description="only this owner's reminders (a contact id, name or pinyin)"
    ),
    as_of: Day | None = AS_OF_QUERY,
) -> RemindersReport:
    """The project's owners' working lines not used for more than `days` days (never used
    first, then most overdue), and owners with no working line and no recent logged contact."""
    return reminders_report(store_of(request), project_id, owner, days, as_of)


@router.get(
    "/api/v1/contacts/{contact_id}/reminders",
    response_model=RemindersReport,
    responses={
        404: {
            "model": ErrorBody,
            "description": "unknown contact",
            "content": {"application/json": {"example": {"detail": "no contact 'c-nope'", "code": "not_found"}}},
        },
    },
)
def get_contact_reminders(
    request: Request,
    contact_id: str,
    days: int = DAYS_QUERY,
    as_of: Day | None = AS_OF_QUERY,
) -> RemindersReport:
    """One owner's overdue lines across every project where they hold an A or R duty."""
    return reminders_report(store_of(request), None, contact_id, days, as_of)


__all__ = ["router"]
