"""Structure of a working communication graph: single points of failure, bridges, distances.

Thin, named wrappers over networkx so that the findings say what they mean and the test
suite can check them against an independent implementation (igraph) on real networks.
"""

from __future__ import annotations

import networkx as nx


def single_points(graph: nx.Graph) -> dict[str, list[list[str]]]:
    """People whose removal splits their part of the graph, with the groups left behind
    (largest first). Isolated people are ignored: they split nothing."""
    linked = graph.subgraph([n for n in graph if graph.degree(n) > 0])
    out = {}
    for point in sorted(nx.articulation_points(linked)):
        rest = linked.subgraph(nx.node_connected_component(linked, point) - {point})
        groups = [sorted(g) for g in nx.connected_components(rest)]
        out[point] = sorted(groups, key=lambda g: (-len(g), g))
    return out


def bridge_links(graph: nx.Graph) -> list[tuple[str, str]]:
    """Edges whose loss disconnects their part of the graph, each as a sorted pair."""
    return sorted(tuple(sorted(edge)) for edge in nx.bridges(graph))


def hop_distances(graph: nx.Graph, source: str) -> dict[str, int]:
    """Fewest working lines from ``source`` to everyone reachable."""
    return nx.single_source_shortest_path_length(graph, source)
