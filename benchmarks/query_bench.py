"""Query-layer benchmark: project findings, portfolio scan, contact paths (issue #3).

    python -m benchmarks.query_bench [--stores embedded,neo4j] [--repeat 30]

Each measurement is taken next to a reference in the same run:
- graph algorithms: python-igraph on the same working graph (articulation points, bridges,
  k shortest paths), graph construction not billed to it;
- Neo4j: the very statements our call sends (same files, same parameters), run bare
  through the same driver (``driver.execute_query``, records fetched, nothing converted),
  each with a server-side transaction timeout so that a runaway query cannot hang the run.
Writes JSON to benchmarks/results/query.json and prints a markdown table.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import time
from datetime import date
from typing import Any

import igraph

from benchmarks.common import (
    RESULTS,
    ForeignLoad,
    machine_facts,
    neo4j_target,
    neo4j_version,
)
from graphsvc.analysis.portfolio import PortfolioIndex
from graphsvc.analysis.view import build_view
from graphsvc.application.importer import import_bundle
from graphsvc.application.reports import (
    DirectoryCache,
    contact_paths,
    portfolio_export,
    portfolio_report,
    project_report,
)
from graphsvc.application.synthetic import portfolio
from graphsvc.domain.model import KINDS
from graphsvc.store.embedded import EmbeddedStore

DAY = date(2026, 11, 22)


def percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000, "n": len(ordered)}


def lap(fn) -> float:
    """Seconds taken by ``fn()``, no collection first (for many tiny calls in a loop)."""
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def clock(fn) -> float:
    """Seconds taken by ``fn()``, after a full collection (as in the import benchmark), so
    that garbage left by earlier calls is not billed to this one."""
    gc.collect()
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


QUERY_TIMEOUT_S = 600  # server-side limit for one bare reference statement


def bare(store, name: str, **params) -> int:
    """One of our statements through the driver, nothing converted: the Cypher reference."""
    from neo4j import Query

    text, bound = store.queries.bind(name, **params)
    records, _, _ = store.driver.execute_query(Query(text, timeout=QUERY_TIMEOUT_S), bound, database_=store.database)
    return len(records)


def bare_snapshot(store, project: str) -> None:
    """What ``project_snapshot`` sends: the two scope statements, then one read per kind."""
    structure = store.driver.execute_query(
        *store.queries.bind("project_scope", project=project), database_=store.database
    )[0][0]
    people = store.driver.execute_query(
        *store.queries.bind("project_scope_people", project=project, contacts=structure["contacts"]),
        database_=store.database,
    )[0][0]
    ids = {
        "projects": [project],
        "stages": structure["stages"],
        "responsibilities": structure["responsibilities"],
        "assignments": structure["assignments"],
        "organizations": sorted(set(structure["engaged"]) | set(people["employers"])),
        "contacts": structure["contacts"],
        "contact_history": people["contact_history"],
        "links": people["links"],
        "interactions": people["interactions"],
    }
    for kind in KINDS:
        if ids[kind]:
            bare(store, f"read_{kind}_by_id", ids=sorted(set(ids[kind])))


def bare_portfolio(store, seconds: dict[str, float] | None = None) -> None:
    """What the Neo4j scan sends (store/neo4j_export.py): the responsibility checks, then
    one lean read per kind (``seconds`` collects the time of each statement)."""
    for name, params in [("portfolio_responsibility_checks", {"as_of": DAY})] + [(f"portfolio_{k}", {}) for k in KINDS]:
        start = time.perf_counter()
        bare(store, name, **params)
        if seconds is not None:
            seconds[name] = round(time.perf_counter() - start, 3)


def bench_findings(store, repeat: int) -> dict[str, Any]:
    """One 300-person project: the whole report; igraph's structure pass as reference, and
    on Neo4j the bare statements of its snapshot too."""
    project_report(store, "p0", as_of=DAY)  # warm-up (query plans, caches)
    ours = [clock(lambda: project_report(store, "p0", as_of=DAY)) for _ in range(repeat)]
    view = build_view(store.project_snapshot("p0"), "p0", DAY)
    g, _ = to_igraph(view.graph)
    reference = [lap(lambda: (g.articulation_points(), g.bridges())) for _ in range(repeat)]
    out = {"ours": percentiles(ours), "reference": percentiles(reference)}
    if store.name == "neo4j":
        bare_snapshot(store, "p0")
        out["cypher"] = percentiles([clock(lambda: bare_snapshot(store, "p0")) for _ in range(repeat)])
    return out


def bench_portfolio(store) -> dict[str, Any]:
    if store.name == "neo4j":
        bare_portfolio(store)  # warm-up: plans compiled, pages cached, for both sides
    seconds = clock(lambda: portfolio_report(store, DAY))
    export = clock(lambda: portfolio_export(store))
    index = PortfolioIndex(portfolio_export(store))
    reference = 0.0
    for project in index.projects:
        view = build_view(index.snapshot(project), project.id, DAY)
        g, _ = to_igraph(view.graph)
        reference += lap(lambda: (g.articulation_points(), g.bridges()))
    out = {"ours_s": seconds, "reference_s": reference, "export_s": export}
    if store.name == "neo4j":
        statements: dict[str, float] = {}
        out["cypher_s"] = clock(lambda: bare_portfolio(store, statements))
        out["cypher_statements_s"] = statements
    return out


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
    reference = [clock(lambda: g.get_k_shortest_paths(index[s], index[t], k=3, weights="w")) for s, t in pairs]
    return {"directory_build_s": build, "ours": percentiles(ours), "reference": percentiles(reference)}


def _try(fn) -> None:
    try:
        fn()
    except Exception as exc:
        if type(exc).__name__ != "PathError":
            raise


def run_store(
    name: str,
    make_store,
    repeat: int,
    projects: int,
    server_pids: tuple[int, ...] = (),
    scan_only: bool = False,
    paths_only: bool = False,
) -> dict[str, Any]:
    out: dict[str, Any] = {"store": name, "projects": projects}
    load = ForeignLoad(server_pids)
    out["wall_s"], out["other_load_cores"] = load.measure(
        lambda: _run_store(out, name, make_store, repeat, projects, scan_only, paths_only)
    )
    return out


def _run_store(
    out: dict[str, Any],
    name: str,
    make_store,
    repeat: int,
    projects: int,
    scan_only: bool = False,
    paths_only: bool = False,
) -> None:
    with make_store() as store:
        if name == "neo4j":
            store.init_schema()
            out["server"] = neo4j_version(store)
        store.clear()
        if not scan_only and not paths_only:
            import_bundle(store, portfolio(1, 300, seed=11), today=DAY)
            out["findings_300"] = bench_findings(store, repeat)
            print(f"{name}: findings done", flush=True)
            store.clear()
        big = portfolio(projects, 50, cross_links=0.2, seed=5)
        out["portfolio_rows"] = sum(len(v) for v in big.values())
        out["import_s"] = clock(lambda: import_bundle(store, big, today=DAY))
        print(f"{name}: imported {out['portfolio_rows']} rows in {out['import_s']:.1f} s", flush=True)
        if not scan_only:
            out["paths_50k"] = bench_paths(store, repeat)
            print(f"{name}: paths done", flush=True)
        if paths_only:
            store.clear()
            return
        runs = [bench_portfolio(store) for _ in range(repeat if scan_only else 1)]
        out["portfolio_1000"] = sorted(runs, key=lambda r: r["ours_s"])[len(runs) // 2]  # the median run
        if scan_only:
            out["portfolio_1000"]["runs_s"] = [r["ours_s"] for r in runs]
        print(f"{name}: portfolio done", flush=True)
        store.clear()


def table(results: list[dict[str, Any]]) -> str:
    lines = [
        "| measurement | store | ours | reference (same run) | ours / reference | target | met |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for r in results:
        s = r.get("portfolio_1000", {})  # absent with --paths-only
        store = r["store"]
        n = r["projects"]
        target_scan = 5 if store == "embedded" else 15
        ok = lambda good: "yes" if good else "**no**"  # noqa: E731
        if "findings_300" in r:  # absent with --scan-only
            f = r["findings_300"]
            fp95 = f["ours"]["p95_ms"]
            lines.append(
                f"| findings, 300-person project, p95 | {store} | {fp95:.1f} ms | "
                f"{f['reference']['p95_ms']:.2f} ms (igraph structure) | {fp95 / max(f['reference']['p95_ms'], 1e-9):.0f}× | "
                f"< 50 ms (embedded) | {ok(fp95 < 50) if store == 'embedded' else 'n/a'} |"
            )
            if "cypher" in f:
                c = f["cypher"]["p95_ms"]
                lines.append(
                    f"| findings, 300-person project, p95, vs its bare Cypher | {store} | {fp95:.1f} ms | "
                    f"{c:.1f} ms (snapshot statements, bare driver) | {fp95 / c:.1f}× | ≤ 3× | {ok(fp95 / c <= 3)} |"
                )
        if s:
            lines.append(
                f"| portfolio scan, {n:,} projects / {n * 50:,} contacts | {store} | {s['ours_s']:.2f} s | "
                f"{s['reference_s']:.2f} s (igraph structure) | {s['ours_s'] / max(s['reference_s'], 1e-9):.0f}× | "
                f"< {target_scan} s | {ok(s['ours_s'] < target_scan)} |"
            )
        if "cypher_s" in s:
            lines.append(
                f"| portfolio scan vs its bare Cypher | {store} | {s['ours_s']:.2f} s | "
                f"{s['cypher_s']:.2f} s (checks + one lean read per kind, bare driver) | {s['ours_s'] / s['cypher_s']:.1f}× | ≤ 3× | "
                f"{ok(s['ours_s'] / s['cypher_s'] <= 3)} |"
            )
        if "paths_50k" in r:  # absent with --scan-only
            p = r["paths_50k"]
            pp95 = p["ours"]["p95_ms"]
            lines.append(
                f"| path query k=3, {n * 50:,}-contact graph, p95 | {store} | {pp95:.1f} ms | "
                f"{p['reference']['p95_ms']:.1f} ms (igraph k-shortest) | {pp95 / max(p['reference']['p95_ms'], 1e-9):.2f}× | "
                f"< 20 ms (embedded), ≤ 3× | {ok(pp95 < 20) if store == 'embedded' else 'n/a'}, {ok(pp95 / p['reference']['p95_ms'] <= 3)} |"
            )
            lines.append(
                f"| path directory build (once per write) | {store} | {p['directory_build_s']:.2f} s | | | | |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stores", default="embedded,neo4j")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--projects", type=int, default=1000, help="portfolio size (50 people each)")
    parser.add_argument("--jvm-opts", default=None, help="Neo4j JVM flags (see benchmarks/common.py)")
    parser.add_argument(
        "--scan-only",
        action="store_true",
        help="only the portfolio scan, --repeat times (the median run kept); writes query_scan.json",
    )
    parser.add_argument(
        "--paths-only",
        action="store_true",
        help="only the path queries and the directory build (no findings, no scan); writes query_paths.json",
    )
    args = parser.parse_args()
    facts = machine_facts()
    results: list[dict[str, Any]] = []

    def save() -> None:  # after each store, so a failure later keeps what was measured
        facts["loadavg_end"] = os.getloadavg()
        RESULTS.mkdir(exist_ok=True)
        (
            RESULTS / ("query_scan.json" if args.scan_only else "query_paths.json" if args.paths_only else "query.json")
        ).write_text(json.dumps({"machine": facts, "results": results}, indent=2, default=str))

    stores = args.stores.split(",")
    if "embedded" in stores:
        results.append(
            run_store(
                "embedded",
                lambda: EmbeddedStore(None),
                args.repeat,
                args.projects,
                scan_only=args.scan_only,
                paths_only=args.paths_only,
            )
        )
        save()
    if "neo4j" in stores:
        with neo4j_target(args.jvm_opts) as target:
            pids = (target.server.pid,) if target.server is not None else ()
            result = run_store(
                "neo4j",
                target.make_store,
                args.repeat,
                args.projects,
                pids,
                scan_only=args.scan_only,
                paths_only=args.paths_only,
            )
            result["jvm_opts"], result["jvm_flags"] = target.jvm_opts, target.jvm_flags
            results.append(result)
        save()
    print(table(results))


if __name__ == "__main__":
    main()
