"""Interactions by channel (issue #14, the README's "The working graph"): an e-mail uses the
line between its sender (the first participant when none is named) and each recipient, not
the lines between co-recipients; a meeting or call uses every pair; nothing logged after the
as-of day counts. On both stores, through findings, the portfolio scan, reminders, paths,
the command line, the API, bundle and spreadsheet imports and the export.

The project is ``scenarios.healthy()`` with two stale lines: l5 (Alice a1 – Adam a2) and l4
(Adam a2 – Bea b2), both last used 40 days ago, and one e-mail or meeting among a1, a2, b2
yesterday.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.analysis.findings import Thresholds
from graphsvc.analysis.interactions import last_contacts, used_pairs
from graphsvc.application.demo import demo_data
from graphsvc.application.entities import delete
from graphsvc.application.importer import import_bundle
from graphsvc.application.lifecycle import merge
from graphsvc.application.maps.model import build_map
from graphsvc.application.reminders import reminders_report
from graphsvc.application.reports import DirectoryCache, contact_paths, portfolio_report, project_report
from graphsvc.application.spreadsheet.read import read_files
from graphsvc.application.spreadsheet.report import run_import
from graphsvc.cli.main import app as cli_app
from graphsvc.domain.bundle import BundleError, canonical_dict, parse_bundle
from graphsvc.domain.keys import Role
from graphsvc.domain.model import Interaction
from graphsvc.store.base import Store
from graphsvc.web.app import create_app

from samples import key_headers
from scenarios import DAY, ago, edit, healthy

LIMITS = Thresholds(stale_days=30)
YESTERDAY = f"{ago(1)}T09:00:00+00:00"


def two_stale_lines(**interaction: Any) -> dict[str, Any]:
    """healthy() with l4 (a2–b2) and l5 (a1–a2) unused for 40 days, and one interaction."""
    data = edit(healthy(), "links", "l4", last_contact=ago(40))
    edit(data, "links", "l5", last_contact=ago(40))
    data["interactions"] = [{"id": "i1", "at": YESTERDAY, "participants": ["a1", "a2", "b2"], **interaction}]
    return data


def stale(store: Store, day: date = DAY) -> set[str]:
    """The ids of the lines the project's findings call stale."""
    report = project_report(store, "p", as_of=day, limits=LIMITS)
    return {s.id for f in report.findings if f.code == "STALE_LINK" for s in f.subjects if s.kind == "link"}


def overdue(store: Store, day: date = DAY) -> set[frozenset[str]]:
    """The lines (pairs of people) the reminders say are overdue."""
    report = reminders_report(store, "p", days=30, as_of=day)
    return {frozenset((r.owner.id, r.other.id)) for r in report.reminders if r.other is not None}


def direct_hop_used(store: Store, source: str, target: str, day: date = DAY) -> date | None:
    """When the direct line between two people was last used, as the path search sees it."""
    answer = contact_paths(store, source, target, k=5, as_of=day, cache=DirectoryCache())
    (direct,) = [p for p in answer.paths if len(p.hops) == 1]
    return direct.hops[0].last_contact


A1_A2, A2_B2 = frozenset(("a1", "a2")), frozenset(("a2", "b2"))


# -- the rule, on its own --------------------------------------------------------------------


def interaction(channel: str, participants: list[str], sender: str | None = None) -> Interaction:
    return Interaction(id="i", at=YESTERDAY, participants=participants, channel=channel, sender=sender)


@pytest.mark.parametrize("channel", ["email", "e-mail", "mail", "E-Mail", " MAIL "])
def test_an_email_uses_the_senders_lines_only(channel):
    pairs = set(used_pairs(interaction(channel, ["a1", "a2", "b2"], sender="a2")))
    assert pairs == {A1_A2, A2_B2}


@pytest.mark.parametrize("channel", ["meeting", "call", "phone", "wechat", "", "mailing-list review"])
def test_any_other_channel_uses_every_pair(channel):
    pairs = set(used_pairs(interaction(channel, ["a1", "a2", "b2"], sender="a2")))
    assert pairs == {A1_A2, A2_B2, frozenset(("a1", "b2"))}


def test_last_contacts_counts_nothing_after_the_day():
    late = Interaction(id="i2", at=f"{DAY + timedelta(days=1)}T09:00:00+00:00", participants=["a1", "a2"])
    used = last_contacts([interaction("email", ["a1", "a2", "b2"]), late], DAY)
    assert used == {A1_A2: DAY - timedelta(days=1), frozenset(("a1", "b2")): DAY - timedelta(days=1)}


# -- findings, portfolio, reminders and paths on both stores ----------------------------------


