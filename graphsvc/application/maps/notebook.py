"""A phase map as a pyvis ``Network``, for Jupyter: the page's positions, colours and tooltips.

pyvis is optional (``pip install "graphsvc[notebook]"``), so it is imported when
``to_pyvis`` is called, not with this module. The network is drawn with physics off, at the
positions the server computed for the map page; tooltips are plain text (vis-network shows a
string title as text, never as markup).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphsvc.application.maps.model import Legend, MapData, MapEdge, MapNode
from graphsvc.support.i18n import _

if TYPE_CHECKING:  # pragma: no cover - pyvis is an optional dependency
    from pyvis.network import Network

NOTEBOOK_HINT = 'to_pyvis needs pyvis: pip install "graphsvc[notebook]"'
#: marks that ring a person in a finding's severity colour (as on the map page)
_RINGED = {"inactive_owner", "isolated", "overloaded", "single_point"}


def _new_network(**options: object) -> Network:
    try:
        from pyvis.network import Network  # deliberate lazy import: an optional dependency
    except ImportError as missing:
        raise ImportError(NOTEBOOK_HINT) from missing
    network: Network = Network(**options)
    return network


def node_style(node: MapNode, data: MapData) -> dict[str, object]:
    """The node's shape, colour, size and tooltip as the map page draws them."""
    legend: Legend = data.legend
    severity = legend.severity.get(node.severity.value) if node.severity else None
    findings = {f.index: f for f in data.findings}
    notes = [findings[i].explanation for i in node.findings if i in findings]
    if node.kind == "duty":
        background, border = legend.duty_color, "#c9b458"
        if "vacuum" in node.marks and severity:
            background, border = "#ffe3e0", severity
        stage = next((s.name for s in data.stages if s.id == node.stage), node.stage or "")
        phase = legend.phase_names.get(node.status, node.status)
        lines = [node.label, _("duty") + f" · {stage} · {phase}", node.title]
        return {
            "shape": "box",
            "color": {"background": background, "border": border},
            "borderWidth": 3 if "vacuum" in node.marks else 1.5,
            "title": "\n".join(line for line in [*lines, *notes] if line),
        }
    orgs = {o.id: o for o in data.organizations}
    org = orgs.get(node.org or "")
    background = org.color if org else legend.no_org_color
    border = "#4b5563"
    if node.status == "left":
        background, border = "#e8e8e8", "#9e9e9e"
    ringed = bool(_RINGED & set(node.marks))
    if ringed and severity:
        border = severity
    status = legend.status.get(node.status, node.status)
    lines = [node.label, node.title, org.name if org else _("(no organisation)"), status]
    return {
        "shape": "dot",
        "size": node.size,
        "color": {"background": background, "border": border},
        "borderWidth": 4 if ringed else 1.5,
        "title": "\n".join(line for line in [*lines, *notes] if line),
    }


def edge_style(edge: MapEdge, data: MapData) -> dict[str, object]:
    """The edge's colour, width, dashes and tooltip, from the legend (as on the page)."""
    legend = data.legend
    key = f"raci:{edge.raci}" if edge.kind == "raci" else edge.kind
    style = legend.edges.get(key) or legend.edges["communicates"]
    colour, width, dashes = style.color, style.width, bool(style.dashes)
    if edge.kind == "communicates":
        width = 0.8 + 0.8 * min(edge.weight, 6)
    if "conflict" in edge.marks and edge.severity:
        colour = legend.severity[edge.severity.value]
    if "stale" in edge.marks:
        dashes = True
    if "broken_handover" in edge.marks:
        gap = legend.edges["handover_gap"]
        colour, dashes, width = gap.color, True, max(width, gap.width)
    title = style.label
    if edge.kind == "communicates":
        used = _("last {day}").format(day=edge.last_used) if edge.last_used else _("never logged")
        title += "\n" + used
    out: dict[str, object] = {"color": colour, "width": width, "dashes": dashes, "title": title}
    out["arrows"] = "to" if style.arrow else ""  # arrows only where the legend draws them
    if edge.raci:
        out["label"] = edge.raci
    return out


def to_pyvis(
    data: MapData,
    stage: str | None = None,
    *,
    notebook: bool = True,
    height: str = "800px",
) -> Network:
    """One stage's map (or every stage: ``stage`` None) as a pyvis ``Network``.

    ``data``: from ``project_graph(store, project_id)``. The network keeps the map's
    positions with physics off, so ``net.show("map.html")`` or displaying it in Jupyter draws
    the same picture as the map page. KeyError for an unknown stage; ImportError naming
    ``graphsvc[notebook]`` without pyvis.
    """
    view = data.for_stage(stage)
    net = _new_network(height=height, width="100%", directed=True, notebook=notebook, cdn_resources="in_line")
    for node in view.nodes:
        net.add_node(node.id, label=node.label, x=node.x, y=node.y, physics=False, **node_style(node, view))
    for edge in view.edges:
        net.add_edge(edge.source, edge.target, id=edge.id, **edge_style(edge, view))
    net.toggle_physics(False)
    return net
