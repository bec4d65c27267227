"""Graph algorithms on real organisational networks, checked against igraph.

The three published networks in tests/data (Krackhardt's high-tech managers, Lazega's
law firm, SNAP email-Eu-core) go through the project's own import path into a store; the
working communication graph of the project is then compared with an independent oracle
(python-igraph, built straight from the CSV files by ``realdata.igraph_of``):
articulation points (single points of failure), bridges, and shortest who-to-contact
path lengths must agree. The facts stated in tests/data/README.md (checked there with
networkx and igraph) are asserted as ground truth of their own.

Krackhardt and Lazega run on both stores; email-Eu-core (about 25k links) gets the full
comparison on the embedded store, and Neo4j must produce the very same working graph.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import networkx as nx
import pytest

from graphsvc.analysis.structure import bridge_links, hop_distances, single_points
from graphsvc.analysis.view import build_view
from graphsvc.application.importer import import_bundle

from realdata import contact_id, csv_id, igraph_of, load_network, project_id

DAY = date(2026, 11, 22)

KRACKHARDT = "krackhardt_hightech"
LAZEGA = "lazega_lawfirm"
EMAIL = "email_eu_core"

#: (network, layers) cases small enough to run on both stores; None = every layer
SMALL_CASES = [
    (KRACKHARDT, frozenset({"reports_to"})),
    (KRACKHARDT, frozenset({"advice"})),
    (KRACKHARDT, frozenset({"friendship"})),
    (KRACKHARDT, None),
    (LAZEGA, frozenset({"cowork"})),
    (LAZEGA, frozenset({"advice"})),
    (LAZEGA, frozenset({"friendship"})),
    (LAZEGA, None),
]

#: fixed sample of distance sources on email-Eu-core: spread over the giant component,
#: plus 580, one of its 19 isolated people
EMAIL_SOURCES = ["0", "1", "160", "500", "1004", "580"]


def _case_id(case: tuple[str, frozenset[str] | None]) -> str:
    name, layers = case
    return f"{name.split('_')[0]}-{'+'.join(sorted(layers)) if layers else 'all'}"


@dataclass
class Imported:
    """One network imported into a store, with its working graph in CSV ids."""

    bundle: dict
    graph: nx.Graph  # node names are contact ids (prefixed)
    import_seconds: float
    view_seconds: float

    @cached_property
    def points(self) -> dict[str, list[list[str]]]:
        """single_points of the graph (slowest of the checks on email-Eu-core), once."""
        return single_points(self.graph)


def import_network(store, name: str, layers: frozenset[str] | None = None) -> Imported:
    bundle = load_network(name, set(layers) if layers is not None else None)
    started = time.perf_counter()
    import_bundle(store, bundle, today=DAY)
    imported = time.perf_counter()
    snapshot = store.project_snapshot(project_id(name))
    # everything imported is in the project's scope: every person works at a participating
    # department, every link joins two of them
    assert len(snapshot.contacts) == len(bundle["contacts"])
    assert len(snapshot.links) == len(bundle["links"])
    graph = build_view(snapshot, project_id(name), DAY).graph
    viewed = time.perf_counter()
    return Imported(bundle, graph, imported - started, viewed - imported)


# -- comparisons, all in CSV ids -----------------------------------------------------------


def names(oracle) -> list[str]:
    return oracle.vs["name"]


def our_edges(graph: nx.Graph) -> set[tuple[str, str]]:
    return {tuple(sorted((csv_id(a), csv_id(b)))) for a, b in graph.edges()}


def oracle_edges(oracle) -> set[tuple[str, str]]:
    vs = names(oracle)
    return {tuple(sorted((vs[e.source], vs[e.target]))) for e in oracle.es}


def our_points(graph: nx.Graph, found: dict[str, list[list[str]]] | None = None) -> dict[str, list[list[str]]]:
    """single_points in CSV ids (``found``: its result, when already computed)."""
    found = single_points(graph) if found is None else found
    return {
        csv_id(point): sorted(sorted(csv_id(c) for c in group) for group in groups) for point, groups in found.items()
    }


def oracle_points(oracle) -> dict[str, list[list[str]]]:
    """Articulation points, each with the groups its part falls into without it."""
    vs = names(oracle)
    components = oracle.connected_components()
    out = {}
    for point in oracle.articulation_points():
        part = [v for v in components[components.membership[point]] if v != point]
        rest = oracle.induced_subgraph(part)
        groups = [sorted(rest.vs[i]["name"] for i in c) for c in rest.connected_components()]
        out[vs[point]] = sorted(groups)
    return out


def our_bridges(graph: nx.Graph) -> list[tuple[str, str]]:
    return sorted(tuple(sorted((csv_id(a), csv_id(b)))) for a, b in bridge_links(graph))


def oracle_bridges(oracle) -> list[tuple[str, str]]:
    vs = names(oracle)
    return sorted(tuple(sorted((vs[e.source], vs[e.target]))) for e in oracle.es[oracle.bridges()])


def our_distances(graph: nx.Graph, source: str) -> dict[str, int]:
    return {csv_id(t): d for t, d in hop_distances(graph, contact_id(source)).items()}


def oracle_distances(oracle, source: str) -> dict[str, int]:
    (row,) = oracle.distances(source=[oracle.vs.find(name=source).index])
    return {name: int(d) for name, d in zip(names(oracle), row) if not math.isinf(d)}


def disagreements(graph: nx.Graph, oracle, sources: list[str], found_points: dict | None = None) -> list[str]:
    """Every way our analysis differs from igraph's, described; empty when they agree."""
    found = []
    ours, theirs = our_edges(graph), oracle_edges(oracle)
    if set(map(csv_id, graph.nodes)) != set(names(oracle)):
        found.append("the working graph's people differ from the CSV's people")
    if ours != theirs:
        found.append(
            f"edges: {len(ours)} ours vs {len(theirs)} igraph; only ours "
            f"{sorted(ours - theirs)[:10]}, only igraph {sorted(theirs - ours)[:10]}"
        )
    points, oracle_pts = our_points(graph, found_points), oracle_points(oracle)
    if set(points) != set(oracle_pts):
        found.append(
            f"articulation points: only ours {sorted(set(points) - set(oracle_pts))}, "
            f"only igraph {sorted(set(oracle_pts) - set(points))}"
        )
    for point in sorted(set(points) & set(oracle_pts)):
        if points[point] != oracle_pts[point]:
            found.append(f"groups left behind by {point}: {points[point]} vs igraph {oracle_pts[point]}")
    bridges, oracle_br = our_bridges(graph), oracle_bridges(oracle)
    if bridges != oracle_br:
        found.append(
            f"bridges: only ours {sorted(set(bridges) - set(oracle_br))}, "
            f"only igraph {sorted(set(oracle_br) - set(bridges))}"
        )
    for source in sources:
        mine, theirs_d = our_distances(graph, source), oracle_distances(oracle, source)
        if mine.keys() != theirs_d.keys():
            found.append(
                f"reachable from {source}: only ours {sorted(mine.keys() - theirs_d.keys())[:10]}, "
                f"only igraph {sorted(theirs_d.keys() - mine.keys())[:10]}"
            )
        wrong = {t: (d, theirs_d[t]) for t, d in mine.items() if t in theirs_d and theirs_d[t] != d}
        if wrong:
            found.append(f"hop distances from {source} (ours, igraph): {dict(sorted(wrong.items())[:10])}")
    return found


