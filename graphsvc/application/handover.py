"""Handover export: the whole picture of one project, as of one day, in one offline zip.

``build_handover`` returns the bytes of a zip that opens anywhere without a network:

| entry | what |
|---|---|
| ``index.html`` | start page: project, as-of date, health, findings counts, links to everything |
| ``maps/all-stages.html`` | the relationship map of the whole project (``graphsvc.application.maps``) |
| ``maps/<order>-<stage>.html`` | one map per stage |
| ``maps/<order>-<stage>.svg`` | a static picture of each stage's map, same layout and marks |
| ``raci.html`` / ``raci.csv`` | the RACI matrix of every stage (duties x people), readable and one row per letter held |
| ``findings.html`` / ``findings.csv`` | the findings report, readable and one row per finding |
| ``roster.csv`` | the project's people: contact data, state on the day, duties held with RACI letters |
| ``graph.graphml`` | the project graph as of the day, laid out as the map (x, y, colour, marks), for Gephi or yEd |
| ``bundle.json`` | the project snapshot as a canonical bundle (``graphsvc import`` reads it) |
| ``manifest.json`` | project, as-of date, generator, and sha256 and size of every other entry |

The package speaks the language in force (``graphsvc.support.i18n``): our pages
(``visual/handover_*.html.j2``), the maps, the CSV headers and the manifest's descriptions;
codes, ids, GraphML attribute names and the CSV cells' codes stay as they are.
The zip is deterministic: entries in sorted order, every timestamp the as-of day at 00:00,
fixed permissions, so the same data, day and language give byte-identical zips. Every HTML page
(ours and the maps) is self-contained; ours escape every stored string (Jinja2 autoescape)
and carry a Content-Security-Policy that forbids scripts and network access. CSV files are
UTF-8 with a byte-order mark so that Excel opens Chinese text correctly, and every cell
starting like a formula (``=``, ``+``, ``-``, ``@``, tab, CR; phone numbers too) gets a
leading apostrophe (``safe_export.csv_bytes``). GraphML and our pages replace characters
XML cannot carry.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any, Final, Literal
from xml.etree import ElementTree

import networkx as nx
from defusedxml import ElementTree as safe_xml
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import BaseModel, Field

from graphsvc import __version__
from graphsvc.analysis.findings import Severity, Subject, Thresholds, flat, present
from graphsvc.analysis.health import Share
from graphsvc.analysis.view import ProjectView, build_view
from graphsvc.application.maps import ALL_STAGES, MapData, project_graph, render_html
from graphsvc.application.maps import raci as raci_matrix
from graphsvc.application.maps.model import default_legend
from graphsvc.application.maps.panel import severity_chips
from graphsvc.application.maps.render import asset, install_translations, render_raci, visual_dir
from graphsvc.application.maps.svg import stage_svg
from graphsvc.application.reports import ProjectReport, project_report
from graphsvc.application.safe_export import clean_graph, csv_bytes, finalize, xml_text
from graphsvc.domain.bundle import Bundle, _all_references, dump_bundle
from graphsvc.domain.model import KINDS, Row, Stage, StageStatus
from graphsvc.store.base import Store
from graphsvc.support.i18n import N_, current_language, format_day, gettext
from graphsvc.support.i18n import gettext as _

FORMAT: Final = "graphsvc-handover"
VERSION: Final = 1
ALL_STAGES_MAP = "maps/all-stages.html"
#: how often to re-read when the store changes while the package is being built
_ATTEMPTS = 3


# -- manifest ----------------------------------------------------------------------------


class ManifestFile(BaseModel):
    path: str = Field(description="path inside the zip, '/'-separated")
    sha256: str = Field(description="hex SHA-256 of the entry's bytes")
    size: int = Field(description="size in bytes")
    media_type: str
    description: str


class Manifest(BaseModel):
    """``manifest.json``: what the package holds, for whom, as of when, and checksums."""

    format: Literal["graphsvc-handover"] = FORMAT
    version: Literal[1] = VERSION
    project: Subject
    as_of: date
    generated_by: str = Field(description="the graphsvc version that wrote the package")
    language: str = Field(
        "en",
        description="the language of the pages, CSV headers and descriptions (zh-CN or en); codes and ids never change",
    )
    stages: list[Subject] = Field(description="the project's stages, in order")
    findings: dict[Severity, int] = Field(description="findings per severity as of the day")
    rows: dict[str, int] = Field(description="rows per kind in bundle.json")
    files: list[ManifestFile] = Field(description="every other entry of the zip, sorted by path")


# -- small helpers -----------------------------------------------------------------------


def slug(text: str, fallback: str = "item") -> str:
    """An ASCII file-name part: lower-case letters, digits, dashes."""
    found = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60].strip("-")
    return found or fallback


def stage_map_path(stage: Stage) -> str:
    return f"maps/{stage.order:02d}-{slug(stage.id, 'stage')}.html"


def stage_svg_path(stage: Stage) -> str:
    return f"maps/{stage.order:02d}-{slug(stage.id, 'stage')}.svg"


RACI_PAGE = "raci.html"


def _share(share: Share) -> str:
    if share.value is None:
        return _("n/a")
    return f"{share.value:.0%} ({share.count}/{share.total})"


def in_context(message: str) -> str:
    """The text of a message written ``context|text``, in the current language.

    The context tells translators what a bare word is (a CSV header, a severity, a stage's
    status) and keeps it apart from the same English word meaning something else
    elsewhere; English shows the text after the last ``|``.
    """
    return gettext(message).rpartition("|")[2]


SEVERITY_WORDS: Final = {
    Severity.critical: N_("severity|critical"),
    Severity.high: N_("severity|high"),
    Severity.medium: N_("severity|medium"),
    Severity.low: N_("severity|low"),
}
PHASE_WORDS: Final = {
    StageStatus.planned: N_("stage status|planned"),
    StageStatus.active: N_("stage status|active"),
    StageStatus.done: N_("stage status|done"),
}


def severity_word(severity: Severity) -> str:
    return in_context(SEVERITY_WORDS[severity])


def phase_word(phase: StageStatus | str) -> str:
    words: dict[str, str] = {status.value: message for status, message in PHASE_WORDS.items()}
    value = _value(phase)
    return in_context(words[value]) if value in words else value


#: the header of each CSV column in the reader's language: in English the column's name
#: (stable, what scripts read), in Chinese words; the cells' codes and ids never change
CSV_HEADERS: Final = {
    "id": N_("CSV header|id"),
    "name": N_("CSV header|name"),
    "org_id": N_("CSV header|org_id"),
    "org_name": N_("CSV header|org_name"),
    "title": N_("CSV header|title"),
    "status": N_("CSV header|status"),
    "emails": N_("CSV header|emails"),
    "phones": N_("CSV header|phones"),
    "preferred_channel": N_("CSV header|preferred_channel"),
    "language": N_("CSV header|language"),
    "duties": N_("CSV header|duties"),
    "duty_ids": N_("CSV header|duty_ids"),
    "tags": N_("CSV header|tags"),
    "severity": N_("CSV header|severity"),
    "code": N_("CSV header|code"),
    "project_id": N_("CSV header|project_id"),
    "stage_id": N_("CSV header|stage_id"),
    "stage_name": N_("CSV header|stage_name"),
    "subject_ids": N_("CSV header|subject_ids"),
    "subject_names": N_("CSV header|subject_names"),
    "explanation": N_("CSV header|explanation"),
    "remedy": N_("CSV header|remedy"),
    "candidate_ids": N_("CSV header|candidate_ids"),
    "candidate_names": N_("CSV header|candidate_names"),
    "stage_order": N_("CSV header|stage_order"),
    "duty_id": N_("CSV header|duty_id"),
    "duty_name": N_("CSV header|duty_name"),
    "duty_flag": N_("CSV header|duty_flag"),
    "person_id": N_("CSV header|person_id"),
    "person_name": N_("CSV header|person_name"),
    "raci": N_("CSV header|raci"),
}


def csv_headers(columns: list[str]) -> list[str]:
    """The header row of a CSV file in the reader's language (a column without words: its name)."""
    return [in_context(CSV_HEADERS[column]) if column in CSV_HEADERS else column for column in columns]


