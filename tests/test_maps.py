"""Phase maps without a browser: what MapData holds, stable positions, escaping, no
external URLs, linear generation, the HTTP viewer and ``graphsvc map``.

The browser checks (drawing, switching, search, XSS in a real page) are in
``test_maps_browser.py``; ``hostile()`` below is shared with it.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import date
from html.parser import HTMLParser

import pytest
import typer
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from graphsvc.analysis.findings import flat, project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import ALL_STAGES, project_graph, project_map_html
from graphsvc.application.maps.layout import MARKER_W, ROW_H, cell_width
from graphsvc.application.maps.model import MapData, build_map, stage_counts
from graphsvc.application.maps.render import VIS_JS, asset, render_html
from graphsvc.application.maps.sample import STAGE, stage_portfolio
from graphsvc.application.reports import project_report
from graphsvc.cli.main import app as main_app
from graphsvc.domain.bundle import parse_bundle
from graphsvc.store.base import NotFound
from graphsvc.support.i18n import use_language
from graphsvc.web.app import create_app

from scenarios import healthy

DAY = date(2026, 11, 22)
PD = "pd-yunting-complex"
SW = "sw-fieldops-3"

# Strings that must show literally and never run, wherever they are put.
XSS_NAME = "<img src=x onerror=alert(1)>"
XSS_TITLE = "</script><script>alert(2)</script>"
XSS_ORG = "<script>alert(3)</script>华东 & Co"
XSS_PROJECT = '"><svg onload=alert(4)>'
XSS_NOTES = "<iframe src=javascript:alert(5)></iframe>"
XSS_STAGE = "<svg/onload=alert(6)>设计"
XSS_DUTY = '<a href="javascript:alert(7)">审批</a>'
XSS_CHANNEL = "<b onmouseover=alert(8)>wechat</b>"
XSS_ROLE = "<img src=x onerror=alert(9)>"
XSS_STRINGS = [XSS_NAME, XSS_TITLE, XSS_ORG, XSS_PROJECT, XSS_NOTES, XSS_STAGE, XSS_DUTY, XSS_CHANNEL, XSS_ROLE]


def hostile() -> dict:
    """``scenarios.healthy()`` with hostile text in every user field the map shows."""
    data = healthy()
    data["projects"][0]["name"] = XSS_PROJECT
    data["projects"][0]["description"] = XSS_NOTES
    data["projects"][0]["organizations"][0]["role"] = XSS_ROLE
    data["organizations"][0]["name"] = XSS_ORG
    data["organizations"][0]["notes"] = XSS_NOTES
    a1 = data["contacts"][0]
    # left, still accountable: a finding whose explanation quotes the name and the duty
    a1.update(name=XSS_NAME, title=XSS_TITLE, notes=XSS_NOTES, preferred_channel=XSS_CHANNEL, status="left")
    a1["emails"] = ["a1@x.cn<script>alert(10)</script>"]
    data["contacts"][2]["name"] = "王小明 Wang\u2028Xiaoming"
    data["stages"][0]["name"] = XSS_STAGE
    data["responsibilities"][0]["name"] = XSS_DUTY
    data["responsibilities"][0]["description"] = XSS_NOTES
    data["links"][0]["channel"] = XSS_CHANNEL
    return data


def demo_store(store):
    import_bundle(store, demo_data())
    return store


def full_map(store, project_id: str) -> MapData:
    return project_graph(store, project_id, None, DAY)


# -- MapData --------------------------------------------------------------------------------


def test_map_holds_the_project_with_its_findings_drawn(store):
    demo_store(store)
    data = full_map(store, PD)
    snapshot = store.project_snapshot(PD)
    nodes = {n.id: n for n in data.nodes}
    edges = {e.id: e for e in data.edges}

    # every person of the snapshot and every duty of the project, ids prefixed by kind
    assert {n.ref for n in data.nodes if n.kind == "person"} == {c.id for c in snapshot.contacts}
    duties = [r for r in snapshot.responsibilities if r.stage.startswith("pd-")]
    assert {n.ref for n in data.nodes if n.kind == "duty"} == {r.id for r in duties}
    assert all(n.id == ("c:" if n.kind == "person" else "r:") + n.ref for n in data.nodes)
    assert [s.id for s in data.stages][:2] == ["pd-stage-initiation", "pd-stage-design"]
    assert data.current_stage == "pd-stage-construction" and data.view_stage is None

    # organisations: a colour each, people coloured by theirs
    orgs = {o.id: o for o in data.organizations}
    assert nodes["c:c-sun-hao"].org == "org-yunting-properties"
    assert orgs["org-yunting-properties"].name == "杭州云庭置业有限公司" and orgs["org-yunting-properties"].role
    assert len({o.color for o in data.organizations}) == min(len(orgs), 20)
    assert orgs["org-jianji-piling"].engaged is False  # left the project on 2026-10-01

    # the planted problems, drawn
    assert nodes["c:c-fang-hua"].status == "left" and "inactive_owner" in nodes["c:c-fang-hua"].marks
    assert "vacuum" in nodes["r:pd-r-elevator-inspection"].marks  # no accountable at all
    assert nodes["r:pd-r-elevator-inspection"].severity is not None
    assert "single_point" in nodes["c:c-chen-xiaoyan"].marks
    conflict = [edges["a:pd-a-079"], edges["a:pd-a-080"]]  # two Accountables for concrete supply
    assert all(e.raci == "A" and "conflict" in e.marks for e in conflict)
    assert {"broken_handover", "stale"} & set(edges["l:pd-l-129"].marks)
    assert edges["l:pd-l-129"].stale and edges["l:pd-l-129"].age_days > 14
    assert edges["l:pd-l-001"].kind == "reports_to"
    assert {e.kind for e in data.edges} >= {"raci", "communicates", "reports_to", "backup_for"}

    # built without re-validation: it must survive a validating round trip unchanged
    assert MapData.model_validate_json(data.model_dump_json()) == data

    # the same findings as the query layer, in the same order, each pointing at what it marks
    report = project_report(store, PD, None, DAY)
    # (one entry per finding: the report groups low ones, the map draws each)
    assert [(f.code, f.subjects) for f in data.findings] == [(f.code, f.subjects) for f in flat(report.findings)]
    for f in data.findings:
        assert all(f.index in nodes[n].findings for n in f.nodes)
        assert all(f.index in edges[e].findings for e in f.edges)


def test_stage_membership(embedded_store):
    demo_store(embedded_store)
    data = full_map(embedded_store, PD)
    nodes = {n.id: n for n in data.nodes}
    snapshot = embedded_store.project_snapshot(PD)
    stage_of = {r.id: r.stage for r in snapshot.responsibilities}
    assigned = {(a.contact, stage_of[a.responsibility]) for a in snapshot.assignments if a.responsibility in stage_of}
    stage_ids = data.stage_ids()
    # the owners on either side of a handover: accountable in the stage (any day of it)
    owners = {
        sid: {a.contact for a in snapshot.assignments if stage_of.get(a.responsibility) == sid and a.raci == "A"}
        for sid in stage_ids
    }
    for node in data.nodes:
        if node.kind == "duty":
            assert node.stages == [node.stage] == [stage_of[node.ref]]
        else:  # assigned there, an owner of the stage before or after, or named by a finding
            assert list(node.relation) == node.stages
            for sid in node.stages:
                named = any(sid in f.stages and f"c:{node.ref}" in f.nodes for f in data.findings)
                at = stage_ids.index(sid)
                beside = {stage_ids[i] for i in (at - 1, at + 1) if 0 <= i < len(stage_ids)}
                handover = any(node.ref in owners[b] for b in beside)
                assert (node.ref, sid) in assigned or named or handover, (node.id, sid)
                letter = node.relation[sid]
                if (node.ref, sid) in assigned:
                    assert letter in "ARCI"
                    held = {
                        a.raci
                        for a in snapshot.assignments
                        if a.contact == node.ref and stage_of.get(a.responsibility) == sid
                    }
                    assert letter == min(held, key="ARCI".index)
                else:
                    assert letter == ("H" if handover else "F")
    for edge in data.edges:
        if edge.kind == "raci":
            assert edge.stages == nodes[edge.target].stages
        elif edge.kind != "handover_gap":
            both = [s for s in nodes[edge.source].stages if s in nodes[edge.target].stages]
            assert edge.stages == both
    # a stage view holds exactly its members, the whole map everything
    for sid in data.stage_ids():
        view = project_graph(embedded_store, PD, sid, DAY)
        assert view.view_stage == sid
        assert {n.id for n in view.nodes} == {n.id for n in data.nodes if sid in n.stages}
        assert {e.id for e in view.edges} == {e.id for e in data.edges if sid in e.stages}
        assert (len(view.nodes), len(view.edges)) == stage_counts(data)[sid]
        assert {e.source for e in view.edges} | {e.target for e in view.edges} <= {n.id for n in view.nodes}
    construction = project_graph(embedded_store, PD, "pd-stage-construction", DAY)
    assert "c:c-han-bin" in {n.id for n in construction.nodes}  # on leave, still accountable there
    assert project_graph(embedded_store, PD, ALL_STAGES, DAY) == data


def test_positions_are_deterministic_and_sized_for_the_names(embedded_store):
    demo_store(embedded_store)
    data = full_map(embedded_store, PD)
    where = {n.id: (n.x, n.y) for n in data.nodes}
    labels = {n.id: n.label + {"left": " (left)", "on_leave": " (on leave)"}.get(n.status, "") for n in data.nodes}
    views = {"": (where, {o.id: o for o in data.organizations})}
    for sid in data.stage_ids():
        # a stage map is drawn where its own compact layout puts it
        layout = data.stage_layouts[sid]
        stage_map = project_graph(embedded_store, PD, sid, DAY)
        assert {n.id: (n.x, n.y) for n in stage_map.nodes} == {k: tuple(v) for k, v in layout.positions.items()}
        assert set(stage_map.stage_layouts) == {sid}
        views[sid] = ({k: tuple(v) for k, v in layout.positions.items()}, layout.frames)
        # "everyone in the project": every person and this stage's duties, on a layout of its own
        everyone = data.everyone_layouts[sid]
        assert set(stage_map.everyone_layouts) == {sid}
        people = {n.id for n in data.nodes if n.kind == "person"}
        duties = {n.id for n in stage_map.nodes if n.kind == "duty"}
        assert set(everyone.positions) == people | duties
        views["everyone " + sid] = ({k: tuple(v) for k, v in everyone.positions.items()}, everyone.frames)
    # the same data gives the same map, byte for byte
    assert full_map(embedded_store, PD).model_dump_json() == data.model_dump_json()
    for key, (points, frames) in views.items():
        # every name's cell (marker, then the name) is clear of every other one
        cells = sorted(
            (x - MARKER_W / 2, y - ROW_H / 2, x - MARKER_W / 2 + cell_width(labels[nid]), y + ROW_H / 2, nid)
            for nid, (x, y) in points.items()
        )
        for i, a in enumerate(cells):
            for b in cells[i + 1 :]:
                if b[0] >= a[2] - 0.5:  # (positions are rounded to 0.1)
                    break
                assert a[3] <= b[1] or b[3] <= a[1], (key, a[4], b[4])
        # and people sit inside their organisation's block
        for nid, (x, y) in points.items():
            node = next(n for n in data.nodes if n.id == nid)
            if node.kind == "person":
                frame = frames[node.org or ""]
                assert abs(x - frame.x) < frame.width / 2 and abs(y - frame.y) < frame.height / 2, (key, nid)


def test_unknown_ids_are_not_found(embedded_store):
    demo_store(embedded_store)
    with pytest.raises(NotFound, match="nope"):
        project_graph(embedded_store, "nope")
    with pytest.raises(NotFound, match="no stage 'sw-stage-testing'"):
        project_graph(embedded_store, PD, "sw-stage-testing", DAY)
    with pytest.raises(NotFound):
        project_map_html(embedded_store, PD, "nope", DAY)


def test_channels_policy(embedded_store):
    demo_store(embedded_store)
    full = {n.id: n for n in project_graph(embedded_store, PD, None, DAY).nodes}
    kinds = {c.kind for c in full["c:c-sun-hao"].channels}
    assert kinds == {"preferred", "email", "phone"}
    preferred = {n.id: n for n in project_graph(embedded_store, PD, None, DAY, channels="preferred").nodes}
    assert [c.kind for c in preferred["c:c-sun-hao"].channels] == ["preferred"]
    html = project_map_html(embedded_store, PD, None, DAY, channels="none")
    assert "+86 139 0000 1001" not in html and "sunhao@yunting.example.cn" not in html


# -- the page -------------------------------------------------------------------------------


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[str] = []
        self.scripts: dict[str, str] = {}
        self._in: str | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in = dict(attrs).get("id") or f"script{len(self.scripts)}"
            self.scripts[self._in] = ""

    def handle_endtag(self, tag):
        if tag == "script":
            self._in = None

    def handle_data(self, data):
        if self._in:
            self.scripts[self._in] += data
        else:
            self.texts.append(data)


def parse_page(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


def embedded_json(html: str) -> dict:
    return json.loads(parse_page(html).scripts["graphsvc-data"])


OUR_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "header",
    "div",
    "h1",
    "h2",
    "h3",
    "span",
    "nav",
    "button",
    "input",
    "ul",
    "li",
    "select",
    "option",
    "label",
    "main",
    "noscript",
    "p",
    "aside",
    "section",
    "ol",
    "svg",
    "line",
    "polygon",
    "script",
    # the RACI matrix under the map
    "table",
    "caption",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "details",
    "summary",
    "b",
}


def test_page_is_one_self_contained_file(embedded_store):
    demo_store(embedded_store)
    html = project_map_html(embedded_store, PD, None, DAY)
    page = parse_page(html)
    # seven scripts: the data and the page's words (JSON, not run), vis-network, ours (i18n, panel,
    # map, RACI); no src, no link, no import
    scripts = [attrs for tag, attrs in page.tags if tag == "script"]
    assert len(scripts) == 7 and all("src" not in attrs for attrs in scripts)
    assert scripts[0] == {"type": "application/json", "id": "graphsvc-data"}
    assert scripts[1] == {"type": "application/json", "id": "graphsvc-text"}
    assert not [tag for tag, _ in page.tags if tag in ("link", "iframe", "img", "object", "embed", "base")]
    assert not [name for _, attrs in page.tags for name in attrs if name in ("src", "srcset", "action", "poster")]
    assert [attrs["href"] for tag, attrs in page.tags if "href" in attrs] == []
    for css in ("map.css", "panel.css", "raci.css", "print.css"):
        assert not re.search(r"@import|url\(", asset(css))
    for js in ("map.js", "panel.js", "raci.js"):
        assert not re.search(r"fetch\(|XMLHttpRequest|WebSocket|EventSource|sendBeacon|\.src\s*=|import\(", asset(js))
    assert "sourceMappingURL" not in html
    # no URL at all outside the vendored library (whose URLs are licence text and constants)
    ours = html.replace(asset(VIS_JS), "")
    assert "http://" not in ours and "https://" not in ours and "//cdn" not in ours
    vendored = set(re.findall(r"https?://[^\s\"'\\)]*", asset(VIS_JS)))
    assert vendored <= {
        "http://almende.com",
        "http://opensource.org/licenses/MIT",
        "http://www.apache.org/licenses/LICENSE-2.0",
        "http://www.w3.org/2000/svg",
        "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
        "https://github.com/visjs",
        "https://github.com/zloirock/core-js",
        "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
        "https://visjs.github.io/vis-network/",
    }
    # the content security policy forbids loading anything even if something slipped in
    csp = [a["content"] for tag, a in page.tags if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0].startswith("default-src 'none'")
    # the data: what project_graph returns, Chinese intact
    data = embedded_json(html)
    assert data["map"]["project"]["name"] == "云庭·滨江综合体 Yunting Binjiang Complex"
    assert data["settings"]["initial_stage"] == "pd-stage-construction"
    assert len(data["map"]["nodes"]) == len(full_map(embedded_store, PD).nodes)
    # the page's language is the reader's (the interface's), not guessed from the data
    assert "云庭·滨江综合体" in html and '<html lang="en">' in html
    with use_language("zh-CN"):
        assert '<html lang="zh-CN">' in project_map_html(embedded_store, PD, None, DAY)
    # opening stage: explicit, all, or the map's own
    assert embedded_json(project_map_html(embedded_store, PD, ALL_STAGES, DAY))["settings"]["initial_stage"] == ""
    one = project_graph(embedded_store, PD, "pd-stage-design", DAY)
    assert embedded_json(render_html(one, "t"))["settings"]["initial_stage"] == "pd-stage-design"
    with pytest.raises(NotFound):
        render_html(one, "t", "nope")


def test_hostile_strings_stay_text(embedded_store):
    import_bundle(embedded_store, hostile())
    html = project_map_html(embedded_store, "p", None, DAY, title=XSS_TITLE)
    page = parse_page(html)
    # nothing injected: only our elements, no event-handler attribute, seven scripts
    assert {tag for tag, _ in page.tags} <= OUR_TAGS
    assert not [(tag, name) for tag, attrs in page.tags for name in attrs if name.lower().startswith("on")]
    assert len(page.scripts) == 7
    for text in XSS_STRINGS:
        assert text not in html  # neither raw in the markup nor raw in the JSON
    assert "</script" not in page.scripts["graphsvc-data"].lower()
    # shown literally where the markup holds them (title, heading, stage button, organisation select)
    texts = "".join(page.texts)
    for text in (XSS_TITLE, XSS_STAGE, XSS_ORG, XSS_ROLE):
        assert text in texts
    # the RACI matrix names people, duties and organisations in its cells
    for text in (XSS_NAME, XSS_DUTY):
        assert text in texts
    # and the data carries them unchanged for the page to show with textContent
    data = embedded_json(html)["map"]
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["c:a1"]["label"] == XSS_NAME and nodes["c:a1"]["title"] == XSS_TITLE
    assert nodes["r:r1"]["label"] == XSS_DUTY and nodes["c:b1"]["label"] == "王小明 Wang\u2028Xiaoming"
    assert data["project"]["name"] == XSS_PROJECT and data["project"]["description"] == XSS_NOTES
    assert {o["name"] for o in data["organizations"]} >= {XSS_ORG}
    assert "\u2028" not in page.scripts["graphsvc-data"]


def test_shipped_assets_are_inert_inside_their_elements():
    for name in ("map.js", "map.css", "raci.js", "raci.css", "print.css", VIS_JS):
        text = asset(name)
        assert "</script" not in text.lower() and "</style" not in text.lower() and "<!--" not in text
    js = asset("map.js") + asset("raci.js")
    assert "innerHTML" not in js and "insertAdjacentHTML" not in js and "document.write" not in js
    assert "eval(" not in js and "new Function" not in js


# -- linear generation (counted, not timed) -----------------------------------------------------


def _traced_lines(fn) -> int:
    """Python line events while ``fn`` runs: deterministic, unlike a clock."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        fn()
    finally:
        sys.settrace(None)
    return count


