"""The map viewer in ``graphsvc serve``: an index of projects, one map page per project,
and the map data as JSON.

Mounted by ``graphsvc.web.app.create_app`` with ``app.include_router(router)``; the store
is ``store_of(request)`` (the caller's view). Unknown project or stage ids raise ``NotFound``, which the
app turns into 404 ``{"detail": ...}``. Pages are rendered with Jinja2 autoescape on.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from graphsvc.analysis.timeline import stage_phase
from graphsvc.application.maps import ALL_STAGES, project_graph, project_map_html
from graphsvc.application.maps.model import MapData, default_legend
from graphsvc.application.maps.panel import severity_chips
from graphsvc.application.maps.render import environment
from graphsvc.application.reports import project_report
from graphsvc.domain.model import Day, Project, Stage
from graphsvc.store.base import Store, read_as
from graphsvc.support.i18n import current_language, format_day
from graphsvc.web.access import store_of
from graphsvc.web.response_cache import cache_of
from graphsvc.web.signin import account

router = APIRouter()

#: response headers of the HTML pages: nothing may be loaded from anywhere
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

#: the index's one form signs out, to this server; its POST must carry the page's origin
#: (a browser sends ``Origin: null`` under no-referrer), which goes nowhere else
INDEX_HEADERS = {
    "Content-Security-Policy": PAGE_HEADERS["Content-Security-Policy"].replace(
        "form-action 'none'", "form-action 'self'"
    ),
    "Referrer-Policy": "same-origin",
}

STAGE_QUERY = Query(
    None,
    description="a stage id, or 'all' (default: the map page opens on the active stage; the graph has every stage)",
)
AS_OF_QUERY = Query(None, description="as of this day (default today)")
CHANNELS_QUERY = Query("all", description="ways to reach people to include: all, preferred (channel name only), none")


def _map_url(request: Request, project_id: str, stage: str | None = None, as_of: date | None = None) -> str:
    query = {k: v for k, v in (("stage", stage), ("as_of", as_of.isoformat() if as_of else None)) if v}
    root = request.scope.get("root_path", "").rstrip("/")
    url = f"{root}/projects/{quote(project_id, safe='')}/map"
    return url + ("?" + urlencode(query) if query else "")


@router.get("/", response_class=HTMLResponse, tags=["maps"], summary="Projects and their health")
def index_page(request: Request, as_of: Day | None = AS_OF_QUERY) -> HTMLResponse:
    """Every stored project with its health shares and finding counts, linking to its maps."""
    store: Store = store_of(request)
    day = as_of or date.today()
    stages_by_project: dict[str, list[Any]] = {}
    for stage in read_as(store, Stage):
        stages_by_project.setdefault(stage.project, []).append(stage)
    rows: list[dict[str, Any]] = []
    for project in read_as(store, Project):
        report = project_report(store, project.id, None, day)
        health = report.health
        stages = sorted(stages_by_project.get(project.id, []), key=lambda s: s.order)
        rows.append(
            {
                "id": project.id,
                "name": project.name,
                "map_url": _map_url(request, project.id, None, as_of),
                "all_url": _map_url(request, project.id, ALL_STAGES, as_of),
                "counts": {severity.value: count for severity, count in report.counts.items()},
                "shares": [
                    health.single_accountable,
                    health.robust_handovers,
                    health.fresh_owner_links,
                    health.contact_completeness,
                ],
                "stages": [
                    {
                        "name": stage.name,
                        "url": _map_url(request, project.id, stage.id, as_of),
                        "active": stage_phase(stage, day) == "active",
                    }
                    for stage in stages
                ],
            }
        )
    legend = default_legend()
    html = (
        environment()
        .get_template("index.html.j2")
        .render(
            projects=rows,
            as_of=format_day(day),
            lang=current_language(),
            account=account(request),
            chips=severity_chips(legend),
            severity_names=legend.severity_names,
        )
    )
    return HTMLResponse(html, headers=PAGE_HEADERS | INDEX_HEADERS)


@router.get(
    "/projects/{project_id}/map",
    response_class=HTMLResponse,
    tags=["maps"],
    summary="A project's phase map (self-contained HTML)",
    responses={404: {"description": "unknown project or stage"}},
)
def map_page(
    request: Request,
    project_id: str,
    stage: str | None = STAGE_QUERY,
    as_of: Day | None = AS_OF_QUERY,
    channels: Literal["all", "preferred", "none"] = CHANNELS_QUERY,
) -> HTMLResponse:
    """Every stage of the project in one page, opened on ``stage``; it loads nothing else."""
    html = project_map_html(store_of(request), project_id, stage, as_of, channels=channels)
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.get(
    "/api/v1/projects/{project_id}/graph",
    response_model=MapData,
    tags=["maps"],
    summary="A project's map as nodes and edges",
    responses={404: {"description": "unknown project or stage"}},
)
def project_graph_json(
    request: Request,
    project_id: str,
    stage: str | None = STAGE_QUERY,
    as_of: Day | None = AS_OF_QUERY,
    channels: Literal["all", "preferred", "none"] = CHANNELS_QUERY,
) -> Any:
    """The nodes and edges of one stage's map (or of every stage), with positions,
    stage membership and the findings drawn on them."""
    return cache_of(request).json(
        request,
        ("graph", project_id, stage, as_of, channels),
        lambda: project_graph(store_of(request), project_id, stage, as_of, channels=channels),
    )
