"""Structure of a working communication graph: single points of failure, bridges, distances.

Named wrappers so that the findings say what they mean and the test suite can check them
against an independent implementation (igraph) on real networks. The searches run on the
graph's adjacency dicts directly (one iterative depth-first pass for articulation points
and bridges, Tarjan's low-links), not through networkx's generic algorithms: the findings
call them for every project of a portfolio.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar, cast

import networkx as nx

_N = TypeVar("_N", bound=Hashable)
_M = TypeVar("_M", bound=Hashable)

#: node -> its neighbours
Adjacency = Mapping[_N, Iterable[_N]]
#: networkx's own adjacency dicts: node -> neighbour -> edge data
AdjacencyDicts = dict[str, dict[str, dict[str, Any]]]


def adjacency(graph: nx.Graph[str]) -> AdjacencyDicts:
    """The graph's adjacency as networkx stores it (node -> neighbour -> edge data).

    ``graph.adj`` is a read-only view over these dicts whose every lookup and iteration
    step is a Python call; the searches here run on every project of a portfolio, so they
    read the dicts themselves (and never change them).
    """
    adj: AdjacencyDicts = graph._adj  # type: ignore[attr-defined]  # networkx's storage, not in the stubs
    return adj


def single_points(graph: nx.Graph[str], points: set[str] | None = None) -> dict[str, list[list[str]]]:
    """People whose removal splits their part of the graph, with the groups left behind
    (largest first). Isolated people split nothing and are never listed. ``points``: the
    articulation points if already known (``cut_structure``)."""
    if points is None:
        points, _ = cut_structure(adjacency(graph))
    out: dict[str, list[list[str]]] = {}
    for point in sorted(points):
        groups = [sorted(g) for g in _groups_without(graph, point)]
        out[point] = sorted(groups, key=lambda g: (-len(g), g))
    return out


def _groups_without(graph: nx.Graph[str], removed: str) -> list[set[str]]:
    """The connected groups ``removed``'s neighbours fall into once ``removed`` is gone."""
    adj = adjacency(graph)
    groups: list[set[str]] = []
    seen = {removed}
    for start in adj[removed]:
        if start in seen:
            continue
        group, frontier = {start}, [start]
        seen.add(start)
        while frontier:
            node = frontier.pop()
            for neighbour in adj[node]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    group.add(neighbour)
                    frontier.append(neighbour)
        groups.append(group)
    return groups


