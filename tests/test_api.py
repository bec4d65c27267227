"""The REST API as a client uses it: CRUD with paging and filters, errors in one shape,
cascades, lifecycle operations, audit, import/export, on both stores; and the CLI twins."""

from __future__ import annotations

import json
from datetime import date

import pytest
from fastapi.testclient import TestClient
from test_cli import run, write_json

from graphsvc.domain.bundle import canonical_dict
from graphsvc.web.app import create_app

from samples import small


@pytest.fixture
def client(store):
    with TestClient(create_app(store)) as http:
        assert http.post("/api/v1/import", json=small()).status_code == 200
        yield http


def test_crud_round_trip(client, store):
    row = {"id": "c-new", "name": "Zhou Min", "org": "o-design", "phones": ["+86 1"], "tags": ["new"]}
    created = client.post("/api/v1/contacts", json=row)
    assert created.status_code == 201 and created.json()["name"] == "Zhou Min"
    assert client.get("/api/v1/contacts/c-new").json() == created.json()
    replaced = client.put("/api/v1/contacts/c-new", json={"id": "c-new", "name": "周敏"})
    assert replaced.json()["phones"] == [] and replaced.json()["org"] is None  # PUT replaces the whole row
    patched = client.patch("/api/v1/contacts/c-new", json={"title": "Planner"})
    assert (patched.json()["name"], patched.json()["title"]) == ("周敏", "Planner")
    gone = client.delete("/api/v1/contacts/c-new").json()
    assert gone == {"deleted": {"contacts": ["c-new"], "contact_history": [f"c-new@{date.today()}"]}, "updated": {}}
    assert client.get("/api/v1/contacts/c-new").status_code == 404
    history = client.get("/api/v1/contacts/c-new/history").json()
    assert [e["operation"] for e in history] == ["create", "update", "update", "delete"]
    assert history[-1]["before"]["title"] == "Planner" and history[-1]["after"] is None


def test_paging_and_filters(client):
    page = client.get("/api/v1/contacts", params={"limit": 2, "offset": 1}).json()
    assert (page["total"], page["offset"], page["limit"]) == (4, 1, 2)
    assert [c["id"] for c in page["items"]] == ["c-free", "c-li"]
    assert [c["id"] for c in client.get("/api/v1/contacts", params={"org": "o-build"}).json()["items"]] == [
        "c-ann",
        "c-li",
    ]
    assert [c["id"] for c in client.get("/api/v1/contacts", params={"status": "left"}).json()["items"]] == ["c-free"]
    assert [c["id"] for c in client.get("/api/v1/contacts", params={"tag": "key"}).json()["items"]] == ["c-wang"]
    assert [c["id"] for c in client.get("/api/v1/contacts", params={"q": "王"}).json()["items"]] == ["c-wang"]
    assert [c["id"] for c in client.get("/api/v1/contacts", params={"stage": "s-build"}).json()["items"]] == [
        "c-ann",
        "c-li",
    ]
    in_project = client.get("/api/v1/contacts", params={"project": "p-tower"}).json()["items"]
    assert {c["id"] for c in in_project} == {"c-ann", "c-li", "c-wang"}
    assert [a["id"] for a in client.get("/api/v1/assignments", params={"raci": "R"}).json()["items"]] == ["a-3"]
    assert [s["id"] for s in client.get("/api/v1/stages", params={"status": "active"}).json()["items"]] == ["s-build"]
    assert [link["id"] for link in client.get("/api/v1/links", params={"contact": "c-wang"}).json()["items"]] == ["l-1"]
    wrong = client.get("/api/v1/organizations", params={"raci": "A"})
    assert wrong.status_code == 422 and wrong.json()["problems"][0]["field"] == "raci"
    assert client.get("/api/v1/contacts", params={"project": "p-none"}).status_code == 404
    assert client.get("/api/v1/contacts", params={"limit": 0}).json()["problems"][0]["field"] == "limit"


