"""What the map page's findings panel lists in each stage view, and how its chips read.

A map holds every stage at once, so the panel's entries are computed here for each view
('' for every stage, else a stage id): the view's findings with two or more low findings of
one code made into one grouped entry, most severe first, exactly as
``analysis.findings.present`` lists them for reports (a test holds the two together).
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from graphsvc.analysis.findings import Severity, Subject, group_wording
from graphsvc.application.maps.model import Legend, MapData, MapFinding

#: the text colours a chip may use: the page's ink, or white
DARK_TEXT = "#1d2330"
LIGHT_TEXT = "#ffffff"


class PanelGroup(BaseModel):
    """Low findings of one code listed as one entry; ``members``: indexes into MapData.findings."""

    code: str
    severity: Severity = Severity.low
    explanation: str
    remedy: str
    members: list[int] = Field(min_length=2)


PanelEntry = int | PanelGroup


def _key(severity: Severity, stage: str | None, code: str, subjects: list[Subject]) -> tuple[int, str, str, list[str]]:
    """``Finding.sort_key`` without the project (one project per map)."""
    return (severity.rank, stage or "", code, [s.id for s in subjects])


def _union(subjects: list[Subject]) -> list[Subject]:
    seen: dict[tuple[str, str], Subject] = {}
    for subject in subjects:
        seen.setdefault((subject.kind, subject.id), subject)
    return list(seen.values())


def view_entries(findings: list[MapFinding]) -> list[PanelEntry]:
    """One view's entries: single findings by index, grouped low findings as PanelGroup."""
    low: dict[str, list[MapFinding]] = {}
    for f in findings:
        if f.severity == Severity.low:
            low.setdefault(f.code, []).append(f)
    keyed: list[tuple[tuple[int, str, str, list[str]], PanelEntry]] = []
    for f in findings:
        if f.severity != Severity.low or len(low[f.code]) < 2:
            keyed.append((_key(f.severity, f.stage, f.code, f.subjects), f.index))
    for code, members in low.items():
        if len(members) < 2:
            continue
        explanation, remedy = group_wording(code, len(members))
        own_stages = {m.stage for m in members}
        stage = members[0].stage if len(own_stages) == 1 else None
        subjects = _union([s for m in members for s in m.subjects])
        group = PanelGroup(code=code, explanation=explanation, remedy=remedy, members=[m.index for m in members])
        keyed.append((_key(Severity.low, stage, code, subjects), group))
    keyed.sort(key=lambda pair: pair[0])
    return [entry for _, entry in keyed]


def panel_entries(data: MapData) -> dict[str, list[PanelEntry]]:
    """Every view's entries: '' for every stage, then each stage id."""
    views: dict[str, list[PanelEntry]] = {"": view_entries(data.findings)}
    for stage in data.stage_ids():
        views[stage] = view_entries([f for f in data.findings if stage in f.stages])
    return views


def _luminance(hex_colour: str) -> float:
    value = int(hex_colour.lstrip("#"), 16)
    channels = [(value >> shift & 255) / 255 for shift in (16, 8, 0)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def readable_text(background: str) -> str:
    """The text colour (dark ink or white) that reads best on ``background``."""
    return DARK_TEXT if contrast(background, DARK_TEXT) >= contrast(background, LIGHT_TEXT) else LIGHT_TEXT


def severity_chips(legend: Legend) -> dict[str, tuple[str, str]]:
    """Each severity's chip as (background, text): the legend's palette, text chosen to read."""
    return {severity: (colour, readable_text(colour)) for severity, colour in legend.severity.items()}
