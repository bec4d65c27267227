"""The portfolio-wide Cypher responsibility checks say what the Python judge says.

``queries/portfolio_responsibility_checks.cypher`` answers NO_ACCOUNTABLE,
MULTIPLE_ACCOUNTABLE, OWNER_INACTIVE and NO_RESPONSIBLE for every open duty of the
portfolio in one statement; the Neo4j portfolio scan uses it instead of the judge's
``duty_checks``. On hand-made scenarios (each breaking one rule, or sitting on a boundary
of a date rule) and on generated portfolios, on several days, the query's answers must be
the judge's, and the judge must answer the same on both stores' snapshots.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from graphsvc.analysis.findings import duty_checks
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import portfolio_report
from graphsvc.application.synthetic import portfolio

from scenarios import DAY, drop, edit, healthy

DAYS = [DAY, date(2026, 3, 1), date(2026, 9, 1), date(2027, 6, 1)]


def judge(store, day: date) -> set[tuple]:
    """(project, duty, code, contacts) for every open duty, by the Python judge."""
    out = set()
    for project in store.read("projects"):
        view = build_view(store.project_snapshot(project.id), project.id, day)
        for stage in view.stages:
            if view.phase[stage.id] == "done":
                continue
            for resp in view.responsibilities.get(stage.id, []):
                out.update((project.id, resp.id, code, who) for code, who in duty_checks(view, resp))
    return out


def cypher(store, day: date) -> set[tuple]:
    found = store.portfolio_checks(day)
    assert found is not None
    return {
        (project, duty, code, who)
        for project, duties in found.items()
        for duty, checks in duties.items()
        for code, who in checks
    }


def _scenarios() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {"healthy": healthy()}
    out["no accountable (active stage)"] = drop(healthy(), "assignments", "x1")
    out["no accountable (planned stage)"] = drop(healthy(), "assignments", "x3")
    data = healthy()
    data["assignments"].append({"id": "x9", "contact": "a2", "responsibility": "r1", "raci": "A"})
    out["two accountable"] = data
    data = healthy()
    data["assignments"].append({"id": "x9", "contact": "b2", "responsibility": "r1", "raci": "A"})
    edit(data, "contacts", "b2", status="on_leave")
    out["second accountable on leave"] = data
    data = healthy()
    data["assignments"].append(
        {"id": "x9", "contact": "a1", "responsibility": "r1", "raci": "A", "valid_from": "2026-01-01"}
    )
    out["same person accountable twice"] = data
    out["no responsible"] = drop(healthy(), "assignments", "x2")
    out["owner left"] = edit(healthy(), "contacts", "a1", status="left")
    data = edit(healthy(), "contacts", "a1", status="on_leave")
    data["links"].append({"id": "bk", "source": "a2", "target": "a1", "kind": "backup_for"})
    out["owner on leave, backed up"] = data
    out["responsible on leave"] = edit(healthy(), "contacts", "a2", status="on_leave")
    out["stage done by status"] = edit(drop(healthy(), "assignments", "x3"), "stages", "s2", status="done")
    out["stage over by date"] = edit(drop(healthy(), "assignments", "x1"), "stages", "s1", end="2026-06-30")
    out["stage marked done, end ahead"] = edit(
        drop(healthy(), "assignments", "x1"), "stages", "s1", status="done", end="2027-03-31"
    )
    out["stage starting later"] = edit(
        drop(healthy(), "assignments", "x1"), "stages", "s1", status="done", start="2027-01-01"
    )
    data = edit(healthy(), "assignments", "x1", valid_to="2026-11-22")  # ends on the day: not valid on it
    edit(data, "assignments", "x3", valid_from="2026-09-01")
    edit(data, "assignments", "x2", valid_from="2026-03-01", valid_to="2026-09-01")
    out["assignment periods"] = data
    data = healthy()
    edit(data, "contacts", "a1", since="2026-10-01")
    data["contact_history"] = [
        {
            "id": "h1",
            "contact": "a1",
            "org": "oa",
            "title": "Director",
            "status": "on_leave",
            "valid_from": "2026-08-01",
            "valid_to": "2026-10-01",
        },
        {"id": "h0", "contact": "a1", "org": "oa", "title": "Director", "status": "left", "valid_to": "2026-08-01"},
    ]
    edit(data, "contacts", "b2", status="left", since="2026-09-01")
    data["contact_history"].append(
        {"id": "h2", "contact": "b2", "org": "ob", "title": "Engineer", "status": "active", "valid_to": "2026-09-01"}
    )
    out["history: on leave, left, came back"] = data
    # a dated plan: the planned stage's accountable is assigned from the day it starts, its
    # responsible not at all by then (judged on its start, not on the as-of day)
    data = edit(healthy(), "stages", "s2", start="2027-04-01")
    edit(data, "assignments", "x3", valid_from="2027-04-01")
    edit(data, "assignments", "x4", valid_to="2027-04-01")
    out["planned stage judged on its start"] = data
    return out


SCENARIOS = _scenarios()
#: scenarios where nothing may fire on DAY (a duplicate assignment, a gap in a done stage)
QUIET = {"healthy", "same person accountable twice", "stage done by status"}


@pytest.mark.neo4j
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_cypher_checks_equal_the_judge_on_scenarios(name, embedded_store, neo4j_store):
    for store in (embedded_store, neo4j_store):
        import_bundle(store, SCENARIOS[name], today=DAY)
    for day in DAYS:
        expected = judge(embedded_store, day)
        assert judge(neo4j_store, day) == expected, day
        assert cypher(neo4j_store, day) == expected, day
    if name in QUIET:
        assert not judge(embedded_store, DAY)
    else:
        assert any(judge(embedded_store, day) for day in DAYS), "the scenario should break a rule on some day"


@pytest.mark.neo4j
def test_cypher_checks_equal_the_judge_on_portfolios(embedded_store, neo4j_store):
    for store in (embedded_store, neo4j_store):
        import_bundle(store, demo_data(), today=DAY)
        import_bundle(store, portfolio(8, 25, seed=9), today=DAY)
    for day in DAYS:
        expected = judge(embedded_store, day)
        assert expected, "generated portfolios have planted gaps"
        assert cypher(neo4j_store, day) == expected, day
        # and the scan built on the query reports what the embedded scan reports
        assert portfolio_report(neo4j_store, day) == portfolio_report(embedded_store, day)


def test_embedded_store_answers_in_python(embedded_store):
    assert embedded_store.portfolio_checks(DAY) is None
