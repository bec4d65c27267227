"""The HTTP skeleton: health, readiness against the store, OpenAPI docs, bundle schema."""

from __future__ import annotations

from fastapi.testclient import TestClient

from graphsvc.service import create_app
from graphsvc.store.neo4j_store import Neo4jStore


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