def _value(value: object) -> str:
    """An enum's value (defaults are not coerced by ``use_enum_values``), else the text."""
    return str(value.value) if isinstance(value, Enum) else str(value)


def _join(items: list[str] | tuple[str, ...]) -> str:
    return "; ".join(item for item in items if item)


# -- the parts ---------------------------------------------------------------------------


@dataclass
class _Parts:
    """Everything read from the store for one package, read at one data version."""

    snapshot: Bundle
    bundle: Bundle  # the snapshot, closed over its references (bundle.json)
    view: ProjectView
    report: ProjectReport
    data: MapData  # the map of every stage: positions, colours, marks, RACI matrices
    maps: dict[str, str]  # zip path -> HTML


def _read(store: Store, project_id: str, day: date) -> _Parts:
    """Read snapshot, report and maps; again if the store was written to meanwhile."""
    for attempt in range(_ATTEMPTS):
        version = store.data_version()
        snapshot = store.project_snapshot(project_id)  # NotFound for an unknown project
        bundle = importable(store, snapshot)
        view = build_view(snapshot, project_id, day)
        report = project_report(store, project_id, None, day)
        # What graphsvc.application.maps.project_map_html(store, project_id, stage, day) returns for
        # each stage and for "all", with the map data read once instead of once per page.
        data = project_graph(store, project_id, None, day)
        maps = {ALL_STAGES_MAP: render_html(data, data.project.name, initial_stage=ALL_STAGES)}
        for stage in view.stages:
            maps[stage_map_path(stage)] = render_html(data, data.project.name, initial_stage=stage.id)
        if store.data_version() == version or attempt == _ATTEMPTS - 1:
            return _Parts(snapshot, bundle, view, report, data, maps)
    raise AssertionError("unreachable")