def test_generation_is_linear():
    """4x the people must cost about 4x the steps (pyvis's add_node/add_edge would be 16x)."""
    steps = {}
    for people in (150, 600):
        snapshot = parse_bundle(stage_portfolio(people))
        view = build_view(snapshot, "p0", DAY)
        findings = project_findings(view)

        def generate() -> None:
            render_html(build_map(snapshot, "p0", DAY, findings, view=view), "t", STAGE)

        generate()  # the first call compiles the template and reads the assets
        steps[people] = (_traced_lines(generate), len(snapshot.contacts) + len(snapshot.links) + len(findings))
    (small, small_size), (large, large_size) = steps[150], steps[600]
    growth = large_size / small_size
    assert large / small < 1.5 * growth, (steps, growth)


# -- HTTP ---------------------------------------------------------------------------------------


def client_for(store) -> TestClient:
    return TestClient(create_app(store))


def test_viewer_pages_and_graph_json(store):
    demo_store(store)
    with client_for(store) as client:
        index = client.get("/", params={"as_of": DAY.isoformat()})
        assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in index.headers["content-security-policy"]
        assert "云庭·滨江综合体 Yunting Binjiang Complex" in index.text and "FieldOps 3.0" in index.text
        assert f'href="/projects/{PD}/map?as_of=2026-11-22"' in index.text
        assert f'href="/projects/{SW}/map?stage=sw-stage-testing&amp;as_of=2026-11-22"' in index.text
        health = project_report(store, SW, None, DAY).health
        share = health.single_accountable
        assert f'{share.value * 100:.0f}% <span class="muted">({share.count}/{share.total})' in index.text

        page = client.get(f"/projects/{PD}/map", params={"stage": "pd-stage-design", "as_of": DAY.isoformat()})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert embedded_json(page.text)["settings"]["initial_stage"] == "pd-stage-design"

        graph = client.get(
            f"/api/v1/projects/{SW}/graph", params={"stage": "sw-stage-testing", "as_of": DAY.isoformat()}
        )
        assert graph.status_code == 200
        body = graph.json()
        expected = project_graph(store, SW, "sw-stage-testing", DAY)
        assert body["view_stage"] == "sw-stage-testing"
        assert {n["id"] for n in body["nodes"]} == {n.id for n in expected.nodes}
        assert len(body["edges"]) == len(expected.edges)
        assert MapData.model_validate(body) == expected
        whole = client.get(f"/api/v1/projects/{SW}/graph", params={"as_of": DAY.isoformat()}).json()
        assert whole["view_stage"] is None and len(whole["nodes"]) > len(body["nodes"])

        assert client.get("/api/v1/projects/nope/graph").json()["detail"] == "no project 'nope'"
        missing = client.get(f"/api/v1/projects/{SW}/graph", params={"stage": "nope"})
        assert missing.status_code == 404 and "nope" in missing.json()["detail"]
        assert client.get("/projects/nope/map").status_code == 404
        assert client.get(f"/projects/{SW}/map", params={"stage": "nope"}).status_code == 404
        assert client.get(f"/projects/{SW}/map", params={"as_of": "soon"}).status_code == 422
        spec = client.get("/openapi.json").json()
        assert "/api/v1/projects/{project_id}/graph" in spec["paths"]


