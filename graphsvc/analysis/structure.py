"""Structure of a working communication graph: single points of failure, bridges, distances.

Thin, named wrappers over networkx so that the findings say what they mean and the test
suite can check them against an independent implementation (igraph) on real networks.
"""

from __future__ import annotations

import networkx as nx


def single_points(graph: nx.Graph) -> dict[str, list[list[str]]]:
    """People whose removal splits their part of the graph, with the groups left behind
    (largest first). Isolated people split nothing and are never listed."""
    out = {}
    for point in sorted(nx.articulation_points(graph)):
        groups = [sorted(g) for g in _groups_without(graph, point)]
        out[point] = sorted(groups, key=lambda g: (-len(g), g))
    return out


def _groups_without(graph: nx.Graph, removed: str) -> list[set[str]]:
    """The connected groups ``removed``'s neighbours fall into once ``removed`` is gone."""
    adjacency = graph.adj
    groups: list[set[str]] = []
    seen = {removed}
    for start in adjacency[removed]:
        if start in seen:
            continue
        group, frontier = {start}, [start]
        seen.add(start)
        while frontier:
            node = frontier.pop()
            for neighbour in adjacency[node]:
                if neighbour not in seen:
                    seen.add(neighbour)
                    group.add(neighbour)
                    frontier.append(neighbour)
        groups.append(group)
    return groups


def bridge_links(graph: nx.Graph) -> list[tuple[str, str]]:
    """Edges whose loss disconnects their part of the graph, each as a sorted pair."""
    return sorted(tuple(sorted(edge)) for edge in nx.bridges(graph))


def hop_distances(graph: nx.Graph, source: str) -> dict[str, int]:
    """Fewest working lines from ``source`` to everyone reachable."""
    return nx.single_source_shortest_path_length(graph, source)
