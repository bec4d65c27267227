"""What to look at first: findings from a minimum severity on, the first N of a list with
how many more there are, projects ranked by urgency. Pure functions of the reports."""

from __future__ import annotations

from typing import TypeVar

from graphsvc.analysis.findings import Finding, Severity
from graphsvc.application.reports import ProjectSummary

_T = TypeVar("_T")


def severe_enough(findings: list[Finding], minimum: Severity | None) -> list[Finding]:
    """Findings of ``minimum`` severity or worse (``high``: critical and high); all for None."""
    if minimum is None:
        return findings
    return [f for f in findings if f.severity.rank <= minimum.rank]


def first(items: list[_T], limit: int | None) -> tuple[list[_T], int]:
    """The first ``limit`` items (all for None or 0) and how many more there are."""
    if not limit:
        return items, 0
    return items[:limit], max(0, len(items) - limit)


def most_urgent_first(findings: list[Finding], projects: list[ProjectSummary]) -> list[Finding]:
    """Findings by severity, and within one severity by their project's place in
    ``projects`` (ranked by ``by_urgency``); the given order otherwise."""
    place = {p.project.id: i for i, p in enumerate(projects)}
    ranked = sorted(
        enumerate(findings), key=lambda f: (f[1].severity.rank, place.get(f[1].project.id, len(place)), f[0])
    )
    return [finding for _, finding in ranked]


def by_urgency(projects: list[ProjectSummary]) -> list[ProjectSummary]:
    """Most critical findings first, then most high, medium, low; then by name and id."""
    return sorted(
        projects,
        key=lambda p: (*(-p.counts.get(severity, 0) for severity in Severity), p.project.name, p.project.id),
    )
