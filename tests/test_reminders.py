"""Reminders ("not contacted for N days") on small hand-made projects, on both stores,
through the function, the command and the HTTP API."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.application.importer import import_bundle
from graphsvc.application.reminders import (
    ReminderError,
    project_reminders,
    reminders_report,
    reminders_text,
)
from graphsvc.cli.main import app as main_app
from graphsvc.domain.bundle import parse_bundle
from graphsvc.store.base import NotFound
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

from scenarios import DAY, ago, drop, edit, healthy

PROJECT_ROUTE = "/api/v1/projects/{project_id}/reminders"
CONTACT_ROUTE = "/api/v1/contacts/{contact_id}/reminders"


def load(store, data):
    import_bundle(store, data, today=DAY)
    return store


def lines(report):
    """(owner, other, days since) of each reminder, in the report's order."""
    return [(r.owner.id, r.other.id if r.other else None, r.days_since) for r in report.reminders]


def two_projects():
    """healthy() plus a second project, Annex, where a1 is accountable with a vendor's Dai."""
    data = healthy()
    data["organizations"].append({"id": "od", "name": "Vendor Co", "kind": "vendor"})
    data["contacts"].append({"id": "d1", "name": "Dai", "org": "od", "title": "Sales"})
    data["projects"].append({"id": "p2", "name": "Annex", "organizations": [{"org": "od", "role": "supplier"}]})
    data["stages"].append({"id": "t1", "project": "p2", "name": "Supply", "order": 1, "status": "active"})
    data["responsibilities"].append({"id": "q1", "stage": "t1", "name": "Deliver steel"})
    data["assignments"] += [
        {"id": "y1", "contact": "a1", "responsibility": "q1", "raci": "A"},
        {"id": "y2", "contact": "d1", "responsibility": "q1", "raci": "R"},
    ]
    data["links"].append({"id": "l9", "source": "a1", "target": "d1", "kind": "communicates", "last_contact": ago(30)})
    return data


# -- the rule ----------------------------------------------------------------------------------


def test_lines_used_recently_do_not_fire(store):
    load(store, healthy())  # every line used 1 to 3 days ago
    report = reminders_report(store, "p", as_of=DAY)
    assert report.reminders == [] and report.count == 0
    assert [p.id for p in report.projects] == ["p"] and report.days == 14 and report.as_of == DAY
    # the same lines are overdue with a limit of 1 day: a line used 1 day ago is not
    assert sorted(lines(reminders_report(store, "p", days=1, as_of=DAY))) == [
        ("a1", "a2", 3),
        ("a2", "a1", 3),
        ("a2", "b2", 2),
        ("b2", "a2", 2),
    ]


def test_a_line_unused_for_20_days_fires_for_both_owners(store):
    load(store, edit(healthy(), "links", "l1", last_contact=ago(20)))
    report = reminders_report(store, "p", as_of=DAY)
    assert lines(report) == [("a1", "b1", 20), ("b1", "a1", 20)]
    first = report.reminders[0]
    assert first.last_contact == DAY - timedelta(days=20) and first.links == ["l1"]
    assert first.project.id == "p" and first.project.name == "Tower"
    assert (first.owner.name, first.owner.org.name) == ("Alice", "Client Co")
    assert (first.other.name, first.other.org.id, first.other.org.name) == ("Bo", "ob", "Builder Co")
    assert [(d.id, d.raci, d.stage.id, d.phase) for d in first.responsibilities] == [("r1", "A", "s1", "active")]
    assert [s.name for s in first.stages] == ["Design"]
    second = report.reminders[1]
    assert [(d.id, d.stage.name, d.phase) for d in second.responsibilities] == [("r2", "Build", "planned")]
    assert "20 days" in first.message and "Bo" in first.message
    # at the limit it does not fire; one day later it does
    assert reminders_report(store, "p", days=20, as_of=DAY).reminders == []
    assert lines(reminders_report(store, "p", days=19, as_of=DAY)) == [("a1", "b1", 20), ("b1", "a1", 20)]
    # as of 10 days earlier the line was 10 days old (the other lines' dates lie ahead: never used then)
    earlier = lines(reminders_report(store, "p", as_of=DAY - timedelta(days=10)))
    assert not [line for line in earlier if set(line[:2]) == {"a1", "b1"}]
    assert lines(reminders_report(store, "p", days=9, as_of=DAY - timedelta(days=10)))[-2:] == [
        ("a1", "b1", 10),
        ("b1", "a1", 10),
    ]


