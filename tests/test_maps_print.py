"""The RACI matrix, the stage pictures and printing, in a real browser (issue #15, items 6 and 7).

Same rules as ``test_maps_browser``: Debian's Chromium through Playwright, every request but
the page's own blocked, any script error or dialog fails the test, screenshots kept in
``test-artifacts/``.
"""

from __future__ import annotations

import re
import zlib
from datetime import date

from test_maps import XSS_NAME, hostile
from test_maps_browser import Guard, browser, open_page, screenshot, write_page  # noqa: F401 (fixture)

from graphsvc.application.demo import demo_data
from graphsvc.application.handover import handover_files
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph, project_map_html
from graphsvc.application.maps.svg import stage_svg

DAY = date(2026, 11, 22)
PD = "pd-yunting-complex"
BUILD = "pd-stage-construction"
#: A3 landscape, 10 mm margins (print.css): the printable height in CSS pixels
PAGE_HEIGHT_PX = (297 - 20) / 25.4 * 96

# Every element in the RACI section with text of its own: its contrast against the
# background it sits on (the first opaque background up the tree), WCAG 2 formula.
CONTRAST = """(root) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const out = [];
  for (const el of document.querySelectorAll(root)) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    const fg = lum(rgb(style.color).slice(0, 3)), bg = lum(background(el));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    out.push({ text: el.textContent.trim().slice(0, 30), ratio: Math.round(ratio * 100) / 100 });
  }
  return out;
}"""

SHOWN_TABLES = """() => Array.from(document.querySelectorAll('#raci .raci-stage'))
  .filter((s) => s.getClientRects().length).map((s) => s.getAttribute('data-stage'))"""


def test_raci_matrix_under_the_map(browser, embedded_store, tmp_path):  # noqa: F811
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, PD, None, DAY)
    url = write_page(tmp_path, project_map_html(embedded_store, PD, None, DAY))
    with open_page(browser, url) as (page, guard):
        # closed at first: the map keeps the screen; one button opens it, by keyboard too
        assert not page.is_visible("#raci-body")
        page.focus("#raci-toggle")
        page.keyboard.press("Enter")
        assert page.is_visible("#raci-body")
        assert page.get_attribute("#raci-toggle", "aria-expanded") == "true"
        # the table of the stage shown, following the phase switcher
        assert page.evaluate(SHOWN_TABLES) == [BUILD]
        assert "施工 Construction" in page.text_content("#raci-current")
        table = page.locator(f'#raci .raci-stage[data-stage="{BUILD}"] table')
        assert "vacant" in table.locator("tbody tr.vacant th").first.text_content()
        assert table.locator("tbody tr.double th").first.text_content().strip().endswith("2 A")
        screenshot(page, "raci-demo-construction.png")
        page.click('#stages button[data-stage="pd-stage-acceptance"]')
        assert page.evaluate(SHOWN_TABLES) == ["pd-stage-acceptance"]
        page.click('#stages button[data-stage=""]')
        assert page.evaluate(SHOWN_TABLES) == [s.id for s in data.stages]
        # every text in the matrix reads at 4.5:1 or better
        texts = page.evaluate(CONTRAST, "#raci *")
        assert len(texts) > 100
        poor = [t for t in texts if t["ratio"] < 4.5]
        assert poor == [], poor
        page.click("#raci-toggle")
        assert not page.is_visible("#raci-body")
    guard.check()


def test_raci_page_of_the_handover_package(browser, embedded_store, tmp_path):  # noqa: F811
    import_bundle(embedded_store, demo_data())
    files = handover_files(embedded_store, PD, DAY)
    path = tmp_path / "raci.html"
    path.write_bytes(files["raci.html"])
    page = browser.new_page()
    guard = Guard(page, path.as_uri())
    try:
        page.goto(path.as_uri())
        assert page.locator("table").count() == 7
        texts = page.evaluate(CONTRAST, ".raci-key *, .raci-stage *")
        assert len(texts) > 100
        poor = [t for t in texts if t["ratio"] < 4.5]
        assert poor == [], poor
        page.locator(f"#raci-{BUILD}").scroll_into_view_if_needed()
        screenshot(page, "raci-handover-construction.png")
    finally:
        page.close()
    guard.check()


def pdf_pages(pdf: bytes) -> list[dict]:
    """Each page of a Chromium PDF, in order: how many drawing bytes, and whether it draws text."""
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}
    root = next(body for body in objects.values() if re.search(rb"/Type\s*/Pages\b", body))
    kids = re.search(rb"/Kids\s*\[(.*?)\]", root, re.S)
    assert kids is not None
    pages = []
    for ref in re.findall(rb"(\d+) 0 R", kids.group(1)):
        body = objects[int(ref)]
        contents = re.search(rb"/Contents\s*(\[.*?\]|\d+ 0 R)", body, re.S)
        assert contents is not None
        drawn = b""
        for content in re.findall(rb"(\d+) 0 R", contents.group(1)):
            stream = objects[int(content)]
            raw = re.search(rb"stream\r?\n(.*)endstream", stream, re.S)
            assert raw is not None
            drawn += zlib.decompress(raw.group(1)) if b"FlateDecode" in stream else raw.group(1)
        pages.append({"bytes": len(drawn), "text": bool(re.search(rb"\bT[Jj]\b", drawn))})
    return pages


