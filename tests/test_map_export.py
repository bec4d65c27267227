"""Pictures out of the map page, in a real browser (issue #15, item 7): the PNG and SVG
buttons hand the current view to the browser's download (a Blob, no request). The PNG is
twice the map area's size, on white and not blank; the SVG parses and names the stage's
people and duties, hostile names included, as text (nothing in it can run). Same rules as
``test_maps_browser``.
"""

from __future__ import annotations

import base64
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

from test_maps import XSS_NAME, XSS_STAGE, hostile
from test_maps_browser import ARTIFACTS, DAY, PD, browser, open_page, write_page  # noqa: F401 (fixture)

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle
from graphsvc.application.maps import project_graph, project_map_html

CONSTRUCTION = "pd-stage-construction"
SVG = "{http://www.w3.org/2000/svg}"

SETTLED = "() => !graphsvcMap.moving()"

# non-white pixels of a PNG (base64), counted by the page's own canvas
NOT_WHITE = """async (b64) => {
  const img = new Image();
  img.src = 'data:image/png;base64,' + b64;
  await img.decode();
  const c = document.createElement('canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const px = ctx.getImageData(0, 0, c.width, c.height).data;
  let inked = 0, transparent = 0;
  for (let i = 0; i < px.length; i += 4) {
    if (px[i + 3] < 255) transparent++;
    else if (px[i] < 200 || px[i + 1] < 200 || px[i + 2] < 200) inked++;
  }
  return { inked, transparent, total: px.length / 4 };
}"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def saved(page, button: str, tmp_path: Path) -> tuple[str, bytes]:
    """Click ``button`` and return the downloaded file's suggested name and bytes."""
    with page.expect_download(timeout=20_000) as info:
        page.click(button)
    download = info.value
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return download.suggested_filename, path.read_bytes()


def svg_names(svg: bytes) -> str:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    # nothing but drawing: no script, no foreign object, no event handler, no link
    tags = {el.tag.removeprefix(SVG) for el in root.iter()}
    assert tags <= {"svg", "title", "rect", "text", "g", "line", "circle"}, tags
    assert not [name for el in root.iter() for name in el.attrib if name.lower().startswith("on") or "href" in name]
    return "\n".join(el.text or "" for el in root.iter(f"{SVG}text"))


# -- PNG and SVG out of the page -----------------------------------------------------------------


def test_png_and_svg_of_the_stage(browser, embedded_store, tmp_path):  # noqa: F811
    import_bundle(embedded_store, demo_data())
    data = project_graph(embedded_store, PD, None, DAY)
    url = write_page(tmp_path, project_map_html(embedded_store, PD, None, DAY))
    with open_page(browser, url) as (page, guard):
        page.evaluate(f"graphsvcMap.setStage({CONSTRUCTION!r})")
        page.wait_for_function(SETTLED)
        box = page.eval_on_selector("#map", "el => [el.clientWidth, el.clientHeight]")
        labels_before = page.evaluate("graphsvcMap.labels().length")
        name, png = saved(page, "#export-png", tmp_path)
        assert name.endswith(".png") and CONSTRUCTION in name
        assert png_size(png) == (2 * box[0], 2 * box[1])
        ink = page.evaluate(NOT_WHITE, base64.b64encode(png).decode())
        assert ink["transparent"] == 0, "the picture has a white background"
        assert ink["inked"] > ink["total"] * 0.01, f"the picture is blank: {ink}"
        # the screen is drawn as before, at its own ratio, names and all
        assert page.evaluate("graphsvcMap.network.canvas.pixelRatio") == 1
        assert page.evaluate("graphsvcMap.labels().length") == labels_before
        assert labels_before > 10  # the names were drawn, and are in the picture (test-artifacts/map-export.png)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "map-export.png").write_bytes(png)

        name, svg = saved(page, "#export-svg", tmp_path)
        (ARTIFACTS / "map-export.svg").write_bytes(svg)
        assert name.endswith(".svg") and CONSTRUCTION in name
        texts = svg_names(svg)
        view = data.for_stage(CONSTRUCTION)
        people = [n.label for n in view.nodes if n.kind == "person"]
        assert people and all(person in texts for person in people)
        assert all(n.label in texts for n in view.nodes if n.kind == "duty")
        assert "云庭" in texts  # the project's name in the title, Chinese intact
        guard.check()


def test_svg_of_hostile_names_is_text(browser, embedded_store, tmp_path):  # noqa: F811
    import_bundle(embedded_store, hostile())
    data = project_graph(embedded_store, "p", None, DAY)
    stage = next(s.id for s in data.stages if s.name == XSS_STAGE)
    url = write_page(tmp_path, project_map_html(embedded_store, "p", None, DAY))
    with open_page(browser, url) as (page, guard):
        page.evaluate(f"graphsvcMap.setStage({stage!r})")
        page.wait_for_function(SETTLED)
        _, svg = saved(page, "#export-svg", tmp_path)
        texts = svg_names(svg)
        assert XSS_NAME in texts and XSS_STAGE in texts
        people = [n.label for n in data.for_stage(stage).nodes if n.kind == "person"]
        assert all(person.replace("\u2028", "") in texts.replace("\u2028", "") for person in people)
        _, png = saved(page, "#export-png", tmp_path)
        assert png_size(png)[0] > 0
        guard.check()  # no dialog: nothing in a name ran
