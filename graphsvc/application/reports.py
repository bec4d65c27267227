"""Findings, portfolio scan and contact paths, read from a store: the edge between the
stores and the pure analysis, shared by the CLI and the HTTP API."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Hashable
from datetime import date
from typing import Any, cast

from pydantic import BaseModel

from graphsvc.analysis.findings import (
    Finding,
    Severity,
    Subject,
    Thresholds,
    analyse,
    present,
)
from graphsvc.analysis.health import Health, project_health
from graphsvc.analysis.paths import Directory, PathAnswer, build_directory, find_paths
from graphsvc.analysis.portfolio import PortfolioIndex, Snapshot
from graphsvc.analysis.view import build_view
from graphsvc.application.name_lookup import path_target, resolve
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.missing import no_stage_in
from graphsvc.domain.model import Row
from graphsvc.store.base import NotFound, Store, cache_token
from graphsvc.support.gc_pause import paused_gc


class ProjectReport(BaseModel):
    project: Subject
    as_of: date
    stage: Subject | None
    health: Health
    counts: dict[Severity, int]
    findings: list[Finding]


class ProjectSummary(BaseModel):
    project: Subject
    health: Health
    counts: dict[Severity, int]


class PortfolioReport(BaseModel):
    as_of: date
    projects: list[ProjectSummary]
    counts: dict[Severity, int]
    findings: list[Finding]


def _counts(findings: list[Finding]) -> dict[Severity, int]:
    found = Counter(f.severity for f in findings)
    return {severity: found.get(severity, 0) for severity in Severity}


def project_report(
    store: Store,
    project_id: str,
    stage_id: str | None = None,
    as_of: date | None = None,
    limits: Thresholds | None = None,
) -> ProjectReport:
    """Findings of one project (optionally one stage) as of a day, most severe first."""
    day = as_of or date.today()
    limits = limits or Thresholds()
    view = build_view(store.project_snapshot(project_id), project_id, day)
    stage = None
    if stage_id is not None:
        match = [s for s in view.stages if s.id == stage_id]
        if not match:
            raise NotFound(no_stage_in(project_id, stage_id))
        stage = Subject(kind="stage", id=match[0].id, name=match[0].name)
    analysis = analyse(view, limits)
    findings = present(analysis.findings, stage_id)
    return ProjectReport(
        project=Subject(kind="project", id=view.project.id, name=view.project.name),
        as_of=day,
        stage=stage,
        health=project_health(analysis),
        counts=_counts(findings),
        findings=findings,
    )


def _snapshot(rows: dict[str, list[Row]]) -> Snapshot:
    """Rows by kind (each kind's list holding that kind's model) as a Snapshot."""
    return Snapshot(**cast(dict[str, Any], rows))


def portfolio_export(store: Store) -> Snapshot:
    """The whole store, every kind read at once (no Bundle validation around the rows)."""
    return _snapshot(store.portfolio_read(None)[1])


def portfolio_report(store: Store, as_of: date | None = None, limits: Thresholds | None = None) -> PortfolioReport:
    """Every project scanned; all findings ranked by severity across the portfolio.

    The store is read once (one read per kind) and sliced per project in memory, with the
    same scope rules as ``Store.project_snapshot``; see ``analysis/portfolio.py``.
    """
    day = as_of or date.today()
    limits = limits or Thresholds()
    with paused_gc():
        checks, rows = store.portfolio_read(day)
        index = PortfolioIndex(_snapshot(rows))
        summaries, findings = [], []
        for project in index.projects:
            view = build_view(index.snapshot(project), project.id, day)
            analysis = analyse(view, limits, None if checks is None else checks.get(project.id, {}))
            found = present(analysis.findings)
            summaries.append(
                ProjectSummary(
                    project=Subject(kind="project", id=project.id, name=project.name),
                    health=project_health(analysis),
                    counts=_counts(found),
                )
            )
            findings.extend(found)
        findings.sort(key=Finding.sort_key)
        return PortfolioReport(as_of=day, projects=summaries, counts=_counts(findings), findings=findings)


class DirectoryCache:
    """The portfolio-wide directory for path queries, rebuilt only after a write."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[tuple[Hashable, int, date], Directory] = {}

    def get(self, store: Store, day: date) -> Directory:
        token = cache_token(store)
        key = (token, store.data_version(), day)
        with self._lock:
            if key not in self._entries:
                data, uses = _path_data(store), store.line_uses()
                # keep other views' directories; drop this view's older versions
                self._entries = {k: v for k, v in self._entries.items() if k[0] != token or k[1] == key[1]}
                self._entries[key] = build_directory(data, day, uses)
            return self._entries[key]


def _path_data(store: Store) -> Bundle:
    """What paths need: people, their history, lines and duties, read as a scan reads the
    portfolio (on Neo4j, the lean read: a fifth of the bare time). The interaction log is
    not read: the store's kept line uses stand for it."""
    wanted = ("organizations", "contacts", "contact_history", "responsibilities", "assignments", "links")
    rows = store.portfolio_read(None, wanted)[1]
    return Bundle(**{kind: rows[kind] for kind in wanted})


_default_cache = DirectoryCache()


def contact_paths(
    store: Store,
    source: str,
    target: str,
    k: int = 3,
    as_of: date | None = None,
    cache: DirectoryCache | None = None,
) -> PathAnswer:
    """Ranked ways for ``source`` to reach ``target`` (each an id, a name or its pinyin);
    raises PathError with the reason, AmbiguousName when a name could be several."""
    source, target = resolve(store, source, ("contact",)), path_target(store, target)
    directory = (cache or _default_cache).get(store, as_of or date.today())
    return find_paths(directory, source, target, k)