def test_an_interaction_newer_than_last_contact_suppresses_it(store):
    data = edit(healthy(), "links", "l1", last_contact=ago(20))
    data["interactions"] = [
        # logged after the day asked about: does not count
        {"id": "i-late", "at": f"{DAY + timedelta(days=3)}T09:00:00", "participants": ["a1", "b1"]},
        # Alice met Bea, not Bo: does not count for the Alice–Bo line
        {"id": "i-other", "at": f"{ago(2)}T09:00:00", "participants": ["a1", "b2"]},
    ]
    load(store, data)
    assert lines(reminders_report(store, "p", as_of=DAY)) == [("a1", "b1", 20), ("b1", "a1", 20)]
    data["interactions"].append(
        {"id": "i-met", "at": f"{ago(5)}T09:00:00", "participants": ["b1", "a1", "b2"], "summary": "site walk"}
    )
    load(store, data)
    assert reminders_report(store, "p", as_of=DAY).reminders == []
    # the interaction only lifts the date: with a 4-day limit the line is 5 days old
    report = reminders_report(store, "p", days=4, as_of=DAY)
    alice_bo = [r for r in report.reminders if (r.owner.id, r.other.id) == ("a1", "b1")]
    assert [(r.last_contact, r.days_since) for r in alice_bo] == [(DAY - timedelta(days=5), 5)]


def test_never_used_lines_come_first_then_most_overdue(store):
    data = edit(healthy(), "links", "l1", last_contact=ago(20))
    edit(data, "links", "l4", last_contact=None)
    edit(data, "links", "l5", last_contact=ago(40))
    load(store, data)
    report = reminders_report(store, "p", as_of=DAY)
    assert lines(report) == [
        ("a2", "b2", None),
        ("b2", "a2", None),
        ("a1", "a2", 40),
        ("a2", "a1", 40),
        ("a1", "b1", 20),
        ("b1", "a1", 20),
    ]
    assert report.reminders[0].last_contact is None and "never" in report.reminders[0].message


def test_a_line_to_someone_who_left_or_is_away_is_not_a_working_line(store):
    data = healthy()
    data["contacts"] += [
        {"id": "c1", "name": "Cao", "org": "ob", "status": "left", "since": ago(60)},
        {"id": "c2", "name": "Chen", "org": "ob", "status": "on_leave"},
    ]
    data["links"] += [
        {"id": "l6", "source": "a1", "target": "c1", "kind": "communicates", "last_contact": ago(90)},
        {"id": "l7", "source": "c2", "target": "b1", "kind": "communicates", "last_contact": ago(90)},
        # a line that ended, and a reports-to line: neither is a communication line to remind about
        {
            "id": "l8",
            "source": "a2",
            "target": "b1",
            "kind": "communicates",
            "last_contact": ago(90),
            "valid_to": ago(30),
        },
    ]
    data["contact_history"] = [
        {"id": "c1@active", "contact": "c1", "org": "ob", "status": "active", "valid_to": ago(60)},
    ]
    edit(data, "links", "l2", last_contact=ago(90))  # reports_to, not judged as a line of its own
    load(store, data)
    assert reminders_report(store, "p", as_of=DAY).reminders == []
    # while Cao was still active (before the departure), the line to Cao was a working line
    earlier = reminders_report(store, "p", as_of=DAY - timedelta(days=61))
    assert ("a1", "c1", 29) in lines(earlier)


def test_someone_who_left_is_no_longer_an_owner(store):
    data = edit(healthy(), "links", "l1", last_contact=ago(20))
    edit(data, "contacts", "b1", status="left", since=ago(40))
    load(store, data)
    assert reminders_report(store, "p", as_of=DAY).reminders == []


