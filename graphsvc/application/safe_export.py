"""Text made safe for the files we hand out: CSV that Excel opens as data, XML and HTML
that every parser reads.

Every CSV we write goes through ``csv_bytes`` (one rule for all of them), every GraphML
through ``clean_graph``, and our Jinja2 pages pass each inserted value through
``xml_text`` (``finalize``). Stored rows may hold characters that today's model refuses
(they were stored before it did): an export must still open.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

import networkx as nx
from markupsafe import Markup

#: a cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
#: (OWASP "CSV injection"); tab and carriage return hide such a start
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

#: every character XML 1.0 cannot carry (C0 controls but tab, LF and CR; lone surrogates;
#: U+FFFE and U+FFFF): HTML parsers treat them as errors too
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
REPLACEMENT = "\ufffd"


def csv_cell(value: object) -> str:
    """A cell spreadsheet programs show as text: one starting like a formula gets a leading '.

    No exception for numbers or phone numbers (``+86 138 ...``, ``-1-1`` is a formula as
    much as ``=1-1``): they read ``'+86 138 ...`` in the file and ``+86 138 ...`` in Excel.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    """A CSV file as Excel reads it: UTF-8 with a byte-order mark, CRLF, every cell ``csv_cell``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def xml_text(text: str) -> str:
    """The text with every character XML 1.0 cannot carry replaced by U+FFFD."""
    return _NOT_XML.sub(REPLACEMENT, text)


def _clean(value: object) -> object:
    return xml_text(value) if isinstance(value, str) else value


def finalize(value: object) -> object:
    """Jinja2 ``finalize``: inserted text made XML-safe; ``Markup`` (our checked assets) kept."""
    if isinstance(value, Markup):
        return value
    return _clean(value)


def clean_graph(graph: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """A copy of the graph whose node ids, keys and string attributes are all XML-safe."""
    cleaned: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    cleaned.graph.update({xml_text(k): _clean(v) for k, v in graph.graph.items()})
    for node, attrs in graph.nodes(data=True):
        cleaned.add_node(xml_text(node), **{xml_text(k): _clean(v) for k, v in attrs.items()})
    for source, target, key, attrs in graph.edges(keys=True, data=True):
        cleaned.add_edge(
            xml_text(source),
            xml_text(target),
            key=_clean(key),
            **{xml_text(k): _clean(v) for k, v in attrs.items()},
        )
    return cleaned
