"""The map's findings panel, keyboard access and contrast, in a real browser (issue #15,
items 4, 6 and 10): the panel filters by severity, stage and organisation, groups by
severity with counts, expands grouped low findings and focuses a finding's subjects; every
finding and every node is reachable by keyboard; axe-core finds no serious or critical
violation on the map, the served index and the handover package's index; ``to_pyvis``
gives notebook users the same picture.

axe-core is vendored for these tests only (tests/vendor/axe-core-4.14.1, MPL-2.0) and
evaluated into the page by the test driver: pages never load it.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_maps_browser import (  # noqa: F401  (browser: a fixture)
    DAY,
    PD,
    SW,
    Guard,
    browser,
    open_page,
    screenshot,
    serving,
    text_of,
    write_page,
)

from graphsvc.analysis.findings import Severity, present, project_findings
from graphsvc.analysis.view import build_view
from graphsvc.application.demo import demo_data
from graphsvc.application.handover import build_handover
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph, project_map_html
from graphsvc.application.maps.model import MapData, MapFinding
from graphsvc.application.maps.panel import (
    PanelGroup,
    contrast,
    panel_entries,
    readable_text,
    severity_chips,
)

AXE = Path(__file__).resolve().parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
CONSTRUCTION = "pd-stage-construction"
SEVERITIES = ["critical", "high", "medium", "low"]


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations on the page as it is now."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """() => axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => ({ id: v.id, impact: v.impact,
                         nodes: v.nodes.slice(0, 8).map(n => n.target.join(' ') + ' : ' + n.failureSummary) })))"""
    )
    return found


def demo_map(store) -> tuple[MapData, str]:
    import_bundle(store, demo_data())
    return project_graph(store, PD, None, DAY), project_map_html(store, PD, None, DAY)


def finding_keeps_org(f: MapFinding, org: str, data: MapData) -> bool:
    """The organisation filter's rule: the finding names a person of ``org``, or ``org``."""
    orgs = {n.id: n.org or "" for n in data.nodes if n.kind == "person"}
    return any(
        (s.kind == "organization" and s.id == org) or (s.kind == "contact" and orgs.get(f"c:{s.id}") == org)
        for s in f.subjects
    )


def panel_sections(page) -> dict[str, tuple[str, int]]:
    """severity -> (heading text, entries and members listed under it) as the panel shows them."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('#findings-list .sev-group')].map(s =>
             [s.dataset.severity, [s.querySelector('h3').textContent, s.querySelectorAll('li[data-finding]').length]]))"""
    )


def listed(page) -> set[int]:
    return set(
        page.evaluate(
            "[...document.querySelectorAll('#findings-list li[data-finding]')].map(li => +li.dataset.finding)"
        )
    )


ON_SCREEN = """(ids) => {
  const network = graphsvcMap.network, box = document.getElementById('map').getBoundingClientRect();
  const positions = network.getPositions(ids);
  return ids.every(id => { const p = network.canvasToDOM(positions[id]);
    return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height; });
}"""

# -- the entries: what analysis.findings.present lists ------------------------------------------


def test_panel_entries_are_what_present_lists(embedded_store):
    import_bundle(embedded_store, demo_data())
    for project in (PD, SW):
        snapshot = embedded_store.project_snapshot(project)
        findings = project_findings(build_view(snapshot, project, DAY))
        data = project_graph(embedded_store, project, None, DAY)
        by_index = {f.index: f for f in data.findings}
        views = panel_entries(data)
        assert set(views) == {"", *data.stage_ids()}
        grouped_somewhere = False
        for view, entries in views.items():
            expected = present(findings, view or None)
            shown = []
            for entry in entries:
                if isinstance(entry, PanelGroup):
                    grouped_somewhere = True
                    members = [by_index[i] for i in entry.members]
                    shown.append((entry.code, entry.severity, entry.explanation, [m.explanation for m in members]))
                else:
                    f = by_index[entry]
                    shown.append((f.code, f.severity, f.explanation, []))
            assert shown == [
                (f.code, f.severity, f.explanation, [m.explanation for m in f.members]) for f in expected
            ], (project, view)
        assert grouped_somewhere, f"{project}: the demo should group some low findings"


