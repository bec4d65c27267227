"""Export from one store, import into an empty store of the other kind, export again."""

from __future__ import annotations

from datetime import date

import pytest

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.domain.bundle import canonical_dict, dump_bundle

from samples import small

pytestmark = pytest.mark.neo4j
TODAY = date(2026, 11, 22)


@pytest.mark.parametrize("data", [small, demo_data], ids=["small", "demo"])
@pytest.mark.parametrize("first", ["embedded", "neo4j"])
def test_round_trip_between_stores(request, data, first):
    second = "neo4j" if first == "embedded" else "embedded"
    source = request.getfixturevalue(f"{first}_store")
    target = request.getfixturevalue(f"{second}_store")
    import_bundle(source, data(), today=TODAY)
    exported = dump_bundle(source.export())
    import_bundle(target, canonical_dict(source.export()), today=TODAY)
    assert dump_bundle(target.export()) == exported


def _next_pairs_neo4j(store) -> list[tuple[str, str]]:
    records, _, _ = store.driver.execute_query(
        "MATCH (a:Stage)-[:NEXT]->(b:Stage) RETURN a.id AS a, b.id AS b ORDER BY a", database_=store.database
    )
    return [(r["a"], r["b"]) for r in records]


def _next_pairs_embedded(store) -> list[tuple[str, str]]:
    return sorted((u[1], v[1]) for u, v, key in store.graph.edges(keys=True) if key[0] == "NEXT")


def test_stage_order_is_derived_the_same_way(embedded_store, neo4j_store):
    moves = [
        small(),
        {"stages": [{"id": "s-accept", "project": "p-tower", "name": "Acceptance", "order": 0}]},
        {
            "projects": [{"id": "p-2", "name": "Other"}],
            "stages": [{"id": "s-build", "project": "p-2", "name": "Build", "order": 1}],
        },
    ]
    expected = [
        [("s-build", "s-accept"), ("s-design", "s-build")],
        [("s-accept", "s-design"), ("s-design", "s-build")],
        [("s-accept", "s-design")],
    ]
    for bundle, pairs in zip(moves, expected):
        import_bundle(embedded_store, bundle, today=TODAY)
        import_bundle(neo4j_store, bundle, today=TODAY)
        assert _next_pairs_embedded(embedded_store) == pairs
        assert _next_pairs_neo4j(neo4j_store) == pairs
