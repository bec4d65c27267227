"""The portfolio scan slices one export per project exactly as the store scopes a project."""

from __future__ import annotations

from datetime import date

from graphsvc.analysis.portfolio import PortfolioIndex
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import (
    portfolio_export,
    portfolio_report,
    project_report,
)
from graphsvc.application.synthetic import portfolio
from graphsvc.domain.bundle import Bundle, canonical_dict
from graphsvc.domain.model import KINDS

DAY = date(2026, 11, 22)


def as_bundle(snapshot) -> Bundle:
    return Bundle(**{kind: list(rows) for kind, rows in vars(snapshot).items()})


def test_slices_equal_project_snapshots(store):
    import_bundle(store, demo_data(), today=DAY)
    import_bundle(store, portfolio(6, 12, cross_links=0.3, seed=3), today=DAY)
    # someone who worked at a project's organisation earlier and moved on
    import_bundle(
        store, {"contacts": [{"id": "p1-c3", "name": "Mover", "org": "p2-o1", "since": "2026-06-01"}]}, today=DAY
    )
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
    it, so the analysis reads the adjacency only (view.edges_among)."""
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


#: one row of each kind with every optional field set, so a field the lean read forgets shows
EVERY_FIELD = {
    "organizations": [{"id": "x-o", "name": "X Org", "kind": "vendor", "notes": "n", "tags": ["a", "b"]}],
    "contacts": [
        {
            "id": "x-c",
            "name": "X Person",
            "org": "x-o",
            "title": "Boss",
            "status": "on_leave",
            "since": "2026-01-02",
            "emails": ["x@example.com"],
            "phones": ["+1 555"],
            "preferred_channel": "mail",
            "language": "en",
            "tags": ["t"],
            "notes": "note",
        },
        {"id": "x-d", "name": "Y Person"},
    ],
    "contact_history": [
        {
            "id": "x-c@2026-01-02",
            "contact": "x-c",
            "org": "x-o",
            "title": "Clerk",
            "status": "active",
            "valid_from": "2024-05-06",
            "valid_to": "2026-01-02",
        }
    ],
    "projects": [
        {
            "id": "x-p",
            "name": "X Project",
            "description": "d",
            "organizations": [
                {"org": "x-o", "role": "supplier", "valid_from": "2025-01-01", "valid_to": "2027-01-01"},
                {"org": "x-o", "role": "again", "valid_from": "2027-02-01"},
            ],
        }
    ],
    "stages": [
        {
            "id": "x-s",
            "project": "x-p",
            "name": "Build",
            "order": 0,
            "status": "active",
            "start": "2026-01-01",
            "end": "2026-12-31",
        }
    ],
    "responsibilities": [{"id": "x-r", "stage": "x-s", "name": "Duty", "description": "dd"}],
    "assignments": [
        {
            "id": "x-a",
            "contact": "x-c",
            "responsibility": "x-r",
            "raci": "A",
            "valid_from": "2026-02-01",
            "valid_to": "2026-12-01",
        }
    ],
    "links": [
        {
            "id": "x-l",
            "source": "x-c",
            "target": "x-d",
            "kind": "reports_to",
            "last_contact": "2026-11-01",
            "weight": 2.5,
            "channel": "phone",
            "valid_from": "2025-01-01",
            "valid_to": "2027-01-01",
        }
    ],
    "interactions": [
        {
            "id": "x-i",
            "at": "2026-11-20T09:30:00+08:00",
            "participants": ["x-d", "x-c"],
            "channel": "meeting",
            "summary": "s",
            "project": "x-p",
        }
    ],
}


def test_portfolio_read_equals_store_read(store):
    """The scan's read (on Neo4j the lean one of store/neo4j_export.py) holds the very rows
    Store.read does, and the responsibility checks Store.portfolio_checks answers."""
    import_bundle(store, demo_data(), today=DAY)
    import_bundle(store, portfolio(3, 12, cross_links=0.3, seed=7), today=DAY)
    import_bundle(store, EVERY_FIELD, today=DAY)
    for day in (DAY, date(2026, 3, 1)):
        checks, rows = store.portfolio_read(day)
        assert checks == store.portfolio_checks(day)
        for kind in KINDS:
            ours = sorted(rows[kind], key=lambda row: row.id)
            stored = store.read(kind)
            assert ours == stored, kind
            assert [r.model_dump_json() for r in ours] == [r.model_dump_json() for r in stored], kind
        assert {row.id for row in rows["contacts"]} >= {"x-c", "x-d"}
