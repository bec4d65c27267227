"""Smoke test: a real Neo4j 5.26 Community server (neo4j-harness) via the Python driver."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from neo4j import GraphDatabase
from neo4j.exceptions import ConstraintError

from neo4j_server import start_neo4j


@pytest.fixture(scope="module")
def neo4j_uri():
    server = start_neo4j()
    try:
        yield server.uri
    finally:
        server.stop()


def test_real_neo4j_server(neo4j_uri):
    with GraphDatabase.driver(neo4j_uri, auth=None) as driver:
        driver.verify_connectivity()
        records, _, _ = driver.execute_query("RETURN 1 AS x", database_="neo4j")
        assert records[0]["x"] == 1

        driver.execute_query(
            "CREATE CONSTRAINT test_u IF NOT EXISTS FOR (n:T) REQUIRE n.id IS UNIQUE",
            database_="neo4j",
        )
        driver.execute_query("CREATE (:T {id: 1})", database_="neo4j")
        with pytest.raises(ConstraintError):
            driver.execute_query("CREATE (:T {id: 1})", database_="neo4j")
        records, _, _ = driver.execute_query("MATCH (n:T) RETURN count(n) AS c", database_="neo4j")
        assert records[0]["c"] == 1


def test_relationship_uniqueness_constraint(neo4j_uri):
    """Neo4j 5.7+ Community supports relationship property uniqueness constraints."""
    with GraphDatabase.driver(neo4j_uri, auth=None) as driver:
        driver.execute_query(
            "CREATE CONSTRAINT rel_u IF NOT EXISTS FOR ()-[r:ASSIGNED]-() REQUIRE r.id IS UNIQUE",
            database_="neo4j",
        )
        driver.execute_query("CREATE (:A)-[:ASSIGNED {id: 'x'}]->(:B)", database_="neo4j")
        with pytest.raises(ConstraintError):
            driver.execute_query("CREATE (:A)-[:ASSIGNED {id: 'x'}]->(:B)", database_="neo4j")
