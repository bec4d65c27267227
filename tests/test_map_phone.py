"""The map on a phone, in a real browser (issue #15, item 8): on a 390×844 touch screen the
map comes first, under a header of at most 15 % of the height (title on one line, the phase
as a select, search and filters behind a button) and takes at least 60 % of the screen; the
details, findings and legend are bottom sheets, one at a time; a tapped person's details
card is wholly on screen. Same rules as ``test_maps_browser``; test-artifacts/map-phone.png
is the README's docs/map-phone.png.
"""

from __future__ import annotations

import pytest
from test_map_panel import axe_violations
from test_maps_browser import DAY, PD, open_page, screenshot, write_page

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph, project_map_html

CONSTRUCTION = "pd-stage-construction"
PHONE = {"width": 390, "height": 844}

SETTLED = "() => !graphsvcMap.moving()"

# -- the phone -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def phone(chromium):
    context = chromium.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, service_workers="block"
    )
    yield context
    context.close()


def rect(page, selector: str) -> dict:
    return page.eval_on_selector(
        selector, "el => { const r = el.getBoundingClientRect(); return {x: r.x, y: r.y, w: r.width, h: r.height}; }"
    )


# a person of the view whose marker is well inside the map: its position on the page
PERSON_ON_SCREEN = """() => {
  const net = graphsvcMap.network, box = document.getElementById('map').getBoundingClientRect();
  const people = graphsvcMap.visibleNodeIds().filter(id => id.startsWith('c:'));
  const at = net.getPositions(people);
  for (const id of people) {
    const p = net.canvasToDOM(at[id]);
    if (p.x > 30 && p.y > 30 && p.x < box.width - 30 && p.y < box.height - 30)
      return { id, x: box.x + p.x, y: box.y + p.y };
  }
  return null;
}"""


def inside(r: dict) -> bool:
    return r["x"] >= 0 and r["y"] >= 0 and r["x"] + r["w"] <= PHONE["width"] and r["y"] + r["h"] <= PHONE["height"]


def test_phone_map_first_and_details_card_on_screen(phone, embedded_store, tmp_path):
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, PD, None, DAY)
    url = write_page(tmp_path, project_map_html(embedded_store, PD, CONSTRUCTION, DAY))
    with open_page(phone, url) as (page, guard):
        page.wait_for_function(SETTLED)
        header, board = rect(page, "header.bar"), rect(page, "#map")
        assert header["h"] <= 0.15 * PHONE["height"], header
        assert board["w"] * board["h"] >= 0.6 * PHONE["width"] * PHONE["height"], board
        assert board["y"] == pytest.approx(header["h"], abs=1)  # the map comes right after the header
        # the title on one line, cut; the phase as a select; search and filters behind a button
        assert rect(page, "#map-title")["h"] <= 24
        screenshot(page, "map-phone-opened.png")
        assert not page.is_visible("#stages") and page.is_visible("#stage-select")
        assert page.input_value("#stage-select") == CONSTRUCTION
        assert not page.is_visible("#search") and not page.is_visible("#org-filter")
        # the panels are closed sheets until asked for
        for panel in ("#details", "#findings", "#legend"):
            assert not page.is_visible(panel), panel
        page.tap("#tools-toggle")
        assert page.is_visible("#search") and page.is_visible("#export-png")
        page.tap("#tools-toggle")
        assert not page.is_visible("#search")
        # the phase select switches the stage
        page.select_option("#stage-select", "")
        page.wait_for_function("graphsvcMap.state.stage === ''")
        page.select_option("#stage-select", CONSTRUCTION)
        page.wait_for_function(f"graphsvcMap.state.stage === {CONSTRUCTION!r}")
        page.wait_for_function(SETTLED)
        # one sheet at a time, toggled by its tab
        page.tap("#sheet-tabs [data-sheet=findings]")
        assert page.is_visible("#findings") and not page.is_visible("#legend")
        assert inside(rect(page, ".side"))
        screenshot(page, "map-phone-findings.png")
        assert axe_violations(page) == []
        page.tap("#sheet-tabs [data-sheet=legend]")
        assert page.is_visible("#legend") and not page.is_visible("#findings")
        assert inside(rect(page, "#legend"))
        screenshot(page, "map-phone-legend.png")
        page.tap("#sheet-tabs [data-sheet=legend]")
        assert not page.is_visible("#legend")
        # a tapped person: their card opens, wholly on screen
        person = page.evaluate(PERSON_ON_SCREEN)
        assert person, "no person on screen"
        page.touchscreen.tap(person["x"], person["y"])
        page.wait_for_function("document.body.dataset.sheet === 'details'")
        label = next(n.label for n in data.nodes if n.id == person["id"])
        assert page.eval_on_selector("#details h2", "el => el.textContent") == label
        card = rect(page, "#details")
        assert card["h"] > 50 and inside(card), card
        assert not page.is_visible("#findings")
        # and the person stays in sight above it
        at = page.evaluate(
            """(id) => { const net = graphsvcMap.network, box = document.getElementById('map').getBoundingClientRect();
                         const p = net.canvasToDOM(net.getPositions([id])[id]); return {x: box.x + p.x, y: box.y + p.y}; }""",
            person["id"],
        )
        assert 0 < at["x"] < PHONE["width"] and rect(page, "#map")["y"] < at["y"] < card["y"], (at, card)
        screenshot(page, "map-phone.png")
        # a tap on nothing closes it
        page.touchscreen.tap(board["x"] + 8, board["y"] + 8)
        page.wait_for_function("!document.body.dataset.sheet")
        guard.check()
