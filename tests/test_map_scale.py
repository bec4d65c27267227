"""The map at scale (issue #15, item 9): generated 60-, 500- and 5,000-person stages in Chromium.

- 60 people: every name drawn at 12 px or more, none overlapping, in the view it opens with;
- 500 people: interactive (first drawing) in under 2 s after navigation; vis-network's own
  bare draw of the same nodes and lines (its labels, no page code) is timed in the same run
  as a reference;
- the demo's "everyone in the project" view of a stage has a layout of its own (every
  person, the stage's duties), so it opens larger than the whole project's layout did
  (0.55×, with 28 of its 65 names drawn; now about 0.7×);
- 5,000 people: the page opens grouped by organisation, every group named, no two names and
  no two groups overlapping; a click on a group opens it, and the view then shows that
  organisation's block with its people named; "Group again" closes it.

Times go to ``test-artifacts/map-timings.json`` (BENCHMARKS.md "Maps" quotes them).
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path

import pytest
from test_map_legibility import CONSTRUCTION, LABELS, assert_fitted, check_labels, demo_page, settle, stage_page
from test_maps_browser import browser, open_page, record_timing, screenshot, write_page  # noqa: F401

from graphsvc.application.maps.model import MapData
from graphsvc.application.maps.sample import STAGE

VIS_JS = Path(__file__).resolve().parent.parent / "visual/vendor/vis-network-9.1.2/vis-network.min.js"

#: the organisation groups shown: their discs on screen and whether the page named them
GROUPS = """() => {
  const network = graphsvcMap.network;
  const ids = Array.from(graphsvcMap.state.nodes).filter((id) => id.startsWith('o:'));
  const at = network.getPositions(ids), scale = network.getScale();
  return ids.map((id) => {
    const d = network.canvasToDOM(at[id]);
    return { id: id, x: d.x, y: d.y, r: network.body.nodes[id].options.size * scale };
  });
}"""


def ready_ms(page) -> float:
    return float(page.evaluate("window.graphsvcReadyAt"))


def bare_vis_ms(browser, tmp_path: Path, data: MapData) -> float:  # noqa: F811
    """vis-network alone drawing the stage's nodes (with its own labels) and lines at the
    stage layout's positions, physics off: navigation start to its first drawing."""
    stage = data.for_stage(STAGE)
    layout = data.stage_layouts[STAGE].positions
    nodes = [
        {"id": n.id, "label": n.label, "x": layout[n.id][0], "y": layout[n.id][1], "shape": "dot", "size": n.size}
        for n in stage.nodes
        if n.id in layout
    ]
    edges = [{"from": e.source, "to": e.target} for e in stage.edges]
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><style>#map{width:1200px;height:800px}</style>"
        f"<script>{VIS_JS.read_text(encoding='utf-8')}</script></head><body><div id='map'></div><script>"
        f"var nodes = {json.dumps(nodes)}; var edges = {json.dumps(edges)};"
        "var network = new vis.Network(document.getElementById('map'),"
        " {nodes: new vis.DataSet(nodes), edges: new vis.DataSet(edges)},"
        " {physics: false, layout: {improvedLayout: false}, edges: {smooth: false}});"
        "network.once('afterDrawing', function () { window.graphsvcReadyAt = performance.now();"
        " window.graphsvcReady = true; });</script></body></html>"
    )
    url = write_page(tmp_path, html, "bare.html")
    with open_page(browser, url) as (page, _guard):
        return ready_ms(page)


def test_60_person_stage_is_named_in_full_when_it_opens(browser, tmp_path):  # noqa: F811
    data, url = stage_page(tmp_path, 60)
    with open_page(browser, url) as (page, _guard):
        opened = ready_ms(page)
        assert not page.evaluate("graphsvcMap.state.clustered")
        settle(page)
        measured = page.evaluate(LABELS)
        assert {label["id"] for label in measured} == {n.id for n in data.for_stage(STAGE).nodes}
        check_labels(measured)  # 12 px or more, none overlapping
    record_timing("scale: 60-person stage", {"ready_ms_after_navigation": round(opened)})


def test_500_person_stage_is_interactive_in_under_2_seconds(browser, tmp_path):  # noqa: F811
    data, url = stage_page(tmp_path, 500)
    times = []
    for _ in range(3):  # the slowest of three fresh pages must meet the target
        with open_page(browser, url) as (page, _guard):
            times.append(ready_ms(page))
            assert not page.evaluate("graphsvcMap.state.clustered")
            # interactive: a click on a person opens their details
            person = next(n for n in data.for_stage(STAGE).nodes if n.kind == "person")
            page.evaluate("(id) => graphsvcMap.focusNode(id)", person.id)
            assert person.label in page.inner_text("#details")
    bare = [bare_vis_ms(browser, tmp_path, data) for _ in range(3)]
    assert max(times) < 2000, f"interactive after {times} ms"
    median, bare_median = sorted(times)[1], sorted(bare)[1]
    record_timing(
        "scale: 500-person stage",
        {
            "ready_ms_after_navigation": [round(t) for t in times],
            "bare_vis_network_ms": [round(t) for t in bare],
            "ratio_median": round(median / bare_median, 2),
        },
    )


