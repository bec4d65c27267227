"""Duplicates you can review and undo, on both stores: suspected pairs already stored
(CLI and HTTP, a scoped key seeing only pairs wholly in its reach), a merge's dry run that
writes nothing, and a merge undone from its audit entry, refused when a moved row changed
since or when it was undone already."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graphsvc.application.importer import import_bundle
from graphsvc.cli.common import EXIT_CONFLICT, EXIT_NOT_FOUND
from graphsvc.domain.bundle import canonical_dict
from graphsvc.domain.keys import Role, issue
from graphsvc.store.base import Store
from graphsvc.web.app import create_app

from samples import key_headers, small


def _seeded() -> dict[str, Any]:
    """The small sample with a second entry of 李娜 (sharing her phone, with her own duty,
    lines, interaction and history) and two suspected pairs outside project p-tower."""
    data = small()
    li = next(c for c in data["contacts"] if c["id"] == "c-li")
    li |= {"phones": ["13900001001"], "language": "zh", "preferred_channel": "wechat"}
    data["contacts"] += [
        {
            "id": "c-li-2",
            "name": "李 娜",
            "org": "o-build",
            "phones": ["+86 139-0000-1001"],
            "emails": ["lina@build.example.cn"],
            "notes": "from the site list",
        },
        {"id": "c-other", "name": "赵六", "phones": ["+86 138 0000 0001"]},  # c-wang's phone
        {"id": "c-free-2", "name": "No  Org", "phones": ["+1 555 0100"], "status": "left"},
    ]
    data["contacts"][3]["phones"] = ["+1 555 0199"]  # c-free: same name, another phone
    data["contacts"][1]["emails"] = ["ann@build.example.cn"]  # c-ann: hidden from an external key, like c-li-2's
    data["contact_history"].append(
        {"id": "c-li-2@2026-01-01", "contact": "c-li-2", "org": "o-old", "valid_to": "2026-01-01"}
    )
    data["assignments"] += [
        {"id": "a-dup", "contact": "c-li-2", "responsibility": "r-approve", "raci": "C"},
        {"id": "a-dup-same", "contact": "c-li-2", "responsibility": "r-site", "raci": "R"},  # c-li holds it
    ]
    data["links"] += [
        {"id": "l-dup", "source": "c-li-2", "target": "c-wang", "kind": "communicates"},
        {"id": "l-li-ann", "source": "c-li", "target": "c-ann", "kind": "communicates", "last_contact": "2026-10-01"},
        {
            "id": "l-dup-ann",
            "source": "c-li-2",
            "target": "c-ann",
            "kind": "communicates",
            "last_contact": "2026-11-05",
        },
        {"id": "l-self", "source": "c-li-2", "target": "c-li", "kind": "backup_for"},
    ]
    data["interactions"].append(
        {
            "id": "i-dup",
            "at": "2026-11-03T09:00:00+08:00",
            "participants": ["c-li-2", "c-wang"],
            "channel": "meeting",
            "project": "p-tower",
        }
    )
    return data


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    """An open server (no keys yet: loopback, anonymous admin) on the seeded store."""
    import_bundle(store, _seeded())
    with TestClient(create_app(store)) as http:
        yield http


@pytest.fixture
def secured(store: Store) -> Iterator[tuple[TestClient, dict[str, dict[str, str]]]]:
    """A server with keys: an admin and a manager of p-tower (the keys exist before it starts)."""
    import_bundle(store, _seeded())
    keys = key_headers(store, [("boss", Role.admin, []), ("site", Role.manager, ["p-tower"])])
    text, record = issue("designer", Role.external, ["p-tower"], "o-design")
    store.save_key(record)
    keys["external"] = {"X-API-Key": text}
    with TestClient(create_app(store)) as http:
        yield http, keys


def cli(settings: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **settings, "GRAPHSVC_LANG": "en", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "graphsvc", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def _pairs(answer: list[dict[str, Any]]) -> dict[tuple[str, str], set[str]]:
    return {(p["first"]["id"], p["second"]["id"]): {r["code"] for r in p["reasons"]} for p in answer}


EXPECTED = {
    ("c-li", "c-li-2"): {"same_name_shared_channel"},
    ("c-other", "c-wang"): {"same_phone_different_names"},
    ("c-free", "c-free-2"): {"same_name_different_phones"},
}


def _export(store: Store) -> dict[str, Any]:
    """Everything stored but the audit trail (``export`` holds no audit)."""
    return canonical_dict(store.export())


# -- review --------------------------------------------------------------------------------


def test_stored_duplicates_are_listed_with_reasons_over_http(client):
    answer = client.get("/api/v1/duplicates")
    assert answer.status_code == 200, answer.text
    assert _pairs(answer.json()) == EXPECTED
    li = next(p for p in answer.json() if p["first"]["id"] == "c-li")
    assert li["second"] == {
        "id": "c-li-2",
        "name": "李 娜",
        "org": "o-build",
        "phones": ["+86 139-0000-1001"],
        "emails": ["lina@build.example.cn"],
        "status": "active",
    }
    assert li["reasons"] == [
        {
            "code": "same_name_shared_channel",
            "text": "the same name and phone/e-mail under two ids (entered twice?)",
            "value": "13900001001",
        }
    ]
    assert li["survivor"] == "c-li"  # both active; c-li says more (title, language, channel)
    free = next(p for p in answer.json() if p["first"]["id"] == "c-free")
    assert free["survivor"] is None  # both left, as much said
    chinese = client.get("/api/v1/duplicates", params={"lang": "zh-CN"}).json()
    assert _pairs(chinese) == EXPECTED
    assert all(
        r["text"] != "the same name and phone/e-mail under two ids (entered twice?)" for r in chinese[0]["reasons"]
    )


def test_a_scoped_key_sees_only_pairs_wholly_in_its_reach(secured):
    client, keys = secured
    seen = client.get("/api/v1/duplicates", headers=keys["manager"])
    assert seen.status_code == 200, seen.text
    assert _pairs(seen.json()) == {("c-li", "c-li-2"): {"same_name_shared_channel"}}
    for outside in ("c-other", "c-free", "c-free-2", "555"):  # c-wang's twin c-other is outside p-tower
        assert outside not in seen.text
    assert client.get("/api/v1/duplicates").status_code == 401
    # an external key sees no one else's phones or e-mails: no pair from them (nor from the
    # redaction marker its view shows in their place)
    external = client.get("/api/v1/duplicates", headers=keys["external"])
    assert external.status_code == 200 and external.json() == []


def test_the_cli_lists_the_same_pairs(client, store, settings_of):
    listed = cli(settings_of(store), "contact", "duplicates", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == client.get("/api/v1/duplicates").json()
    text = cli(settings_of(store), "contact", "duplicates")
    assert text.returncode == 0, text.stderr
    assert "c-li 李娜  <->  c-li-2 李 娜" in text.stdout
    assert "the same phone under different names: 13800000001" in text.stdout
    assert "graphsvc contact merge c-li c-li-2" in text.stdout


# -- dry run -------------------------------------------------------------------------------


def _moves(report: dict[str, Any]) -> dict[str, set[tuple[str, str | None]]]:
    return {
        "moved": {(m["kind"], m["old"]) for m in report["moved"]},
        "skipped": {(m["kind"], m["old"]) for m in report["skipped"]},
    }


MOVES = {
    "moved": {
        ("contact_history", "c-li-2@2026-01-01"),
        ("assignments", "a-dup"),
        ("links", "l-dup"),
        ("interactions", "i-dup"),
    },
    "skipped": {("assignments", "a-dup-same"), ("links", "l-dup-ann"), ("links", "l-self")},
}


def test_a_dry_run_lists_the_moves_and_writes_nothing(client, store, settings_of):
    version, before = store.data_version(), _export(store)
    answer = client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "c-li-2", "dry_run": True})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["dry_run"] is True and report["change"] is None and report["deleted"] == ["c-li-2"]
    assert _moves(report) == MOVES
    fields = {f["field"]: (f["survivor"], f["merged"]) for f in report["fields"]}
    assert fields == {
        "phones": (["13900001001"], ["13900001001", "+86 139-0000-1001"]),  # lists united as written
        "emails": ([], ["lina@build.example.cn"]),
        "notes": ("", "from the site list"),
    }
    assert (store.data_version(), _export(store)) == (version, before)

    done = cli(settings_of(store), "contact", "merge", "c-li", "c-li-2", "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == report
    text = cli(settings_of(store), "contact", "merge", "c-li", "c-li-2", "--dry-run")
    assert "dry run: nothing was written" in text.stdout and "a-dup" in text.stdout
    assert (store.data_version(), _export(store)) == (version, before)


# -- undo ----------------------------------------------------------------------------------


def test_merge_then_unmerge_gives_back_exactly_what_was_stored(client, store):
    before = _export(store)
    merged = client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "c-li-2"})
    assert merged.status_code == 200, merged.text
    change = merged.json()["change"]
    assert _moves(merged.json()) == MOVES and store.read("contacts", ["c-li-2"]) == []
    assert store.read("links", ["l-li-ann"])[0].last_contact.isoformat() == "2026-11-05"
    undone = client.post("/api/v1/contacts/unmerge", json={"change": change})
    assert undone.status_code == 200, undone.text
    assert _export(store) == before
    audit = client.get("/api/v1/audit", params={"entity": "c-li-2", "kind": "contacts"}).json()
    assert [e["operation"] for e in audit][-2:] == ["merge", "unmerge"]
    assert audit[-1]["actor"] == "anonymous" and audit[-1]["after"]["name"] == "李 娜"

    twice = client.post("/api/v1/contacts/unmerge", json={"change": change})
    assert twice.status_code == 409 and "undone already" in twice.json()["detail"]
    assert _export(store) == before

    again = client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "c-li-2"}).json()["change"]
    assert client.post("/api/v1/contacts/unmerge", json={"change": again}).status_code == 200  # a new merge
    assert _export(store) == before


def test_an_unmerge_is_refused_when_a_moved_row_changed_since(client, store):
    change = client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "c-li-2"}).json()["change"]
    assert client.patch("/api/v1/assignments/a-dup", json={"raci": "I"}).status_code == 200
    version, after_edit = store.data_version(), _export(store)
    refused = client.post("/api/v1/contacts/unmerge", json={"change": change})
    assert refused.status_code == 409, refused.text
    assert "a-dup" in refused.json()["detail"] and "changed since the merge" in refused.json()["detail"]
    assert (store.data_version(), _export(store)) == (version, after_edit)


def test_unmerge_from_the_cli_with_its_exit_codes(client, store, settings_of):
    settings = settings_of(store)
    before = _export(store)
    merged = cli(settings, "contact", "merge", "c-li", "c-li-2")
    assert merged.returncode == 0, merged.stderr
    change = merged.stdout.rsplit("graphsvc contact unmerge ", 1)[1].split(")")[0]
    undone = cli(settings, "contact", "unmerge", change)
    assert undone.returncode == 0, undone.stderr
    assert _export(store) == before
    twice = cli(settings, "contact", "unmerge", change)
    assert twice.returncode == EXIT_CONFLICT and "undone already" in twice.stderr
    unknown = cli(settings, "contact", "unmerge", "no-such-change")
    assert unknown.returncode == EXIT_NOT_FOUND and "no-such-change" in unknown.stderr


def test_only_merges_are_undone_and_only_by_an_admin(secured, store):
    client, keys = secured
    patched = client.patch("/api/v1/contacts/c-li", json={"title": "Lead"}, headers=keys["admin"])
    assert patched.status_code == 200
    update = client.get("/api/v1/audit", params={"entity": "c-li"}, headers=keys["admin"]).json()[-1]["change"]
    not_merge = client.post("/api/v1/contacts/unmerge", json={"change": update}, headers=keys["admin"])
    assert not_merge.status_code == 422 and not_merge.json()["problems"][0]["field"] == "change"
    unknown = client.post("/api/v1/contacts/unmerge", json={"change": "nope"}, headers=keys["admin"])
    assert unknown.status_code == 404 and "nope" in unknown.json()["detail"]
    merged = client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "c-li-2"}, headers=keys["admin"]).json()
    scoped = client.post("/api/v1/contacts/unmerge", json={"change": merged["change"]}, headers=keys["manager"])
    assert scoped.status_code == 403 and store.read("contacts", ["c-li-2"]) == []
