"""Path answers say how to reach someone, on both stores: they lead with the person to
contact (title, organisation, preferred channel, phones and e-mails), redacted for a key
exactly as the contact itself is; a person who left names their successor, as the target
and in the way; the JSON answer carries the new fields; and in zh-CN the text reads in
Chinese only."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from language_check import data_strings, english_words
from typer.testing import CliRunner

from graphsvc.analysis.paths import PathError
from graphsvc.application.importer import import_bundle
from graphsvc.application.lifecycle import leave
from graphsvc.application.reports import DirectoryCache, contact_paths
from graphsvc.cli.main import app as cli_app
from graphsvc.domain.keys import Role, issue
from graphsvc.store.base import Store
from graphsvc.web.app import create_app

from scenarios import DAY, ago, drop, edit, healthy

LEFT_ON = DAY - timedelta(days=5)


def reachable_bo() -> dict[str, Any]:
    """The healthy project, with Bo's ways of being reached filled in."""
    data = healthy()
    edit(
        data,
        "contacts",
        "b1",
        phones=["+86 139 0000 0001"],
        emails=["bo@builder.example.cn"],
        preferred_channel="wecom",
        language="zh",
    )
    return data


def ask(store: Store, source: str, target: str, k: int = 3) -> Any:
    return contact_paths(store, source, target, k, DAY, cache=DirectoryCache())


def path_command(store: Store, settings_of: Any, *args: str, language: str = "en") -> Any:
    env = {**settings_of(store), "NO_COLOR": "1"}
    return CliRunner().invoke(cli_app, ["--lang", language, "path", *args, "--as-of", DAY.isoformat()], env=env)


def test_the_answer_leads_with_the_person_and_how_to_reach_them(store, settings_of):
    import_bundle(store, reachable_bo())
    answer = ask(store, "a2", "b1")
    card = answer.contact
    assert card.person.id == "b1" and card.title == "Site Manager"
    assert card.organization.id == "ob" and card.organization.name == "Builder Co"
    assert (card.channel, card.language) == ("wecom", "zh")
    assert card.phones == ["+86 139 0000 0001"] and card.emails == ["bo@builder.example.cn"]
    assert all(path.contact.person.id == "b1" for path in answer.paths)

    done = path_command(store, settings_of, "a2", "b1")
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0] == "Contact: Bo · Site Manager · Builder Co"
    assert lines[1:5] == [
        "  preferred channel: WeCom",
        "  phone: +86 139 0000 0001",
        "  e-mail: bo@builder.example.cn",
        "  language: Chinese",
    ]
    chain = next(i for i, line in enumerate(lines) if line.startswith("#1 "))
    assert chain > 4 and lines[chain].endswith(f"(cost {answer.paths[0].cost:g})")


def test_an_external_key_sees_the_details_redacted_as_it_sees_the_contact(store):
    import_bundle(store, reachable_bo())
    external, record = issue("outsider", Role.external, ["p"], "oa")
    store.save_key(record)
    admin, admin_record = issue("root", Role.admin, [], None)
    store.save_key(admin_record)
    with TestClient(create_app(store)) as client:

        def paths(key: str, source: str, target: str) -> dict[str, Any]:
            params = {"source": source, "target": target, "as_of": DAY.isoformat()}
            answer = client.get("/api/v1/paths", params=params, headers={"X-API-Key": key})
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        def contact(key: str, contact_id: str) -> dict[str, Any]:
            answer = client.get(f"/api/v1/contacts/{contact_id}", headers={"X-API-Key": key})
            assert answer.status_code == 200, answer.text
            return dict(answer.json())

        for key in (external, admin):
            shown = contact(key, "b1")
            card = paths(key, "a2", "b1")["contact"]
            assert (card["phones"], card["emails"]) == (shown["phones"], shown["emails"])
            assert card["channel"] == shown["preferred_channel"] == "wecom"
        # outside its own organisation the external key sees that details exist, not what they are
        assert paths(external, "a2", "b1")["contact"]["phones"] == ["(redacted)"]
        assert paths(admin, "a2", "b1")["contact"]["phones"] == ["+86 139 0000 0001"]
        # inside it, everything
        assert paths(external, "a2", "a1")["contact"]["emails"] == ["a1@x.cn"]
        every = paths(external, "a1", "org:ob")
        assert all(path["contact"]["phones"] in ([], ["(redacted)"]) for path in every["paths"])