def test_severity_chips_read_at_4_5_to_1():
    chips = severity_chips(MapData.model_fields["legend"].default_factory())
    assert list(chips) == SEVERITIES
    for severity, (background, text) in chips.items():
        assert contrast(background, text) >= 4.5, severity
    # the palette stays the legend's: only the text adapts (white on a light chip would not read)
    legend = MapData.model_fields["legend"].default_factory()
    assert {severity: chips[severity][0] for severity in SEVERITIES} == {s: legend.severity[s] for s in SEVERITIES}
    assert contrast("#c9a227", "#ffffff") < 2.5
    assert readable_text("#c9a227") == "#1d2330" and readable_text("#b00020") == "#ffffff"


# -- the panel in the browser ----------------------------------------------------------------------


def test_findings_panel_filters_groups_and_focuses(browser, embedded_store, tmp_path):  # noqa: F811
    data, html = demo_map(embedded_store)
    view = data.for_stage(CONSTRUCTION)
    url = write_page(tmp_path, html)
    with open_page(browser, url) as (page, guard):
        # grouped by severity with counts, exactly the stage's findings
        sections = panel_sections(page)
        for severity in SEVERITIES:
            n = sum(f.severity == severity for f in view.findings)
            if n:
                assert sections[severity][1] == n
                assert f"{n} finding" in sections[severity][0]
                assert text_of(page, f'#severity-filter button[data-severity="{severity}"] .n') == str(n)
            else:
                assert severity not in sections
        assert listed(page) == {f.index for f in view.findings}
        assert text_of(page, "#findings-count") == f"({len(view.findings)})"
        screenshot(page, "map-panel-construction.png")

        # a grouped low entry shows its count and expands to its members
        group = page.locator("#findings-list li[data-group]").first
        members = group.locator("li[data-finding]")
        n = members.count()
        assert n >= 2
        assert group.locator(".members-count").text_content() == str(n)
        assert not members.first.is_visible()
        toggle = group.locator("button.expand")
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        toggle = page.locator("#findings-list li[data-group] button.expand").first
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator("#findings-list li[data-group] li[data-finding]").first.is_visible()
        screenshot(page, "map-panel-group-open.png")

        # a click on a finding selects its subjects and fits them into view
        page.evaluate("graphsvcMap.network.moveTo({ position: { x: 5000, y: 5000 }, scale: 3, animation: false })")
        first = next(f for f in view.findings if f.severity == Severity.critical)
        page.click(f'#findings-list li[data-finding="{first.index}"] button')
        assert set(page.evaluate("graphsvcMap.network.getSelectedNodes()")) == set(first.nodes)
        assert page.evaluate(ON_SCREEN, first.nodes)
        assert first.explanation in text_of(page, "#details")
        # the group entry focuses every member's subjects
        page.click("#findings-list li[data-group] button.finding >> nth=0")
        group_index = [
            int(i)
            for i in page.evaluate(
                "[...document.querySelectorAll('#findings-list li[data-group] li[data-finding]')].map(li => li.dataset.finding)"
            )
        ]
        subjects = {nid for i in group_index for nid in view.findings[[f.index for f in view.findings].index(i)].nodes}
        assert set(page.evaluate("graphsvcMap.network.getSelectedNodes()")) == subjects

        # severity filter: hide low and medium
        page.click('#severity-filter button[data-severity="low"]')
        page.click('#severity-filter button[data-severity="medium"]')
        assert page.get_attribute('#severity-filter button[data-severity="low"]', "aria-pressed") == "false"
        assert set(panel_sections(page)) == {f.severity.value for f in view.findings} - {"low", "medium"}
        assert listed(page) == {f.index for f in view.findings if f.severity in (Severity.critical, Severity.high)}
        page.click('#severity-filter button[data-severity="low"]')
        page.click('#severity-filter button[data-severity="medium"]')

        # organisation filter: findings naming a person of it (or it)
        org = "org-bafang-construction"
        page.select_option("#finding-org", org)
        kept = {f.index for f in view.findings if finding_keeps_org(f, org, data)}
        assert kept and kept != {f.index for f in view.findings}
        assert listed(page) == kept
        page.select_option("#finding-org", "")
        # the header's organisation filter carries over to the panel
        page.select_option("#org-filter", org)
        assert page.input_value("#finding-org") == org and listed(page) == kept
        page.select_option("#org-filter", "")

        # stage filter: the panel's stage is the map's stage
        page.select_option("#finding-stage", "pd-stage-acceptance")
        assert page.get_attribute('#stages button[data-stage="pd-stage-acceptance"]', "aria-pressed") == "true"
        assert listed(page) == {f.index for f in data.findings if "pd-stage-acceptance" in f.stages}
        page.click('#stages button[data-stage=""]')
        assert page.input_value("#finding-stage") == ""
        assert listed(page) == {f.index for f in data.findings}
    guard.check()


