"""Findings of a project, the portfolio scan, who-to-contact paths and the bundle schema."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from graphsvc.analysis.findings import Severity, Thresholds
from graphsvc.analysis.paths import PathAnswer
from graphsvc.application.error_body import ErrorBody
from graphsvc.application.reports import (
    PortfolioReport,
    ProjectReport,
    contact_paths,
    portfolio_report,
    project_report,
)
from graphsvc.application.triage import severe_enough
from graphsvc.domain.bundle import json_schema
from graphsvc.domain.defaults import OVERLOAD, STALE_DAYS
from graphsvc.domain.model import Day
from graphsvc.web.access import store_of
from graphsvc.web.response_cache import cache_of

router = APIRouter()


def limits(
    stale_days: int = Query(STALE_DAYS, ge=1, description="a line unused for longer is stale"),
    overload: int = Query(OVERLOAD, ge=1, description="accountable for more duties than this is overload"),
) -> Thresholds:
    return Thresholds(stale_days=stale_days, overload=overload)


@router.get(
    "/api/v1/projects/{project_id}/findings",
    tags=["findings"],
    response_model=ProjectReport,
    responses={404: {"model": ErrorBody, "description": "unknown project or stage"}},
)
def get_project_findings(
    request: Request,
    project_id: str,
    stage: str | None = Query(None, description="only findings about this stage"),
    as_of: Day | None = Query(None, description="judge as of this day (default today)"),
    severity: Severity | None = Query(None, description="only findings this severe or worse (high: critical and high)"),
    thresholds: Thresholds = Depends(limits),
) -> Any:
    """Responsibility vacuums and broken communication chains of one project."""

    def build() -> ProjectReport:
        report = project_report(store_of(request), project_id, stage, as_of, thresholds)
        if severity is None:
            return report
        return report.model_copy(update={"findings": severe_enough(report.findings, severity)})

    return cache_of(request).json(
        request,
        ("findings", project_id, stage, as_of, severity, thresholds.stale_days, thresholds.overload),
        build,
    )


@router.get("/api/v1/portfolio/findings", tags=["findings"], response_model=PortfolioReport)
def get_portfolio_findings(
    request: Request,
    as_of: Day | None = Query(None, description="judge as of this day (default today)"),
    thresholds: Thresholds = Depends(limits),
) -> Any:
    """Every project scanned: findings ranked by severity, health per project."""
    return cache_of(request).json(
        request,
        ("portfolio", as_of, thresholds.stale_days, thresholds.overload),
        lambda: portfolio_report(store_of(request), as_of, thresholds),
    )


@router.get(
    "/api/v1/paths",
    tags=["paths"],
    response_model=PathAnswer,
    responses={
        404: {"model": ErrorBody, "description": "unknown source or target"},
        422: {
            "model": ErrorBody,
            "description": "no working line, nobody to reach, or a name that could be several people "
            "(code ambiguous, with candidates)",
        },
    },
)
def get_paths(
    request: Request,
    source: str = Query(
        ..., min_length=1, description="the person asking: contact id, name, or pinyin (full or initials)"
    ),
    target: str = Query(
        ...,
        min_length=1,
        description="contact, organization or responsibility id, name or pinyin, "
        "or org:ID, title:TEXT, responsibility:ID (a name after the prefix works too)",
    ),
    k: int = Query(3, ge=1, le=20, description="how many paths"),
    as_of: Day | None = Query(None, description="as of this day (default today)"),
) -> PathAnswer:
    """Whom to contact about a target and how (title, organisation, preferred channel, phones
    and e-mails as the key may see them; a successor for someone who left), and through
    whom: the k cheapest working paths."""
    return contact_paths(store_of(request), source, target, k, as_of)


@router.get("/api/v1/schema/bundle", tags=["bundle"])
def bundle_schema() -> dict[str, Any]:
    """The JSON Schema of the import/export bundle."""
    return json_schema()
