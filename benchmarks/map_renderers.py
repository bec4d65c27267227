"""Which renderer draws a stage map: vis-network (ours, shipped) against sigma.js v3 +
graphology on the same nodes, edges and server positions (issue #15).

    python -m benchmarks.map_renderers --people 60,500 --repeat 3

sigma and graphology are fetched with ``npm pack`` into a scratch folder (they are not
shipped: this script only compares). Each side is one self-contained file opened in
headless Chromium (``/usr/bin/chromium`` through Playwright, 1600×1000, every other request
blocked), a fresh page per run:

- **ours**: ``render_html`` of the stage (vis-network 9.1.2, physics off, names drawn by
  ``visual/map.js``); time to interactive = ``window.graphsvcReadyAt`` (first drawing);
  then the time of one full redraw (markers, lines and the names' level of detail), and
  how many names are drawn at the opening fit;
- **sigma**: graphology graph of the same stage view (positions from the stage layout,
  sizes and colours alike), ``new Sigma(graph, container)`` with its default label grid
  and a 13 px label size; time to interactive = the end of its constructor (which draws
  the first frame); names drawn =
  ``displayedNodeLabels`` at the same fit.

Prints a Markdown table and writes ``benchmarks/results/map_renderers.json``.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from benchmarks.common import RESULTS
from graphsvc.analysis.findings import project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.maps.model import build_map
from graphsvc.application.maps.render import render_html
from graphsvc.application.maps.sample import STAGE, stage_portfolio
from graphsvc.domain.bundle import parse_bundle

DAY = date(2026, 11, 22)
SIGMA, GRAPHOLOGY = "sigma@3.0.2", "graphology@0.26.0"

SIGMA_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>html,body{margin:0;height:100%} #map{position:absolute;left:0;top:113px;width:1240px;height:747px}</style>
</head><body><div id="map"></div>
<script>%(graphology)s</script><script>%(sigma)s</script>
<script>
const data = %(data)s;
const graph = new graphology.MultiDirectedGraph();
data.nodes.forEach(n => graph.addNode(n.id, {x: n.x, y: -n.y, size: n.size / 2, label: n.label, color: n.color}));
data.edges.forEach(e => graph.addEdgeWithKey(e.id, e.source, e.target, {size: e.width, color: e.color}));
// sigma draws its first frame inside the constructor
const renderer = new Sigma(graph, document.getElementById('map'), {labelSize: 13, labelRenderedSizeThreshold: 0});
window.readyAt = performance.now();
window.renderer = renderer;
</script></body></html>"""


def stage_data(people: int) -> dict[str, object]:
    snapshot = parse_bundle(stage_portfolio(people))
    view = build_view(snapshot, "p0", DAY)
    full = build_map(snapshot, "p0", DAY, project_findings(view), view=view)
    stage = full.for_stage(STAGE)
    colors = {o.id: o.color for o in full.organizations}
    legend = full.legend.edges
    return {
        "html": render_html(full, f"{people} people", STAGE),
        "nodes": [
            {
                "id": n.id,
                "x": n.x,
                "y": n.y,
                "size": n.size,
                "label": n.label,
                "color": colors.get(n.org or "", "#c7c7c7") if n.kind == "person" else "#fff6d5",
            }
            for n in stage.nodes
        ],
        "edges": [
            {
                "id": e.id,
                "source": e.source,
                "target": e.target,
                "width": legend.get(f"raci:{e.raci}" if e.kind == "raci" else e.kind, legend["communicates"]).width,
                "color": legend.get(f"raci:{e.raci}" if e.kind == "raci" else e.kind, legend["communicates"]).color,
            }
            for e in stage.edges
        ],
    }


def fetch_sigma(folder: Path) -> tuple[str, str]:
    subprocess.run(["npm", "pack", SIGMA, GRAPHOLOGY], cwd=folder, check=True, capture_output=True)
    for tgz in folder.glob("*.tgz"):
        subprocess.run(["tar", "-xzf", tgz.name, "--one-top-level=" + tgz.stem], cwd=folder, check=True)
    sigma = next(folder.glob("sigma-*/package/dist/sigma.min.js")).read_text()
    graphology = next(folder.glob("graphology-*/package/dist/graphology.umd.min.js")).read_text()
    return sigma, graphology


def measure(people_counts: list[int], repeat: int) -> dict[str, dict[str, object]]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        sigma_js, graphology_js = fetch_sigma(folder)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--no-sandbox", "--enable-unsafe-swiftshader"]
            )
            for people in people_counts:
                data = stage_data(people)
                ours = folder / f"ours-{people}.html"
                ours.write_text(str(data["html"]), encoding="utf-8")
                theirs = folder / f"sigma-{people}.html"
                payload = json.dumps({"nodes": data["nodes"], "edges": data["edges"]}).replace("<", "\\u003c")
                page_html = (
                    SIGMA_PAGE.replace("%(graphology)s", graphology_js)
                    .replace("%(sigma)s", sigma_js)
                    .replace("%(data)s", payload)
                )
                theirs.write_text(page_html, encoding="utf-8")
                row: dict[str, list[float]] = {
                    k: [] for k in ("ours_ms", "ours_redraw_ms", "ours_names", "sigma_ms", "sigma_names")
                }
                for _ in range(repeat):
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    page.goto(ours.as_uri())
                    page.wait_for_function("() => window.graphsvcReady === true", timeout=60_000)
                    page.wait_for_function("() => !graphsvcMap.moving()")
                    row["ours_ms"].append(page.evaluate("window.graphsvcReadyAt"))
                    row["ours_redraw_ms"].append(
                        page.evaluate(
                            "() => { const t = performance.now(); graphsvcMap.network.redraw(); return performance.now() - t; }"
                        )
                    )
                    row["ours_names"].append(page.evaluate("graphsvcMap.labels().length"))
                    page.close()
                    page = browser.new_page(viewport={"width": 1600, "height": 1000})
                    page.on("pageerror", lambda error: print("sigma page error:", error))
                    page.goto(theirs.as_uri())
                    page.wait_for_function("() => window.readyAt !== undefined", timeout=60_000)
                    row["sigma_ms"].append(page.evaluate("window.readyAt"))
                    row["sigma_names"].append(page.evaluate("renderer.displayedNodeLabels.size"))
                    page.close()
                results[str(people)] = {
                    "nodes": len(data["nodes"]),  # type: ignore[arg-type]
                    "edges": len(data["edges"]),  # type: ignore[arg-type]
                    **{k: round(statistics.median(v), 1) for k, v in row.items()},
                }
            browser.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="60,500")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results = measure([int(p) for p in args.people.split(",")], args.repeat)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "map_renderers.json").write_text(json.dumps(results, indent=2))
    print(
        "| people | stage nodes / edges | vis-network (ours): interactive | one redraw | names drawn | sigma v3: interactive | names drawn |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for people, r in results.items():
        print(
            f"| {people} | {r['nodes']} / {r['edges']} | {r['ours_ms']:.0f} ms | {r['ours_redraw_ms']:.0f} ms | "
            f"{r['ours_names']:.0f} | {r['sigma_ms']:.0f} ms | {r['sigma_names']:.0f} |"
        )


if __name__ == "__main__":
    main()
