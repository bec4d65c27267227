"""Each role tries what it must not do and gets 401/403/404 with nothing leaked; and what
it may do works. Demo data: two projects, keys made as `graphsvc keys create` makes them."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from graphsvc.application import access as auth
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.web.app import create_app

PD, SW = "pd-yunting-complex", "sw-fieldops-3"
PD_ORG = "org-bafang-construction"  # the external key's own organisation
OWN = "c-zhao-zhiqiang"  # works at PD_ORG
OTHER = "c-sun-hao"  # client side: their phone is not the external's to see
OTHER_PHONE = "+86 139 0000 1001"
SW_ONLY_NAME = "Sarah Kim"  # someone only in the software project


@pytest.fixture(scope="module")
def setup():
    store = EmbeddedStore()
    import_bundle(store, demo_data())
    assert store.read("contacts", [OWN])[0].org == PD_ORG
    keys = {}
    for name, role, projects, org in [
        ("root", Role.admin, [], None),
        ("pmo desk", Role.pmo, [], None),
        ("pd manager", Role.manager, [PD], None),
        ("sw member", Role.member, [SW], None),
        ("gc external", Role.external, [PD], PD_ORG),
    ]:
        text, record = issue(name, role, projects, org)
        store.save_key(record)
        keys[role] = text
    with TestClient(create_app(store)) as client:
        yield client, keys, store
    store.close()


def as_role(keys, role):
    return {"Authorization": f"Bearer {keys[role]}"}


def test_no_key_or_bad_key_is_401_once_keys_exist(setup):
    client, keys, _ = setup
    for headers in (
        {},
        {"X-API-Key": "gsk_nope_nope"},
        {"X-API-Key": keys[Role.admin] + "x"},
        {"Authorization": "Bearer junk"},
    ):
        response = client.get("/api/v1/contacts", headers=headers)
        assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert OTHER_PHONE not in response.text
    assert client.get("/healthz").status_code == 200  # probes stay open
    assert client.get("/api/v1/contacts", headers={"X-API-Key": keys[Role.admin]}).status_code == 200


def test_member_reads_only_their_project(setup):
    client, keys, _ = setup
    h = as_role(keys, Role.member)
    projects = client.get("/api/v1/projects", headers=h).json()
    assert [p["id"] for p in projects["items"]] == [SW]
    for url in (
        f"/api/v1/projects/{PD}",
        f"/api/v1/projects/{PD}/findings",
        f"/api/v1/projects/{PD}/graph",
        f"/projects/{PD}/map",
        f"/api/v1/projects/{PD}/handover.zip",
        f"/api/v1/contacts/{OTHER}",
        f"/api/v1/projects/{PD}/reminders",
    ):
        response = client.get(url, headers=h)
        assert response.status_code == 404, url
        assert OTHER_PHONE not in response.text and "孙浩" not in response.text
    contacts = client.get("/api/v1/contacts", headers=h, params={"limit": 500}).json()["items"]
    assert SW_ONLY_NAME in {c["name"] for c in contacts} and "孙浩" not in {c["name"] for c in contacts}
    portfolio = client.get("/api/v1/portfolio/findings", headers=h).json()
    assert [
        p["project"]["id"] if isinstance(p.get("project"), dict) else p.get("id") for p in portfolio["projects"]
    ] == [SW]
    index = client.get("/", headers=h)
    assert index.status_code == 200 and SW in index.text and PD not in index.text
    export = client.get("/api/v1/export", headers=h).json()
    assert [p["id"] for p in export["projects"]] == [SW]


def test_read_only_roles_cannot_write(setup):
    client, keys, store = setup
    before = store.data_version()
    for role in (Role.pmo, Role.member, Role.external):
        h = as_role(keys, role)
        attempts = [
            client.post("/api/v1/organizations", headers=h, json={"id": "o-x", "name": "X"}),
            client.patch(f"/api/v1/contacts/{OWN}", headers=h, json={"title": "boss"}),
            client.delete(f"/api/v1/contacts/{OWN}", headers=h),
            client.post(f"/api/v1/contacts/{OWN}/leave", headers=h, json={"on": "2026-12-01"}),
            client.post("/api/v1/import", headers=h, json={"organizations": []}),
        ]
        for response in attempts:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["code"] == "forbidden"
    assert store.data_version() == before


def test_external_sees_other_organisations_redacted(setup):
    client, keys, _ = setup
    h = as_role(keys, Role.external)
    other = client.get(f"/api/v1/contacts/{OTHER}", headers=h).json()
    assert other["phones"] == [auth.REDACTED] and other["emails"] == [auth.REDACTED]
    own = client.get(f"/api/v1/contacts/{OWN}", headers=h).json()
    assert own["phones"] and auth.REDACTED not in own["phones"]
    for url in (
        f"/api/v1/contacts?project={PD}&limit=500",
        f"/api/v1/projects/{PD}/graph?stage=all",
        f"/projects/{PD}/map",
        "/api/v1/export",
    ):
        response = client.get(url, headers=h)
        assert response.status_code == 200, url
        assert OTHER_PHONE not in response.text, url
    handover = client.get(f"/api/v1/projects/{PD}/handover.zip", headers=h)
    assert handover.status_code == 200
    with zipfile.ZipFile(io.BytesIO(handover.content)) as package:
        for name in package.namelist():
            assert OTHER_PHONE.encode() not in package.read(name), name
    assert client.get(f"/api/v1/projects/{SW}/findings", headers=h).status_code == 404
    assert client.get("/api/v1/audit", headers=h).status_code == 403


def test_manager_writes_only_their_projects(setup):
    client, keys, store = setup
    h = as_role(keys, Role.manager)
    pd_stage = next(s for s in store.read("stages") if s.project == PD)
    sw_stage = next(s for s in store.read("stages") if s.project == SW)
    ok = client.patch(f"/api/v1/stages/{pd_stage.id}", headers=h, json={"name": pd_stage.name + " (rev)"})
    assert ok.status_code == 200
    assert client.patch(f"/api/v1/stages/{sw_stage.id}", headers=h, json={"name": "x"}).status_code == 404
    moved = client.patch(f"/api/v1/stages/{pd_stage.id}", headers=h, json={"project": SW})
    # another project is, to this key, a project that does not exist
    assert moved.status_code == 422 and store.read("stages", [pd_stage.id])[0].project == PD
    assert client.post("/api/v1/projects", headers=h, json={"id": "p-new", "name": "New"}).status_code == 403
    assert client.get("/api/v1/audit", headers=h).status_code == 403
    assert client.post("/api/v1/import", headers=h, json={}).status_code == 403
    [entry] = client.get(f"/api/v1/stages/{pd_stage.id}/history", headers=as_role(keys, Role.pmo)).json()[-1:]
    assert entry["actor"] == "pd manager" and entry["after"]["name"].endswith("(rev)")


def test_pmo_reads_everything_and_the_audit(setup):
    client, keys, _ = setup
    h = as_role(keys, Role.pmo)
    assert len(client.get("/api/v1/projects", headers=h).json()["items"]) == 2
    assert client.get(f"/api/v1/contacts/{OTHER}", headers=h).json()["phones"] == [OTHER_PHONE]
    assert client.get("/api/v1/audit", headers=h, params={"limit": 5}).status_code == 200


def test_revoked_key_stops_working(setup, monkeypatch):
    client, keys, store = setup
    monkeypatch.setattr(auth, "KEY_CACHE_SECONDS", 0.0)
    text, record = issue("temp", Role.pmo, [], None)
    store.save_key(record)
    assert client.get("/api/v1/projects", headers={"X-API-Key": text}).status_code == 200
    store.delete_key(record.id)
    assert client.get("/api/v1/projects", headers={"X-API-Key": text}).status_code == 401


def test_no_keys_means_open_only_on_loopback():
    store = EmbeddedStore()
    with TestClient(create_app(store, host="127.0.0.1")) as client:
        assert client.get("/api/v1/projects").status_code == 200
    with TestClient(create_app(store, host="0.0.0.0")) as client:
        assert client.get("/api/v1/projects").status_code == 401
        assert client.get("/readyz").status_code == 200


def test_scoped_portfolio_on_both_stores(store):
    """The portfolio scan through a member's view: their project only, on either store
    (the Neo4j scan answers duty checks in Cypher; the view keeps only what is in reach)."""
    import_bundle(store, demo_data())
    text, record = issue("sw reader", Role.member, [SW], None)
    store.save_key(record)
    with TestClient(create_app(store)) as client:
        report = client.get("/api/v1/portfolio/findings", headers={"X-API-Key": text})
        assert report.status_code == 200
        assert [p["project"]["id"] for p in report.json()["projects"]] == [SW]
        assert {f["project"]["id"] for f in report.json()["findings"]} == {SW}