def importable(store: Store, snapshot: Bundle) -> Bundle:
    """The snapshot plus any row it refers to but lacks, so it imports into an empty store.

    A project snapshot can hold an interaction with someone outside the project (or about
    another project); ``graphsvc import`` rejects dangling references, so the rows they
    point at are read from the store and added, until nothing is missing. With nothing
    missing the snapshot is returned unchanged.
    """
    rows: dict[str, dict[str, Row]] = {kind: {row.id: row for row in snapshot.rows(kind)} for kind in KINDS}
    for _attempt in range(10):
        raw = {
            kind: [(i, row.model_dump(mode="json")) for i, row in enumerate(found.values())]
            for kind, found in rows.items()
        }
        missing: dict[str, set[str]] = {}
        for _kind, _index, _field, target, ref in _all_references(raw):
            if ref not in rows[target]:
                missing.setdefault(target, set()).add(ref)
        added = [row for kind, ids in sorted(missing.items()) for row in store.read(kind, ids)]
        if not added:
            break
        for row in added:
            rows[next(kind for kind, model in KINDS.items() if isinstance(row, model))][row.id] = row
    if all(len(rows[kind]) == len(snapshot.rows(kind)) for kind in KINDS):
        return snapshot
    return Bundle(**{kind: list(found.values()) for kind, found in rows.items()})


def _duties(view: ProjectView) -> dict[str, list[tuple[str, str, str, str]]]:
    """contact id -> (raci, responsibility id, responsibility name, stage name), each duty at
    its stage's time."""
    held: dict[str, list[tuple[str, str, str, str]]] = {}
    for stage in view.stages:
        for resp in view.responsibilities.get(stage.id, []):
            for assignment in view.assignments.get(resp.id, []):
                held.setdefault(assignment.contact, []).append((assignment.raci, resp.id, resp.name, stage.name))
    order = {letter: i for i, letter in enumerate("ARCI")}
    for entries in held.values():
        entries.sort(key=lambda e: (order[e[0]], e[1]))
    return held


ROSTER_COLUMNS = [
    "id",
    "name",
    "org_id",
    "org_name",
    "title",
    "status",
    "emails",
    "phones",
    "preferred_channel",
    "language",
    "duties",
    "duty_ids",
    "tags",
]