def test_owner_with_no_recorded_contact_at_all(store):
    data = healthy()
    data["contacts"].append({"id": "a3", "name": "Amy", "org": "oa", "title": "Planner"})
    data["assignments"].append({"id": "x5", "contact": "a3", "responsibility": "r1", "raci": "R"})
    load(store, data)
    report = reminders_report(store, "p", as_of=DAY)
    (amy,) = report.reminders
    assert (amy.owner.id, amy.other, amy.last_contact, amy.days_since, amy.links) == ("a3", None, None, None, [])
    assert [d.id for d in amy.responsibilities] == ["r1"] and "no working communication line" in amy.message
    # an old logged meeting makes a line (README "Lines from interactions"), overdue on
    # both sides; a recent one: nothing to remind
    data["interactions"] = [{"id": "i1", "at": f"{ago(30)}T10:00:00", "participants": ["a3", "b1"]}]
    load(store, data)
    report = reminders_report(store, "p", as_of=DAY)
    found = {(r.owner.id, r.other.id if r.other else None): r for r in report.reminders}
    assert set(found) == {("a3", "b1"), ("b1", "a3")}
    amy = found["a3", "b1"]
    assert (amy.last_contact, amy.days_since, amy.links) == (DAY - timedelta(days=30), 30, [])
    data["interactions"].append({"id": "i2", "at": f"{ago(3)}T10:00:00", "participants": ["a3", "a1"]})
    load(store, data)
    again = reminders_report(store, "p", as_of=DAY).reminders
    # the recent meeting's line (Amy–Adam) is fresh: only Amy–Bo is still overdue
    assert {(r.owner.id, r.other.id if r.other else None) for r in again} == {("a3", "b1"), ("b1", "a3")}


def test_owners_of_done_stages_and_consulted_people_get_no_reminders(store):
    data = edit(healthy(), "links", "l4", last_contact=ago(50))
    edit(data, "assignments", "x2", raci="C")  # a2 is only consulted now
    edit(data, "stages", "s2", status="done", end=ago(5))  # b2's duty is over
    load(store, data)
    assert reminders_report(store, "p", as_of=DAY).reminders == []
    # while Build was still running, b2 owned something there and the a2–b2 line was 45 days old
    earlier = DAY - timedelta(days=5)
    assert lines(reminders_report(store, "p", "b2", as_of=earlier)) == [("b2", "a2", 45)]
    assert reminders_report(store, "p", "a2", as_of=earlier).reminders == []


# -- owner filter --------------------------------------------------------------------------------


def test_owner_filter_in_a_project_and_across_projects(store):
    load(store, edit(two_projects(), "links", "l1", last_contact=ago(20)))
    in_p = reminders_report(store, "p", "a1", as_of=DAY)
    assert lines(in_p) == [("a1", "b1", 20)]
    assert in_p.owner.id == "a1" and in_p.owner.name == "Alice" and in_p.project.id == "p"
    across = reminders_report(store, None, "a1", as_of=DAY)
    assert across.project is None and [p.id for p in across.projects] == ["p", "p2"]
    assert [(r.project.id, r.other.id, r.days_since) for r in across.reminders] == [("p2", "d1", 30), ("p", "b1", 20)]
    assert [d.id for d in across.reminders[0].responsibilities] == ["q1"]
    # Dai owns only in Annex; Bea owns in Tower, where her lines are fresh
    assert [(r.project.id, r.other.id) for r in reminders_report(store, None, "d1", as_of=DAY).reminders] == [
        ("p2", "a1")
    ]
    bea = reminders_report(store, None, "b2", as_of=DAY)
    assert [p.id for p in bea.projects] == ["p"] and bea.reminders == []
    # a known contact who owns nothing: no projects, no reminders
    data = two_projects()
    data["contacts"].append({"id": "e1", "name": "Eve", "org": "oa"})
    load(store, data)
    nobody = reminders_report(store, None, "e1", as_of=DAY)
    assert (nobody.projects, nobody.reminders, nobody.owner.name) == ([], [], "Eve")
    assert reminders_report(store, "p", "e1", as_of=DAY).reminders == []


def test_an_owner_of_a_coming_stage_assigned_from_its_start_gets_reminders(store):
    # Bo owns "Run the site" in Build from the day it starts (2027-04-01): judged on that
    # day (README "Stage time"), he is an owner today, by project and across projects
    data = edit(healthy(), "stages", "s2", start="2027-04-01")
    edit(data, "assignments", "x3", valid_from="2027-04-01")
    edit(data, "links", "l1", last_contact=ago(20))
    load(store, data)
    assert ("b1", "a1", 20) in lines(reminders_report(store, "p", "b1", as_of=DAY))
    across = reminders_report(store, None, "b1", as_of=DAY)
    assert [p.id for p in across.projects] == ["p"] and ("b1", "a1", 20) in lines(across)