def test_errors_share_one_shape(client, store):
    before = canonical_dict(store.export())
    responses = {
        404: client.get("/api/v1/stages/s-none"),
        409: client.post("/api/v1/organizations", json={"id": "o-build", "name": "dup"}),
        422: client.post(
            "/api/v1/assignments", json={"id": "a-9", "contact": "c-none", "responsibility": "r-site", "raci": "A"}
        ),
    }
    for status, response in responses.items():
        body = response.json()
        assert response.status_code == status and set(body) == {"detail", "code", "problems", "nearest", "candidates"}
    assert "c-none" in responses[422].json()["detail"]
    assert responses[422].json()["problems"][0]["field"] == "contact"
    bad_type = client.post("/api/v1/stages", json={"id": "s-9", "project": "p-tower", "name": "x", "order": "first"})
    assert bad_type.status_code == 422 and bad_type.json()["problems"][0]["field"] == "order"
    assert (
        client.put("/api/v1/organizations/o-old", json={"id": "o-other", "name": "x"}).json()["problems"][0]["field"]
        == "id"
    )
    assert canonical_dict(store.export()) == before


def test_delete_conflict_then_cascade(client, store):
    refused = client.delete("/api/v1/projects/p-tower")
    assert refused.status_code == 409 and "cascade" in refused.json()["detail"]
    done = client.delete("/api/v1/projects/p-tower", params={"cascade": True}).json()
    assert done["deleted"]["stages"] == ["s-accept", "s-build", "s-design"]
    assert done["updated"] == {"interactions": ["i-1"]}
    assert store.read("interactions", ["i-1"])[0].project is None
    from graphsvc.application.consistency import check

    assert check(store) == []


def test_leave_hands_over_with_history(client, store):
    report = client.post("/api/v1/contacts/c-ann/leave", json={"on": "2026-11-20", "successor": "c-wang"})
    assert report.status_code == 200, report.text
    moved = {(m["kind"], m["old"]): m["new"] for m in report.json()["moved"]}
    assert moved[("assignments", "a-2")] == "a-2@2026-11-20"
    assert moved[("links", "l-2")] == "l-2@2026-11-20"  # c-li now reports to c-wang
    assert store.read("assignments", ["a-2"])[0].valid_to.isoformat() == "2026-11-20"
    new = store.read("assignments", ["a-2@2026-11-20"])[0]
    assert (new.contact, new.raci, new.valid_to.isoformat()) == ("c-wang", "A", "2026-12-31")
    ann = store.read("contacts", ["c-ann"])[0]
    assert (ann.status, ann.since.isoformat()) == ("left", "2026-11-20")
    assert store.read("contact_history", ["c-ann@2026-11-20"])[0].status == "on_leave"
    again = client.post("/api/v1/contacts/c-ann/leave", json={"on": "2026-11-21"})
    assert again.status_code == 409
    bad = client.post("/api/v1/contacts/c-li/leave", json={"on": "2026-11-21", "successor": "c-none"})
    assert bad.status_code == 422 and bad.json()["problems"][0]["field"] == "successor"


def test_merge_and_move(client, store):
    client.post("/api/v1/contacts", json={"id": "c-li-2", "name": "李娜", "phones": ["+86 2"], "emails": ["li@x.cn"]})
    client.post("/api/v1/links", json={"id": "l-dup", "source": "c-li-2", "target": "c-wang", "kind": "communicates"})
    report = client.post("/api/v1/contacts/c-li/merge", json={"duplicate": "c-li-2"})
    assert report.status_code == 200 and report.json()["deleted"] == ["c-li-2"]
    li = store.read("contacts", ["c-li"])[0]
    assert li.phones == ["+86 2"] and li.emails == ["li@x.cn"]
    assert store.read("links", ["l-dup"])[0].source == "c-li"
    assert store.read("contacts", ["c-li-2"]) == []
    moved = client.post(
        "/api/v1/contacts/c-li/move", json={"on": "2026-11-01", "org": "o-design", "title": "Architect"}
    )
    assert moved.status_code == 200 and moved.json()["org"] == "o-design"
    assert store.read("contact_history", ["c-li@2026-11-01"])[0].org == "o-build"
    audit = client.get("/api/v1/audit", params={"entity": "c-li", "kind": "contacts"}).json()
    assert [e["operation"] for e in audit][-2:] == ["merge", "move"]


def test_import_export_over_http(client, store):
    exported = client.get("/api/v1/export").json()
    assert exported == canonical_dict(store.export())
    bad = client.post("/api/v1/import", json={"contacts": [{"id": "x", "name": ""}]})
    assert bad.status_code == 422 and bad.json()["problems"][0] == {
        "location": "contacts",
        "row": 0,
        "field": "name",
        "reason": bad.json()["problems"][0]["reason"],
    }
    assert client.get("/api/v1/export").json() == exported
    assert client.get("/api/v1/audit", params={"kind": "nope"}).status_code == 422


