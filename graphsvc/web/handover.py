"""``GET /api/v1/projects/{id}/handover.zip``: the handover package over HTTP."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from graphsvc.application.handover import build_handover, handover_filename
from graphsvc.domain.model import Day
from graphsvc.web.access import store_of

router = APIRouter(tags=["handover"])


@router.get(
    "/api/v1/projects/{project_id}/handover.zip",
    response_class=Response,
    responses={
        200: {"content": {"application/zip": {}}, "description": "the handover package"},
        404: {"description": "unknown project"},
    },
)
def get_handover(
    request: Request,
    project_id: str,
    as_of: Day | None = Query(None, description="the package as of this day (default today)"),
) -> Response:
    """The handover package of one project: offline maps per stage, findings (HTML, CSV),
    contact roster (CSV), GraphML, the JSON bundle and a manifest with checksums."""
    day = as_of or date.today()
    data = build_handover(store_of(request), project_id, day)
    return Response(
        content=data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{handover_filename(project_id, day)}"'},
    )