def test_a_target_who_left_is_reached_through_their_successor(store, settings_of):
    import_bundle(store, reachable_bo())
    leave(store, "b1", LEFT_ON, "b2", "t")
    answer = ask(store, "a1", "b1")
    assert answer.successor is not None
    assert (answer.successor.left.id, answer.successor.successor.id) == ("b1", "b2")
    assert answer.contact.person.id == "b2" and [c.id for c in answer.candidates] == ["b2"]
    assert answer.resolved_as == answer.successor.explanation == "Bo has left; their successor is Bea: reach Bea"
    assert all(path.reaches.id == "b2" for path in answer.paths)

    done = path_command(store, settings_of, "a1", "b1")
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[:2] == ["Bo has left; their successor is Bea: reach Bea", "Contact: Bea · Engineer · Builder Co"]

    printed = json.loads(path_command(store, settings_of, "a1", "b1", "--json").output)
    assert printed["successor"]["successor"]["id"] == "b2" and printed["contact"]["person"]["id"] == "b2"


def test_someone_who_left_without_a_successor_is_still_a_clear_error(store):
    import_bundle(store, reachable_bo())
    leave(store, "b1", LEFT_ON, None, "t")
    with pytest.raises(PathError, match="Bo has left") as caught:
        ask(store, "a1", "b1")
    assert caught.value.status == 422


def test_a_successor_who_left_too_hands_on_to_theirs(store):
    data = reachable_bo()
    data["contacts"].append({"id": "b3", "name": "Ben", "org": "ob", "title": "Engineer"})
    import_bundle(store, data)
    leave(store, "b1", LEFT_ON, "b2", "t")
    leave(store, "b2", LEFT_ON + timedelta(days=1), "b3", "t")
    answer = ask(store, "a1", "b1")
    assert answer.successor is not None and answer.successor.successor.id == "b3"
    assert answer.contact.person.id == "b3"


def test_someone_in_the_way_who_left_names_their_successor(store):
    """Chen left with a successor on record (his duty continued with Bea), but his lines
    were never handed over: the only way still runs through him."""
    data = drop(healthy(), "links", "l1", "l4")
    left_on = ago(5)
    data["contacts"].append({"id": "c1", "name": "Chen", "org": "oc", "status": "left", "since": left_on})
    data["assignments"] += [
        {"id": "xc", "contact": "c1", "responsibility": "r1", "raci": "C", "valid_to": left_on},
        {"id": f"xc@{left_on}", "contact": "b2", "responsibility": "r1", "raci": "C", "valid_from": left_on},
    ]
    data["links"] += [
        {"id": "m1", "source": "a1", "target": "c1", "kind": "communicates", "last_contact": ago(9)},
        {"id": "m2", "source": "c1", "target": "b1", "kind": "communicates", "last_contact": ago(9)},
    ]
    import_bundle(store, data)
    with pytest.raises(PathError) as caught:
        ask(store, "a2", "b1")
    assert "run through Chen, who has left (their successor is Bea)" in str(caught.value)


def test_the_api_answer_keeps_its_fields_and_adds_the_contact(store):
    import_bundle(store, reachable_bo())
    with TestClient(create_app(store)) as client:
        answer = client.get("/api/v1/paths", params={"source": "a2", "target": "b1", "as_of": DAY.isoformat()})
    body = answer.json()
    assert answer.status_code == 200
    assert {"source", "target_kind", "target", "resolved_as", "candidates", "as_of", "paths"} <= body.keys()
    assert body["successor"] is None
    assert set(body["contact"]) == {"person", "title", "organization", "channel", "language", "phones", "emails"}
    assert {"rank", "cost", "reaches", "hops", "summary", "contact"} <= body["paths"][0].keys()
    assert body["paths"][0]["contact"] == body["contact"]


def test_the_api_explains_in_the_asked_language(store):
    import_bundle(store, reachable_bo())
    params = {"source": "a2", "target": "b1", "as_of": DAY.isoformat()}
    with TestClient(create_app(store)) as client:
        body = client.get("/api/v1/paths", params=params, headers={"Accept-Language": "zh-CN"}).json()
    assert body["resolved_as"] == "本人"
    assert body["paths"][0]["hops"][0]["reason"].endswith("最近联系（权重 1）")
    assert body["contact"]["channel"] == "wecom"  # values stay as stored


def test_in_chinese_the_answer_reads_in_chinese(store, settings_of):
    data = reachable_bo()
    import_bundle(store, data)
    leave(store, "b1", LEFT_ON, "b2", "t")
    done = path_command(store, settings_of, "a1", "b1", language="zh-CN")
    assert done.exit_code == 0, done.output
    assert done.output.startswith("Bo已离职，接任人是Bea：请联系Bea\n联系：Bea")
    assert "最近联系" in done.output
    assert english_words(done.output, data_strings(store.export().model_dump(mode="json"))) == [], done.output
