"""The portfolio scan slices one export per project exactly as the store scopes a project."""

from __future__ import annotations

from datetime import date

from graphsvc.analysis.portfolio import PortfolioIndex
from graphsvc.bundle import Bundle, canonical_dict
from graphsvc.demo import demo_data
from graphsvc.importer import import_bundle
from graphsvc.insights import portfolio_export, portfolio_report, project_report
from graphsvc.synthetic import portfolio

DAY = date(2026, 11, 22)


def as_bundle(snapshot) -> Bundle:
    return Bundle(**{kind: list(rows) for kind, rows in vars(snapshot).items()})


def test_slices_equal_project_snapshots(store):
    import_bundle(store, demo_data(), today=DAY)
    import_bundle(store, portfolio(6, 12, cross_links=0.3, seed=3), today=DAY)
    # someone who worked at a project's organisation earlier and moved on
    import_bundle(store, {"contacts": [{"id": "p1-c3", "name": "Mover", "org": "p2-o1", "since": "2026-06-01"}]}, today=DAY)
    index = PortfolioIndex(portfolio_export(store))
    assert [p.id for p in index.projects] == [p.id for p in store.read("projects")]
    for project in index.projects:
        assert canonical_dict(as_bundle(index.snapshot(project))) == canonical_dict(store.project_snapshot(project.id))


def test_portfolio_report_equals_the_project_reports(store):
    import_bundle(store, demo_data(), today=DAY)
    import_bundle(store, portfolio(4, 15, cross_links=0.3, seed=4), today=DAY)
    scan = portfolio_report(store, DAY)
    reports = [project_report(store, p.id, as_of=DAY) for p in store.read("projects")]
    assert [s.project for s in scan.projects] == [r.project for r in reports]
    assert [s.health for s in scan.projects] == [r.health for r in reports]
    assert [s.counts for s in scan.projects] == [r.counts for r in reports]
    everything = sorted((f for r in reports for f in r.findings), key=lambda f: f.sort_key())
    assert scan.findings == everything


def test_scan_leaves_no_cyclic_garbage(embedded_store):
    """The scan runs with the collector paused (gc_pause.paused_gc): whatever it leaves in
    reference cycles stays in memory until the collector's next pass, which then pays for
    it. A networkx graph asked for ``.edges`` or ``.degree`` caches a view pointing back at
    it, so the analysis reads ``graph.adj`` only (view.edges_with_data)."""
    import gc

    import_bundle(embedded_store, demo_data(), today=DAY)
    import_bundle(embedded_store, portfolio(8, 20, cross_links=0.3, seed=6), today=DAY)
    portfolio_report(embedded_store, DAY)  # first call: lazily built module state
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        report = portfolio_report(embedded_store, DAY)
        assert report.findings
        assert gc.collect() == 0
    finally:
        if was_enabled:
            gc.enable()