def roster_csv(view: ProjectView) -> bytes:
    """The project's people, with employer, title and status as of the day."""
    held = _duties(view)
    people = []
    for cid, contact in view.contacts.items():
        state = view.state[cid]
        org_name = view.org_names.get(state.org, state.org) if state.org else ""
        duties = held.get(cid, [])
        people.append(
            (
                (org_name == "", org_name, contact.name, cid),
                [
                    cid,
                    contact.name,
                    state.org or "",
                    org_name,
                    state.title,
                    _value(state.status),
                    _join(contact.emails),
                    _join(contact.phones),
                    contact.preferred_channel,
                    contact.language,
                    _join([f"{raci}: {name} ({stage})" for raci, _, name, stage in duties]),
                    _join([f"{raci}:{rid}" for raci, rid, _, _ in duties]),
                    _join(contact.tags),
                ],
            )
        )
    return csv_bytes(csv_headers(ROSTER_COLUMNS), [row for _, row in sorted(people)])


FINDINGS_COLUMNS = [
    "severity",
    "code",
    "project_id",
    "stage_id",
    "stage_name",
    "subject_ids",
    "subject_names",
    "explanation",
    "remedy",
    "candidate_ids",
    "candidate_names",
]


def findings_csv(report: ProjectReport) -> bytes:
    rows = [
        [
            f.severity.value,
            f.code,
            f.project.id,
            f.stage.id if f.stage else "",
            f.stage.name if f.stage else "",
            _join([s.id for s in f.subjects]),
            _join([s.name for s in f.subjects]),
            f.explanation,
            f.remedy,
            _join([c.id for c in f.candidates]),
            _join([c.name for c in f.candidates]),
        ]
        for f in flat(report.findings)
    ]
    return csv_bytes(csv_headers(FINDINGS_COLUMNS), rows)