# -- errors --------------------------------------------------------------------------------------


def test_unknown_ids_and_bad_days(store):
    load(store, healthy())
    with pytest.raises(NotFound, match="no project 'nope'"):
        reminders_report(store, "nope", as_of=DAY)
    with pytest.raises(NotFound, match="'ghost'"):
        reminders_report(store, "p", "ghost", as_of=DAY)
    with pytest.raises(NotFound, match="'ghost'"):
        reminders_report(store, None, "ghost", as_of=DAY)
    with pytest.raises(ReminderError, match="days must be at least 1, got 0"):
        reminders_report(store, "p", days=0)
    with pytest.raises(ReminderError, match="project"):
        reminders_report(store)


def test_the_pure_function_and_the_store_agree():
    data = edit(healthy(), "links", "l1", last_contact=ago(20))  # one project: the bundle is its snapshot
    pure = project_reminders(parse_bundle(data), "p", DAY)
    stored = reminders_report(load(EmbeddedStore(), data), "p", as_of=DAY).reminders
    assert pure == stored and [(r.owner.id, r.days_since) for r in pure] == [("a1", 20), ("b1", 20)]
    with pytest.raises(ReminderError):
        project_reminders(parse_bundle(data), "p", DAY, days=-3)


def test_default_day_is_today():
    data = edit(healthy(), "links", "l1", last_contact=(date.today() - timedelta(days=20)).isoformat())
    report = reminders_report(load(EmbeddedStore(), data), "p")
    assert report.as_of == date.today() and lines(report)[:2] == [("a1", "b1", 20), ("b1", "a1", 20)]


def test_text_table():
    data = edit(two_projects(), "links", "l1", last_contact=ago(20))
    edit(data, "links", "l9", last_contact=None)
    text = reminders_text(reminders_report(load(EmbeddedStore(), data), None, "a1", as_of=DAY))
    rows = text.splitlines()
    assert rows[0] == "reminders for Alice (a1) in 2 project(s), as of 2026-11-22: not in touch for more than 14 days"
    assert rows[2].split() == ["DAYS", "LAST", "PROJECT:", "OWNER", "→", "NOT", "IN", "TOUCH", "WITH", "(ORGANISATION)"]
    assert rows[3].split() == ["DUTIES"]
    assert rows[4].split()[:5] == ["never", "—", "Annex:", "Alice", "→"] and "Dai" in rows[4]
    assert rows[6].split()[:5] == ["20", ago(20), "Tower:", "Alice", "→"] and "Bo" in rows[6]
    assert rows[5].startswith(" " * 19) and rows[7].startswith(" " * 19), "duties on the second line"
    assert rows[-1] == "2 reminder(s)"


# -- command ---------------------------------------------------------------------------------------


def _cli_app() -> typer.Typer:
    return main_app


@pytest.fixture
def cli_store(store, monkeypatch, settings_of):
    """Point the command's settings at the test's store."""
    for name, value in settings_of(store).items():
        monkeypatch.setenv(name, value)
    return load(store, edit(two_projects(), "links", "l1", last_contact=ago(20)))


def test_cli(cli_store):
    runner = CliRunner()
    app = _cli_app()
    table = runner.invoke(app, ["reminders", "--project", "p", "--as-of", str(DAY)])
    assert table.exit_code == 0, table.output
    assert "reminders for Tower (p), as of 2026-11-22" in table.stdout
    assert "Alice" in table.stdout and "Builder Co" in table.stdout and "2 reminder(s)" in table.stdout

    done = runner.invoke(
        app, ["reminders", "--project", "p", "--owner", "b1", "--days", "19", "--as-of", str(DAY), "--json"]
    )
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    assert (data["days"], data["count"], data["owner"]["id"]) == (19, 1, "b1")
    assert [(r["other"]["id"], r["days_since"], r["last_contact"]) for r in data["reminders"]] == [("a1", 20, ago(20))]

    across = runner.invoke(app, ["reminders", "--owner", "a1", "--as-of", str(DAY), "--json"])
    assert across.exit_code == 0, across.output
    assert [(r["project"]["id"], r["days_since"]) for r in json.loads(across.stdout)["reminders"]] == [
        ("p2", 30),
        ("p", 20),
    ]
    assert (
        "nothing overdue"
        in runner.invoke(app, ["reminders", "--owner", "a1", "--days", "40", "--as-of", str(DAY)]).stdout
    )


