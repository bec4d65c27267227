"""The table alternative and the pictures out (issue #15, items 6 and 7, server side):
the RACI matrix of each stage on the map page and in the handover package, the GraphML that
opens laid out, and a static SVG per stage.

Tests taking ``store`` run on the embedded store and on the real Neo4j server.
"""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from html.parser import HTMLParser
from xml.etree import ElementTree as ET

import networkx as nx
import pytest
from test_maps import XSS_DUTY, XSS_NAME, XSS_ORG, hostile

from graphsvc.analysis.findings import project_findings
from graphsvc.analysis.view import ProjectView, build_view
from graphsvc.application.demo import demo_data
from graphsvc.application.handover import build_handover
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph, project_map_html
from graphsvc.application.maps.model import build_map
from graphsvc.application.maps.raci import CSV_COLUMNS, MATRIX_PEOPLE
from graphsvc.application.maps.render import render_html
from graphsvc.application.maps.sample import STAGE, stage_portfolio
from graphsvc.application.maps.svg import stage_svg
from graphsvc.domain.bundle import parse_bundle

DAY = date(2026, 11, 22)
PD = "pd-yunting-complex"
BUILD = "pd-stage-construction"
SVG = "{http://www.w3.org/2000/svg}"


def demo_view(store) -> ProjectView:
    return build_view(store.project_snapshot(PD), PD, DAY)


def letters_at_stage_time(view: ProjectView, stage_id: str) -> dict[tuple[str, str], str]:
    """(duty, person) -> letters, straight from the assignments in force at the stage's time."""
    held: dict[tuple[str, str], set[str]] = {}
    for resp in view.responsibilities.get(stage_id, []):
        for a in view.assignments.get(resp.id, []):
            held.setdefault((resp.id, a.contact), set()).add(a.raci)
    return {key: "/".join(sorted(v, key="ARCI".index)) for key, v in held.items()}


def vacant_by_rule(view: ProjectView, duty: str) -> bool:
    """Nobody active accountable, and no absent accountable covered by an active backup."""
    holders = view.holders(duty, "A")
    return not any(view.active(c) for c in holders) and not any(view.backups.get(c) for c in holders)


# -- the model ---------------------------------------------------------------------------


def test_matrix_is_the_assignments_at_each_stage_time(store):
    import_bundle(store, demo_data())
    view = demo_view(store)
    data = project_graph(store, PD, None, DAY)
    assert [m.stage_id for m in data.raci] == [s.id for s in view.stages]
    for m in data.raci:
        expected = letters_at_stage_time(view, m.stage_id)
        assert {p.id for p in m.people} == view.stage_team(m.stage_id) == {p for _, p in expected}
        assert [d.id for d in m.duties] == [r.id for r in view.responsibilities[m.stage_id]]
        assert {(d.id, pid): held for d in m.duties for pid, held in d.letters.items()} == expected
        for p in m.people:
            status = view.state[p.id].status
            assert p.status == str(getattr(status, "value", status))
        open_stage = view.phase[m.stage_id] != "done"  # done stages have no duty findings
        for d in m.duties:
            assert d.vacant == (open_stage and vacant_by_rule(view, d.id)), d.id
            active_a = [c for c in view.holders(d.id, "A") if view.active(c)]
            assert d.accountables == (len(active_a) if open_stage and len(active_a) > 1 else 0), d.id

    # the planted problems of the construction stage
    build = next(m for m in data.raci if m.stage_id == BUILD)
    duties = {d.id: d for d in build.duties}
    assert duties["pd-r-coordinate-rebar-supply"].vacant  # 韩斌 on leave, no backup
    assert duties["pd-r-supervise-concrete-pours"].vacant  # 方华 left, no backup
    assert not duties["pd-r-quality-patrols"].vacant  # 杨帆 on leave, 何鹏 stands in
    assert duties["pd-r-coordinate-concrete-supply"].accountables == 2
    assert build.vacancies == 2 and build.doubles == 1
    people = {p.id: p for p in build.people}
    assert people["c-fang-hua"].status == "left" and people["c-han-bin"].status == "on_leave"
    # one stage's map (the JSON API) carries that stage's matrix only
    assert [m.stage_id for m in data.for_stage(BUILD).raci] == [BUILD]


