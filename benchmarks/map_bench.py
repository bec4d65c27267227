"""Phase maps: HTML generation time, file size and time to interactive in Chromium, ours
against plain pyvis (``Network.from_nx`` + ``write_html``) on the same graph, same run.

    python -m benchmarks.map_bench --out BENCHMARKS.md      # 50 / 500 / 5,000 people: ~10 min
    python -m benchmarks.map_bench --people 50,500 --repeat 5

Data: ``graphsvc.application.maps.sample.stage_portfolio(N)``: ``synthetic.portfolio(1, N)`` whose
active stage involves all N people (a duty per ten people, one assignment each), about
five links per person. The stage view of that project is the graph both sides draw.

- **ours**: ``build_map`` (with the view the findings were computed on) + ``render_html``
  for the whole project, opened on the stage: one self-contained file. The findings
  (``project_findings``, the query layer) are timed apart: the map needs them, but they
  are not HTML generation.
- **pyvis**: a networkx ``MultiDiGraph`` of the stage view's nodes and edges (label,
  colour, size, shape; width, colour) built before the clock starts, then
  ``Network(cdn_resources="in_line").from_nx(g)`` + ``write_html`` in a scratch working
  directory (``in_line`` is its only self-contained mode; it still links Bootstrap from a
  CDN). Its default physics lays the graph out in the browser.
- **time to interactive**: headless Chromium (Debian's ``/usr/bin/chromium`` through
  Playwright), every request except the file blocked (and counted), from navigation start
  to the network's first drawing (``afterDrawing``; with vis-network's stabilisation on,
  nothing is drawn before it ends), read from ``performance.now()`` in the page. A fresh
  page per measurement.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.common import RESULTS, ROOT, loadavg, machine_facts, timed

BEGIN, END = "<!-- map_bench -->", "<!-- /map_bench -->"
CHROMIUM = os.environ.get("GRAPHSVC_CHROMIUM", "/usr/bin/chromium")
DAY = "2026-11-22"
PYVIS_TIMEOUT_S = 900
#: how long a page may take to become interactive before it is reported as stopped
TTI_TIMEOUT_S = 300

#: runs before any page script: times the first drawing of the first vis.Network made
READY_PROBE = """
(() => {
  let visObject;
  Object.defineProperty(window, "vis", {
    configurable: true,
    get() { return visObject; },
    set(value) {
      visObject = value;
      let Real;
      Object.defineProperty(value, "Network", {
        configurable: true,
        get() { return Real && function (...args) {
          const network = new Real(...args);
          network.once("afterDrawing", () => { if (!window.__benchReadyAt) window.__benchReadyAt = performance.now(); });
          return network;
        }; },
        set(N) { Real = N; },
      });
    },
  });
})();
"""


def log(message: str) -> None:
    print(f"[map_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def prepare(people: int) -> dict[str, Any]:
    from datetime import date

    from graphsvc.analysis.findings import project_findings
    from graphsvc.analysis.view import build_view
    from graphsvc.application.maps.sample import stage_portfolio
    from graphsvc.domain.bundle import parse_bundle

    day = date.fromisoformat(DAY)
    snapshot = parse_bundle(stage_portfolio(people))
    view = build_view(snapshot, "p0", day)
    started = time.perf_counter()
    findings = project_findings(view)
    return {
        "snapshot": snapshot,
        "view": view,
        "findings": findings,
        "day": day,
        "findings_s": time.perf_counter() - started,
    }


def ours(prep: dict[str, Any], path: Path, cluster_threshold: int | None = None) -> Any:
    from graphsvc.application.maps.model import build_map
    from graphsvc.application.maps.render import render_html
    from graphsvc.application.maps.sample import STAGE

    data = build_map(prep["snapshot"], "p0", prep["day"], prep["findings"], view=prep["view"])
    if cluster_threshold is not None:
        data = data.model_copy(update={"cluster_threshold": cluster_threshold})
    path.write_text(render_html(data, f"{len(prep['snapshot'].contacts)} people", STAGE), encoding="utf-8")
    return data


def nx_graph(data: Any) -> Any:
    """The stage view as a networkx graph with the attributes pyvis draws."""
    import networkx as nx

    from graphsvc.application.maps.sample import STAGE

    view = data.for_stage(STAGE)
    colors = {o.id: o.color for o in data.organizations}
    graph = nx.MultiDiGraph()
    for n in view.nodes:
        graph.add_node(
            n.id,
            label=n.label,
            title=f"{n.title} · {n.org or ''}",
            size=n.size,
            color=colors.get(n.org or "", "#fff6d5") if n.kind == "person" else "#fff6d5",
            shape="dot" if n.kind == "person" else "box",
        )
    for e in view.edges:
        graph.add_edge(
            e.source,
            e.target,
            title=e.kind,
            width=1 + (e.weight if e.kind == "communicates" else 1),
            color=data.legend.edges.get(f"raci:{e.raci}" if e.kind == "raci" else e.kind).color,
        )
    return graph


def pyvis_page(graph: Any, path: Path) -> int:
    from pyvis.network import Network

    net = Network(cdn_resources="in_line")
    net.from_nx(graph)
    net.write_html(str(path))
    return len(net.edges)


def _pyvis_child(people: int, out: str, result: str) -> None:
    """Runs in a subprocess so that a slow quadratic run can be stopped."""
    prep = prepare(people)
    scratch = Path(tempfile.mkdtemp(prefix="pyvis-"))
    data = ours(prep, scratch / "ours.html")
    graph = nx_graph(data)
    os.chdir(scratch)  # write_html may copy its lib/ folder into the working directory
    seconds = timed(lambda: pyvis_page(graph, Path(out)))
    Path(result).write_text(
        json.dumps(
            {
                "seconds": seconds,
                "nodes": graph.number_of_nodes(),
                "edges": graph.number_of_edges(),
                "copied": sorted(p.name for p in scratch.iterdir() if p.name != "ours.html"),
            }
        )
    )


def pyvis_generate(people: int, out: Path) -> dict[str, Any]:
    import subprocess

    result = out.with_suffix(".json")
    code = (
        "import sys; from benchmarks.map_bench import _pyvis_child; "
        "_pyvis_child(int(sys.argv[1]), sys.argv[2], sys.argv[3])"
    )
    try:
        subprocess.run(
            [sys.executable, "-c", code, str(people), str(out), str(result)],
            cwd=ROOT,
            check=True,
            timeout=PYVIS_TIMEOUT_S,
            capture_output=True,
        )
    except subprocess.TimeoutExpired:
        return {"timeout": PYVIS_TIMEOUT_S}
    return json.loads(result.read_text())


# -- the browser ------------------------------------------------------------------------------


class Browser:
    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._profile = tempfile.mkdtemp(prefix="chromium-")
        self.context = self._pw.chromium.launch_persistent_context(
            self._profile,
            executable_path=CHROMIUM,
            headless=True,
            service_workers="block",
            viewport={"width": 1600, "height": 1000},
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        self.version = self.context.browser.version if self.context.browser else "?"

    def time_to_interactive(self, path: Path, timeout_s: float = TTI_TIMEOUT_S) -> dict[str, Any]:
        page = self.context.new_page()
        blocked: list[str] = []
        errors: list[str] = []
        page.add_init_script(READY_PROBE)
        url = path.as_uri()

        def route(r: Any) -> None:
            if r.request.url.startswith(url):
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        try:
            started = time.perf_counter()
            page.goto(url, timeout=timeout_s * 1000)
            page.wait_for_function("window.__benchReadyAt > 0", timeout=timeout_s * 1000, polling=50)
            wall = time.perf_counter() - started
            ready_ms = page.evaluate("window.__benchReadyAt")
            return {"ready_ms": round(ready_ms), "wall_s": round(wall, 2), "blocked": blocked, "errors": errors}
        except Exception as exc:
            return {"timeout": timeout_s, "error": type(exc).__name__, "blocked": blocked, "errors": errors}
        finally:
            page.close()

    def close(self) -> None:
        self.context.close()
        self._pw.stop()


# -- one size ---------------------------------------------------------------------------------


def bench(people: int, repeat: int, browser: Browser, work: Path) -> dict[str, Any]:
    from graphsvc.application.maps.sample import STAGE

    log(f"{people} people: building the data and its findings")
    prep = prepare(people)
    ours_path = work / f"ours-{people}.html"
    ours(prep, ours_path)  # warm-up: template compiled, assets read
    generate = [timed(lambda: ours(prep, ours_path)) for _ in range(repeat)]
    data = ours(prep, ours_path)
    view = data.for_stage(STAGE)
    result: dict[str, Any] = {
        "people": people,
        "stage_nodes": len(view.nodes),
        "stage_edges": len(view.edges),
        "project_nodes": len(data.nodes),
        "project_edges": len(data.edges),
        "findings": len(data.findings),
        "findings_s": round(prep["findings_s"], 3),
        "ours_generate_s": [round(s, 4) for s in generate],
        "ours_bytes": ours_path.stat().st_size,
    }
    log(f"{people} people: ours {statistics.median(generate):.3f} s, {result['ours_bytes']:,} bytes")
    result["ours_tti"] = [browser.time_to_interactive(ours_path) for _ in range(repeat)]
    result["ours_grouped"] = len(view.nodes) > data.cluster_threshold
    if result["ours_grouped"]:  # also the ungrouped drawing of every person
        flat = work / f"ours-{people}-ungrouped.html"
        ours(prep, flat, cluster_threshold=10**9)
        result["ours_tti_ungrouped"] = [browser.time_to_interactive(flat) for _ in range(max(1, repeat // 2))]

    pyvis_path = work / f"pyvis-{people}.html"
    pyvis_runs = []
    for i in range(repeat if people <= 500 else 1):
        log(f"{people} people: pyvis run {i + 1}")
        pyvis_runs.append(pyvis_generate(people, pyvis_path))
        if "timeout" in pyvis_runs[-1]:
            break
    result["pyvis_generate"] = pyvis_runs
    if "timeout" not in pyvis_runs[-1]:
        result["pyvis_bytes"] = pyvis_path.stat().st_size
        log(f"{people} people: pyvis {pyvis_runs[-1]['seconds']:.3f} s; opening it")
        result["pyvis_tti"] = [browser.time_to_interactive(pyvis_path) for _ in range(repeat if people <= 500 else 1)]
    return result


# -- report -----------------------------------------------------------------------------------


def _med(values: list[float]) -> float:
    return statistics.median(values)


def _tti(runs: list[dict[str, Any]]) -> str:
    done = [r["ready_ms"] for r in runs if "ready_ms" in r]
    if not done:
        return f"> {runs[0].get('timeout')} s (stopped)"
    text = f"{_med(done) / 1000:.2f} s"
    if len(done) > 1:
        text += f" ({min(done) / 1000:.2f}–{max(done) / 1000:.2f})"
    return text


def _gen(values: list[float]) -> str:
    text = f"{_med(values):.3f} s"
    if len(values) > 1:
        text += f" ({min(values):.3f}–{max(values):.3f})"
    return text


def report(doc: dict[str, Any]) -> str:
    m = doc["machine"]
    lines = [
        f"Measured {m['date']} with `python -m benchmarks.map_bench --out BENCHMARKS.md` "
        f"({doc['repeat']} repeats for ours; median, min–max in brackets); code {m['code']}.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB RAM, {m['os']}; Python {m['python']}, "
        f"pydantic {m['pydantic']}, pyvis {doc['pyvis']}, Chromium {doc['chromium']}. "
        f"Load average at start {m['loadavg_start']}, at end {doc['loadavg_end']}.",
        "",
        "| people in the stage | stage nodes / edges | ours: generate | pyvis: from_nx + write_html | ours: file | pyvis: file "
        "| ours: time to interactive | pyvis: time to interactive | requests to other hosts (ours / pyvis) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in doc["results"]:
        pyvis_runs = r["pyvis_generate"]
        if "timeout" in pyvis_runs[-1]:
            pyvis_gen, pyvis_size, pyvis_tti = f"> {pyvis_runs[-1]['timeout']} s (stopped)", "–", "–"
        else:
            pyvis_gen = _gen([p["seconds"] for p in pyvis_runs])
            pyvis_size = f"{r['pyvis_bytes'] / 1e6:.2f} MB"
            pyvis_tti = _tti(r["pyvis_tti"])
        ours_tti = _tti(r["ours_tti"])
        if r.get("ours_grouped"):
            ours_tti += f" grouped by organisation; {_tti(r['ours_tti_ungrouped'])} with every person drawn"
        blocked_ours = max(len(t.get("blocked", [])) for t in r["ours_tti"])
        blocked_pyvis = max((len(t.get("blocked", [])) for t in r.get("pyvis_tti", [])), default=0)
        lines.append(
            f"| {r['people']:,} | {r['stage_nodes']:,} / {r['stage_edges']:,} | {_gen(r['ours_generate_s'])} | {pyvis_gen} "
            f"| {r['ours_bytes'] / 1e6:.2f} MB | {pyvis_size} | {ours_tti} | {pyvis_tti} | {blocked_ours} / {blocked_pyvis} |"
        )
    for r in doc["results"]:
        if r["people"] == 500:
            done = [t["ready_ms"] for t in r["ours_tti"] if "ready_ms" in t]
            worst = max(done) / 1000 if done else None
            verdict = "met" if worst is not None and worst < 2 else "**NOT MET**"
            lines += [
                "",
                f"Target: a 500-person stage interactive in under 2 s in Chromium: slowest of "
                f"{len(r['ours_tti'])} runs {worst:.2f} s, {verdict}.",
            ]
    lines += [
        "",
        "Findings of the whole project (`project_findings`, the query layer; the map draws them, "
        "not part of the generation time above):",
        "",
    ]
    for r in doc["results"]:
        lines.append(
            f"- {r['people']:,} people: {r['findings']:,} findings in {r['findings_s']:.2f} s "
            f"(the project's map holds {r['project_nodes']:,} nodes and {r['project_edges']:,} edges, all stages)"
        )
    return "\n".join(lines)


def write_section(path: Path, block: str) -> None:
    """Replace our block between the markers, or append a section; nothing else is touched."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    generated = f"{BEGIN}\n{block}\n{END}"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + generated + tail
    else:
        text = text.rstrip() + "\n\n## Maps (issue #4)\n\n" + SECTION_INTRO + "\n" + generated + "\n"
    path.write_text(text, encoding="utf-8")


