"""Exports safe to open: CSV cells never run as formulas, GraphML and HTML always parse.

Rows stored before the model refused control characters must still export: they are
written here through the store directly (``model_copy`` does not validate), on both stores.
"""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
import zipfile
from datetime import date
from html.parser import HTMLParser

import networkx as nx
import pytest

from graphsvc.application.handover import build_handover
from graphsvc.application.importer import import_bundle
from graphsvc.application.safe_export import csv_bytes, csv_cell
from graphsvc.domain.bundle import Bundle

from scenarios import healthy

DAY = date(2026, 11, 22)
#: every character XML 1.0 cannot carry that a stored text may hold
CONTROLS = "".join(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r") + "\ufffe\uffff"


def unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(files: dict[str, bytes], path: str) -> dict[str, dict[str, str]]:
    reader = csv.DictReader(io.StringIO(files[path].decode("utf-8-sig"), newline=""))
    return {row["id"]: row for row in reader}


@pytest.mark.parametrize(
    "text",
    ["-1-1", "+1-1", "=1+1", "@SUM(A1)", "\t=1", "\r=1", "+86 138 0000 0001", "-5", "+", "-"],
)
def test_every_formula_start_is_neutralised(text):
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Alice", "1-1", "138 0000", " =1", "'=1", "张三"])
def test_other_cells_are_left_alone(text):
    assert csv_cell(text) == text


def test_csv_bytes_neutralises_header_and_cells():
    data = csv_bytes(["id", "-h"], [["a", "-1-1"], ["b", None]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows == [["id", "'-h"], ["a", "'-1-1"], ["b", ""]]


@pytest.fixture
def formulas(store):
    data = healthy()
    for contact in data["contacts"]:
        if contact["id"] == "a1":
            contact.update(title="-1-1", phones=["+86 138 0000 0001"])
        if contact["id"] == "b2":
            contact.update(title="+1-1", tags=["@x"])
    import_bundle(store, data)
    return unzip(build_handover(store, "p", DAY))


def test_handover_csv_cells_starting_like_formulas_are_neutralised(formulas):
    people = csv_rows(formulas, "roster.csv")
    assert people["a1"]["title"] == "'-1-1"
    assert people["a1"]["phones"] == "'+86 138 0000 0001"
    assert people["b2"]["title"] == "'+1-1"
    assert people["b2"]["tags"] == "'@x"


@pytest.fixture
def controlled(embedded_store):
    """The healthy project with control characters in stored names, as an old store holds them.

    Today's model refuses such text, and a store reading a stored row the model refuses
    leaves it out (``graphsvc db check`` reports it): Neo4j, and the embedded store after a
    restart, never hand one to an export. The embedded store serves what a raw write gave
    it until then, which is what holds the exports to XML-safe output here."""
    store = embedded_store
    import_bundle(store, healthy())
    contact = store.read("contacts", ["a1"])[0].model_copy(update={"name": "A" + CONTROLS + "Z", "title": "t\x0bx"})
    project = store.read("projects", ["p"])[0].model_copy(update={"name": "Tower\x01", "description": "d\x1f"})
    stage = store.read("stages", ["s1"])[0].model_copy(update={"name": "Design\x08"})
    org = store.read("organizations", ["oa"])[0].model_copy(update={"name": "Client\x0c"})
    store.write(Bundle(contacts=[contact], projects=[project], stages=[stage], organizations=[org]))
    assert store.read("contacts", ["a1"])[0].name == "A" + CONTROLS + "Z"  # stored as it was
    return unzip(build_handover(store, "p", DAY))


def test_graphml_is_well_formed_with_control_characters_stored(controlled):
    root = ET.fromstring(controlled["graph.graphml"])  # raises on a character XML cannot carry
    assert root.tag.endswith("graphml")
    graph = nx.read_graphml(io.BytesIO(controlled["graph.graphml"]))
    assert graph.nodes["contact:a1"]["label"] == "A" + "\ufffd" * len(CONTROLS) + "Z"
    assert graph.nodes["contact:a1"]["title"] == "t\ufffdx"
    assert graph.nodes["project:p"]["label"] == "Tower\ufffd"


class _Strict(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_pages_carry_no_character_xml_cannot(controlled):
    pages = [path for path in controlled if path.endswith(".html")]
    assert "index.html" in pages and "findings.html" in pages and "maps/all-stages.html" in pages
    for path in pages:
        page = controlled[path].decode("utf-8")
        bad = sorted({hex(ord(c)) for c in page if c in CONTROLS})
        assert not bad, f"{path} holds {bad}"
        parser = _Strict()
        parser.feed(page)
        parser.close()
    assert "Tower\ufffd" in controlled["index.html"].decode("utf-8")