# -- the map page ------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Every <table> of a page: caption text, and rows of (tag, attributes, text) cells."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._cell: list | None = None
        self._caption = False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"attrs": dict(attrs), "caption": "", "rows": []})
        elif tag == "caption":
            self._caption = True
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell = [tag, dict(attrs), ""]
            self.tables[-1]["rows"][-1].append(self._cell)

    def handle_endtag(self, tag):
        if tag == "caption":
            self._caption = False
        elif tag in ("th", "td"):
            self._cell = None

    def handle_data(self, data):
        if self._caption:
            self.tables[-1]["caption"] += data
        elif self._cell is not None:
            self._cell[2] += data


def tables_of(html: str) -> list[dict]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def check_accessible(table: dict) -> None:
    """A caption; every header cell says whether it heads a column or a row."""
    assert table["caption"].strip().startswith("RACI")
    header, *body = table["rows"]
    assert all(tag == "th" and attrs.get("scope") == "col" for tag, attrs, _ in header)
    for row in body:
        assert row[0][0] == "th" and row[0][1].get("scope") == "row"
        assert all(tag == "td" for tag, _, _ in row[1:]) and len(row) == len(header)


def test_map_page_has_a_raci_table_per_stage(embedded_store):
    import_bundle(embedded_store, demo_data())
    view = demo_view(embedded_store)
    html = project_map_html(embedded_store, PD, None, DAY)
    tables = tables_of(html)
    assert len(tables) == len(view.stages)
    for table, stage in zip(tables, view.stages):
        check_accessible(table)
        assert stage.name in table["caption"]
    build = tables[[s.id for s in view.stages].index(BUILD)]
    header, *rows = build["rows"]
    names = {view.contacts[c].name: c for c in view.stage_team(BUILD)}
    columns = [text for _, _, text in header[1:]]
    assert len(columns) == len(names)
    # marks in words, not colour alone: "vacant", "2 A", "left", "on leave"
    assert any(text.startswith("方华") and text.endswith("left") for text in columns)
    assert any(text.startswith("韩斌") and text.endswith("on leave") for text in columns)
    by_duty = {row[0][2]: row for row in rows}
    rebar = next(row for name, row in by_duty.items() if "Coordinate rebar deliveries" in name)
    assert rebar[0][2].endswith("vacant")
    concrete = next(row for name, row in by_duty.items() if "Coordinate concrete supply" in name)
    assert concrete[0][2].endswith("2 A")
    assert [text for _, _, text in concrete[1:]].count("A") == 2
    assert "2 vacant" in build["caption"] and "1 with several A" in build["caption"]


def test_a_large_stage_lists_people_per_letter():
    snapshot = parse_bundle(stage_portfolio(150))
    view = build_view(snapshot, "p0", DAY)
    data = build_map(snapshot, "p0", DAY, project_findings(view), view=view)
    matrix = next(m for m in data.raci if m.stage_id == STAGE)
    assert len(matrix.people) == 150 > MATRIX_PEOPLE and not matrix.dense
    tables = tables_of(render_html(data, "t", STAGE))
    table = next(t for t in tables if "150 people" in t["caption"])
    check_accessible(table)
    assert "raci-list" in table["attrs"]["class"]
    header, *rows = table["rows"]
    assert [text for _, _, text in header] == ["Duty", "A accountable", "R responsible", "C consulted", "I informed"]
    assert len(rows) == len(view.responsibilities[STAGE])
    first = view.responsibilities[STAGE][0]
    accountable = [view.contacts[c].name for c in view.holders(first.id, "A")]
    assert rows[0][0][2].startswith(first.name) and rows[0][1][2] == ", ".join(accountable)


# -- the handover package ----------------------------------------------------------------


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def test_handover_has_the_raci_page_and_csv(store):
    import_bundle(store, demo_data())
    view = demo_view(store)
    files = unzip(build_handover(store, PD, DAY))
    page = files["raci.html"].decode("utf-8")
    assert "Content-Security-Policy" in page and "<script" not in page
    tables = tables_of(page)
    assert len(tables) == len(view.stages)
    for table in tables:
        check_accessible(table)
    index = files["index.html"].decode("utf-8")
    assert 'href="raci.html"' in index and 'href="raci.csv"' in index
    assert f'href="raci.html#raci-{BUILD}"' in index and f'id="raci-{BUILD}"' in page

    raw = files["raci.csv"]
    assert raw.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    assert reader.fieldnames == CSV_COLUMNS
    rows = list(reader)
    expected = {
        (s.id, duty, person, held)
        for s in view.stages
        for (duty, person), held in letters_at_stage_time(view, s.id).items()
    }
    assert {(r["stage_id"], r["duty_id"], r["person_id"], r["raci"]) for r in rows if r["person_id"]} == expected
    flags = {(r["duty_id"], r["duty_flag"]) for r in rows}
    assert ("pd-r-coordinate-rebar-supply", "vacant") in flags
    assert ("pd-r-coordinate-concrete-supply", "2 accountable") in flags
    fang = next(r for r in rows if r["person_id"] == "c-fang-hua" and r["stage_id"] == BUILD)
    assert fang["status"] == "left" and fang["person_name"] == "方华"