def bridge_links(graph: nx.Graph[str], bridges: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    """Edges whose loss disconnects their part of the graph, each as a sorted pair.
    ``bridges``: as ``cut_structure`` found them, if already known."""
    if bridges is None:
        _, bridges = cut_structure(adjacency(graph))
    return sorted((min(edge), max(edge)) for edge in bridges)


def hop_distances(graph: nx.Graph[str], source: str) -> dict[str, int]:
    """Fewest working lines from ``source`` to everyone reachable."""
    return nx.single_source_shortest_path_length(graph, source)


def cut_structure(adj: Adjacency[_N]) -> tuple[set[_N], list[tuple[_N, _N]]]:
    """Articulation points and bridges of a simple undirected graph, in one pass.

    ``adj`` maps each node to its neighbours (both directions present, as networkx keeps
    them). Self-loops are ignored. Iterative, so deep graphs do not hit the recursion limit.
    """
    disc: dict[_N, int] = {}
    low: dict[_N, int] = {}
    points: set[_N] = set()
    bridges: list[tuple[_N, _N]] = []
    counter = 0
    for root in adj:
        if root in disc:
            continue
        disc[root] = low[root] = counter
        counter += 1
        root_children = 0
        # stack of (node, parent, iterator over neighbours)
        stack: list[tuple[_N, _N | None, Iterator[_N]]] = [(root, None, iter(adj[root]))]
        while stack:
            node, parent, neighbours = stack[-1]
            advanced = False
            for nxt in neighbours:
                if nxt in (node, parent):
                    continue
                if nxt in disc:
                    if disc[nxt] < low[node]:
                        low[node] = disc[nxt]
                    continue
                disc[nxt] = low[nxt] = counter
                counter += 1
                if node == root:
                    root_children += 1
                stack.append((nxt, node, iter(adj[nxt])))
                advanced = True
                break
            if advanced:
                continue
            stack.pop()
            if parent is not None:
                if low[node] < low[parent]:
                    low[parent] = low[node]
                if low[node] > disc[parent]:
                    bridges.append((parent, node))
                if parent != root and low[node] >= disc[parent]:
                    points.add(parent)
        if root_children > 1:
            points.add(root)
    return points, bridges


class DepthFirst(Generic[_N]):
    """One depth-first search from ``root`` with low-links, to name separating vertices.

    ``neighbours(node)`` gives a node's neighbours (possibly repeated, possibly the node
    itself: both are harmless here). A vertex v separates the root from a reached node t
    exactly when v is a proper ancestor of t in the search tree (not the root) and the
    child c of v towards t has ``low[c] >= disc[v]``: no back edge from c's subtree climbs
    above v. Every root-to-t path meets the separators in the same order.
    """

    def __init__(self, root: _N, neighbours: Callable[[_N], Iterable[_N]]):
        self.root = root
        disc = {root: 0}
        low = {root: 0}
        parent: dict[_N, _N | None] = {root: None}
        counter = 1
        stack = [(root, iter(neighbours(root)))]
        while stack:
            node, it = stack[-1]
            up = parent[node]
            advanced = False
            for nxt in it:
                if nxt in (node, up):
                    continue
                if nxt in disc:
                    if disc[nxt] < low[node]:
                        low[node] = disc[nxt]
                    continue
                disc[nxt] = low[nxt] = counter
                counter += 1
                parent[nxt] = node
                stack.append((nxt, iter(neighbours(nxt))))
                advanced = True
                break
            if advanced:
                continue
            stack.pop()
            if up is not None and low[node] < low[up]:
                low[up] = low[node]
        self.disc = disc
        self.low = low
        self.parent = parent

    def reaches(self, node: _N) -> bool:
        return node in self.disc

    def separators(self, target: _N) -> list[_N]:
        """Every separator between the root and ``target``, nearest the root first."""
        disc, low, parent, root = self.disc, self.low, self.parent, self.root
        found = []
        child = target
        node = parent[target]
        while node is not None and node != root:
            if low[child] >= disc[node]:
                found.append(node)
            child, node = node, parent[node]
        return found[::-1]


def contracted(
    adj: Mapping[_N, Iterable[_N]],
    groups: Mapping[_M, Iterable[_N]],
    cut: tuple[_M, _M] | None = None,
) -> Callable[[_N | _M], Iterable[_N | _M]]:
    """A neighbour function for ``adj`` with each group of nodes merged into one node.

    ``groups`` maps a new node (not a node of ``adj``) to its members; the members vanish.
    ``cut`` names a pair of merged nodes whose direct edge is left out.
    """
    rep = {member: name for name, members in groups.items() for member in members}
    merged: dict[_N | _M, set[_N | _M]] = {}
    for name, members in groups.items():
        found = {rep.get(y, y) for m in members for y in adj[m]}
        found.discard(name)
        if cut is not None and name in cut:
            found.discard(cut[1] if name == cut[0] else cut[0])
        merged[name] = found

    boundary = {y for members in groups.values() for m in members for y in adj[m]}

    def neighbours(node: _N | _M) -> Iterable[_N | _M]:
        if node in merged:
            return merged[node]
        node = cast(_N, node)  # not a merged node: a node of ``adj``
        if node not in boundary:
            return adj[node]  # no member among its neighbours: nothing to rename
        return [rep.get(y, y) for y in adj[node]]

    return neighbours
