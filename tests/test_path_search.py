"""The who-to-contact search gives exactly networkx's answers, ties included.

``analysis.paths._k_paths`` runs Yen's algorithm as ``networkx.shortest_simple_paths`` does
(the same searches, neighbour order, sums and tie-breaks), with pruning that must never
change an answer. Checked here against networkx itself on seeded random graphs whose hop
costs come from a small set, so that equal-cost paths (ties) are common.
"""

from __future__ import annotations

import random
from itertools import islice
from types import SimpleNamespace

import networkx as nx
import pytest

from graphsvc.analysis.paths import _TARGET_NODE, _ceiling, _k_paths, _search


def reference(graph: nx.Graph, source: str, people: list[str], k: int) -> list[list[str]]:
    """The search as it was written before: networkx with a joint target node."""
    reachable = [p for p in people if p in graph]
    if source not in graph or not reachable:
        return []
    # On the graph itself, as before (a copy would reorder neighbours, and so ties).
    graph.add_node("__target__")
    try:
        for person in reachable:
            graph.add_edge(person, "__target__", cost=0.0)
        try:
            found = list(islice(nx.shortest_simple_paths(graph, source, "__target__", weight="cost"), k))
        except nx.NetworkXNoPath:
            return []
    finally:
        graph.remove_node("__target__")
    return [nodes[:-1] for nodes in found]


def random_graph(rng: random.Random, people: int, lines: int, clusters: int) -> nx.Graph:
    graph = nx.Graph()
    names = [f"c{i}" for i in range(people)]
    graph.add_nodes_from(names)
    costs = [1 + 1 / w + a / 180 for w in (1, 2, 5) for a in (0, 30, 180)]
    for _ in range(lines):
        a = rng.randrange(people)
        # mostly lines inside a cluster, some across: long paths and many near-ties
        if rng.random() < 0.8:
            b = (a // clusters) * clusters + rng.randrange(clusters)
        else:
            b = rng.randrange(people)
        if a != b:
            graph.add_edge(names[a], names[b], cost=rng.choice(costs[:3]) if rng.random() < 0.5 else rng.choice(costs))
    return graph


def directory_of(graph: nx.Graph) -> SimpleNamespace:
    return SimpleNamespace(costs={u: {v: d["cost"] for v, d in nbrs.items()} for u, nbrs in graph.adj.items()})


@pytest.mark.parametrize("seed", range(40))
def test_same_paths_as_networkx(seed):
    rng = random.Random(seed)
    graph = random_graph(rng, people=rng.choice([20, 60, 150]), lines=rng.choice([40, 150, 450]), clusters=rng.choice([5, 10]))
    directory = directory_of(graph)
    nodes = sorted(graph.nodes)
    for _ in range(25):
        source = rng.choice(nodes)
        people = sorted(rng.sample(nodes, rng.choice([1, 1, 1, 3, 8])))
        if source in people:
            continue
        k = rng.choice([1, 2, 3, 5, 8])
        assert _k_paths(directory, source, people, k) == reference(graph, source, people, k), (seed, source, people, k)


def test_unreachable_and_unknown():
    graph = nx.Graph()
    graph.add_edge("a", "b", cost=2.0)
    graph.add_node("c")
    directory = directory_of(graph)
    assert _k_paths(directory, "a", ["c"], 3) == []
    assert _k_paths(directory, "a", ["zz"], 3) == []
    assert _k_paths(directory, "a", ["b"], 3) == [["a", "b"]]


@pytest.mark.parametrize("seed", range(20))
def test_bounded_search_gives_up_only_on_hopeless_searches(seed):
    """A search with a bound and lower bounds of the rest (here the exact distances to the
    target, the strongest admissible ones, and a floor for everyone else) returns exactly
    the unbounded search's answer whenever that answer costs less than the bound, also
    with nodes left out; it may give up only when the answer costs more."""
    rng = random.Random(1000 + seed)
    graph = random_graph(rng, people=rng.choice([30, 80]), lines=rng.choice([90, 240]), clusters=5)
    costs = directory_of(graph).costs
    nodes = sorted(graph.nodes)
    for _ in range(20):
        source, *people = rng.sample(nodes, rng.choice([2, 4]))
        exact = nx.multi_source_dijkstra_path_length(graph, people, weight="cost")
        exact[_TARGET_NODE] = 0.0
        floor = min((d for n, d in exact.items() if n in graph and n not in people), default=0.0)
        ahead = {n: d for n, d in exact.items() if d <= floor}  # exact near the target only
        left_out = set(rng.sample([n for n in nodes if n != source], 3))
        free = _search(costs, set(people), people, source, left_out, None, float("inf"))
        for bound in (5.0, 9.0, 14.0, 30.0):
            for guide in ((exact, float("inf")), (ahead, floor), None):
                got = _search(costs, set(people), people, source, left_out, None, bound, None, guide)
                if free is not None and free[0] < bound:
                    assert got == free, (seed, source, people, bound)
                elif got is not None:
                    assert free is not None and got[0] >= bound - 1e-9


@pytest.mark.parametrize("seed", range(20))
def test_ceiling_bounds_the_kth_path(seed):
    """The spur searches' ceiling, from the first search's trees, is never below the cost
    of networkx's k-th path (a lower one would cut a search that names an answer)."""
    rng = random.Random(2000 + seed)
    graph = random_graph(rng, people=rng.choice([40, 150]), lines=rng.choice([150, 450]), clusters=rng.choice([5, 10]))
    costs = directory_of(graph).costs
    nodes = sorted(graph.nodes)
    for _ in range(20):
        source, *people = rng.sample(nodes, rng.choice([2, 4]))
        k = rng.choice([2, 3, 5])
        trees: dict = {}
        if _search(costs, set(people), people, source, None, None, float("inf"), trees) is None:
            continue
        found = reference(graph, source, people, k)
        ceiling = _ceiling(costs, set(people), trees, k)
        if len(found) < k:
            continue
        kth = sum(graph.edges[a, b]["cost"] for a, b in zip(found[-1], found[-1][1:]))
        assert ceiling >= kth - 1e-9, (seed, source, people, k)
