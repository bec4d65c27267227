"""Phase maps in a real browser: Debian's headless Chromium driven by Playwright.

Every page runs with all network access blocked except the page itself (the file, or the
test's own server on 127.0.0.1); a request to anywhere else fails the test, and so does a
JavaScript error, a console error (a Content-Security-Policy refusal is one) or a dialog.
Screenshots are kept in ``test-artifacts/`` (with the load times in
``test-artifacts/map-timings.json``); timings are recorded, never asserted here.

Needs ``playwright`` (PyPI; its browsers are not used) and ``/usr/bin/chromium``
(``apt-get install chromium``; ``GRAPHSVC_CHROMIUM`` points elsewhere). Without them these
tests fail: under CI nothing may be skipped.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from test_maps import (
    XSS_CHANNEL,
    XSS_DUTY,
    XSS_NAME,
    XSS_ORG,
    XSS_PROJECT,
    XSS_STAGE,
    XSS_TITLE,
    hostile,
)

from graphsvc.analysis.findings import project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph, project_map_html
from graphsvc.application.maps.model import MapData, build_map
from graphsvc.application.maps.render import render_html
from graphsvc.application.maps.sample import STAGE, stage_portfolio
from graphsvc.domain.bundle import parse_bundle
from graphsvc.web.app import create_app

CHROMIUM = os.environ.get("GRAPHSVC_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DAY = date(2026, 11, 22)
PD = "pd-yunting-complex"
SW = "sw-fieldops-3"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--no-default-browser-check",
]


@pytest.fixture(scope="module")
def browser(chromium):
    """A fresh browser context for the module, in the test process's one Chromium."""
    context = chromium.new_context(viewport={"width": 1600, "height": 1000}, service_workers="block")
    yield context
    context.close()


class Guard:
    """Blocks every request but the page's own, and records what must not happen."""

    def __init__(self, page, allowed: str):
        self.page = page
        self.allowed = allowed
        self.blocked: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.route("**/*", self._route)
        page.on("console", lambda msg: self.errors.append(f"console: {msg.text}") if msg.type == "error" else None)
        page.on("pageerror", lambda exc: self.errors.append(f"pageerror: {exc}"))
        page.on("dialog", self._dialog)

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(self.allowed):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def check(self) -> None:
        assert self.blocked == [], f"requests to other hosts: {self.blocked}"
        assert self.errors == [], self.errors
        assert self.dialogs == [], f"dialogs opened (script ran): {self.dialogs}"


@contextmanager
def open_page(browser, url: str, allowed: str | None = None) -> Iterator[tuple[object, Guard]]:
    page = browser.new_page()
    guard = Guard(page, allowed or url.split("?")[0].split("#")[0])
    try:
        page.goto(url)
        page.wait_for_function("window.graphsvcReady === true", timeout=30_000)
        yield page, guard
        guard.check()
    finally:
        page.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def record_timing(name: str, value: dict) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "map-timings.json"
    timings = json.loads(path.read_text()) if path.exists() else {}
    timings[name] = value
    path.write_text(json.dumps(timings, indent=2))


def write_page(tmp_path: Path, html: str, name: str = "map.html") -> str:
    path = tmp_path / name
    path.write_text(html, encoding="utf-8")
    return path.as_uri()


def visible(page) -> tuple[set[str], set[str]]:
    nodes, edges = page.evaluate("[graphsvcMap.visibleNodeIds(), graphsvcMap.visibleEdgeIds()]")
    return set(nodes), set(edges)


def expected(data: MapData, stage: str | None) -> tuple[set[str], set[str]]:
    view = data.for_stage(stage)
    return {n.id for n in view.nodes}, {e.id for e in view.edges}


DRAWN_PIXELS = """() => {
  const canvas = document.querySelector('#map canvas');
  const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let drawn = 0;
  for (let i = 0; i < pixels.length; i += 4 * 5) if (pixels[i + 3] > 0) drawn++;
  return drawn;
}"""

# the view and the node have stopped moving (a search's focus animation, a glide between
# phases): unchanged over one polling interval
STILL = """(id) => {
  const network = graphsvcMap.network;
  const view = network.getViewPosition(), node = network.getPositions([id])[id];
  const key = [view.x, view.y, network.getScale(), node.x, node.y].map((v) => v.toFixed(3)).join();
  const same = window.graphsvcTestLastView === key;
  window.graphsvcTestLastView = key;
  return same;
}"""