SECTION_INTRO = """```sh
python -m benchmarks.map_bench --out BENCHMARKS.md          # 50 / 500 / 5,000 people, 3 repeats: ~20 min
python -m benchmarks.map_bench --people 50,500 --repeat 1   # a quick look: ~3 min (pyvis needs its physics)
```

`--out FILE` replaces the generated block below (between the `map_bench` markers) and
leaves the rest of this file alone; `benchmarks/results/maps.json` keeps every number.

What is measured (details in `benchmarks/map_bench.py`): a synthetic project whose active
stage involves N people (`graphsvc.application.maps.sample.stage_portfolio(N)`, about five lines per
person and a duty per ten people). **Ours**: `build_map` + `render_html`, one
self-contained file holding every stage of the project, opened on that stage (the
findings are computed beforehand and timed apart). **pyvis**: the same stage's nodes and
edges as a networkx graph, then `Network(cdn_resources="in_line").from_nx(g)` +
`write_html` (its only single-file mode; it still links Bootstrap from a CDN, and merges
parallel edges). **Time to interactive**: headless Chromium, all requests but the file
blocked, navigation start to the network's first drawing (pyvis lays out with physics and
draws only when its stabilisation ends). Above 2,000 nodes in a view our page starts
grouped by organisation; the drawing of every person is timed too.

Reading it: pyvis's generation grows quadratically (`add_node`/`add_edge` scan lists);
ours is linear (tests/test_maps.py counts the steps). Our file is larger at the same size
because it is the whole project, not one drawing: every stage with its membership, the
findings (explanations, remedies, subjects), and each person's details and channels. In
the browser pyvis's time is its physics (1,000 stabilisation iterations over nodes plus
the support nodes of its "dynamic" smooth edges); ours has positions from the server and
physics off.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", default="50,500,5000", help="comma-separated stage sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the section into this Markdown file (BENCHMARKS.md)")
    args = parser.parse_args(argv)

    import pyvis

    doc: dict[str, Any] = {"machine": machine_facts(), "repeat": args.repeat, "pyvis": pyvis.__version__}
    browser = Browser()
    doc["chromium"] = browser.version
    try:
        with tempfile.TemporaryDirectory(prefix="map-bench-") as scratch:
            doc["results"] = [
                bench(int(n), args.repeat, browser, Path(scratch)) for n in args.people.split(",") if n.strip()
            ]
    finally:
        browser.close()
    doc["loadavg_end"] = loadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "maps.json").write_text(json.dumps(doc, indent=2, ensure_ascii=False), encoding="utf-8")
    block = report(doc)
    print(block)
    if args.out:
        write_section(args.out, block)
        log(f"wrote the maps section of {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
