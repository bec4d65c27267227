"""A static SVG picture of one stage's map, drawn on the server from the map's own layout.

``stage_svg`` is pure: ``MapData`` (every stage, as ``build_map`` returns it) and a stage id
in, an SVG document out. It draws what the page draws for that stage, at the same
positions and in the same palette (``MapData.legend``, organisation colours): organisation
discs, lines styled by kind and RACI letter, people as circles coloured by organisation,
duties as boxes, finding marks (a red ring: single point of failure; a thick border in the
finding's colour: vacuum duty, inactive, isolated or overloaded owner; red dashes: broken
handover; faded or dashed lines: stale), names at 13 px, and a legend.

The document is built with ``xml.etree.ElementTree``, which escapes every text and
attribute value; user text first loses the characters XML cannot carry (``xml_text``).
No string of ours is ever concatenated with a user's into markup.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from graphsvc.application.maps.model import EdgeStyle, MapData, MapEdge, MapNode
from graphsvc.application.safe_export import xml_text
from graphsvc.support.i18n import _, format_day

NAME_PX = 13
DUTY_PX = 12
DUTY_W, DUTY_H = 150.0, 40.0
MARGIN = 70.0
LEGEND_W = 300.0
INK = "#1d2330"
MUTED = "#4b5563"
#: outline marks on people (the page's thick coloured border)
OWNER_MARKS = ("inactive_owner", "isolated", "overloaded")
SVG_NS = "http://www.w3.org/2000/svg"


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _sub(parent: ET.Element, tag: str, text: str | None = None, /, **attrs: object) -> ET.Element:
    """A child element; attribute names use '_' for '-' ("stroke_width")."""
    element = ET.SubElement(
        parent,
        tag,
        {k.rstrip("_").replace("_", "-"): _num(v) if isinstance(v, float) else str(v) for k, v in attrs.items()},
    )
    if text is not None:
        element.text = xml_text(text)
    return element


def _tint(hex_color: str, amount: float) -> str:
    """The colour mixed with white (amount 1: white), as the page's ``tint``."""
    value = int(hex_color.lstrip("#"), 16)
    rgb = [(value >> shift) & 255 for shift in (16, 8, 0)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02x}" for c in rgb)


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fit(text: str, width: float, size: float) -> str:
    """The text, cut with '…' to about ``width`` px at ``size`` px (wide characters count double)."""
    used, out = 0.0, list[str]()
    for char in text:
        used += size * (1.0 if ord(char) > 0x2E7F else 0.56)
        if used > width - size:
            return "".join(out) + "…"
        out.append(char)
    return text


def _severity_color(data: MapData, severity: object) -> str:
    """The legend's colour of a severity (an enum member or its value); high if none."""
    key = str(getattr(severity, "value", severity or "high"))
    return data.legend.severity.get(key, data.legend.severity["high"])


def _dashes(style: EdgeStyle) -> str | None:
    return " ".join(str(d) for d in style.dashes) if style.dashes else None


def stage_svg(data: MapData, stage_id: str | None) -> str:
    """The stage's map as an SVG document (``stage_id`` None: every stage)."""
    view = data.for_stage(stage_id)
    legend = view.legend
    colors = {o.id: o.color for o in view.organizations}
    nodes = {n.id: n for n in view.nodes}
    shown_orgs = {n.org or "" for n in view.nodes if n.kind == "person"}
    discs = [o for o in view.organizations if o.id in shown_orgs]

    xs = [n.x for n in nodes.values()] + [o.x - o.radius for o in discs] + [o.x + o.radius for o in discs]
    ys = [n.y for n in nodes.values()] + [o.y - o.radius - 24 for o in discs] + [o.y + o.radius for o in discs]
    left, right = (min(xs), max(xs)) if xs else (0.0, 0.0)
    top, bottom = (min(ys), max(ys)) if ys else (0.0, 0.0)
    left, top = left - MARGIN - DUTY_W / 2, top - MARGIN - 40
    right, bottom = right + MARGIN + DUTY_W / 2, bottom + MARGIN
    width = right - left + LEGEND_W
    legend_rows = 8 + len(view.legend.edges) + len(discs)
    height = max(bottom - top, 100.0 + 22 * legend_rows)

    stage_name = next((f"{s.order}. {s.name}" for s in view.stages if s.id == stage_id), _("all stages"))
    svg = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"{_num(left)} {_num(top)} {_num(width)} {_num(height)}",
            "font-family": '"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",sans-serif',
            "role": "img",
            "aria-labelledby": "title",
        },
    )
    as_of = _("as of {day}").format(day=format_day(view.as_of))
    _sub(svg, "title", f"{view.project.name} · {stage_name} · {as_of}", id="title")
    _sub(svg, "rect", x=left, y=top, width=width, height=height, fill="#ffffff")
    _sub(svg, "text", _short(view.project.name, 80), x=left + 16, y=top + 28, font_size=20, font_weight=600, fill=INK)
    _sub(svg, "text", f"{stage_name} · {as_of}", x=left + 16, y=top + 50, font_size=14, fill=MUTED)

    drawing = _sub(svg, "g", class_="map")
    for org in discs:
        _sub(
            drawing,
            "circle",
            cx=org.x,
            cy=org.y,
            r=org.radius,
            fill=_tint(org.color, 0.9),
            stroke=_tint(org.color, 0.5),
        )
    lines = _sub(drawing, "g", class_="lines", fill="none")
    for edge in view.edges:
        if edge.source in nodes and edge.target in nodes:
            _line(lines, edge, nodes[edge.source], nodes[edge.target], view)
    for node in nodes.values():
        if node.kind == "duty":
            _duty(drawing, node, view)
    for node in nodes.values():
        if node.kind == "person":
            _person(drawing, node, colors.get(node.org or "", legend.no_org_color), view)
    for org in discs:  # names last, over the lines
        _sub(
            drawing,
            "text",
            org.name,
            x=org.x,
            y=org.y - org.radius - 8,
            font_size=14,
            text_anchor="middle",
            fill=INK,
            stroke="#ffffff",
            stroke_width=3.0,
            paint_order="stroke",
            class_="org",
        )
    _legend(svg, view, right, top + 70)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(svg, encoding="unicode") + "\n"