def test_cli_errors(cli_store):
    runner = CliRunner()
    app = _cli_app()
    unknown = runner.invoke(app, ["reminders", "--project", "nope"])
    assert unknown.exit_code == 4 and "no project 'nope'" in unknown.stderr
    ghost = runner.invoke(app, ["reminders", "--owner", "ghost"])
    assert ghost.exit_code == 4 and "ghost" in ghost.stderr
    ghost_in_p = runner.invoke(app, ["reminders", "--project", "p", "--owner", "ghost"])
    assert ghost_in_p.exit_code == 4 and "ghost" in ghost_in_p.stderr
    for bad in (["--project", "p", "--days", "0"], ["--project", "p", "--as-of", "soon"], []):
        done = runner.invoke(app, ["reminders", *bad])
        assert done.exit_code == 2, (bad, done.output)
    assert "--project" in runner.invoke(app, ["reminders"]).stderr


# -- HTTP ------------------------------------------------------------------------------------------


def _client(store) -> TestClient:
    return TestClient(create_app(store))


def test_http(store):
    load(store, edit(two_projects(), "links", "l1", last_contact=ago(20)))
    with _client(store) as client:
        response = client.get("/api/v1/projects/p/reminders", params={"as_of": str(DAY)})
        assert response.status_code == 200
        body = response.json()
        assert (body["project"]["id"], body["days"], body["count"], body["as_of"]) == ("p", 14, 2, "2026-11-22")
        assert [(r["owner"]["id"], r["other"]["id"], r["days_since"]) for r in body["reminders"]] == [
            ("a1", "b1", 20),
            ("b1", "a1", 20),
        ]
        owner = client.get("/api/v1/projects/p/reminders", params={"as_of": str(DAY), "owner": "b1", "days": 25})
        assert owner.status_code == 200 and owner.json()["reminders"] == []
        contact = client.get("/api/v1/contacts/a1/reminders", params={"as_of": str(DAY)})
        assert contact.status_code == 200
        assert [(r["project"]["id"], r["other"]["name"]) for r in contact.json()["reminders"]] == [
            ("p2", "Dai"),
            ("p", "Bo"),
        ]

        assert client.get("/api/v1/projects/nope/reminders").json()["detail"] == "no project 'nope'"
        assert client.get("/api/v1/projects/nope/reminders").status_code == 404
        missing = client.get("/api/v1/contacts/ghost/reminders")
        assert missing.status_code == 404 and "ghost" in missing.json()["detail"]
        assert client.get("/api/v1/projects/p/reminders", params={"owner": "ghost"}).status_code == 404
        for params in ({"days": 0}, {"days": "many"}, {"as_of": "soon"}):
            bad = client.get("/api/v1/projects/p/reminders", params=params)
            assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == next(iter(params))
        assert client.get("/api/v1/contacts/a1/reminders", params={"days": -1}).status_code == 422

        spec = client.get("/openapi.json").json()
        assert {PROJECT_ROUTE, CONTACT_ROUTE} <= set(spec["paths"])
        assert "404" in spec["paths"][PROJECT_ROUTE]["get"]["responses"]
        assert spec["components"]["schemas"]["RemindersReport"]["examples"][0]["reminders"][0]["days_since"] == 20


def test_http_answers_from_the_current_data(store):
    """Dropping the stale line drops its reminders; Bo, left without any line, gets one of his own."""
    data = edit(healthy(), "links", "l1", last_contact=ago(20))
    load(store, data)
    with _client(store) as client:
        assert client.get("/api/v1/projects/p/reminders", params={"as_of": str(DAY)}).json()["count"] == 2
    store.clear()
    load(store, drop(data, "links", "l1"))
    with _client(store) as client:
        (bo,) = client.get("/api/v1/projects/p/reminders", params={"as_of": str(DAY)}).json()["reminders"]
        assert (bo["owner"]["id"], bo["other"], bo["last_contact"], bo["days_since"]) == ("b1", None, None, None)
