"""The who-to-contact search finds the k cheapest loopless paths, as networkx does.

``analysis.path_search`` runs Yen's algorithm inside the region every answer must lie in,
with spur searches guided by exact distances. Checked here against networkx's
``shortest_simple_paths`` (with a joint target node joined to every target person) on
seeded random graphs whose hop costs come from a small set, so that equal-cost paths
(ties) are common: the same number of paths, the same costs in the same order, each a real
loopless path from the source to one of the people. Equal-cost paths may be named in
another order than networkx names them; ours depends only on the graph.
"""

from __future__ import annotations

import random
from itertools import islice

import networkx as nx
import pytest

from graphsvc.analysis import path_search
from graphsvc.analysis.path_search import (
    INFINITY,
    SLACK,
    TARGET,
    _distances_to_target,
    _MeetingSearch,
    _tree_ceiling,
    k_cheapest_paths,
)


def reference(graph: nx.Graph, source: str, people: list[str], k: int) -> list[list[str]]:
    """networkx with a joint target node."""
    reachable = [p for p in people if p in graph]
    if source not in graph or not reachable:
        return []
    joined = graph.copy()
    for person in reachable:
        joined.add_edge(person, "__target__", cost=0.0)
    try:
        found = list(islice(nx.shortest_simple_paths(joined, source, "__target__", weight="cost"), k))
    except nx.NetworkXNoPath:
        return []
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


def adjacency(graph: nx.Graph) -> dict:
    return {u: {v: d["cost"] for v, d in nbrs.items()} for u, nbrs in graph.adj.items()}


def cost_of(graph: nx.Graph, path: list[str]) -> float:
    return sum(graph.edges[a, b]["cost"] for a, b in zip(path, path[1:]))


def assert_same_answers(graph, source, people, k, got, context) -> None:
    expected = reference(graph, source, people, k)
    assert len(got) == len(expected), context
    assert len({tuple(p) for p in got}) == len(got), context  # distinct
    for path in got:
        assert path[0] == source and path[-1] in people, context
        assert len(set(path)) == len(path), context  # loopless
        assert all(graph.has_edge(a, b) for a, b in zip(path, path[1:])), context
    assert [cost_of(graph, p) for p in got] == pytest.approx([cost_of(graph, p) for p in expected], abs=1e-9), context


def fresh(text: str) -> str:
    """An equal string that is another object, as ids parsed from a request are: the
    search must compare ids by value, never by identity."""
    return "".join(list(text))


def random_queries(seed: int, count: int):
    rng = random.Random(seed)
    graph = random_graph(
        rng, people=rng.choice([20, 60, 150]), lines=rng.choice([40, 150, 450]), clusters=rng.choice([5, 10])
    )
    nodes = sorted(graph.nodes)
    for _ in range(count):
        source = fresh(rng.choice(nodes))
        people = sorted(fresh(p) for p in rng.sample(nodes, rng.choice([1, 1, 1, 3, 8])))
        if source not in people:
            yield graph, source, people, rng.choice([1, 2, 3, 5, 8])


@pytest.mark.parametrize("seed", range(40))
def test_same_paths_as_networkx(seed):
    for graph, source, people, k in random_queries(seed, 25):
        got = k_cheapest_paths(adjacency(graph), source, people, k)
        assert_same_answers(graph, source, people, k, got, (seed, source, people, k))


def test_every_way_to_the_answer_is_taken_and_exact(monkeypatch):
    """The three ways the search settles its region (the trees' ceiling; the k-th path in
    the region first settled, exact at once or used as the bound; a guess that is widened
    when too few paths lie within it) each happen on these graphs, and each gives
    networkx's answers."""
    taken = {"tree ceiling": 0, "first region exact": 0, "first region as bound": 0, "widened": 0}
    original_yen, original_ceiling = path_search._yen, path_search._tree_ceiling

    def ceiling(search, k):
        found = original_ceiling(search, k)
        if found != INFINITY:
            taken["tree ceiling"] += 1
        return found

    def yen(costs, distance, toward, first, k, trusted):
        found = original_yen(costs, distance, toward, first, k, trusted)
        if found is None:
            taken["widened"] += 1
        return found

    monkeypatch.setattr(path_search, "_yen", yen)
    monkeypatch.setattr(path_search, "_tree_ceiling", ceiling)
    for seed in range(40):
        for graph, source, people, k in random_queries(500 + seed, 25):
            before = dict(taken)
            got = k_cheapest_paths(adjacency(graph), source, people, k)
            assert_same_answers(graph, source, people, k, got, (seed, source, people, k))
            if k > 1 and got and taken["tree ceiling"] == before["tree ceiling"]:
                exact_at_once = taken["widened"] == before["widened"] and len(got) == k
                taken["first region exact" if exact_at_once else "first region as bound"] += 1
    assert all(taken.values()), taken