def _line(parent: ET.Element, edge: MapEdge, source: MapNode, target: MapNode, data: MapData) -> None:
    styles = data.legend.edges
    style = styles.get(f"raci:{edge.raci}" if edge.kind == "raci" else edge.kind, styles["communicates"])
    color, width, dashes, opacity = style.color, style.width, _dashes(style), 1.0
    if edge.kind == "raci" and not edge.current:
        opacity, dashes = 0.35, "2 6"
    if edge.kind == "communicates":
        width = 0.8 + 0.8 * min(edge.weight, 6)
        if edge.age_days is None or edge.age_days > data.stale_days:
            opacity = 0.35
    if "conflict" in edge.marks:
        color, opacity = _severity_color(data, edge.severity), 1.0
    if "stale" in edge.marks:
        dashes = "4 4"
    if "bridge" in edge.marks:
        width += 1.5
    if "broken_handover" in edge.marks:
        gap = styles["handover_gap"]
        color, opacity, dashes, width = gap.color, 1.0, _dashes(gap), max(width, gap.width)
    attrs: dict[str, object] = {"stroke": color, "stroke_width": float(width)}
    if dashes:
        attrs["stroke_dasharray"] = dashes
    if opacity < 1:
        attrs["stroke_opacity"] = opacity
    line = _sub(parent, "line", x1=source.x, y1=source.y, x2=target.x, y2=target.y, **attrs)
    _sub(line, "title", style.label)
    if style.arrow:  # a small head two thirds along the line
        _arrow(parent, source, target, color)


def _arrow(parent: ET.Element, source: MapNode, target: MapNode, color: str) -> None:
    dx, dy = target.x - source.x, target.y - source.y
    length = math.hypot(dx, dy) or 1.0
    ux, uy = dx / length, dy / length
    tip_x, tip_y = source.x + dx * 0.66, source.y + dy * 0.66
    points = [
        (tip_x, tip_y),
        (tip_x - 9 * ux + 4.5 * uy, tip_y - 9 * uy - 4.5 * ux),
        (tip_x - 9 * ux - 4.5 * uy, tip_y - 9 * uy + 4.5 * ux),
    ]
    _sub(parent, "polygon", points=" ".join(f"{_num(x)},{_num(y)}" for x, y in points), fill=color)


def _duty(parent: ET.Element, node: MapNode, data: MapData) -> None:
    legend = data.legend
    fill, stroke, stroke_width, ink = legend.duty_color, "#c9b458", 1.5, INK
    if "vacuum" in node.marks:
        mark = _severity_color(data, node.severity)
        fill, stroke, stroke_width = _tint(mark, 0.82), mark, 3.5
        ink = INK if _severity_color(data, node.severity) == legend.severity["low"] else "#8b0000"
    group = _sub(parent, "g", class_="duty" + (" vacuum" if "vacuum" in node.marks else ""))
    _sub(group, "title", node.label)
    _sub(
        group,
        "rect",
        x=node.x - DUTY_W / 2,
        y=node.y - DUTY_H / 2,
        width=DUTY_W,
        height=DUTY_H,
        rx=3,
        fill=fill,
        stroke=stroke,
        stroke_width=stroke_width,
    )
    _sub(
        group,
        "text",
        _fit(node.label, DUTY_W - 8, DUTY_PX),
        x=node.x,
        y=node.y + 4,
        font_size=DUTY_PX,
        text_anchor="middle",
        fill=ink,
    )


