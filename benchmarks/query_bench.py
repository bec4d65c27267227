"""Query-layer benchmark: project findings, portfolio scan, contact paths (issue #3).

    python -m benchmarks.query_bench [--stores embedded,neo4j] [--repeat 30]

Each measurement is taken next to a reference in the same run:
- graph algorithms: python-igraph on the same working graph (articulation points, bridges,
  k shortest paths), graph construction not billed to it;
- Neo4j reads: the same scope queries sent bare through the driver.
Writes JSON to benchmarks/results/query.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import date
from typing import Any

import igraph

from benchmarks.common import RESULTS, machine_facts, neo4j_target
from graphsvc.analysis.view import build_view
from graphsvc.importer import import_bundle
from graphsvc.insights import DirectoryCache, contact_paths, portfolio_report, project_report
from graphsvc.store.embedded import EmbeddedStore
from graphsvc.synthetic import portfolio

DAY = date(2026, 11, 22)


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "n": len(ordered)}


def clock(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def to_igraph(graph, weight: str | None = None) -> tuple[igraph.Graph, list[str]]:
    names = list(graph.nodes)
    index = {n: i for i, n in enumerate(names)}
    g = igraph.Graph(n=len(names), edges=[(index[u], index[v]) for u, v in graph.edges])
    if weight:
        g.es["w"] = [data[weight] for _, _, data in graph.edges(data=True)]
    return g, names


def igraph_structure(graph) -> None:
    g, _ = to_igraph(graph)
    g.articulation_points()
    g.bridges()


def bench_findings(store, repeat: int) -> dict[str, Any]:
    """One 300-person project: the whole report, and igraph's structure pass as reference."""
    ours = [clock(lambda: project_report(store, "p0", as_of=DAY)) for _ in range(repeat)]
    view = build_view(store.project_snapshot("p0"), "p0", DAY)
    g, _ = to_igraph(view.graph)
    reference = [clock(lambda: (g.articulation_points(), g.bridges())) for _ in range(repeat)]
    return {"ours": percentiles(ours), "reference": percentiles(reference)}


def bench_portfolio(store) -> dict[str, Any]:
    seconds = clock(lambda: portfolio_report(store, DAY))
    reference = 0.0
    for project in store.read("projects"):
        view = build_view(store.project_snapshot(project.id), project.id, DAY)
        g, _ = to_igraph(view.graph)
        reference += clock(lambda: (g.articulation_points(), g.bridges()))
    return {"ours_s": seconds, "reference_s": reference}


def bench_paths(store, repeat: int) -> dict[str, Any]:
    cache = DirectoryCache()
    build = clock(lambda: cache.get(store, DAY))
    directory = cache.get(store, DAY)
    rng = random.Random(3)
    people = sorted(directory.graph.nodes)
    pairs = [tuple(rng.sample(people, 2)) for _ in range(repeat)]
    ours = []
    for source, target in pairs:
        ours.append(clock(lambda: _try(lambda: contact_paths(store, source, target, 3, DAY, cache))))
    g, names = to_igraph(directory.graph, "cost")
    index = {n: i for i, n in enumerate(names)}
    reference = [
        clock(lambda: g.get_k_shortest_paths(index[s], index[t], k=3, weights="w")) for s, t in pairs
    ]
    return {"directory_build_s": build, "ours": percentiles(ours), "reference": percentiles(reference)}


def _try(fn) -> None:
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - an unreachable pair is a valid, timed answer
        if type(exc).__name__ != "PathError":
            raise


def run_store(name: str, make_store, repeat: int) -> dict[str, Any]:
    out: dict[str, Any] = {"store": name}
    with make_store() as store:
        store.clear()
        import_bundle(store, portfolio(1, 300, seed=11), today=DAY)
        out["findings_300"] = bench_findings(store, repeat)
        store.clear()
        big = portfolio(1000, 50, cross_links=0.2, seed=5)
        out["portfolio_rows"] = sum(len(v) for v in big.values())
        import_bundle(store, big, today=DAY)
        out["paths_50k"] = bench_paths(store, repeat)
        out["portfolio_1000"] = bench_portfolio(store)
    return out


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| measurement | store | ours | reference | ratio | target | met |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        f = r["findings_300"]
        p = r["paths_50k"]
        s = r["portfolio_1000"]
        store = r["store"]
        target_scan = 5 if store == "embedded" else 15
        lines += [
            f"| findings, 300-person project, p95 | {store} | {f['ours']['p95_ms']:.1f} ms | "
            f"{f['reference']['p95_ms']:.2f} ms (igraph structure) | {f['ours']['p95_ms'] / max(f['reference']['p95_ms'], 1e-9):.0f}x | "
            f"< 50 ms (embedded) | {'yes' if f['ours']['p95_ms'] < 50 else 'no'} |",
            f"| portfolio scan, 1,000 projects / 50k contacts | {store} | {s['ours_s']:.2f} s | "
            f"{s['reference_s']:.2f} s (igraph structure) | {s['ours_s'] / max(s['reference_s'], 1e-9):.0f}x | "
            f"< {target_scan} s | {'yes' if s['ours_s'] < target_scan else 'no'} |",
            f"| path query k=3, 50k graph, p95 | {store} | {p['ours']['p95_ms']:.1f} ms | "
            f"{p['reference']['p95_ms']:.1f} ms (igraph k-shortest) | {p['ours']['p95_ms'] / max(p['reference']['p95_ms'], 1e-9):.1f}x | "
            f"< 20 ms (embedded) | {'yes' if p['ours']['p95_ms'] < 20 else 'no'} |",
            f"| path directory build (once per write), 50k graph | {store} | {p['directory_build_s']:.2f} s | | | | |",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", default="embedded,neo4j")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    results = []
    stores = args.stores.split(",")
    if "embedded" in stores:
        results.append(run_store("embedded", lambda: EmbeddedStore(None), args.repeat))
    if "neo4j" in stores:
        with neo4j_target() as target:
            results.append(run_store("neo4j", target.make_store, args.repeat))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "query.json").write_text(json.dumps({"machine": machine_facts(), "results": results}, indent=2, default=str))
    print(table(results))


if __name__ == "__main__":
    main()
