"""The HTTP skeleton: health, readiness against the store, OpenAPI docs, bundle schema."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graphsvc.store.neo4j_store import Neo4jStore
from graphsvc.web.app import create_app


def test_health_ready_docs(store):
    with TestClient(create_app(store)) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        assert client.get("/readyz").json() == {"status": "ready", "store": store.name}
        assert client.get("/docs").status_code == 200
        assert "/readyz" in client.get("/openapi.json").json()["paths"]
        assert "contacts" in client.get("/api/v1/schema/bundle").json()["properties"]


def test_not_ready_when_neo4j_is_down():
    store = Neo4jStore("bolt://127.0.0.1:1")
    try:
        with TestClient(create_app(store)) as client:
            assert client.get("/healthz").status_code == 200
            response = client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["status"] == "unavailable" and "127.0.0.1:1" in response.json()["detail"]
    finally:
        store.close()


def test_query_endpoints(store):
    from graphsvc.application.demo import demo_data
    from graphsvc.application.importer import import_bundle

    import_bundle(store, demo_data())
    with TestClient(create_app(store)) as client:
        report = client.get("/api/v1/projects/sw-fieldops-3/findings", params={"as_of": "2026-11-22"})
        assert report.status_code == 200 and report.json()["counts"]["critical"] == 2
        staged = client.get(
            "/api/v1/projects/sw-fieldops-3/findings", params={"as_of": "2026-11-22", "stage": "sw-stage-testing"}
        ).json()
        assert staged["stage"]["id"] == "sw-stage-testing"
        portfolio = client.get("/api/v1/portfolio/findings", params={"as_of": "2026-11-22", "stale_days": 30})
        assert portfolio.status_code == 200 and len(portfolio.json()["projects"]) == 2
        paths = client.get(
            "/api/v1/paths", params={"source": "c-wang-jianguo", "target": "c-guo-rui", "k": 2, "as_of": "2026-11-22"}
        )
        assert paths.status_code == 200 and paths.json()["paths"][0]["summary"] == "王建国 → 陈晓燕 → 郭锐"
        spec = client.get("/openapi.json").json()["paths"]
        assert {"/api/v1/projects/{project_id}/findings", "/api/v1/portfolio/findings", "/api/v1/paths"} <= set(spec)


def test_query_errors_name_the_problem(embedded_store):
    from graphsvc.application.demo import demo_data
    from graphsvc.application.importer import import_bundle

    import_bundle(embedded_store, demo_data())
    with TestClient(create_app(embedded_store)) as client:
        missing = client.get("/api/v1/projects/nope/findings").json()
        assert (missing["detail"], missing["code"]) == ("no project 'nope'", "not_found")
        bad_day = client.get("/api/v1/projects/sw-fieldops-3/findings", params={"as_of": "soon"})
        assert bad_day.status_code == 422 and bad_day.json()["problems"][0]["location"] == "query"
        assert bad_day.json()["problems"][0]["field"] == "as_of" and "as_of" in bad_day.json()["detail"]
        bad_k = client.get("/api/v1/paths", params={"source": "c-wang-jianguo", "target": "c-guo-rui", "k": 99})
        assert bad_k.status_code == 422 and [(p["location"], p["field"]) for p in bad_k.json()["problems"]] == [
            ("query", "k")
        ]
        unknown = client.get("/api/v1/paths", params={"source": "zz", "target": "c-guo-rui"})
        assert unknown.status_code == 404 and "unknown contact 'zz'" in unknown.json()["detail"]
        gone = client.get(
            "/api/v1/paths", params={"source": "c-wang-jianguo", "target": "c-tom-becker", "as_of": "2026-11-22"}
        )
        assert gone.status_code == 422 and "Tom Becker has left" in gone.json()["detail"]