# -- Krackhardt and Lazega on both stores ----------------------------------------------------


@pytest.mark.parametrize("case", SMALL_CASES, ids=_case_id)
def test_small_networks_agree_with_igraph(store, case):
    name, layers = case
    imported = import_network(store, name, layers)
    oracle = igraph_of(name, set(layers) if layers is not None else None)
    every_person = names(oracle)
    assert disagreements(imported.graph, oracle, every_person) == []


def test_krackhardt_reports_to_facts(store):
    graph = import_network(store, KRACKHARDT, frozenset({"reports_to"})).graph
    # reports_to is a tree rooted at the CEO (7): 21 people, 20 lines, all of them bridges
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (21, 20)
    assert nx.is_tree(graph)
    assert set(our_points(graph)) == {"2", "7", "14", "18", "21"}
    assert len(our_bridges(graph)) == 20
    assert all(edge["kinds"] == {"reports_to"} for _, _, edge in graph.edges(data=True))
    # the CEO reaches everyone within two hops: the VPs directly, their managers through them
    distances = our_distances(graph, "7")
    assert len(distances) == 21 and max(distances.values()) == 2
    assert sorted(p for p, d in distances.items() if d == 1) == ["14", "18", "2", "21"]


@pytest.mark.parametrize("layers", [frozenset({"advice"}), None], ids=["advice", "all"])
def test_krackhardt_advice_and_union_have_no_weak_spot(store, layers):
    graph = import_network(store, KRACKHARDT, layers).graph
    assert nx.is_connected(graph)
    assert single_points(graph) == {}
    assert bridge_links(graph) == []


def test_lazega_friendship_facts(store):
    graph = import_network(store, LAZEGA, frozenset({"friendship"})).graph
    assert set(our_points(graph)) == {"15"}
    bridges = our_bridges(graph)
    assert len(bridges) == 1 and "15" in bridges[0]


def test_lazega_cowork_facts(store):
    graph = import_network(store, LAZEGA, frozenset({"cowork"})).graph
    assert graph.number_of_nodes() == 71
    assert graph.number_of_edges() == 378  # cowork is symmetric: 756 directed lines
    assert graph.degree(contact_id("8")) == 0  # lawyer 8 is isolated
    assert our_distances(graph, "8") == {"8": 0}


# -- email-Eu-core: the full comparison on the embedded store --------------------------------


@pytest.fixture(scope="module")
def email_embedded(tmp_path_factory):
    from graphsvc.store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path_factory.mktemp("email") / "graphsvc.sqlite3")
    try:
        yield import_network(store, EMAIL)
    finally:
        store.close()


def test_email_imports_every_line(email_embedded):
    assert len(email_embedded.bundle["links"]) == 24929


@pytest.mark.neo4j
def test_email_on_neo4j_gives_the_same_working_graph(neo4j_store, email_embedded):
    graph = import_network(neo4j_store, EMAIL).graph
    assert set(graph.nodes) == set(email_embedded.graph.nodes)
    assert our_edges(graph) == our_edges(email_embedded.graph)


def test_email_agrees_with_igraph(email_embedded):
    oracle = igraph_of(EMAIL)
    assert disagreements(email_embedded.graph, oracle, EMAIL_SOURCES, email_embedded.points) == []


def test_email_facts(email_embedded):
    graph = email_embedded.graph
    # undirected skeleton without self-loops
    assert graph.number_of_nodes() == 1005
    assert graph.number_of_edges() == 16064
    assert nx.number_connected_components(graph) == 20
    assert len(email_embedded.points) == 73
    assert len(bridge_links(graph)) == 95