# -- keyboard ---------------------------------------------------------------------------------------

ACTIVE = """() => { const a = document.activeElement; const s = getComputedStyle(a);
  return { node: a.dataset.node || null, finding: a.closest('li[data-finding]') && !a.closest('li[data-group]')
             ? +a.closest('li[data-finding]').dataset.finding : null,
           group: a.closest('li[data-group]') ? a.closest('li[data-group]').dataset.group : null,
           cls: a.className, tag: a.tagName, id: a.id, outline: s.outlineStyle, width: parseFloat(s.outlineWidth) }; }"""


def tab_through(page, presses: int = 120) -> list[dict]:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.evaluate("window.scrollTo(0, 0)")
    stops = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(ACTIVE))
    return stops


def test_nodes_and_findings_are_reachable_by_keyboard(browser, embedded_store, tmp_path):  # noqa: F811
    data, html = demo_map(embedded_store)
    view = data.for_stage(CONSTRUCTION)
    labels = {n.id: n.label for n in data.nodes}
    url = write_page(tmp_path, html)
    with open_page(browser, url) as (page, guard):
        # every finding of the view is a tab stop, and so is the list of the view's nodes, all
        # with a visible focus outline
        stops = tab_through(page)
        singles = {f.index for f in view.findings} - {
            int(i)
            for i in page.evaluate(
                "[...document.querySelectorAll('#findings-list li[data-group] li[data-finding]')].map(li => li.dataset.finding)"
            )
        }
        assert singles <= {s["finding"] for s in stops}
        assert any(s["group"] and "finding" in s["cls"] for s in stops), "the grouped entry is not reachable"
        assert any(s["group"] and "expand" in s["cls"] for s in stops), "the group's toggle is not reachable"
        node_stops = [s for s in stops if s["node"]]
        assert len({s["node"] for s in node_stops}) == 1, "the node list is one tab stop (arrows move in it)"
        for stop in stops:
            if stop["tag"] == "BODY":  # past the last stop, before the first
                continue
            assert stop["outline"] != "none" and stop["width"] >= 2, f"no visible focus on {stop}"

        # the list holds exactly the people and duties the view draws
        in_list = page.evaluate("[...document.querySelectorAll('#node-list button')].map(b => b.dataset.node)")
        assert set(in_list) == set(page.evaluate("graphsvcMap.visibleNodeIds()")) == {n.id for n in view.nodes}

        # out of sight until focused; then a visible box over the map
        assert page.locator("#node-nav").bounding_box()["width"] <= 1
        page.focus("#node-list button[tabindex='0']")
        assert page.locator("#node-nav").bounding_box()["width"] > 200
        screenshot(page, "map-keyboard-nodes.png")

        # arrows move, Enter selects the node and opens its details, Escape closes them
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        second = page.evaluate("document.activeElement.dataset.node")
        assert second == in_list[2]
        assert page.evaluate("graphsvcMap.network.getSelectedNodes()") == [second], "the focused node is selected"
        assert page.evaluate(ON_SCREEN, [second])
        assert page.evaluate("[...document.querySelectorAll('#node-list button[tabindex=\"0\"]')].length") == 1
        page.keyboard.press("End")
        last = page.evaluate("document.activeElement.dataset.node")
        assert last == in_list[-1]
        page.keyboard.press("Enter")
        assert page.evaluate("graphsvcMap.network.getSelectedNodes()") == [last]
        assert text_of(page, "#details h2") == labels[last]
        page.keyboard.press("Escape")
        assert page.evaluate("graphsvcMap.network.getSelectedNodes()") == []
        assert text_of(page, "#details h2") == "Details"
        assert page.evaluate("document.activeElement.dataset.node") == last, "focus goes back to the list"

        # Enter on a finding focuses its subjects
        target = next(f for f in view.findings if f.severity == Severity.high and f.nodes)
        page.focus(f'#findings-list li[data-finding="{target.index}"] button')
        page.keyboard.press("Enter")
        assert set(page.evaluate("graphsvcMap.network.getSelectedNodes()")) == set(target.nodes)
        assert target.explanation in text_of(page, "#details")
        page.keyboard.press("Escape")
        assert text_of(page, "#details h2") == "Details"

        # grouped by organisation: each group is in the list, and Enter opens it
        page.check("#cluster")
        groups = page.evaluate("[...document.querySelectorAll('#node-list button')].map(b => b.dataset.node)")
        orgs = {n.org or "" for n in view.nodes if n.kind == "person"}
        assert {g for g in groups if g.startswith("o:")} == {f"o:{o}" for o in orgs}
        assert not [g for g in groups if g.startswith("c:")]
        page.focus("#node-list button[data-node='o:org-bafang-construction']")
        page.keyboard.press("Enter")
        assert text_of(page, "#details h2") == "浙江八方建设集团有限公司"
        opened = page.evaluate("[...document.querySelectorAll('#node-list button')].map(b => b.dataset.node)")
        assert {n.id for n in view.nodes if n.org == "org-bafang-construction"} <= set(opened)
        page.uncheck("#cluster")
    guard.check()