def test_unreachable_and_unknown():
    graph = nx.Graph()
    graph.add_edge("a", "b", cost=2.0)
    graph.add_node("c")
    costs = adjacency(graph)
    assert k_cheapest_paths(costs, "a", ["c"], 3) == []
    assert k_cheapest_paths(costs, "a", ["zz"], 3) == []
    assert k_cheapest_paths(costs, "zz", ["a"], 3) == []
    assert k_cheapest_paths(costs, "a", ["b"], 3) == [["a", "b"]]


def test_same_answer_every_time():
    rng = random.Random(7)
    graph = random_graph(rng, people=150, lines=450, clusters=10)
    costs = adjacency(graph)
    first = k_cheapest_paths(costs, "c3", ["c140", "c77"], 8)
    assert len(first) == 8
    assert k_cheapest_paths(adjacency(graph.copy()), fresh("c3"), ["c77", "c140"], 8) == first
    # The cheapest path does not depend on k.
    assert k_cheapest_paths(costs, "c3", ["c140", "c77"], 1) == first[:1]


def searches_to_meeting(rng: random.Random, graph: nx.Graph, count: int):
    """``count`` random queries on ``graph`` (a source and one or three people), each with
    its bidirectional search run until the two sides met."""
    costs = adjacency(graph)
    nodes = sorted(graph.nodes)
    for _ in range(count):
        source, *people = rng.sample(nodes, rng.choice([2, 4]))
        search = _MeetingSearch(costs, set(people), people, source)
        search.run()
        yield source, people, search


@pytest.mark.parametrize("seed", range(20))
def test_tree_ceiling_bounds_the_kth_path(seed):
    """The trees' ceiling is never below the cost of networkx's k-th path (a lower one
    would leave an answer outside the region searched)."""
    rng = random.Random(2000 + seed)
    graph = random_graph(rng, people=rng.choice([40, 150]), lines=rng.choice([150, 450]), clusters=rng.choice([5, 10]))
    for source, people, search in searches_to_meeting(rng, graph, 20):
        k = rng.choice([2, 3, 5])
        found = reference(graph, source, people, k)
        if search.meeting is None or len(found) < k:
            continue
        assert _tree_ceiling(search, k) >= cost_of(graph, found[-1]) - 1e-9, (seed, source, people, k)


@pytest.mark.parametrize("seed", range(20))
def test_distances_inside_the_region_are_exact_where_answers_can_run(seed):
    """Once the search has settled past a bound, every node with (distance from the source
    + distance to the target) within the bound has its exact distance to the target, and
    its next node on the way is a real line one hop closer."""
    rng = random.Random(3000 + seed)
    graph = random_graph(rng, people=rng.choice([60, 150]), lines=rng.choice([150, 450]), clusters=rng.choice([5, 10]))
    for source, people, search in searches_to_meeting(rng, graph, 10):
        if search.meeting is None:
            continue
        bound = search.best * rng.choice([1.0, 1.1, 1.3])
        search.run(bound + SLACK)
        distance, toward = _distances_to_target(search, bound + SLACK)
        from_source = nx.single_source_dijkstra_path_length(graph, source, weight="cost")
        to_target = nx.multi_source_dijkstra_path_length(graph, set(people), weight="cost")
        for node, there in to_target.items():
            if from_source.get(node, INFINITY) + there <= bound:
                assert distance[node] == pytest.approx(there, abs=1e-9), (seed, source, people, node)
                after = toward[node]
                if after is TARGET:
                    assert node in people
                else:
                    step = graph.edges[node, after]["cost"]
                    assert distance[after] + step == pytest.approx(distance[node], abs=1e-9)


def test_yen_refuses_paths_beyond_what_the_region_vouches_for():
    """Inside a region that holds every path up to ``trusted`` only, a k-th path costing
    more is not an answer (a cheaper one may run outside): the search must widen."""
    graph = nx.Graph()
    for a, b, cost in [
        ("s", "a", 1.0),
        ("a", "t", 1.0),
        ("s", "b", 2.0),
        ("b", "t", 2.0),
        ("s", "c", 4.0),
        ("c", "t", 4.0),
    ]:
        graph.add_edge(a, b, cost=cost)
    costs = adjacency(graph)
    search = _MeetingSearch(costs, {"t"}, ["t"], "s")
    search.run(INFINITY)  # everything settled: exact distances everywhere
    distance, toward = _distances_to_target(search, INFINITY)
    first = search.cheapest_path()
    assert first == ["s", "a", "t", TARGET]
    assert path_search._yen(costs, distance, toward, first, 3, 5.0) is None  # the third costs 8
    assert path_search._yen(costs, distance, toward, first, 2, 5.0) == [first, ["s", "b", "t", TARGET]]
    assert [p[:-1] for p in path_search._yen(costs, distance, toward, first, 3, 8.0 + SLACK)] == [
        ["s", "a", "t"],
        ["s", "b", "t"],
        ["s", "c", "t"],
    ]
    assert len(path_search._yen(costs, distance, toward, first, 5, INFINITY)) == 3  # no more exist
    assert path_search._yen(costs, distance, toward, first, 5, 100.0) is None  # unless the region is all
