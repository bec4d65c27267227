"""Map layout: crossings and line length of each stage view, before and after crossing
reduction, and the CPU time ``build_map`` takes with and without it.

    python -m benchmarks.layout_bench               # demo stages, 60 and 500 people: ~1 min
    python -m benchmarks.layout_bench --people 60,500,5000

"Before" is ``build_map(..., sweeps=0)`` (the plain ordering: organisation blocks in kind
order, people by involvement), "after" the default. A stage view is measured as the page
draws it (``layout.layout_cost``: straight lines between node centres, every edge of the
stage). Crossings are not counted above 5,000 lines (the count is quadratic in the worst
case); times are process CPU time, best of three, for the whole map (every stage's layout,
"everyone" layouts, the project's), findings excluded. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from typing import Any

from graphsvc.analysis.findings import project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import demo_data
from graphsvc.application.maps.layout import layout_cost
from graphsvc.application.maps.model import MapData, build_map
from graphsvc.application.maps.sample import PROJECT, STAGE, stage_portfolio
from graphsvc.domain.bundle import parse_bundle

DAY = date(2026, 11, 22)
MAX_COUNTED_LINES = 5000


def cpu(call: Any) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(3):
        started = time.process_time()
        out = call()
        best = min(best, time.process_time() - started)
    return best, out


def rows(raw: dict[str, Any], project: str, stages: list[str] | None, name: str) -> list[str]:
    snapshot = parse_bundle(raw)
    view = build_view(snapshot, project, DAY)
    findings = project_findings(view)
    plain_s, before = cpu(lambda: build_map(snapshot, project, DAY, findings, view=view, sweeps=0))
    reduced_s, after = cpu(lambda: build_map(snapshot, project, DAY, findings, view=view))
    out = []
    for sid in stages or before.stage_ids():
        edges = [(e.source, e.target) for e in before.edges if sid in e.stages]
        nodes = len(before.stage_layouts[sid].positions)
        old, new = (cost(m, sid, edges) for m in (before, after))
        crossings = f"{old[0]:,} → {new[0]:,}" if old[0] >= 0 else "not counted"
        change = f" ({(new[0] - old[0]) / old[0]:+.0%})" if old[0] > 0 else ""
        length = f"{old[1]:,.0f} → {new[1]:,.0f} ({(new[1] - old[1]) / old[1]:+.0%})" if old[1] else "0"
        out.append(f"| {name} {sid} | {nodes:,} / {len(edges):,} | {crossings}{change} | {length} |")
    out.append(f"| {name.rstrip(':')}: whole map, CPU | | build_map {plain_s:.3f} s → {reduced_s:.3f} s | |")
    return out


def cost(data: MapData, sid: str, edges: list[tuple[str, str]]) -> tuple[int, float]:
    positions = data.stage_layouts[sid].positions
    if len(edges) > MAX_COUNTED_LINES:
        return -1, _length(positions, edges)
    found = layout_cost(positions, edges)
    return found.crossings, found.length


def _length(positions: dict[str, tuple[float, float]], edges: list[tuple[str, str]]) -> float:
    return sum(
        ((positions[a][0] - positions[b][0]) ** 2 + (positions[a][1] - positions[b][1]) ** 2) ** 0.5
        for a, b in edges
        if a in positions and b in positions
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="60,500", help="generated stage sizes, comma separated")
    args = parser.parse_args()
    print("| stage view | nodes / lines | crossings before → after | line length (px) before → after |")
    print("|---|---:|---:|---:|")
    raw = demo_data()
    for project in parse_bundle(raw).projects:
        for line in rows(raw, project.id, None, "demo"):
            print(line, flush=True)
    for people in (int(p) for p in args.people.split(",") if p):
        for line in rows(stage_portfolio(people), PROJECT, [STAGE], f"{people} people:"):
            print(line, flush=True)


if __name__ == "__main__":
    main()