# -- axe-core: no serious or critical violation ------------------------------------------------

CHIP_CONTRAST = """() => {
  const rgb = (c) => c.match(/[0-9.]+/g).slice(0, 3).map(Number);
  const lum = (c) => { const v = rgb(c).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
                       return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  return [...document.querySelectorAll('.sev')].filter(e => e.offsetParent).map(e => {
    const s = getComputedStyle(e), a = lum(s.color), b = lum(s.backgroundColor);
    return [e.className + ' ' + e.textContent, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  });
}"""


def assert_accessible(page, where: str) -> None:
    assert axe_violations(page) == [], where
    # axe leaves one-character chips (counts) undecided: measure every visible chip here
    chips = page.evaluate(CHIP_CONTRAST)
    low = [(name, round(ratio, 2)) for name, ratio in chips if ratio < 4.5]
    assert low == [], f"{where}: chips below 4.5:1: {low}"


def test_axe_finds_no_serious_violation_on_the_map(browser, embedded_store, tmp_path):  # noqa: F811
    _, html = demo_map(embedded_store)
    url = write_page(tmp_path, html)
    with open_page(browser, url) as (page, guard):
        assert page.viewport_size == {"width": 1600, "height": 1000}
        assert page.get_attribute(f'#stages button[data-stage="{CONSTRUCTION}"]', "aria-pressed") == "true"
        assert_accessible(page, "the construction stage as it opens")
        # with a group open, a finding described and the node list in view
        page.click("#findings-list li[data-group] button.expand >> nth=0")
        page.click("#findings-list li[data-finding] button >> nth=0")
        assert_accessible(page, "a finding described, a group open")
        page.focus("#node-list button[tabindex='0']")
        page.keyboard.press("Enter")
        assert_accessible(page, "a person described, the node list open")
    guard.check()