def handover_graph(snapshot: Bundle, view: ProjectView, data: MapData | None = None) -> nx.MultiDiGraph[str]:
    """The project as of the day: organisations, people, the project, stages, duties.

    Node ids are ``<type>:<id>``; every node has ``type``, ``ref`` (the bundle id) and
    ``label``. Edges: works_for, participates, has_stage, requires, assigned (raci),
    communicates / reports_to / backup_for (weight, last_contact, channel; a line the
    interaction log made is a ``communicates`` edge keyed ``d:A~B`` with its strength as
    weight and ``logged_contacts``). Only what
    holds on the day is drawn; the full history is in bundle.json. Attribute values are
    strings, numbers or booleans, never None or lists, so GraphML readers take them.

    With ``data`` (the project's map, every stage) every node also gets how the map draws
    it (``drawing``): ``x``, ``y``, ``size``, ``color`` and ``r``/``g``/``b``, the
    ``organization`` name, the finding ``marks`` (';'-joined) and worst ``severity``; edges
    drawn on the map get their ``marks`` and ``severity`` too.
    """
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(name=view.project.name, as_of=view.day.isoformat())
    project = view.project
    participation = {p.org: p.role for p in project.organizations if p.org in view.engaged}

    def node(node_type: str, ref: str, label: str, **attrs: object) -> str:
        key = f"{node_type}:{ref}"
        graph.add_node(key, type=node_type, ref=ref, label=label, **attrs)
        return key

    node("project", project.id, project.name, description=project.description)
    for org in sorted(snapshot.organizations, key=lambda o: o.id):
        node(
            "organization",
            org.id,
            org.name,
            kind=_value(org.kind),
            tags=_join(org.tags),
            participating="yes" if org.id in participation else "no",
            role=participation.get(org.id, ""),
        )
    for cid in sorted(view.contacts):
        contact, state = view.contacts[cid], view.state[cid]
        node(
            "contact",
            cid,
            contact.name,
            org=state.org or "",
            title=state.title,
            status=_value(state.status),
            emails=_join(contact.emails),
            phones=_join(contact.phones),
            preferred_channel=contact.preferred_channel,
            language=contact.language,
            tags=_join(contact.tags),
        )
    for stage in view.stages:
        node(
            "stage",
            stage.id,
            stage.name,
            order=stage.order,
            status=_value(view.phase[stage.id]),
            start=stage.start.isoformat() if stage.start else "",
            end=stage.end.isoformat() if stage.end else "",
        )
        for resp in view.responsibilities.get(stage.id, []):
            node("responsibility", resp.id, resp.name, stage=stage.id, description=resp.description)

    def edge(edge_type: str, key: str, source: str, target: str, **attrs: object) -> None:
        graph.add_edge(source, target, key=f"{edge_type}:{key}", type=edge_type, **attrs)

    for org_id in sorted(participation):
        if f"organization:{org_id}" in graph:
            edge("participates", org_id, f"organization:{org_id}", f"project:{project.id}", role=participation[org_id])
    for cid in sorted(view.contacts):
        state = view.state[cid]
        if state.org and f"organization:{state.org}" in graph:
            edge("works_for", cid, f"contact:{cid}", f"organization:{state.org}", title=state.title)
    for stage in view.stages:
        edge("has_stage", stage.id, f"project:{project.id}", f"stage:{stage.id}", order=stage.order)
        for resp in view.responsibilities.get(stage.id, []):
            edge("requires", resp.id, f"stage:{stage.id}", f"responsibility:{resp.id}")
            for a in view.assignments.get(resp.id, []):
                if a.contact in view.contacts:
                    edge("assigned", a.id, f"contact:{a.contact}", f"responsibility:{resp.id}", raci=_value(a.raci))
    for link in sorted(view.links, key=lambda link: link.id):
        if link.source in view.contacts and link.target in view.contacts:
            edge(
                _value(link.kind),
                link.id,
                f"contact:{link.source}",
                f"contact:{link.target}",
                weight=float(link.weight),
                channel=link.channel,
                last_contact=link.last_contact.isoformat() if link.last_contact else "",
            )
    linked = {frozenset((k.source, k.target)) for k in view.links if k.kind == "communicates"}
    for pair in sorted(view.derived.keys() - linked, key=sorted):
        one, other = sorted(pair)
        if one in view.contacts and other in view.contacts:
            line = view.derived[pair]
            edge(
                "communicates",
                f"{DERIVED_EDGE}{one}~{other}",
                f"contact:{one}",
                f"contact:{other}",
                weight=round(line.strength, 4),
                channel="",
                last_contact=line.last.isoformat(),
                logged_contacts=line.uses,
            )
    if data is not None:
        drawing(graph, data)
    return graph


#: colours of the nodes the map does not draw
PROJECT_COLOR = "#2f4b7c"
STAGE_COLOR = "#d9e2ec"
#: map node id prefix of each graph node type drawn on the map
_MAP_PREFIX = {"contact": "c:", "responsibility": "r:"}
#: the key of a line the interaction log made (no link row): the map's id, ``d:A~B``
DERIVED_EDGE = "d:"
_MAP_EDGE_PREFIX = {"assigned": "a:", "communicates": "l:", "reports_to": "l:", "backup_for": "l:"}