def test_raci_exports_keep_hostile_text_as_data(embedded_store):
    data = hostile()
    data["contacts"][1]["name"] = '=HYPERLINK("http://x","y")'
    data["responsibilities"][0]["name"] = "+cmd|' /C calc'!A0"
    import_bundle(embedded_store, data)
    files = unzip(build_handover(embedded_store, "p", DAY))
    rows = list(csv.DictReader(io.StringIO(files["raci.csv"].decode("utf-8-sig"), newline="")))
    assert "'" + '=HYPERLINK("http://x","y")' in {r["person_name"] for r in rows}
    assert "'+cmd|' /C calc'!A0" in {r["duty_name"] for r in rows}
    assert XSS_NAME in {r["person_name"] for r in rows}
    page = files["raci.html"].decode("utf-8")
    assert XSS_NAME not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    cells = [text for table in tables_of(page) for row in table["rows"] for _, _, text in row]
    assert any(text.startswith(XSS_NAME) for text in cells)


# -- GraphML -----------------------------------------------------------------------------


def test_graphml_opens_laid_out_as_the_map(store):
    import_bundle(store, demo_data())
    files = unzip(build_handover(store, PD, DAY))
    graph = nx.read_graphml(io.BytesIO(files["graph.graphml"]))
    data = project_graph(store, PD, None, DAY)
    orgs = {o.id: o for o in data.organizations}
    prefix = {"c": "contact", "r": "responsibility"}
    for node in data.nodes:
        attrs = graph.nodes[f"{prefix[node.id[0]]}:{node.ref}"]
        assert (attrs["x"], attrs["y"]) == (node.x, node.y), node.id
        assert attrs["marks"] == ";".join(node.marks)
        assert attrs["severity"] == (node.severity.value if node.severity else "")
        if node.kind == "person":
            color = orgs[node.org or ""].color if (node.org or "") in orgs else data.legend.no_org_color
            assert attrs["color"] == color and attrs["organization"] == (orgs[node.org].name if node.org else "")
            assert f"#{attrs['r']:02x}{attrs['g']:02x}{attrs['b']:02x}" == color
    for org in data.organizations:
        if org.id:
            attrs = graph.nodes[f"organization:{org.id}"]
            # at the top of its disc, where the map writes its name
            assert (attrs["x"], attrs["y"], attrs["color"]) == (org.x, round(org.y - org.radius, 1), org.color)
    # every node has a place, and no two share one
    places = [(a["x"], a["y"]) for _, a in graph.nodes(data=True)]
    assert len(places) == graph.number_of_nodes() and len(set(places)) == len(places)
    # finding marks on nodes and on assignment edges, with the RACI letter
    assert graph.nodes["contact:c-chen-xiaoyan"]["marks"] == "single_point"
    assert "inactive_owner" in graph.nodes["contact:c-fang-hua"]["marks"].split(";")
    duty = graph.nodes["responsibility:pd-r-elevator-inspection"]
    assert "vacuum" in duty["marks"].split(";") and duty["severity"] in ("critical", "high")
    assert duty["color"] == data.legend.severity[duty["severity"]]
    conflict = [
        a for _, _, k, a in graph.edges(keys=True, data=True) if k in ("assigned:pd-a-079", "assigned:pd-a-080")
    ]
    assert len(conflict) == 2 and all(a["raci"] == "A" and "conflict" in a["marks"] for a in conflict)
    # the GraphML key declarations Gephi reads: plain x, y, size, r, g, b
    text = files["graph.graphml"].decode("utf-8")
    for name, kind in (
        ("x", "double"),
        ("y", "double"),
        ("size", "double"),
        ("r", "long"),
        ("g", "long"),
        ("b", "long"),
    ):
        assert f'for="node" attr.name="{name}" attr.type="{kind}"' in text
    # and yEd's own drawing (y:ShapeNode), which yEd needs to open it laid out: its box
    # is centred on the map's position, filled with the node's colour, labelled with its name
    yed = "{http://www.yworks.com/xml/graphml}"
    root = ET.fromstring(files["graph.graphml"])
    assert root.find('{http://graphml.graphdrawing.org/xmlns}key[@yfiles.type="nodegraphics"]') is not None
    drawn = 0
    for element in root.iter("{http://graphml.graphdrawing.org/xmlns}node"):
        shape = element.find(f"*/{yed}ShapeNode")
        assert shape is not None, element.get("id")
        box = shape.find(f"{yed}Geometry")
        attrs = graph.nodes[element.get("id")]
        centre = (float(box.get("x")) + float(box.get("width")) / 2, float(box.get("y")) + float(box.get("height")) / 2)
        assert centre == pytest.approx((attrs["x"], attrs["y"]), abs=0.11)
        assert shape.find(f"{yed}Fill").get("color") == attrs["color"]
        assert shape.find(f"{yed}NodeLabel").text == attrs["label"]
        drawn += 1
    assert drawn == graph.number_of_nodes()


