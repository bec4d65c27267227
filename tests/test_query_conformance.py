"""The query layer gives the same answers on both stores."""

from __future__ import annotations

from datetime import date

import pytest

from graphsvc.analysis.paths import PathError
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import (
    DirectoryCache,
    contact_paths,
    portfolio_report,
    project_report,
)
from graphsvc.domain.bundle import canonical_dict
from graphsvc.store.base import NotFound

from scenarios import healthy

DAY = date(2026, 11, 22)
PROJECTS = ["pd-yunting-complex", "sw-fieldops-3"]


@pytest.mark.neo4j
def test_snapshots_reports_and_paths_agree(embedded_store, neo4j_store):
    for store in (embedded_store, neo4j_store):
        import_bundle(store, demo_data(), today=DAY)
    for project in PROJECTS:
        assert canonical_dict(embedded_store.project_snapshot(project)) == canonical_dict(
            neo4j_store.project_snapshot(project)
        )
        for stage in (None, f"{project.split('-')[0]}-stage-acceptance"):
            assert project_report(embedded_store, project, stage, DAY) == project_report(
                neo4j_store, project, stage, DAY
            )
    assert portfolio_report(embedded_store, DAY) == portfolio_report(neo4j_store, DAY)
    for target in ("c-guo-rui", "org:org-anxiao-fire", "pd-r-supervise-concrete-pours", "title:engineer"):
        ours = contact_paths(embedded_store, "c-wang-jianguo", target, 4, DAY, DirectoryCache())
        theirs = contact_paths(neo4j_store, "c-wang-jianguo", target, 4, DAY, DirectoryCache())
        assert ours == theirs


def test_demo_problems_are_found(store):
    import_bundle(store, demo_data(), today=DAY)
    codes = {f.code for f in project_report(store, "pd-yunting-complex", as_of=DAY).findings}
    assert {
        "NO_ACCOUNTABLE",
        "MULTIPLE_ACCOUNTABLE",
        "OWNER_INACTIVE",
        "OWNER_ORG_NOT_ENGAGED",
        "EXPIRING_ASSIGNMENT",
        "STALE_LINK",
        "HANDOVER_SINGLE_POINT",
    } <= codes
    portfolio = portfolio_report(store, DAY)
    assert [p.project.id for p in portfolio.projects] == PROJECTS
    ranks = [f.severity.rank for f in portfolio.findings]
    assert ranks == sorted(ranks)


def test_unknown_project_or_stage(store):
    import_bundle(store, healthy(), today=DAY)
    with pytest.raises(NotFound, match="no project 'nope'"):
        project_report(store, "nope", as_of=DAY)
    with pytest.raises(NotFound, match="has no stage 'zz'"):
        project_report(store, "p", "zz", DAY)


def test_path_answers_follow_writes(store):
    cache = DirectoryCache()
    import_bundle(store, healthy(), today=DAY)
    before = store.data_version()
    assert len(contact_paths(store, "a1", "b1", 5, DAY, cache).paths) == 2
    import_bundle(store, {"contacts": [{"id": "b1", "name": "Bo", "org": "ob", "status": "left"}]}, today=DAY)
    assert store.data_version() != before
    with pytest.raises(PathError, match="Bo has left"):
        contact_paths(store, "a1", "b1", 5, DAY, cache)
    store.clear()
    import_bundle(store, healthy(), today=DAY)
    assert len(contact_paths(store, "a1", "b1", 5, DAY, cache).paths) == 2