def test_index_escapes_names(embedded_store):
    import_bundle(embedded_store, hostile())
    with client_for(embedded_store) as client:
        text = client.get("/", params={"as_of": DAY.isoformat()}).text
    page = parse_page(text)
    assert XSS_PROJECT not in text and XSS_PROJECT in "".join(page.texts)
    assert not [(tag, name) for tag, attrs in page.tags for name in attrs if name.lower().startswith("on")]
    assert not [tag for tag, _ in page.tags if tag in ("script", "svg", "img", "iframe")]


def test_index_with_no_projects(embedded_store):
    with client_for(embedded_store) as client:
        response = client.get("/")
    assert response.status_code == 200 and "No projects are stored yet" in response.text


# -- graphsvc map -------------------------------------------------------------------------------


def cli_app() -> typer.Typer:
    return main_app


def test_map_command(tmp_path, monkeypatch):
    monkeypatch.setenv("GRAPHSVC_STORE", "embedded")
    monkeypatch.setenv("GRAPHSVC_DATA_DIR", str(tmp_path / "data"))
    runner = CliRunner()
    app = cli_app()
    assert runner.invoke(app, ["demo", "--scenario-dates"]).exit_code == 0
    out = tmp_path / "map.html"
    done = runner.invoke(
        app, ["map", "--project", SW, "--stage", "sw-stage-testing", "--out", str(out), "--as-of", "2026-11-22"]
    )
    assert done.exit_code == 0, done.output
    assert "wrote the map of sw-fieldops-3" in done.output
    data = embedded_json(out.read_text(encoding="utf-8"))
    assert data["settings"]["initial_stage"] == "sw-stage-testing" and data["map"]["as_of"] == "2026-11-22"

    unknown = runner.invoke(app, ["map", "--project", "nope", "--out", str(out)])
    assert unknown.exit_code == 4 and "no project 'nope'" in unknown.output
    bad_stage = runner.invoke(app, ["map", "--project", SW, "--stage", "nope", "--out", str(out)])
    assert bad_stage.exit_code == 4
    nowhere = runner.invoke(app, ["map", "--project", SW, "--out", str(tmp_path / "no" / "such" / "m.html")])
    assert nowhere.exit_code == 2 and "cannot write" in nowhere.output
    directory = runner.invoke(app, ["map", "--project", SW, "--out", str(tmp_path)])
    assert directory.exit_code == 2 and "cannot write" in directory.output
    bad_day = runner.invoke(app, ["map", "--project", SW, "--out", str(out), "--as-of", "soon"])
    assert bad_day.exit_code == 2