def test_co_recipients_of_an_email_have_not_used_their_line(store):
    import_bundle(store, two_stale_lines(channel="email", sender="a1"), today=DAY)
    # Alice wrote to Adam and Bea: Alice–Adam is fresh, Adam–Bea (both copied) is not
    assert "l4" in stale(store) and "l5" not in stale(store)
    portfolio = portfolio_report(store, DAY, LIMITS)
    stale_in_scan = {s.id for f in portfolio.findings if f.code == "STALE_LINK" for s in f.subjects}
    assert "l4" in stale_in_scan and "l5" not in stale_in_scan
    assert A2_B2 in overdue(store) and A1_A2 not in overdue(store)
    assert direct_hop_used(store, "a2", "b2") == DAY - timedelta(days=40)
    assert direct_hop_used(store, "a1", "a2") == DAY - timedelta(days=1)
    drawn = build_map(store.project_snapshot("p"), "p", DAY, [], stale_days=30)
    assert {e.ref or e.id: e.last_used for e in drawn.edges if e.kind == "communicates"} == {
        "l1": DAY - timedelta(days=1),
        "l4": DAY - timedelta(days=40),
        "l5": DAY - timedelta(days=1),
        "d:a1~b2": DAY - timedelta(days=1),  # no link: the line the e-mail made
    }


def test_the_named_sender_decides_which_lines_an_email_used(store):
    import_bundle(store, two_stale_lines(channel="E-mail", sender="b2"), today=DAY)
    # Bea wrote to Alice and Adam: Bea–Adam is fresh, Alice–Adam (both copied) is not
    assert "l5" in stale(store) and "l4" not in stale(store)
    portfolio = portfolio_report(store, DAY, LIMITS)  # Neo4j answers it with its own lean read
    stale_in_scan = {s.id for f in portfolio.findings if f.code == "STALE_LINK" for s in f.subjects}
    assert "l5" in stale_in_scan and "l4" not in stale_in_scan
    assert A1_A2 in overdue(store) and A2_B2 not in overdue(store)
    assert direct_hop_used(store, "a2", "b2") == DAY - timedelta(days=1)
    assert direct_hop_used(store, "a1", "a2") == DAY - timedelta(days=40)


def test_an_email_without_a_sender_is_sent_by_its_first_participant_as_written(store):
    # Bea is written first: she sent it (stored so, before the participants are put in id order)
    data = two_stale_lines(channel="mail")
    data["interactions"][0]["participants"] = ["b2", "a2", "a1"]
    import_bundle(store, data, today=DAY)
    (stored,) = store.read("interactions", ["i1"])
    assert (stored.sender, stored.participants) == ("b2", ["a1", "a2", "b2"])
    assert "l5" in stale(store) and "l4" not in stale(store)
    assert A1_A2 in overdue(store) and A2_B2 not in overdue(store)
    assert direct_hop_used(store, "a2", "b2") == DAY - timedelta(days=1)


def test_a_meeting_uses_every_pair(store):
    import_bundle(store, two_stale_lines(channel="meeting", sender="a1"), today=DAY)
    assert {"l4", "l5"}.isdisjoint(stale(store))
    assert {A1_A2, A2_B2}.isdisjoint(overdue(store))
    assert direct_hop_used(store, "a2", "b2") == DAY - timedelta(days=1)


def test_nothing_logged_after_the_as_of_day_counts(store, settings_of, monkeypatch):
    data = two_stale_lines(channel="meeting")
    data["interactions"][0]["at"] = f"{DAY + timedelta(days=3)}T09:00:00+00:00"
    import_bundle(store, data, today=DAY)
    assert {"l4", "l5"} <= stale(store) and {A1_A2, A2_B2} <= overdue(store)
    assert direct_hop_used(store, "a2", "b2") == DAY - timedelta(days=40)
    # the same through the command line, asked as of that past day
    for name, value in settings_of(store).items():
        monkeypatch.setenv(name, value)
    runner = CliRunner()
    path = runner.invoke(cli_app, ["path", "a2", "b2", "--as-of", DAY.isoformat(), "--json"])
    assert path.exit_code == 0, path.output
    hops = [p["hops"] for p in json.loads(path.stdout)["paths"] if len(p["hops"]) == 1]
    assert hops[0][0]["last_contact"] == ago(40)
    findings = runner.invoke(
        cli_app, ["findings", "--project", "p", "--as-of", DAY.isoformat(), "--stale-days", "30", "--json"]
    )
    assert findings.exit_code == 0, findings.output
    flagged = {
        s["id"] for f in json.loads(findings.stdout)["findings"] if f["code"] == "STALE_LINK" for s in f["subjects"]
    }
    assert {"l4", "l5"} <= flagged
    # and once the day has come, the meeting counts
    assert {"l4", "l5"}.isdisjoint(stale(store, DAY + timedelta(days=3)))


# -- the sender field: validation, storage, export, spreadsheets -------------------------------