BOXES = """() => {
  const box = (sel) => { const r = document.querySelector(sel).getBoundingClientRect(); return { top: r.top + scrollY, bottom: r.bottom + scrollY, height: r.height, width: r.width }; };
  return { map: box('#map'), canvas: box('#map canvas'), legend: box('#legend'), raci: box('#raci'),
           raciBody: box('#raci-body'), findings: box('.panel.findings'), tools: box('.tools') };
}"""


def test_printing_a_stage_on_a3_landscape(browser, embedded_store, tmp_path):  # noqa: F811
    import_bundle(embedded_store, demo_data())
    url = write_page(tmp_path, project_map_html(embedded_store, PD, BUILD, DAY))
    with open_page(browser, url) as (page, guard):
        scale = page.evaluate("graphsvcMap.network.getScale()")
        # printed as a user prints it: A3 landscape, the map's own print stylesheet
        pdf = page.pdf(format="A3", landscape=True, print_background=True)
        pages = pdf_pages(pdf)
        assert len(pages) >= 3, pages  # the map, then legend, matrix and findings
        assert pages[0]["bytes"] > 50_000, pages  # the drawn map, not a blank page
        assert all(p["text"] for p in pages), pages  # no blank page
        (tmp_path / "map.pdf").write_bytes(pdf)

        # as the browser lays the page out for print: the map fills page 1, the rest follows
        page.emulate_media(media="print")
        page.wait_for_timeout(200)
        boxes = page.evaluate(BOXES)
        assert boxes["canvas"]["top"] >= 0 and boxes["canvas"]["bottom"] <= PAGE_HEIGHT_PX
        assert boxes["canvas"]["height"] >= 0.85 * PAGE_HEIGHT_PX
        assert boxes["legend"]["top"] >= boxes["map"]["bottom"]
        assert boxes["legend"]["top"] < boxes["raci"]["top"] < boxes["findings"]["top"]
        assert boxes["raciBody"]["height"] > 100  # printed although closed on screen
        assert boxes["tools"]["height"] == 0  # search, filter, buttons: not on paper
        # the canvas is redrawn at its printed size, not stretched from the screen's
        drawn, shown = page.evaluate(
            "(() => { const c = document.querySelector('#map canvas'); return [c.width / devicePixelRatio, c.clientWidth]; })()"
        )
        assert abs(shown - boxes["map"]["width"]) <= 2 and abs(drawn - shown) <= 2
        page.set_viewport_size({"width": 1512, "height": 1047})  # about A3 landscape
        screenshot(page, "map-print-a3.png")
        # back on screen: the reader's view again
        page.set_viewport_size({"width": 1600, "height": 1000})
        page.emulate_media(media="screen")
        page.wait_for_timeout(300)
        assert abs(page.evaluate("graphsvcMap.network.getScale()") - scale) < 1e-6
    guard.check()


def open_svg(browser, svg: str, tmp_path, name: str):  # noqa: F811
    url = write_page(tmp_path, svg, name)
    page = browser.new_page()
    guard = Guard(page, url)
    page.goto(url)
    return page, guard


PEOPLE_TEXT = """() => Array.from(document.querySelectorAll('g.person text')).map((t) => {
  const box = t.getBBox();
  return { text: t.textContent, size: parseFloat(getComputedStyle(t).fontSize), height: box.height, width: box.width };
})"""


def test_stage_svg_renders_in_chromium(browser, embedded_store, tmp_path):  # noqa: F811
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, PD, None, DAY)
    page, guard = open_svg(browser, stage_svg(data, BUILD), tmp_path, "stage.svg")
    try:
        people = [n for n in data.for_stage(BUILD).nodes if n.kind == "person"]
        labels = page.evaluate(PEOPLE_TEXT)
        assert len(labels) == len(people)
        assert all(label["size"] >= 12 and label["height"] > 0 and label["width"] > 0 for label in labels)
        assert page.evaluate("document.querySelectorAll('g.duty').length") == sum(
            n.kind == "duty" for n in data.for_stage(BUILD).nodes
        )
        screenshot(page, "stage-construction-svg.png")
    finally:
        page.close()
    guard.check()


def test_hostile_stage_svg_shows_text_and_runs_nothing(browser, embedded_store, tmp_path):  # noqa: F811
    data_in = hostile()
    data_in["contacts"][1]["name"] = "<script>alert('svg')</script> & Co"
    import_bundle(embedded_store, data_in)
    data = project_graph(embedded_store, "p", None, DAY)
    texts: list[str] = []
    for stage in data.stages:
        page, guard = open_svg(browser, stage_svg(data, stage.id), tmp_path, f"{stage.order}.svg")
        try:
            texts += page.evaluate("Array.from(document.querySelectorAll('text')).map((t) => t.textContent)")
            assert page.evaluate("document.querySelectorAll('script, foreignObject, image').length") == 0
        finally:
            page.close()
        guard.check()  # no dialog: nothing ran
    assert any(t.startswith(XSS_NAME) for t in texts)
    assert "<script>alert('svg')</script> & Co" in texts
