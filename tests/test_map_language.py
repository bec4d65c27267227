"""The map page speaks the reader's language in the browser (issue #16): every word the
page shows, reads out or draws is zh-CN under ``?lang=zh-CN`` and English under ``lang=en``.

The demo's construction stage is opened from the served app at 1600×1000 (Debian's
Chromium, as ``test_maps_browser``); what is checked with ``language_check`` (data aside):
the page's visible text (``document.body.innerText``), the labels, titles and placeholders
of its controls, the names its label renderer draws on the canvas (``graphsvcMap.labels()``,
a person on leave among them), the details panel of a person and of a finding, the
findings panel, and the SVG picture the page saves. The screenshots of both languages are
``docs/map-construction-zh.png`` and ``docs/map-construction-en.png`` (README).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import pytest
from language_check import chinese_words, data_strings, english_words
from test_map_legibility import LABELS, check_labels, settle
from test_maps_browser import Guard, browser, serving  # noqa: F401

from graphsvc.application.demo import demo_data
from graphsvc.application.importer import import_bundle

DAY = date(2026, 11, 22)
PD = "pd-yunting-complex"
CONSTRUCTION = "pd-stage-construction"
ON_LEAVE = "c:c-han-bin"  # 韩斌, on leave on the day: drawn with his status
DOCS = Path(__file__).resolve().parent.parent / "docs"
SCREENSHOTS = {"zh-CN": "map-construction-zh.png", "en": "map-construction-en.png"}

#: what the page shows and reads out: its text, and its controls' labels, titles and placeholders
SHOWN_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label], [title], [placeholder]')) {
    for (const name of ['aria-label', 'title', 'placeholder']) {
      const value = el.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  for (const option of document.querySelectorAll('option')) parts.push(option.textContent);
  return parts.join('\\n');
}"""

#: the names the page's label renderer drew on the canvas
DRAWN_NAMES = "() => graphsvcMap.labels().map((l) => l.text)"


def wrong_words(language: str, text: str, data: list[str]) -> list[str]:
    return english_words(text, data) if language == "zh-CN" else chinese_words(text, data)


def saved_svg(page, tmp_path: Path) -> str:
    """The words of the SVG picture the page saves of its view."""
    with page.expect_download(timeout=20_000) as info:
        page.click("#export-svg")
    path = tmp_path / info.value.suggested_filename
    info.value.save_as(path)
    root = ET.fromstring(path.read_bytes())
    return "\n".join(el.text or "" for el in root.iter() if el.tag.endswith(("text", "title")))


@pytest.fixture
def demo_served(embedded_store):
    import_bundle(embedded_store, demo_data())
    data = data_strings(embedded_store.export().model_dump(mode="json"))
    with serving(embedded_store) as origin:
        yield origin, data


@pytest.mark.parametrize("language", ["zh-CN", "en"])
def test_the_construction_map_speaks_one_language(browser, demo_served, tmp_path, language):  # noqa: F811
    origin, data = demo_served
    page = browser.new_page()
    guard = Guard(page, origin + "/")
    url = f"{origin}/projects/{PD}/map?stage={CONSTRUCTION}&as_of={DAY.isoformat()}"
    try:
        if language == "zh-CN":
            page.goto(url + "&lang=zh-CN")
        else:  # the browser's own language asks for English
            page.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
            page.goto(url)
        page.wait_for_function("window.graphsvcReady === true", timeout=30_000)
        settle(page)
        assert page.evaluate("document.documentElement.lang") == language

        # the names drawn on the canvas: legible, and a person on leave says so in the language
        check_labels(page.evaluate(LABELS))
        drawn = page.evaluate(DRAWN_NAMES)
        on_leave = next(label["text"] for label in page.evaluate("graphsvcMap.labels()") if label["id"] == ON_LEAVE)
        assert on_leave == ("韩斌（休假中）" if language == "zh-CN" else "韩斌 (on leave)")
        (DOCS / SCREENSHOTS[language]).parent.mkdir(exist_ok=True)
        page.screenshot(path=str(DOCS / SCREENSHOTS[language]))

        shown = [page.evaluate(SHOWN_TEXT), "\n".join(drawn)]
        # a person's details, a finding's details, then the SVG picture of the view
        page.evaluate(f"graphsvcMap.focusNode({ON_LEAVE!r})")
        shown.append(page.inner_text("#details"))
        page.click("#findings-list button.finding >> nth=0")
        shown.append(page.inner_text("#details"))
        shown.append(saved_svg(page, tmp_path))

        wrong = {index: wrong_words(language, text, data) for index, text in enumerate(shown)}
        assert {index: words for index, words in wrong.items() if words} == {}, shown
        guard.check()
    finally:
        page.close()