@pytest.fixture(scope="module")
def page_5000(tmp_path_factory) -> tuple[MapData, str]:
    return stage_page(tmp_path_factory.mktemp("map5000"), 5000)


def assert_groups_apart(groups: list[dict]) -> None:
    for i, a in enumerate(groups):
        for b in groups[i + 1 :]:
            assert math.hypot(a["x"] - b["x"], a["y"] - b["y"]) > a["r"] + b["r"], (a, b)


def test_5000_people_open_grouped_and_a_group_opens_on_click(browser, page_5000):  # noqa: F811
    data, url = page_5000
    stage = data.for_stage(STAGE)
    assert sum(n.kind == "person" for n in stage.nodes) == 5000
    orgs = {n.org for n in stage.nodes if n.kind == "person"}
    started = time.perf_counter()
    with open_page(browser, url) as (page, _guard):
        wall = time.perf_counter() - started
        opened = ready_ms(page)
        assert page.evaluate("graphsvcMap.state.clustered")
        assert page.is_checked("#cluster")
        settle(page)
        labels = page.evaluate(LABELS)
        check_labels(labels)
        groups = page.evaluate(GROUPS)
        assert {g["id"] for g in groups} == {"o:" + o for o in orgs}
        assert {g["id"] for g in groups} <= {label["id"] for label in labels}, "every group is named"
        assert_groups_apart(groups)
        grouped_scale = page.evaluate("graphsvcMap.network.getScale()")
        screenshot(page, "map-5000-grouped.png")

        # a click on a group opens it: its people in its block, and the view shows that block
        chosen = min(groups, key=lambda g: g["id"])
        org = chosen["id"][2:]
        box = page.locator("#map canvas").bounding_box()
        clicked = time.perf_counter()
        page.mouse.click(box["x"] + chosen["x"], box["y"] + chosen["y"])
        page.wait_for_function("(id) => graphsvcMap.state.expanded.has(id)", arg=org, timeout=10_000)
        settle(page)
        expand_s = time.perf_counter() - clicked
        members = {n.id for n in stage.nodes if n.kind == "person" and n.org == org}
        shown = set(page.evaluate("graphsvcMap.visibleNodeIds()"))
        assert members <= shown
        assert chosen["id"] not in page.evaluate("Array.from(graphsvcMap.state.nodes)")
        view = page.evaluate(
            """(ids) => { const n = graphsvcMap.network, at = n.getPositions(ids);
                          return ids.map((id) => n.canvasToDOM(at[id])); }""",
            sorted(members),
        )
        width, height = box["width"], box["height"]
        assert all(-1 <= p["x"] <= width + 1 and -1 <= p["y"] <= height + 1 for p in view), "the block is in view"
        assert page.evaluate("graphsvcMap.network.getScale()") > 1.5 * grouped_scale, "the view goes to the block"
        labels = page.evaluate(LABELS)
        check_labels(labels)
        named = {label["id"] for label in labels} & members
        assert len(named) >= 60, f"{len(named)} of the {len(members)} people named"
        assert_groups_apart(page.evaluate(GROUPS))
        screenshot(page, "map-5000-expanded.png")

        # "Group again" closes it
        page.get_by_role("button", name="Group again").click()
        page.wait_for_function("(id) => !graphsvcMap.state.expanded.has(id)", arg=org, timeout=10_000)
        settle(page)
        assert "o:" + org in page.evaluate("Array.from(graphsvcMap.state.nodes)")
        assert not members & set(page.evaluate("graphsvcMap.visibleNodeIds()"))
    assert opened < 3000, f"grouped view interactive after {opened:.0f} ms"
    record_timing(
        "scale: 5,000-person stage, grouped",
        {"ready_ms_after_navigation": round(opened), "wall_s": round(wall, 2), "expand_s": round(expand_s, 2)},
    )


def test_everyone_in_the_project_opens_on_its_own_compact_layout(browser, embedded_store, tmp_path):  # noqa: F811
    data, url = demo_page(embedded_store, tmp_path)
    people = {n.id for n in data.nodes if n.kind == "person"}
    with open_page(browser, url) as (page, _guard):
        page.evaluate("graphsvcMap.setEveryone(true)")
        settle(page)
        shown = set(page.evaluate("graphsvcMap.visibleNodeIds()"))
        assert people <= shown
        layout = data.everyone_layouts[CONSTRUCTION].positions
        assert shown <= set(layout)
        at = page.evaluate("(ids) => graphsvcMap.network.getPositions(ids)", sorted(shown))
        assert all(abs(at[i]["x"] - layout[i][0]) <= 0.5 and abs(at[i]["y"] - layout[i][1]) <= 0.5 for i in shown)
        assert_fitted(page)
        scale = page.evaluate("graphsvcMap.network.getScale()")
        labels = page.evaluate(LABELS)
        check_labels(labels)
        screenshot(page, "map-everyone-construction.png")
    assert scale >= 0.65, f"opens at {scale:.2f}x"
    assert len(labels) >= 40, f"{len(labels)} of {len(shown)} names drawn"
    record_timing("scale: demo 'everyone in the project'", {"scale": round(scale, 3), "named": len(labels)})