def node_on_screen(page, node_id: str) -> tuple[float, float]:
    """Where to click ``node_id`` once nothing moves any more."""
    page.wait_for_function(STILL, arg=node_id, polling=250, timeout=15_000)
    x, y = page.evaluate(NODE_ON_SCREEN, node_id)
    return x, y


NODE_ON_SCREEN = """(id) => {
  const network = graphsvcMap.network;
  const position = network.getPositions([id])[id];
  network.moveTo({ position: position, scale: 1.2, animation: false });
  network.redraw();
  const dom = network.canvasToDOM(position);
  const box = document.getElementById('map').getBoundingClientRect();
  return [box.left + dom.x, box.top + dom.y];
}"""


# a node has glided to (x, y) (vis-network keeps whole numbers)
ARRIVED = """([id, x, y]) => {
  const at = graphsvcMap.network.getPositions([id])[id];
  return !graphsvcMap.moving() && Math.abs(at.x - x) <= 0.5 && Math.abs(at.y - y) <= 0.5;
}"""


# Chinese drawn with the page's fonts differs from two unassigned code points (which draw as
# the same "missing glyph" boxes): false when no CJK font is installed.
CJK_GLYPHS = """() => {
  const canvas = document.createElement('canvas');
  canvas.width = 240; canvas.height = 60;
  const ctx = canvas.getContext('2d');
  ctx.font = '40px ' + getComputedStyle(document.body).fontFamily;
  const draw = (text) => { ctx.clearRect(0, 0, 240, 60); ctx.fillText(text, 0, 45); return canvas.toDataURL(); };
  const missing = draw('\u0378\u0379');
  return draw('郭锐') !== missing && draw('云庭') !== missing;
}"""


def text_of(page, selector: str) -> str:
    return page.eval_on_selector(selector, "el => el.textContent")


# -- the demo, from a file ------------------------------------------------------------------