def test_openapi_has_examples_and_error_models(client):
    spec = client.get("/openapi.json").json()
    post = spec["paths"]["/api/v1/contacts"]["post"]
    assert post["requestBody"]["content"]["application/json"]["examples"]["example"]["value"]["id"]
    assert {"401", "403", "409", "422"} <= set(post["responses"])
    for kind in (
        "organizations",
        "contacts",
        "projects",
        "stages",
        "responsibilities",
        "assignments",
        "links",
        "interactions",
    ):
        assert {"get", "post"} <= set(spec["paths"][f"/api/v1/{kind}"])
        assert {"get", "put", "patch", "delete"} <= set(spec["paths"][f"/api/v1/{kind}/{{entity_id}}"])


# -- CLI twins ----------------------------------------------------------------------------


def test_cli_keys_audit_lifecycle(tmp_path):
    assert run(tmp_path, "import", str(write_json(tmp_path / "b.json", small()))).returncode == 0
    created = run(tmp_path, "keys", "create", "--name", "ops", "--role", "manager", "--project", "p-tower")
    assert created.returncode == 0 and created.stdout.startswith("gsk_")
    assert run(tmp_path, "keys", "create", "--name", "ops", "--role", "pmo").returncode == 2  # name taken
    assert run(tmp_path, "keys", "create", "--name", "x", "--role", "member").returncode == 2  # no project
    assert run(tmp_path, "keys", "create", "--name", "y", "--role", "member", "--project", "p-no").returncode == 4
    listed = json.loads(run(tmp_path, "keys", "list", "--json").stdout)
    assert [k["name"] for k in listed] == ["ops"] and "secret_hash" not in listed[0]
    assert created.stdout.strip().split("_", 2)[2] not in (tmp_path / "data").joinpath(
        "graphsvc.sqlite3"
    ).read_bytes().decode("latin-1")
    left = run(tmp_path, "contact", "leave", "c-ann", "--on", "2026-11-20", "--successor", "c-li", "--json")
    assert left.returncode == 0, left.stderr
    assert any(m["old"] == "a-2" for m in json.loads(left.stdout)["moved"])
    assert run(tmp_path, "contact", "leave", "c-ann", "--on", "2026-11-21").returncode == 6
    assert run(tmp_path, "contact", "move", "c-li", "--on", "2026-11-21").returncode == 2
    assert run(tmp_path, "contact", "merge", "c-li", "c-none").returncode == 2
    audit = json.loads(run(tmp_path, "audit", "--entity", "c-ann", "--json").stdout)
    assert [e["operation"] for e in audit] == ["leave", "import"] and audit[0]["actor"].startswith(
        "cli"
    )  # newest first
    assert run(tmp_path, "db", "check").returncode == 0
    assert run(tmp_path, "keys", "revoke", listed[0]["id"]).returncode == 0
    assert run(tmp_path, "keys", "revoke", listed[0]["id"]).returncode == 4


def test_cached_answers_follow_writes(client):
    """Findings and maps are kept per data version: a write must show in the next answer."""
    first = client.get("/api/v1/projects/p-tower/findings").json()
    assert client.get("/api/v1/projects/p-tower/findings").json() == first
    graph = client.get("/api/v1/projects/p-tower/graph", params={"stage": "s-build"}).json()
    client.delete("/api/v1/assignments/a-3")
    after = client.get("/api/v1/projects/p-tower/findings").json()
    assert after != first
    assert "NO_RESPONSIBLE" in {f["code"] for f in after["findings"]} - {f["code"] for f in first["findings"]}
    assert client.get("/api/v1/projects/p-tower/graph", params={"stage": "s-build"}).json() != graph
    listed = client.get("/api/v1/organizations").json()["total"]
    client.post("/api/v1/organizations", json={"id": "o-late", "name": "Late Co"})
    assert client.get("/api/v1/organizations").json()["total"] == listed + 1


def test_every_model_example_is_a_valid_row(client):
    from graphsvc.domain.model import KINDS

    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    for kind, model in KINDS.items():
        examples = model.model_json_schema()["examples"]
        if kind != "contact_history":  # served through contacts, not a resource of its own
            assert schemas[model.__name__]["examples"] == examples
        assert examples and all(model.model_validate(example) for example in examples)