def test_axe_finds_no_serious_violation_on_the_index_and_handover(browser, embedded_store, tmp_path):  # noqa: F811
    import_bundle(embedded_store, demo_data())
    with serving(embedded_store) as origin:
        page = browser.new_page()
        guard = Guard(page, origin + "/")
        try:
            page.goto(f"{origin}/?as_of={DAY.isoformat()}")
            assert "FieldOps 3.0" in page.text_content("table")
            assert_accessible(page, "the served index")
            guard.check()
        finally:
            page.close()

    package = zipfile.ZipFile(io.BytesIO(build_handover(embedded_store, PD, DAY)))
    package.extractall(tmp_path / "package")
    url = (tmp_path / "package" / "index.html").as_uri()
    page = browser.new_page()
    guard = Guard(page, url)
    try:
        page.goto(url)
        assert "Yunting" in page.text_content("h1")
        assert_accessible(page, "the handover package's index")
        guard.check()
    finally:
        page.close()


# -- notebook users: to_pyvis -------------------------------------------------------------------


def test_to_pyvis_draws_the_map_with_its_positions_colours_and_tooltips(embedded_store):
    from pyvis.network import Network

    import graphsvc.application.maps as maps

    import_bundle(embedded_store, demo_data())
    data = maps.project_graph(embedded_store, PD, None, DAY)
    view = data.for_stage(CONSTRUCTION)
    net = maps.to_pyvis(data, CONSTRUCTION)
    assert isinstance(net, Network)
    # physics off, every node where the page draws it
    assert net.options.physics.enabled is False
    drawn = {n["id"]: n for n in net.nodes}
    assert set(drawn) == {n.id for n in view.nodes}
    orgs = {o.id: o for o in data.organizations}
    for node in view.nodes:
        shown = drawn[node.id]
        assert (shown["x"], shown["y"], shown["physics"]) == (node.x, node.y, False)
        assert shown["label"] == node.label
        assert node.label in shown["title"]
        if node.kind == "person":
            assert shown["shape"] == "dot"
            if node.status != "left":
                assert shown["color"]["background"] == (orgs[node.org or ""].color)
            assert orgs[node.org or ""].name in shown["title"]
        else:
            assert shown["shape"] == "box"
        for i in node.findings:
            assert data.findings[i].explanation in shown["title"]
    # a duty with a vacuum is bordered in its severity's colour, as on the page
    vacuum = next(n for n in view.nodes if "vacuum" in n.marks)
    assert drawn[vacuum.id]["color"]["border"] == data.legend.severity[vacuum.severity.value]
    # every edge, coloured as in the legend, arrows only where it draws them
    edges = {e["id"]: e for e in net.edges}
    assert set(edges) == {e.id for e in view.edges}
    accountable = next(e for e in view.edges if e.raci == "A" and not e.marks)
    assert edges[accountable.id]["color"] == data.legend.edges["raci:A"].color
    assert edges[accountable.id]["label"] == "A" and edges[accountable.id]["arrows"] == ""
    reports = [e for e in view.edges if e.kind == "reports_to"]
    assert all(edges[e.id]["arrows"] == "to" for e in reports)
    # every stage at once, and an unknown stage refused
    assert len(maps.to_pyvis(data).nodes) == len(data.nodes)
    with pytest.raises(KeyError):
        maps.to_pyvis(data, "no-such-stage")


def test_to_pyvis_without_pyvis_names_the_extra():
    """pyvis is optional: the maps package does not import it, and to_pyvis says how to get it."""
    code = (
        "import sys\n"
        "import graphsvc.application.maps as maps\n"
        "assert 'pyvis' not in sys.modules, 'imported with the maps package'\n"
        "sys.modules['pyvis'] = None\n"  # as if it were not installed
        "sys.modules['pyvis.network'] = None\n"
        "try:\n"
        "    maps.to_pyvis(maps.MapData.model_construct())\n"
        "except ImportError as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == 'to_pyvis needs pyvis: pip install "graphsvc[notebook]"'