def test_demo_map_in_chromium(browser, embedded_store, tmp_path):
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, PD, None, DAY)
    url = write_page(tmp_path, project_map_html(embedded_store, PD, None, DAY))
    with open_page(browser, url) as (page, guard):
        # drawn, on the active stage, with exactly the stage's nodes and edges
        assert page.evaluate(DRAWN_PIXELS) > 2000
        assert page.get_attribute('#stages button[data-stage="pd-stage-construction"]', "aria-pressed") == "true"
        assert visible(page) == expected(data, "pd-stage-construction")
        counts = page.evaluate("graphsvcMap.counts()")
        assert counts["nodes"] == page.evaluate("graphsvcMap.network.body.data.nodes.length")
        assert counts["edges"] == page.evaluate("graphsvcMap.network.body.data.edges.length")
        assert text_of(page, "#map-title") == "云庭·滨江综合体 Yunting Binjiang Complex"
        assert page.evaluate(CJK_GLYPHS), "Chinese text draws as empty boxes: install a CJK font (fonts-noto-cjk)"
        # drawn where the stage's own layout puts it (see test_map_legibility for the rest)
        both = next(n for n in data.nodes if {"pd-stage-construction", "pd-stage-acceptance"} <= set(n.stages))
        where = page.evaluate("(id) => graphsvcMap.network.getPositions([id])[id]", both.id)
        x, y = data.stage_layouts["pd-stage-construction"].positions[both.id]
        assert abs(where["x"] - x) <= 0.5 and abs(where["y"] - y) <= 0.5  # (vis-network rounds)
        screenshot(page, "map-demo-construction.png")

        # the phase switcher: another stage, then all stages; a person in both glides to
        # their place in the other stage's layout
        page.click('#stages button[data-stage="pd-stage-acceptance"]')
        assert visible(page) == expected(data, "pd-stage-acceptance")
        assert page.get_attribute('#stages button[data-stage="pd-stage-acceptance"]', "aria-pressed") == "true"
        x, y = data.stage_layouts["pd-stage-acceptance"].positions[both.id]
        page.wait_for_function(ARRIVED, arg=[both.id, x, y], timeout=5_000)
        findings_here = [f for f in data.findings if "pd-stage-acceptance" in f.stages]
        assert page.locator("#findings-list li[data-finding]").count() == len(findings_here)
        page.click('#stages button[data-stage=""]')
        assert visible(page) == expected(data, None)
        assert text_of(page, "#counts").startswith(f"{sum(n.kind == 'person' for n in data.nodes)} people")

        # search finds a person and selects, centres and describes them
        assert page.evaluate("graphsvcMap.search('guorui')")[0] == "c:c-guo-rui"  # by pinyin, offline
        assert "c:c-guo-rui" in page.evaluate("graphsvcMap.search('Guo Rui')")
        assert "c:c-guo-rui" in page.evaluate("graphsvcMap.search('gr')")  # by initials
        page.fill("#search", "郭锐")
        assert "郭锐" in text_of(page, "#search-results li")
        page.press("#search", "Enter")
        assert page.evaluate("graphsvcMap.network.getSelectedNodes()") == ["c:c-guo-rui"]
        assert text_of(page, "#details h2") == "郭锐"
        details = text_of(page, "#details")
        assert "消防验收审查员 Fire Acceptance Reviewer" in details and "杭州市滨江区住房和城乡建设局" in details

        # a click on a node shows its details: title, organisation, channels
        x, y = node_on_screen(page, "c:c-sun-hao")
        page.mouse.click(x, y)
        assert text_of(page, "#details h2") == "孙浩"
        details = text_of(page, "#details")
        assert "总经理 General Manager" in details and "杭州云庭置业有限公司" in details
        assert (
            "+86 139 0000 1001" in details and "sunhao@yunting.example.cn" in details and "prefers meeting" in details
        )

        # filter by organisation: only its people, and the duties they hold
        page.select_option("#org-filter", "org-bafang-construction")
        nodes, _ = visible(page)
        people = {n.id for n in data.nodes if n.org == "org-bafang-construction"}
        assert {n for n in nodes if n.startswith("c:")} == people
        held = {e.target for e in data.edges if e.kind == "raci" and e.source in people}
        assert {n for n in nodes if n.startswith("r:")} == held
        page.select_option("#org-filter", "")

        # a finding from the panel selects what it is drawn on
        page.click('#stages button[data-stage="pd-stage-construction"]')
        page.click("#findings-list li >> nth=0")
        first = sorted(
            (f for f in data.findings if "pd-stage-construction" in f.stages), key=lambda f: (f.severity.rank, f.index)
        )[0]
        assert first.explanation in text_of(page, "#details")
        assert set(page.evaluate("graphsvcMap.network.getSelectedNodes()")) == set(first.nodes)

        # grouped by organisation: one node per organisation with people in the view
        page.check("#cluster")
        orgs = {n.org or "" for n in data.for_stage("pd-stage-construction").nodes if n.kind == "person"}
        assert page.evaluate("graphsvcMap.counts().clusters") == len(orgs)
        x, y = node_on_screen(page, "o:org-bafang-construction")
        page.mouse.click(x, y)  # opens the group and describes the organisation
        assert text_of(page, "#details h2") == "浙江八方建设集团有限公司"
        assert "Engagedyes" in text_of(page, "#details") and "contractor" in text_of(page, "#details")
        opened = {n.id for n in data.for_stage("pd-stage-construction").nodes if n.org == "org-bafang-construction"}
        assert opened <= visible(page)[0]
        page.uncheck("#cluster")
        assert visible(page) == expected(data, "pd-stage-construction")
        screenshot(page, "map-demo-after-interaction.png")
    guard.check()


# -- hostile strings ----------------------------------------------------------------------------