def _rgb(color: str) -> tuple[int, int, int]:
    value = int(color.lstrip("#")[:6], 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def drawing(graph: nx.MultiDiGraph[str], data: MapData) -> None:
    """Add the map's positions, colours, organisations and finding marks to the graph.

    People and duties sit where the map puts them, organisations at the top of their disc
    (where the map writes their name); the project, the stages and organisations with nobody in the project (not on the
    map) in rows above and below it. y grows downwards, as on the screen and in yEd.
    """
    nodes = {n.id: n for n in data.nodes}
    orgs = {o.id: o for o in data.organizations}
    ys = [n.y for n in data.nodes] + [o.y - o.radius for o in data.organizations] or [0.0]
    top = min(ys) - 160.0
    bottom = max([n.y for n in data.nodes] + [o.y + o.radius for o in data.organizations] or [0.0]) + 160.0

    def row(count: int, index: int) -> float:
        return round((index - (count - 1) / 2) * 220.0, 1)

    stages = [k for k, attrs in graph.nodes(data=True) if attrs["type"] == "stage"]
    unplaced = [
        k for k, attrs in graph.nodes(data=True) if attrs["type"] == "organization" and attrs["ref"] not in orgs
    ]
    for key, attrs in graph.nodes(data=True):
        kind, ref = attrs["type"], attrs["ref"]
        node = nodes.get(_MAP_PREFIX.get(kind, "?") + ref)
        color, size, marks, severity, org_name = STAGE_COLOR, 14.0, [], "", ""
        if node is not None:
            x, y, size = node.x, node.y, node.size
            marks, severity = node.marks, _value(node.severity) if node.severity else ""
            if kind == "contact":
                org = orgs.get(node.org or "")
                color = org.color if org else data.legend.no_org_color
                org_name = org.name if org and org.id else ""
            else:
                vacuum = data.legend.severity.get(severity, data.legend.severity["high"])
                color = vacuum if "vacuum" in marks else data.legend.duty_color
        elif kind == "organization" and ref in orgs:
            org = orgs[ref]
            x, y, size, color, org_name = org.x, round(org.y - org.radius, 1), org.radius, org.color, org.name
        elif kind == "organization":
            x, y, color, org_name = (
                row(len(unplaced), unplaced.index(key)),
                bottom,
                data.legend.no_org_color,
                attrs["label"],
            )
        elif kind == "stage":
            x, y = row(len(stages), stages.index(key)), top
        else:  # the project, above its stages
            x, y, color = 0.0, top - 160.0, PROJECT_COLOR
        r, g, b = _rgb(color)
        attrs.update(
            x=float(x),
            y=float(y),
            size=float(size),
            color=color,
            r=r,
            g=g,
            b=b,
            organization=org_name,
            marks=";".join(marks),
            severity=severity,
        )
    edges = {e.id: e for e in data.edges}
    for _source, _target, key, attrs in graph.edges(keys=True, data=True):
        edge_type, _colon, ref = str(key).partition(":")
        prefix = "" if ref.startswith(DERIVED_EDGE) else _MAP_EDGE_PREFIX.get(edge_type, "?")
        drawn = edges.get(prefix + ref)
        attrs["marks"] = ";".join(drawn.marks) if drawn else ""
        attrs["severity"] = _value(drawn.severity) if drawn and drawn.severity else ""


GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
#: yEd's GraphML extension: a namespace name, nothing is fetched from it
YED_NS = "http://www.yworks.com/xml/graphml"
_YED_SHAPES = {"contact": "ellipse", "responsibility": "rectangle", "organization": "roundrectangle"}


def graphml(graph: nx.MultiDiGraph[str]) -> bytes:
    """The graph as GraphML; text XML cannot carry (stored before the model refused it) replaced.

    Besides the plain attributes (Gephi takes ``x``, ``y``, ``size``, ``r``/``g``/``b``),
    each placed node carries yEd's own drawing (``y:ShapeNode``: geometry, fill, label), so
    the file opens laid out in yEd too. networkx's writer has no yEd support, so the drawing
    is added to what it wrote; it comes first in each node, so that networkx's reader, which
    takes x and y from it too, ends with the plain centre values.
    """
    cleaned = clean_graph(graph)
    buffer = io.BytesIO()
    nx.write_graphml(cleaned, buffer, encoding="utf-8", prettyprint=False)
    ElementTree.register_namespace("", GRAPHML_NS)
    ElementTree.register_namespace("y", YED_NS)
    ElementTree.register_namespace("xsi", "http://www.w3.org/2001/XMLSchema-instance")
    root = safe_xml.fromstring(buffer.getvalue())  # our own output; parsed the safe way all the same
    key = ElementTree.Element(f"{{{GRAPHML_NS}}}key", {"for": "node", "id": "yed_node", "yfiles.type": "nodegraphics"})
    root.insert(0, key)
    for element in root.iter(f"{{{GRAPHML_NS}}}node"):
        attrs = cleaned.nodes[str(element.get("id"))]
        if "x" not in attrs:
            continue
        element.insert(0, _yed_drawing(attrs))
    ElementTree.indent(root)
    written: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _yed_drawing(attrs: dict[str, Any]) -> ElementTree.Element:
    """A node's ``<data key="yed_node"><y:ShapeNode>``: yEd places a node by its top-left corner."""
    size = max(float(attrs.get("size", 14.0)), 10.0) * 2
    data = ElementTree.Element(f"{{{GRAPHML_NS}}}data", {"key": "yed_node"})
    shape = ElementTree.SubElement(data, f"{{{YED_NS}}}ShapeNode")
    ElementTree.SubElement(
        shape,
        f"{{{YED_NS}}}Geometry",
        {
            "x": f"{float(attrs['x']) - size / 2:.1f}",
            "y": f"{float(attrs['y']) - size / 2:.1f}",
            "width": f"{size:.1f}",
            "height": f"{size:.1f}",
        },
    )
    ElementTree.SubElement(
        shape, f"{{{YED_NS}}}Fill", {"color": str(attrs.get("color", STAGE_COLOR)), "transparent": "false"}
    )
    label = ElementTree.SubElement(shape, f"{{{YED_NS}}}NodeLabel", {"modelName": "sides", "modelPosition": "e"})
    label.text = str(attrs.get("label", ""))
    ElementTree.SubElement(shape, f"{{{YED_NS}}}Shape", {"type": _YED_SHAPES.get(str(attrs.get("type")), "ellipse")})
    return data


# -- HTML --------------------------------------------------------------------------------

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

_ENV = Environment(
    loader=FileSystemLoader(str(visual_dir())),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=True,
    finalize=finalize,
    extensions=["jinja2.ext.i18n"],
)
install_translations(_ENV)


def _render(template: str, project: Subject, as_of: date, **context: object) -> bytes:
    """One of our pages (``visual/handover_<template>.html.j2``) in the current language."""
    return (
        _ENV.get_template(f"handover_{template}.html.j2")
        .render(
            csp=_CSP,
            version=__version__,
            share=_share,
            severity_word=severity_word,
            as_of=as_of.isoformat(),
            day=format_day(as_of),
            stale_days=Thresholds().stale_days,
            chips=severity_chips(default_legend()),  # the map's palette, text chosen to read
            lang=current_language(),
            # a value put into a message (``_("...%(project)s", project=...)``) bypasses
            # ``finalize``: the project's name is made XML-safe here
            project=project.model_copy(update={"name": xml_text(project.name)}),
            **context,
        )
        .encode("utf-8")
    )


def index_html(parts: _Parts) -> bytes:
    view, report = parts.view, parts.report
    urgent = [f for f in report.findings if f.severity in (Severity.critical, Severity.high)]
    stages = [
        {
            "order": s.order,
            "name": s.name,
            "phase": phase_word(view.phase[s.id]),
            "start": s.start.isoformat() if s.start else "",
            "end": s.end.isoformat() if s.end else "",
            "duties": len(view.responsibilities.get(s.id, [])),
            "findings": len(present(flat(report.findings), s.id)),
            "href": stage_map_path(s),
            "svg": stage_svg_path(s),
            "raci": f"{RACI_PAGE}#raci-{s.id}",
        }
        for s in view.stages
    ]
    return _render(
        "index",
        project=report.project,
        as_of=report.as_of,
        report=report,
        description=view.project.description,
        people=len(view.contacts),
        orgs=len(parts.snapshot.organizations),
        stages=stages,
        urgent=urgent[:15],
        more=max(0, len(report.findings) - 15),
        all_map=ALL_STAGES_MAP,
    )


def findings_html(report: ProjectReport) -> bytes:
    return _render("findings", project=report.project, as_of=report.as_of, report=report)


def raci_html(parts: _Parts) -> bytes:
    """Every stage's RACI matrix, one table each (the tables of the map page)."""
    return _render(
        "raci",
        project=parts.report.project,
        as_of=parts.report.as_of,
        tables=render_raci(parts.data.raci, parts.report.as_of.isoformat()),
        raci_css=asset("raci.css"),
    )


def raci_csv(data: MapData) -> bytes:
    return csv_bytes(csv_headers(raci_matrix.CSV_COLUMNS), raci_matrix.csv_rows(data.raci))


# -- the zip -----------------------------------------------------------------------------

_MEDIA = {
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".json": "application/json",
    ".graphml": "application/graphml+xml",
    ".svg": "image/svg+xml",
}


def _describe(path: str, view: ProjectView) -> str:
    """What a file of the package is, for the manifest's reader, in the current language."""
    fixed = {
        "index.html": _("start page"),
        "findings.html": _("findings report"),
        "findings.csv": _("findings, one row per finding (UTF-8 with BOM)"),
        "roster.csv": _("contact roster with duties as of the day (UTF-8 with BOM)"),
        "graph.graphml": _("project graph as of the day, laid out as the map (GraphML)"),
        RACI_PAGE: _("RACI matrix of every stage"),
        "raci.csv": _("RACI letters, one row per duty and person (UTF-8 with BOM)"),
        "bundle.json": _("project snapshot as a graphsvc bundle"),
        ALL_STAGES_MAP: _("relationship map, all stages"),
    }
    if path in fixed:
        return fixed[path]
    for stage in view.stages:
        if stage_map_path(stage) == path:
            return _("relationship map, stage {order}: {stage}").format(order=stage.order, stage=stage.name)
        if stage_svg_path(stage) == path:
            return _("picture of the map (SVG), stage {order}: {stage}").format(order=stage.order, stage=stage.name)
    return ""


def package_zip(files: dict[str, bytes], day: date) -> bytes:
    # a zip entry's date holds the years 1980 to 2107: clamp the day into that range
    day = min(max(day, date(1980, 1, 1)), date(2107, 12, 31))
    stamp = (day.year, day.month, day.day, 0, 0, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            archive.writestr(info, files[path], compresslevel=9)
    return buffer.getvalue()


def handover_files(store: Store, project_id: str, as_of: date | None = None) -> dict[str, bytes]:
    """The package's entries, path -> bytes (``build_handover`` zips them)."""
    day = as_of or date.today()
    parts = _read(store, project_id, day)
    files: dict[str, bytes] = {
        "index.html": index_html(parts),
        "findings.html": findings_html(parts.report),
        "findings.csv": findings_csv(parts.report),
        "roster.csv": roster_csv(parts.view),
        "graph.graphml": graphml(handover_graph(parts.snapshot, parts.view, parts.data)),
        "bundle.json": dump_bundle(parts.bundle).encode("utf-8"),
        RACI_PAGE: raci_html(parts),
        "raci.csv": raci_csv(parts.data),
    }
    files.update({path: html.encode("utf-8") for path, html in parts.maps.items()})
    files.update({stage_svg_path(s): stage_svg(parts.data, s.id).encode("utf-8") for s in parts.view.stages})
    manifest = Manifest(
        project=parts.report.project,
        as_of=day,
        generated_by=f"graphsvc {__version__}",
        language=current_language(),
        stages=[Subject(kind="stage", id=s.id, name=s.name) for s in parts.view.stages],
        findings=parts.report.counts,
        rows=parts.bundle.counts(),
        files=[
            ManifestFile(
                path=path,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                media_type=_MEDIA[Path(path).suffix],
                description=_describe(path, parts.view),
            )
            for path, data in sorted(files.items())
        ],
    )
    files["manifest.json"] = (manifest.model_dump_json(indent=2) + "\n").encode("utf-8")
    return files


def build_handover(store: Store, project_id: str, as_of: date | None = None) -> bytes:
    """The handover zip of one project as of a day (default today); NotFound if unknown."""
    day = as_of or date.today()
    return package_zip(handover_files(store, project_id, day), day)


def handover_filename(project_id: str, day: date) -> str:
    return f"handover-{slug(project_id, 'project')}-{day.isoformat()}.zip"


__all__ = [
    "Manifest",
    "ManifestFile",
    "build_handover",
    "package_zip",
    "handover_files",
    "handover_graph",
]