def _person(parent: ET.Element, node: MapNode, color: str, data: MapData) -> None:
    legend = data.legend
    radius = node.size
    fill, stroke, stroke_width, ink = color, "#4b5563", 1.5, INK
    attrs: dict[str, object] = {}
    if node.status == "left":
        fill, stroke, ink = "#e8e8e8", "#9e9e9e", MUTED
    if node.status == "on_leave":
        fill, attrs["stroke_dasharray"] = _tint(color, 0.6), "4 3"
    if any(mark in node.marks for mark in OWNER_MARKS):
        stroke, stroke_width = _severity_color(data, node.severity), 3.5
    group = _sub(parent, "g", class_="person" + "".join(f" {m}" for m in node.marks))
    label = _status_label(node)
    _sub(group, "title", label)
    if "single_point" in node.marks:  # the ring
        _sub(
            group,
            "circle",
            cx=node.x,
            cy=node.y,
            r=radius + 6,
            fill="none",
            stroke=legend.severity["high"],
            stroke_width=4.0,
        )
    _sub(group, "circle", cx=node.x, cy=node.y, r=radius, fill=fill, stroke=stroke, stroke_width=stroke_width, **attrs)
    _sub(
        group,
        "text",
        label,
        x=node.x,
        y=node.y + radius + NAME_PX + 2,
        font_size=NAME_PX,
        text_anchor="middle",
        fill=ink,
        stroke="#ffffff",
        stroke_width=3.0,
        paint_order="stroke",
    )


def _status_label(node: MapNode) -> str:
    """The person's name with their status, as the page draws it (the same messages)."""
    if node.status == "left":
        return _("{name} (left)").format(name=node.label)
    if node.status == "on_leave":
        return _("{name} (on leave)").format(name=node.label)
    return node.label


def _legend(parent: ET.Element, data: MapData, x: float, y: float) -> None:
    legend = data.legend
    group = _sub(parent, "g", class_="legend")
    _sub(group, "text", _("Legend"), x=x + 10, y=y, font_size=15, font_weight=600, fill=INK)
    row = y + 24

    def entry(text: str) -> float:
        nonlocal row
        _sub(group, "text", text, x=x + 56, y=row + 4, font_size=NAME_PX, fill=INK)
        row += 22
        return row - 22

    at = entry(_("person (colour: organisation)"))
    _sub(group, "circle", cx=x + 28, cy=at, r=8, fill="#4e79a7", stroke="#4b5563", stroke_width=1.5)
    at = entry(_("left / on leave (named so)"))
    _sub(group, "circle", cx=x + 28, cy=at, r=8, fill="#e8e8e8", stroke="#9e9e9e", stroke_width=1.5)
    at = entry(_("duty"))
    _sub(group, "rect", x=x + 14, y=at - 8, width=28, height=16, rx=3, fill=legend.duty_color, stroke="#c9b458")
    at = entry(legend.marks["vacuum"])
    high = legend.severity["high"]
    _sub(
        group,
        "rect",
        x=x + 14,
        y=at - 8,
        width=28,
        height=16,
        rx=3,
        fill=_tint(high, 0.82),
        stroke=high,
        stroke_width=3.0,
    )
    at = entry(legend.marks["single_point"])
    _sub(group, "circle", cx=x + 28, cy=at, r=7, fill="#4e79a7", stroke="#4b5563")
    _sub(group, "circle", cx=x + 28, cy=at, r=11, fill="none", stroke=high, stroke_width=3.0)
    at = entry(_("inactive, isolated or overloaded owner"))
    _sub(group, "circle", cx=x + 28, cy=at, r=8, fill="#4e79a7", stroke=high, stroke_width=3.5)
    for style in legend.edges.values():
        at = entry(style.label)
        attrs: dict[str, object] = {"stroke": style.color, "stroke_width": float(min(style.width, 4))}
        if style.dashes:
            attrs["stroke_dasharray"] = _dashes(style)
        _sub(group, "line", x1=x + 10, y1=at, x2=x + 46, y2=at, **attrs)
    row += 10
    _sub(group, "text", _("Organisations"), x=x + 10, y=row, font_size=14, font_weight=600, fill=INK)
    row += 22
    shown = {n.org or "" for n in data.nodes if n.kind == "person"}
    for org in data.organizations:
        if org.id in shown:
            at = entry(_short(org.name, 28))
            _sub(group, "circle", cx=x + 28, cy=at, r=7, fill=org.color, stroke="#4b5563")