def test_hostile_strings_show_literally_and_never_run(browser, embedded_store, tmp_path):
    import_bundle(embedded_store, hostile())
    url = write_page(tmp_path, project_map_html(embedded_store, "p", "all", DAY, title=XSS_TITLE))
    with open_page(browser, url) as (page, guard):
        assert page.evaluate("document.title") == XSS_TITLE
        assert text_of(page, "#map-title") == XSS_TITLE
        assert XSS_STAGE in text_of(page, "#stages")
        assert XSS_ORG in text_of(page, "#org-filter")
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert (
            page.evaluate(
                "[...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length"
            )
            == 0
        )

        page.fill("#search", "onerror")
        assert XSS_NAME in text_of(page, "#search-results")
        page.press("#search", "Enter")
        assert text_of(page, "#details h2") == XSS_NAME
        details = text_of(page, "#details")
        assert XSS_TITLE in details and XSS_ORG in details and XSS_CHANNEL in details
        assert "a1@x.cn<script>alert(10)</script>" in details

        page.fill("#search", "javascript")
        page.press("#search", "Enter")
        assert text_of(page, "#details h2") == XSS_DUTY
        assert page.evaluate("document.querySelectorAll('#details a[href^=javascript]').length") == 0

        page.fill("#search", "王小明")
        page.press("#search", "Enter")
        assert text_of(page, "#details h2") == "王小明 Wang\u2028Xiaoming"
        assert XSS_PROJECT in page.evaluate("graphsvcMap.data.project.name")
        panel = text_of(page, "#findings-list")
        assert XSS_NAME in panel and XSS_DUTY in panel
        page.click("#findings-list li >> nth=0")
        assert XSS_NAME in text_of(page, "#details")
        screenshot(page, "map-hostile.png")
        assert guard.dialogs == []
    guard.check()


def test_guard_sees_requests_to_other_hosts(browser, tmp_path):
    """The network guard itself works: a page that asks a CDN is caught."""
    url = write_page(tmp_path, "<script>window.graphsvcReady = true</script><img src='https://cdn.example.com/x.png'>")
    page = browser.new_page()
    guard = Guard(page, url)
    try:
        page.goto(url)
        page.wait_for_timeout(300)
        assert guard.blocked == ["https://cdn.example.com/x.png"]
    finally:
        page.close()


# -- served by graphsvc serve ------------------------------------------------------------------


@contextmanager
def serving(store) -> Iterator[str]:
    import uvicorn

    app = create_app(store)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "test server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_served_index_and_map(browser, embedded_store):
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, SW, None, DAY)
    with serving(embedded_store) as origin:
        page = browser.new_page()
        guard = Guard(page, origin + "/")
        try:
            page.goto(f"{origin}/?as_of={DAY.isoformat()}")
            assert "FieldOps 3.0" in page.text_content("table")
            screenshot(page, "map-index.png")
            page.click(f'a[href="/projects/{SW}/map?stage=sw-stage-acceptance&as_of=2026-11-22"]')
            page.wait_for_function("window.graphsvcReady === true", timeout=30_000)
            assert visible(page) == expected(data, "sw-stage-acceptance")
            page.click('#stages button[data-stage="sw-stage-testing"]')
            assert visible(page) == expected(data, "sw-stage-testing")
            assert page.evaluate(DRAWN_PIXELS) > 1000
            screenshot(page, "map-served-sw.png")
            guard.check()
        finally:
            page.close()


# -- a 500-person stage --------------------------------------------------------------------------


def test_500_person_stage(browser, tmp_path):
    snapshot = parse_bundle(stage_portfolio(500))
    view = build_view(snapshot, "p0", DAY)
    data = build_map(snapshot, "p0", DAY, project_findings(view), view=view)
    assert sum(n.kind == "person" for n in data.for_stage(STAGE).nodes) == 500
    url = write_page(tmp_path, render_html(data, "500 people", STAGE))
    started = time.perf_counter()
    with open_page(browser, url) as (page, guard):
        wall = time.perf_counter() - started
        ready_ms = page.evaluate("window.graphsvcReadyAt")
        assert visible(page) == expected(data, STAGE)
        assert page.evaluate("graphsvcMap.counts().clusters") == 0  # under the grouping threshold
        assert page.evaluate(DRAWN_PIXELS) > 5000
        page.fill("#search", "Person p0/421")
        page.press("#search", "Enter")
        assert page.evaluate("graphsvcMap.network.getSelectedNodes()") == ["c:p0-c421"]
        screenshot(page, "map-500-people.png")
    record_timing("500-person stage (file)", {"ready_ms_after_navigation": round(ready_ms), "wall_s": round(wall, 2)})
    guard.check()
