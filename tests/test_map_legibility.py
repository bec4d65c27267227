"""The map is legible when it opens (issue #15): measured in Chromium from the renderer.

At 1600×1000 a stage's default view names every person and duty at 12 px or more with
no two names overlapping (up to 60 people); bigger stages name owners and flagged people
first and never overlap; the view fits what is shown after every change; every mark the
map draws is in a legend visible without scrolling, each style meaning one thing.

Names are drawn by the page's own label renderer (visual/map.js): the tests take what it
reports drawing and check it against vis-network's positions (``getPositions`` +
``canvasToDOM``), the canvas's own text measurement at the drawn size and the pixels.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from test_maps_browser import ARRIVED, browser, open_page, record_timing, screenshot, write_page  # noqa: F401

from graphsvc.analysis.findings import project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import demo_data
from graphsvc.application.handover import handover_files
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph, project_map_html
from graphsvc.application.maps.model import SEVERITY_COLORS, MapData, build_map, default_legend
from graphsvc.application.maps.render import render_html
from graphsvc.application.maps.sample import STAGE, stage_portfolio
from graphsvc.domain.bundle import parse_bundle

DAY = date(2026, 11, 22)
PD = "pd-yunting-complex"
CONSTRUCTION = "pd-stage-construction"

#: every drawn name: the renderer's box checked against vis-network's node position, the
#: text width measured by the canvas at the drawn size, and the pixels inside the box
LABELS = """() => {
  const map = graphsvcMap, network = map.network;
  const canvas = document.querySelector('#map canvas');
  const ratio = canvas.width / canvas.clientWidth;
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  const measure = document.createElement('canvas').getContext('2d');
  const font = getComputedStyle(document.body).fontFamily;
  const scale = network.getScale();
  return map.labels().map((l) => {
    const body = network.getPositions([l.id])[l.id];
    const dom = network.canvasToDOM(body);
    measure.font = l.px + 'px ' + font;
    let dark = 0;
    for (let x = Math.max(0, Math.floor(l.x)); x < Math.min(canvas.clientWidth, l.x + l.w); x++) {
      for (let y = Math.max(0, Math.floor(l.y)); y < Math.min(canvas.clientHeight, l.y + l.h); y++) {
        const i = (Math.round(y * ratio) * pixels.width + Math.round(x * ratio)) * 4;
        if (pixels.data[i + 3] > 200 && pixels.data[i] + pixels.data[i + 1] + pixels.data[i + 2] < 450) dark++;
      }
    }
    return {
      id: l.id, px: l.px, x: l.x, y: l.y, w: l.w, h: l.h, badge: l.badge,
      textWidth: measure.measureText(l.text).width, nodeX: dom.x, nodeY: dom.y, dark: dark,
      cut: l.text.endsWith('…'), scale: scale,
    };
  });
}"""

#: where the shown nodes are on screen, and the map's own box
ON_SCREEN = """() => {
  const network = graphsvcMap.network;
  const ids = graphsvcMap.visibleNodeIds();
  const at = network.getPositions(ids);
  const box = document.getElementById('map').getBoundingClientRect();
  return { width: box.width, height: box.height,
           points: ids.map((id) => { const d = network.canvasToDOM(at[id]); return [id, d.x, d.y]; }) };
}"""


def settle(page) -> None:
    page.wait_for_function("() => !graphsvcMap.moving()", timeout=10_000)
    page.evaluate("graphsvcMap.network.redraw()")


def overlapping(labels: list[dict]) -> list[tuple[str, str]]:
    found = []
    boxes = sorted(labels, key=lambda b: b["x"])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if b["x"] >= a["x"] + a["w"]:
                break
            if a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]:
                found.append((a["id"], b["id"]))
    return found


def check_labels(labels: list[dict]) -> None:
    """Each name is drawn (dark pixels in its box), beside its node, whole, at 12 px or more."""
    assert overlapping(labels) == []
    for label in labels:
        assert label["px"] >= 12, label
        assert label["w"] + 0.5 >= label["textWidth"], label  # the box holds the text as the canvas measures it
        assert 0 <= label["x"] - label["nodeX"] <= 40 and abs(label["y"] + label["h"] / 2 - label["nodeY"]) <= 3, label
        assert label["dark"] > 10, label


def demo_page(embedded_store, tmp_path) -> tuple[MapData, str]:
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, PD, None, DAY)
    return data, write_page(tmp_path, project_map_html(embedded_store, PD, CONSTRUCTION, DAY))


def stage_page(tmp_path, people: int) -> tuple[MapData, str]:
    snapshot = parse_bundle(stage_portfolio(people))
    view = build_view(snapshot, "p0", DAY)
    data = build_map(snapshot, "p0", DAY, project_findings(view), view=view)
    return data, write_page(tmp_path, render_html(data, f"{people} people", STAGE))


# -- 1. a stage view built for the question ----------------------------------------------------


def test_stage_view_shows_its_people_and_their_relation(browser, embedded_store, tmp_path):  # noqa: F811
    data, url = demo_page(embedded_store, tmp_path)
    stage = data.for_stage(CONSTRUCTION)
    people = {n.id: n for n in stage.nodes if n.kind == "person"}
    # the owners of procurement (before) and acceptance (after) are the other side of its handovers
    assert any(n.relation[CONSTRUCTION] == "H" for n in people.values())
    with open_page(browser, url) as (page, _guard):
        settle(page)
        shown = set(page.evaluate("graphsvcMap.visibleNodeIds()"))
        assert {i for i in shown if i.startswith("c:")} == set(people)
        # every person's relation to the stage is drawn before their name, without a click
        badges = {label["id"]: label["badge"] for label in page.evaluate(LABELS)}
        assert {i: badges.get(i) for i in people} == {i: n.relation[CONSTRUCTION] for i, n in people.items()}
        # everyone else is one toggle away, and back
        page.check("#everyone")
        settle(page)
        everyone = set(page.evaluate("graphsvcMap.visibleNodeIds()"))
        assert {i for i in everyone if i.startswith("c:")} == {n.id for n in data.nodes if n.kind == "person"}
        assert {i for i in everyone if i.startswith("r:")} == {n.id for n in stage.nodes if n.kind == "duty"}
        check_labels(page.evaluate(LABELS))
        page.uncheck("#everyone")
        settle(page)
        assert set(page.evaluate("graphsvcMap.visibleNodeIds()")) == shown


# -- 2. legible when it opens ---------------------------------------------------------------------


def test_demo_stage_names_every_node_at_12px_without_overlap(browser, embedded_store, tmp_path):  # noqa: F811
    data, url = demo_page(embedded_store, tmp_path)
    with open_page(browser, url) as (page, _guard):
        assert not page.evaluate("graphsvcMap.moving()"), "the first view opens in place, it does not glide there"
        settle(page)
        labels = page.evaluate(LABELS)
        shown = set(page.evaluate("graphsvcMap.visibleNodeIds()"))
        assert {label["id"] for label in labels} == shown == {n.id for n in data.for_stage(CONSTRUCTION).nodes}
        check_labels(labels)
        assert not any(label["cut"] for label in labels)
        # the organisations' names are drawn too (they take their room first)
        screenshot(page, "map-construction-legible.png")


@pytest.mark.parametrize("people", [23, 60])
def test_generated_stage_up_to_60_people_is_named_in_full(browser, tmp_path, people):  # noqa: F811
    data, url = stage_page(tmp_path, people)
    with open_page(browser, url) as (page, _guard):
        settle(page)
        labels = page.evaluate(LABELS)
        assert {label["id"] for label in labels} == {n.id for n in data.for_stage(STAGE).nodes}
        check_labels(labels)
        screenshot(page, f"map-{people}-people.png")


def test_500_person_stage_names_owners_first_and_never_overlaps(browser, tmp_path):  # noqa: F811
    data, url = stage_page(tmp_path, 500)
    started = time.perf_counter()
    with open_page(browser, url) as (page, _guard):
        wall = time.perf_counter() - started
        ready_ms = page.evaluate("window.graphsvcReadyAt")
        settle(page)
        labels = page.evaluate(LABELS)
        check_labels(labels)
        stage = data.for_stage(STAGE)
        named = {label["id"] for label in labels}
        owners = {n.id for n in stage.nodes if n.kind == "person" and n.relation[STAGE] in "AR"}
        flagged = {n.id for n in stage.nodes if n.severity is not None}
        others = {n.id for n in stage.nodes if n.kind == "person"} - owners - flagged
        assert len(named) >= 60
        share = lambda group: len(group & named) / max(len(group), 1)  # noqa: E731
        assert share(flagged) >= share(owners) >= share(others) and share(owners) > share(others)
        # zoomed in, the rest is named, still without overlap
        page.evaluate("graphsvcMap.network.moveTo({scale: 1.2, animation: false}); graphsvcMap.network.redraw()")
        closer = page.evaluate(LABELS)
        check_labels(closer)
        on_screen = page.evaluate(ON_SCREEN)
        inside = {
            i
            for i, x, y in on_screen["points"]
            if 0 <= x <= on_screen["width"] - 250 and 20 <= y <= on_screen["height"] - 20
        }
        missing = inside - {label["id"] for label in closer}
        assert inside and not missing, page.evaluate(
            "(ids) => ids.map((id) => [id, graphsvcMap.network.getPositions([id])[id]])", sorted(missing)
        )
        screenshot(page, "map-500-legible.png")
    assert ready_ms < 2000, f"interactive after {ready_ms:.0f} ms"
    record_timing(
        "500-person stage, legible labels", {"ready_ms_after_navigation": round(ready_ms), "wall_s": round(wall, 2)}
    )


# -- 4. the view follows what is shown ----------------------------------------------------------


def assert_fitted(page, at_least: float = 0.25) -> None:
    """Every shown node is on screen, and the drawing is centred and not lost in a corner."""
    view = page.evaluate(ON_SCREEN)
    xs = [x for _, x, _ in view["points"]]
    ys = [y for _, _, y in view["points"]]
    assert xs, "nothing shown"
    assert min(xs) >= 0 and max(xs) <= view["width"] and min(ys) >= 0 and max(ys) <= view["height"]
    # what is drawn: the markers and their names
    for label in page.evaluate("graphsvcMap.labels()"):
        xs += [label["x"], label["x"] + label["w"]]
        ys += [label["y"], label["y"] + label["h"]]
    middle_x, middle_y = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2
    assert abs(middle_x - view["width"] / 2) < view["width"] * 0.2
    assert abs(middle_y - view["height"] / 2) < view["height"] * 0.2
    if len(xs) > 3:
        assert (max(xs) - min(xs)) > view["width"] * at_least or (max(ys) - min(ys)) > view["height"] * at_least


def test_phase_filter_and_search_fit_the_view(browser, embedded_store, tmp_path):  # noqa: F811
    data, url = demo_page(embedded_store, tmp_path)
    with open_page(browser, url) as (page, _guard):
        settle(page)
        assert_fitted(page)
        # a person present in both phases glides to their place in the next one
        both = next(n for n in data.nodes if {CONSTRUCTION, "pd-stage-acceptance"} <= set(n.stages))
        # clicked and asked in one go: a busy machine could finish the 350 ms glide in between
        started = page.evaluate(
            """() => { document.querySelector('#stages button[data-stage="pd-stage-acceptance"]').click();
                       return graphsvcMap.moving(); }"""
        )
        assert started, "the people glide to the next phase's places"
        x, y = data.stage_layouts["pd-stage-acceptance"].positions[both.id]
        page.wait_for_function(ARRIVED, arg=[both.id, x, y], timeout=5_000)
        settle(page)
        assert_fitted(page)
        for stage in data.stage_ids():
            page.click(f'#stages button[data-stage="{stage}"]')
            settle(page)
            # everyone shown is where the stage's own layout puts them (vis-network keeps whole numbers)
            layout = data.stage_layouts[stage].positions
            at = page.evaluate("graphsvcMap.network.getPositions(graphsvcMap.visibleNodeIds())")
            assert set(at) == set(layout)
            assert all(abs(at[i]["x"] - x) <= 0.5 and abs(at[i]["y"] - y) <= 0.5 for i, (x, y) in layout.items())
            assert_fitted(page)
            check_labels(page.evaluate(LABELS))
        page.click('#stages button[data-stage=""]')
        settle(page)
        assert_fitted(page)
        # an organisation filter: its people fill the view
        page.click(f'#stages button[data-stage="{CONSTRUCTION}"]')
        page.select_option("#org-filter", "org-zhengheng-supervision")
        settle(page)
        assert_fitted(page, at_least=0.05)
        check_labels(page.evaluate(LABELS))
        page.select_option("#org-filter", "")
        # a search result is on screen, selected and named
        page.fill("#search", "郭锐")
        page.press("#search", "Enter")
        settle(page)
        view = page.evaluate(ON_SCREEN)
        x, y = next((x, y) for i, x, y in view["points"] if i == "c:c-guo-rui")
        assert 0 <= x <= view["width"] and 0 <= y <= view["height"]
        assert "c:c-guo-rui" in {label["id"] for label in page.evaluate(LABELS)}


# -- 5. one mark per meaning, in a legend that is on screen ----------------------------------------


def test_legend_is_on_screen_and_lists_every_mark_once(browser, embedded_store, tmp_path):  # noqa: F811
    data, url = demo_page(embedded_store, tmp_path)
    legend = default_legend()
    lines = [m for m in legend.items if m.shape == "line"]
    # no two marks look alike, and a dash pattern means one thing
    assert len({(m.color, m.width, tuple(m.dashes or ()), m.arrow) for m in lines}) == len(lines)
    dashed = [tuple(m.dashes) for m in lines if m.dashes]
    assert len(set(dashed)) == len(dashed)
    assert len({m.key for m in legend.items}) == len(legend.items)
    with open_page(browser, url) as (page, _guard):
        settle(page)
        box = page.eval_on_selector("#legend", "el => el.getBoundingClientRect().toJSON()")
        assert box["bottom"] <= 1000 and box["top"] >= 0 and box["height"] <= 200
        keys = set(page.eval_on_selector_all("#legend [data-mark]", "els => els.map(e => e.dataset.mark)"))
        # every style a line of any stage is drawn with is in the legend
        page.click('#stages button[data-stage=""]')
        used = set(page.evaluate("graphsvcMap.visibleEdgeIds().map(graphsvcMap.styleOf)"))
        assert used <= keys, used - keys
        assert {"bridge", "stale", "handover_gap", "raci:A"} <= used
        # and it folds away, giving the map the room
        before = page.evaluate("document.getElementById('map').clientHeight")
        page.click("#legend summary")
        page.wait_for_function(f"() => document.getElementById('map').clientHeight > {before}")


def test_handover_package_uses_the_map_palette(embedded_store):
    import_bundle(embedded_store, demo_data())
    files = handover_files(embedded_store, PD, DAY)
    for name in ("index.html", "findings.html"):
        html = files[name].decode()
        for severity, color in SEVERITY_COLORS.items():
            assert f".{severity} {{ background: {color};" in html, (name, severity)