def test_a_sender_who_is_not_a_participant_is_refused_by_the_bundle_import(store):
    import_bundle(store, healthy(), today=DAY)
    before = store.export()
    data = two_stale_lines(channel="email", sender="b1")
    with pytest.raises(BundleError) as refused:
        import_bundle(store, data, today=DAY)
    problems = [(p.array, p.index, p.field) for p in refused.value.problems]
    assert problems == [("interactions", 0, "sender")]
    assert "'b1' must be one of the participants" in str(refused.value)
    assert store.export() == before


def test_a_sender_who_is_not_a_participant_is_a_422_naming_sender(store):
    import_bundle(store, two_stale_lines(channel="email", sender="a1"), today=DAY)
    with TestClient(create_app(store)) as client:
        body = {"id": "i2", "at": YESTERDAY, "participants": ["a1", "a2"], "channel": "email", "sender": "b1"}
        created = client.post("/api/v1/interactions", json=body)
        assert created.status_code == 422, created.text
        assert [p["field"] for p in created.json()["problems"]] == ["sender"]
        changed = client.patch("/api/v1/interactions/i1", json={"sender": "b1"})
        assert changed.status_code == 422 and changed.json()["problems"][0]["field"] == "sender"
        # taking the sender out of the participants is refused too
        changed = client.patch("/api/v1/interactions/i1", json={"participants": ["a2", "b2"]})
        assert changed.status_code == 422 and changed.json()["problems"][0]["field"] == "sender"
        assert client.patch("/api/v1/interactions/i1", json={"sender": "b2"}).json()["sender"] == "b2"
        assert client.post("/api/v1/interactions", json=body | {"sender": "a2"}).status_code == 201
    assert [(i.id, i.sender) for i in store.read("interactions")] == [("i1", "b2"), ("i2", "a2")]


def test_the_sender_survives_export_and_import(store):
    import_bundle(store, two_stale_lines(channel="email", sender="b2"), today=DAY)
    exported = canonical_dict(store.export())
    assert exported["interactions"][0]["sender"] == "b2"
    _, rows = store.portfolio_read(None)  # Neo4j's lean read of every row
    assert [i.sender for i in rows["interactions"]] == ["b2"]  # type: ignore[attr-defined]
    store.clear()
    import_bundle(store, exported, today=DAY)
    assert canonical_dict(store.export()) == exported
    # a changed sender replaces the stored one; none given removes it
    exported["interactions"][0]["sender"] = "a2"
    import_bundle(store, exported, today=DAY)
    assert store.read("interactions", ["i1"])[0].sender == "a2"
    exported["interactions"][0]["sender"] = None  # an e-mail without one: its first participant
    import_bundle(store, exported, today=DAY)
    assert store.read("interactions", ["i1"])[0].sender == "a1"
    assert store.portfolio_read(None)[1]["interactions"][0].sender == "a1"  # type: ignore[attr-defined]
    exported["interactions"][0].update(sender=None, channel="meeting")  # a meeting needs none
    import_bundle(store, exported, today=DAY)
    assert store.read("interactions", ["i1"])[0].sender is None


def test_deleting_the_sender_keeps_the_interaction_readable(store):
    import_bundle(store, two_stale_lines(channel="email", sender="b2"), today=DAY)
    delete(store, "contacts", "b2", "test", cascade=True)
    (left,) = store.read("interactions", ["i1"])
    assert (left.participants, left.sender) == (["a1", "a2"], "a1")  # the first one left sends
    assert store.invalid_rows() == []


def test_merging_the_sender_into_a_survivor_moves_the_sender(store):
    data = two_stale_lines(channel="email", sender="b2")
    data["contacts"].append({"id": "b2-dup", "name": "Bea", "org": "ob", "title": "Engineer"})
    data["interactions"][0].update(participants=["a1", "a2", "b2-dup"], sender="b2-dup")
    import_bundle(store, data, today=DAY)
    merge(store, "b2", "b2-dup", "test")
    (moved,) = store.read("interactions", ["i1"])
    assert (moved.participants, moved.sender) == (["a1", "a2", "b2"], "b2")
    assert "l4" not in stale(store)


def test_the_spreadsheet_import_reads_a_sender_column(store):
    import_bundle(store, edit(healthy(), "links", "l4", last_contact=ago(40)), today=DAY)
    header = "id,at,participants,channel,summary,sender\n"
    bad = header + f"i1,{YESTERDAY},a1;a2;b2,email,status,b1\n"
    report = run_import(store, read_files([("interactions.csv", bad.encode())]), dry_run=False, today=DAY)
    assert not report.committed
    assert [(e.location, e.row, e.field) for e in report.errors] == [("interactions", 2, "sender")]
    good = header + f"i1,{YESTERDAY},a1;a2;b2,email,status,b2\n"
    report = run_import(store, read_files([("interactions.csv", good.encode())]), dry_run=False, today=DAY)
    assert report.committed, report.errors
    assert store.read("interactions", ["i1"])[0].sender == "b2"
    assert "l4" not in stale(store)


