"""HTTP as a client expects it: 405 names the allowed methods, each list operation
documents exactly the filters it takes, and the API documents need a key where the API
does. Served as on a non-loopback address, with keys stored in the store (both stores)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.domain.keys import Role, issue
from graphsvc.web.app import create_app

PD = "pd-yunting-complex"
PD_STAGE = "pd-stage-construction"

#: the filters each kind's list takes, as the README documents them
EXPECTED_FILTERS = {
    "organizations": {"q", "kind", "tag", "project"},
    "contacts": {"q", "org", "status", "tag", "project", "stage"},
    "projects": {"q", "org"},
    "stages": {"q", "project", "status"},
    "responsibilities": {"q", "project", "stage"},
    "assignments": {"project", "stage", "contact", "raci"},
    "links": {"project", "contact", "kind"},
    "interactions": {"q", "project", "contact"},
}
ALL_FILTERS = {"q", "org", "project", "stage", "status", "tag", "contact", "kind", "raci"}
#: a value for each filter that the demo data can answer (ids that exist)
VALUES = {"project": PD, "stage": PD_STAGE, "q": "a", "raci": "A", "status": "active"}


@pytest.fixture
def served(store):
    import_bundle(store, demo_data())
    text, record = issue("root", Role.admin, [], None)
    store.save_key(record)
    with TestClient(create_app(store, host="0.0.0.0")) as client:
        yield client, {"X-API-Key": text}


def test_405_lists_the_methods_the_path_supports(served):
    client, key = served
    cases = {
        ("DELETE", "/api/v1/contacts"): "GET, POST",
        ("PUT", "/api/v1/contacts"): "GET, POST",
        ("POST", "/api/v1/contacts/c-any"): "GET, PUT, PATCH, DELETE",
        ("POST", "/healthz"): "GET",
        ("DELETE", "/api/v1/export"): "GET",
    }
    for (method, path), allowed in cases.items():
        response = client.request(method, path, headers=key)
        assert response.status_code == 405, (method, path)
        assert response.headers.get("Allow") == allowed, (method, path, response.headers.get("Allow"))
        assert response.json()["code"] == "invalid"


def test_each_list_documents_exactly_the_filters_it_accepts(served):
    client, key = served
    spec = client.get("/openapi.json", headers=key).json()
    for segment, filters in EXPECTED_FILTERS.items():
        operation = spec["paths"][f"/api/v1/{segment}"]["get"]
        documented = {p["name"] for p in operation["parameters"] if p["in"] == "query"}
        assert documented == {"offset", "limit"} | filters, segment
        assert all(p.get("description") for p in operation["parameters"] if p["name"] in filters), segment
        for name in sorted(filters):
            response = client.get(f"/api/v1/{segment}", headers=key, params={name: VALUES.get(name, "x")})
            assert response.status_code == 200, (segment, name, response.text)
        for name in sorted(ALL_FILTERS - filters) + ["no_such_filter"]:
            response = client.get(f"/api/v1/{segment}", headers=key, params={name: VALUES.get(name, "x")})
            assert response.status_code == 422, (segment, name)
            problem = response.json()["problems"][0]
            assert (problem["location"], problem["field"]) == ("query", name)
            assert f"does not filter {segment}" in problem["reason"]


def test_api_documents_need_a_key_off_loopback(served):
    client, key = served
    document = client.get("/openapi.json")
    assert document.status_code == 401 and document.json()["code"] == "unauthenticated"
    assert "paths" not in document.text
    for page in ("/docs", "/redoc"):
        response = client.get(page, follow_redirects=False)
        assert response.status_code == 303 and response.headers["Location"].startswith("/signin?next="), page
        assert client.get(page, headers=key).status_code == 200
    assert client.get("/openapi.json", headers={"X-API-Key": "gsk_nope_nope"}).status_code == 401
    assert "/api/v1/contacts" in client.get("/openapi.json", headers=key).json()["paths"]
    assert client.get("/openapi.json", headers={"Authorization": f"Bearer {key['X-API-Key']}"}).status_code == 200


def test_api_documents_stay_open_when_authentication_is_off(embedded_store):
    with TestClient(create_app(embedded_store, host="127.0.0.1")) as client:
        for path in ("/openapi.json", "/docs", "/redoc"):
            assert client.get(path).status_code == 200, path
