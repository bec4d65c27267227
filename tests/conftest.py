"""Fixtures: a real Neo4j server for the session, and every store test on both stores.

Neo4j is started by ``neo4j_server.start_neo4j`` (neo4j-harness through Maven) unless
``NEO4J_URI`` points at a running server. If it cannot start, the Neo4j tests fail: they are
never skipped.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from graphsvc.store.embedded import EmbeddedStore
from graphsvc.store.neo4j_store import Neo4jStore

from neo4j_server import start_neo4j


@pytest.fixture(scope="session")
def neo4j_uri() -> Iterator[str]:
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    server = start_neo4j()
    try:
        yield server.uri
    finally:
        server.stop()


def make_neo4j_store(uri: str) -> Neo4jStore:
    return Neo4jStore(
        uri,
        user=os.environ.get("NEO4J_USER", "neo4j"),
        password=os.environ.get("NEO4J_PASSWORD", ""),
        database=os.environ.get("NEO4J_DATABASE", "neo4j"),
    )


@pytest.fixture(scope="session")
def _neo4j_shared(neo4j_uri: str) -> Iterator[Neo4jStore]:
    store = make_neo4j_store(neo4j_uri)
    store.init_schema()
    yield store
    store.close()


@pytest.fixture
def neo4j_store(_neo4j_shared: Neo4jStore) -> Neo4jStore:
    """The session's Neo4j store, emptied for this test."""
    _neo4j_shared.clear()
    return _neo4j_shared


@pytest.fixture
def embedded_store(tmp_path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(tmp_path / "graphsvc.sqlite3")
    yield store
    store.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    """Each test that takes ``store`` runs once per store: the conformance suite."""
    return request.getfixturevalue(f"{request.param}_store")


def pytest_sessionfinish(session, exitstatus):
    """Under CI nothing may be skipped: a skipped Neo4j or browser test is a failure."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") and skipped and exitstatus == 0:
        reporter.write_line(f"CI: {skipped} test(s) were skipped; every test must run", red=True)
        session.exitstatus = 1