# -- SVG ---------------------------------------------------------------------------------


def svg_tree(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def test_stage_svg_draws_the_stage_from_the_map_layout(embedded_store):
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, PD, None, DAY)
    files = unzip(build_handover(embedded_store, PD, DAY))
    text = files["maps/04-pd-stage-construction.svg"].decode("utf-8")
    assert text == stage_svg(data, BUILD)
    root = svg_tree(text)
    stage = data.for_stage(BUILD)
    people = [n for n in stage.nodes if n.kind == "person"]
    duties = [n for n in stage.nodes if n.kind == "duty"]
    groups = root.iter(f"{SVG}g")
    drawn_people = [g for g in groups if (g.get("class") or "").startswith("person")]
    assert len(drawn_people) == len(people)
    by_name = {g.find(f"{SVG}title").text: g for g in drawn_people}
    orgs = {o.id: o.color for o in data.organizations}
    for person in people:
        label = person.label if person.status == "active" else f"{person.label} ({data.legend.status[person.status]})"
        group = by_name[label]
        circle = group.findall(f"{SVG}circle")[-1]
        assert (float(circle.get("cx")), float(circle.get("cy"))) == (person.x, person.y)  # the map's place
        if person.status == "active":
            assert circle.get("fill") == orgs[person.org or ""]
        assert group.find(f"{SVG}text").text == label
    assert len([g for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("duty")]) == len(duties)
    # marks: a ring for the single point, a severity border for the vacuum duty
    ring = by_name["陈晓燕"].findall(f"{SVG}circle")
    assert len(ring) == 2 and ring[0].get("stroke") == data.legend.severity["high"]
    vacuum = [g for g in root.iter(f"{SVG}g") if g.get("class") == "duty vacuum"]
    assert len(vacuum) == sum("vacuum" in n.marks for n in duties) >= 2
    # every text at 12 px or more
    sizes = [float(t.get("font-size")) for t in root.iter(f"{SVG}text")]
    assert sizes and min(sizes) >= 12
    # every stage has its picture, linked from the index
    index = files["index.html"].decode("utf-8")
    for stage_row in data.stages:
        path = f"maps/{stage_row.order:02d}-{stage_row.id}.svg"
        assert path in files and f'href="{path}"' in index


def test_stage_svg_keeps_hostile_names_as_text(embedded_store):
    data_in = hostile()
    data_in["contacts"][1]["name"] = "<script>alert('svg')</script> & Co"
    import_bundle(embedded_store, data_in)
    data = project_graph(embedded_store, "p", None, DAY)
    for stage in data.stages:
        text = stage_svg(data, stage.id)
        root = svg_tree(text)  # well-formed
        assert "<script" not in text and XSS_NAME not in text
        assert not [e.tag for e in root.iter() if e.tag.endswith(("script", "foreignObject", "a", "image"))]
        assert not [k for e in root.iter() for k in e.attrib if k.lower().startswith("on")]
    texts = {t.text for stage in data.stages for t in svg_tree(stage_svg(data, stage.id)).iter(f"{SVG}text")}
    assert "<script>alert('svg')</script> & Co" in texts
    assert any(t and t.startswith(XSS_NAME) for t in texts)
    assert XSS_ORG in texts or any(t and t.startswith(XSS_ORG[:20]) for t in texts)
    titles = {t.text for stage in data.stages for t in svg_tree(stage_svg(data, stage.id)).iter(f"{SVG}title")}
    assert XSS_DUTY in titles and f"{XSS_NAME} (left)" in titles  # whole in the tooltips
    assert any(t and t.endswith("…") and XSS_DUTY.startswith(t[:-1]) for t in texts)  # cut to fit its box