def test_the_bundle_schema_documents_sender():
    schema = json.dumps(parse_bundle({}).model_json_schema())
    assert '"sender"' in schema


# -- the reach rule: a scoped key never learns an outside sender ----------------------------------


PD, PD_PERSON, PD_OTHER, SW_PERSON = "pd-yunting-complex", "c-chen-xiaoyan", "c-cui-peng", "c-daniel-wu"


def test_a_sender_outside_the_reach_is_not_shown_nor_guessable(store):
    import_bundle(store, demo_data())
    headers = key_headers(store, [("root", Role.admin, []), ("pd manager", Role.manager, [PD])])
    admin, manager = headers["admin"], headers["manager"]
    row = {"at": YESTERDAY, "project": PD, "channel": "email", "summary": "sender reach"}
    with TestClient(create_app(store)) as client:
        for rid, sender in (("i-outside", SW_PERSON), ("i-inside", PD_PERSON)):
            body = row | {"id": rid, "participants": [PD_PERSON, PD_OTHER, SW_PERSON], "sender": sender}
            assert client.post("/api/v1/interactions", headers=admin, json=body).status_code == 201
        shown = client.get("/api/v1/interactions/i-outside", headers=manager)
        assert shown.status_code == 200 and SW_PERSON not in shown.text
        assert shown.json()["sender"] is None and shown.json()["participants"] == sorted([PD_PERSON, PD_OTHER])
        assert client.get("/api/v1/interactions/i-inside", headers=manager).json()["sender"] == PD_PERSON
        listed = client.get("/api/v1/interactions", headers=manager, params={"q": "sender reach"})
        assert listed.status_code == 200 and SW_PERSON not in listed.text
        export = client.get("/api/v1/export", headers=manager)
        assert export.status_code == 200 and SW_PERSON not in export.text
        parse_bundle(export.json())  # valid on its own: no sender outside its participants
        # a change of something else keeps the hidden sender, and does not show it
        changed = client.patch("/api/v1/interactions/i-outside", headers=manager, json={"summary": "sender reach!"})
        assert changed.status_code == 200 and SW_PERSON not in changed.text
        assert store.read("interactions", ["i-outside"])[0].sender == SW_PERSON
        # naming a hidden participant as the sender is refused exactly like an unknown id
        outside = client.patch("/api/v1/interactions/i-inside", headers=manager, json={"sender": SW_PERSON})
        unknown = client.patch("/api/v1/interactions/i-inside", headers=manager, json={"sender": "c-nobody"})
        assert outside.status_code == unknown.status_code == 422
        assert outside.text.replace(SW_PERSON, "<id>") == unknown.text.replace("c-nobody", "<id>")
        assert store.read("interactions", ["i-inside"])[0].sender == PD_PERSON


def test_a_scoped_key_counts_the_same_lines_as_an_admin_when_the_sender_is_hidden(store):
    # Dai (only in project p2) writes to Adam and Bea about Tower: a key for Tower cannot
    # see Dai, and must still not count Adam–Bea (both copied) as used
    data = edit(healthy(), "links", "l4", last_contact=ago(40))
    data["organizations"].append({"id": "od", "name": "Vendor Co", "kind": "vendor"})
    data["contacts"].append({"id": "d1", "name": "Dai", "org": "od", "title": "Sales"})
    data["projects"].append({"id": "p2", "name": "Annex", "organizations": [{"org": "od", "role": "supplier"}]})
    data["stages"].append({"id": "t1", "project": "p2", "name": "Supply", "order": 1, "status": "active"})
    data["responsibilities"].append({"id": "q1", "stage": "t1", "name": "Deliver steel"})
    data["assignments"].append({"id": "y1", "contact": "d1", "responsibility": "q1", "raci": "A"})
    data["interactions"] = [
        {"id": "i1", "at": YESTERDAY, "participants": ["d1", "a2", "b2"], "channel": "email", "project": "p"}
    ]
    import_bundle(store, data, today=DAY)
    assert store.read("interactions", ["i1"])[0].sender == "d1"  # the first participant as written
    headers = key_headers(store, [("root", Role.admin, []), ("tower", Role.manager, ["p"])])
    with TestClient(create_app(store)) as client:
        seen = {}
        for who in ("admin", "manager"):
            shown = client.get("/api/v1/interactions/i1", headers=headers[who]).json()
            answer = client.get("/api/v1/projects/p/reminders", headers=headers[who], params={"as_of": str(DAY)})
            assert answer.status_code == 200, answer.text
            seen[who] = sorted((r["owner"]["id"], r["other"]["id"]) for r in answer.json()["reminders"])
            assert ("a2", "b2") in seen[who], (who, shown)
        assert seen["admin"] == seen["manager"]
