"""The tests never clear a database they did not write: ``claim_for_tests`` refuses one
holding nodes without the tests' marker, and accepts an empty or marked one."""

from __future__ import annotations

import pytest

from graphsvc.application.importer import import_bundle

from neo4j_server import TEST_MARKER, RefusedDatabase, claim_for_tests
from samples import small


def _markers(store) -> int:
    records, _, _ = store.driver.execute_query(
        f"MATCH (n:{TEST_MARKER}) RETURN count(n) AS n", database_=store.database
    )
    return records[0]["n"]


@pytest.mark.neo4j
def test_a_database_with_somebody_elses_nodes_is_refused(neo4j_store):
    import_bundle(neo4j_store, small())  # written without the marker: as a user's data would be
    before = neo4j_store.counts()
    with pytest.raises(RefusedDatabase, match="GRAPHSVC_TEST_NEO4J_URI"):
        claim_for_tests(neo4j_store.driver, neo4j_store.database)
    assert neo4j_store.counts() == before and _markers(neo4j_store) == 0


@pytest.mark.neo4j
def test_an_empty_or_marked_database_is_claimed(neo4j_store):
    claim_for_tests(neo4j_store.driver, neo4j_store.database)
    assert _markers(neo4j_store) == 1
    import_bundle(neo4j_store, small())
    claim_for_tests(neo4j_store.driver, neo4j_store.database)  # marked by an earlier session
    assert _markers(neo4j_store) == 1
