"""What a phase map shows, as data: people, duties, lines, findings, positions.

``build_map`` is pure: a project snapshot, a day and the project's findings in, a
``MapData`` out. It holds every stage of the project at once (each node and edge lists
the stages it belongs to), so one page can switch phases without asking the server, and
positions are computed for the whole project (the "all stages" and "everyone" views) and
for each stage (compact, so its names are readable when it opens).

Stage membership:

- a duty belongs to its stage; a RACI edge to the stage of its duty;
- a person belongs to every stage where they hold an assignment (any letter, current or
  not), to the stages next to one where they are accountable (the owners of the stages
  before and after are the other side of its handovers), and to the stages a handover or
  duty finding about them concerns; ``MapNode.relation`` says which, per stage;
- a line between two people belongs to the stages both of them belong to;
- the "all stages" view (``view_stage`` None) shows everything, including people of the
  project's organisations who hold no duty.

Every id in a map is prefixed by what it is: ``c:`` person, ``r:`` duty, ``a:`` RACI
assignment, ``l:`` link between people, ``g:`` a missing handover line drawn from a
finding.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, Field

from graphsvc.analysis.findings import Finding, Severity, Subject
from graphsvc.analysis.timeline import valid_on
from graphsvc.analysis.view import ProjectView, build_view, line_used
from graphsvc.application.maps.layout import SWEEPS, Frame, Group, Layout, compute_layout
from graphsvc.application.maps.raci import RaciMatrix, raci_matrices
from graphsvc.application.name_lookup import pinyin_forms
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.defaults import STALE_DAYS
from graphsvc.domain.model import Contact
from graphsvc.support.i18n import N_, _

#: the value of ``?stage=`` (and ``initial_stage``) that asks for every stage at once
ALL_STAGES = "all"
#: above this many people and duties in a view, the page starts clustered by organisation
CLUSTER_THRESHOLD = 2000

ChannelPolicy = Literal["all", "preferred", "none"]

#: organisation kinds in ring order: client first, then design, builders, checkers...
KIND_ORDER = ["client", "design", "contractor", "supervisor", "vendor", "regulator", "property", "internal", "other"]

#: fill colours of organisations, in ring order; no pure reds (red means a finding)
ORG_PALETTE = [
    "#4e79a7",
    "#59a14f",
    "#b07aa1",
    "#76b7b2",
    "#edc948",
    "#9c755f",
    "#a0cbe8",
    "#8cd17d",
    "#b6992d",
    "#499894",
    "#d4a6c8",
    "#86bcb6",
    "#79706e",
    "#f1ce63",
    "#2f4b7c",
    "#bab0ac",
    "#665191",
    "#a05195",
    "#7f9c3c",
    "#3a7ca5",
]
NO_ORG_COLOR = "#c7c7c7"

#: finding codes that make a duty a vacuum (or a weakness, by severity) on the map
DUTY_CODES = {
    "NO_ACCOUNTABLE",
    "MULTIPLE_ACCOUNTABLE",
    "OWNER_INACTIVE",
    "NO_RESPONSIBLE",
    "OWNER_ORG_NOT_ENGAGED",
    "EXPIRING_ASSIGNMENT",
}
HANDOVER_CODES = {"HANDOVER_NO_PATH", "HANDOVER_SINGLE_POINT"}

#: a person's relation to a stage, strongest first: a RACI letter they hold there, "H" an
#: owner of the stage before or after (the other side of a handover), "F" only named by a
#: finding of the stage
RELATION_ORDER = "ARCIHF"

#: severity colours: the map, its legend and the handover package's chips (one place).
#: Each is dark enough for white text (contrast at least 4.5:1) except where ``SEVERITY_INK`` says.
SEVERITY_COLORS = {"critical": "#a50e1f", "high": "#c62828", "medium": "#b45309", "low": "#5f6b7a"}
#: text colour on a severity chip
#: the severities and stage phases as the reader says them (translated where shown)
SEVERITY_NAMES = {"critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low")}
PHASE_NAMES = {"planned": N_("planned"), "active": N_("in progress"), "done": N_("done")}
SEVERITY_INK = {"critical": "#ffffff", "high": "#ffffff", "medium": "#ffffff", "low": "#ffffff"}


# -- the data ---------------------------------------------------------------------------


class MapProject(BaseModel):
    id: str
    name: str
    description: str = ""


class MapStage(BaseModel):
    id: str
    name: str
    order: int
    phase: str = Field(description="planned, active or done on the map's day")
    start: date | None = None
    end: date | None = None


class MapOrganization(BaseModel):
    """An organisation as drawn: its colour, and the disc its people sit in."""

    id: str = Field(description="organisation id; '' for people with no organisation")
    name: str
    kind: str = "other"
    role: str = Field("", description="its role in the project")
    engaged: bool = Field(True, description="takes part in the project on the map's day")
    color: str
    x: float = Field(description="centre of its block in the whole-project layout")
    y: float
    radius: float = Field(description="half the block's diagonal")
    width: float = 0.0
    height: float = 0.0
    people: int


class Channel(BaseModel):
    kind: Literal["preferred", "email", "phone"]
    value: str


class MapNode(BaseModel):
    id: str = Field(description="'c:' + contact id, or 'r:' + responsibility id")
    kind: Literal["person", "duty"]
    ref: str = Field(description="the contact or responsibility id")
    label: str
    title: str = Field("", description="person: job title on the day; duty: description")
    org: str | None = Field(None, description="person: organisation id on the day")
    status: str = Field("active", description="person: active, on_leave or left; duty: its stage's phase")
    stage: str | None = Field(None, description="duty: its stage")
    stages: list[str] = Field(description="stages whose view shows this node")
    x: float
    y: float
    size: float = 12.0
    language: str = ""
    channels: list[Channel] = Field(default_factory=list, description="ways to reach the person the viewer may see")
    marks: list[str] = Field(
        default_factory=list,
        description="finding marks drawn on the node: vacuum, single_point, inactive_owner, isolated, overloaded",
    )
    severity: Severity | None = Field(None, description="most severe finding drawn on the node")
    findings: list[int] = Field(default_factory=list, description="indexes into MapData.findings")
    relation: dict[str, str] = Field(
        default_factory=dict,
        description="person: per stage of ``stages``, A/R/C/I (the strongest letter held there), "
        "H (owner of the stage before or after) or F (named by a finding of the stage)",
    )
    pinyin: list[str] = Field(
        default_factory=list,
        description="the name's pinyin in full (surname first and given name first) and by initials, "
        "for the page's search: wangjianguo, jianguowang, wjg",
    )


class MapFrame(BaseModel):
    """An organisation's block in one view's layout (centre and size)."""

    x: float
    y: float
    width: float
    height: float


class StageLayout(BaseModel):
    """Where a stage's own view draws its nodes: compact, made for that stage alone."""

    positions: dict[str, tuple[float, float]]
    frames: dict[str, MapFrame] = Field(description="organisation id ('' for none) -> its block")


class MapEdge(BaseModel):
    id: str = Field(
        description="'a:' assignment, 'l:' link, 'd:' line made by the interaction log, 'g:' missing handover line"
    )
    kind: Literal["raci", "communicates", "reports_to", "backup_for", "handover_gap"]
    ref: str | None = Field(None, description="the assignment or link id")
    source: str
    target: str
    raci: Literal["R", "A", "C", "I"] | None = None
    weight: float = 1.0
    channel: str = ""
    last_used: date | None = Field(None, description="communicates: latest contact or logged interaction")
    uses: int = Field(0, description="communicates: logged interactions that used the line by the map's day")
    age_days: int | None = None
    stale: bool = False
    current: bool = Field(True, description="valid on the map's day (assignments)")
    stages: list[str]
    marks: list[str] = Field(default_factory=list, description="broken_handover, bridge, stale, conflict")
    severity: Severity | None = None
    findings: list[int] = Field(default_factory=list)


class MapFinding(BaseModel):
    index: int
    code: str
    severity: Severity
    stage: str | None = None
    stages: list[str] = Field(description="stage views this finding is listed in")
    explanation: str
    remedy: str
    subjects: list[Subject]
    nodes: list[str] = Field(default_factory=list, description="map nodes it is drawn on")
    edges: list[str] = Field(default_factory=list, description="map edges it is drawn on")


class EdgeStyle(BaseModel):
    label: str
    color: str
    width: float
    dashes: list[int] | None = None
    arrow: bool = False


class Mark(BaseModel):
    """One thing the map draws and what it means: the legend lists each exactly once."""

    key: str
    label: str
    shape: Literal["line", "node", "badge", "box", "frame"]
    color: str
    width: float = 1.5
    dashes: list[int] | None = None
    arrow: bool = False
    fill: str = ""
    glow: bool = False


class Legend(BaseModel):
    """The visual vocabulary, shared by the page's legend, its drawing code and the
    handover package: every colour the map uses is here, every mark means one thing."""

    edges: dict[str, EdgeStyle]
    severity: dict[str, str]
    severity_ink: dict[str, str] = Field(default_factory=lambda: dict(SEVERITY_INK))
    status: dict[str, str]
    marks: dict[str, str]
    severity_names: dict[str, str] = Field(default_factory=dict, description="severity -> its name to show")
    phase_names: dict[str, str] = Field(default_factory=dict, description="stage phase -> its name to show")
    relations: dict[str, str] = Field(default_factory=dict, description="badge letter -> what it means")
    relation_colors: dict[str, tuple[str, str]] = Field(
        default_factory=dict, description="badge letter -> (background, letter colour)"
    )
    items: list[Mark] = Field(default_factory=list, description="every mark the map draws, once")
    duty_color: str = "#fff6d5"
    duty_border: str = "#9a8420"
    no_org_color: str = NO_ORG_COLOR
    stale_color: str = "#9aa5b1"


def default_legend() -> Legend:
    sev = SEVERITY_COLORS
    edges = {
        "raci:A": EdgeStyle(label=_("Accountable (A)"), color="#1f2d5a", width=3.0),
        "raci:R": EdgeStyle(label=_("Responsible (R)"), color="#3a7ca5", width=2.0),
        "raci:C": EdgeStyle(label=_("Consulted (C)"), color="#8a8f98", width=1.2),
        "raci:I": EdgeStyle(label=_("Informed (I)"), color="#b8bcc4", width=1.0),
        "raci:ended": EdgeStyle(label=_("assignment ended"), color="#b8bcc4", width=1.0, dashes=[1, 4]),
        "communicates": EdgeStyle(label=_("talks with"), color="#4f8f5b", width=1.5),
        "stale": EdgeStyle(label=_("stale line (not used lately)"), color="#9aa5b1", width=1.5, dashes=[6, 5]),
        "bridge": EdgeStyle(label=_("bridge (only line across)"), color="#4f8f5b", width=5.0),
        "reports_to": EdgeStyle(label=_("reports to"), color="#8e6c8a", width=1.5, arrow=True),
        "backup_for": EdgeStyle(label=_("backs up"), color="#1a9bb0", width=1.5, arrow=True),
        "conflict": EdgeStyle(label=_("assignment a finding is about"), color=sev["high"], width=2.5),
        "handover_gap": EdgeStyle(label=_("broken handover"), color=sev["high"], width=3.0, dashes=[10, 4, 2, 4]),
        "grouped": EdgeStyle(label=_("lines between groups (n)"), color="#6f7a8c", width=3.0),
    }
    relations = {
        "A": _("accountable"),
        "R": _("responsible"),
        "C": _("consulted"),
        "I": _("informed"),
        "H": _("owner of the stage before or after (handover)"),
        "F": _("only named by a finding"),
    }
    items = [
        Mark(
            key="person",
            label=_("person (larger: owns more)"),
            shape="node",
            color="#4b5563",
            fill="#4e79a7",
        ),
        Mark(key="left", label=_("left the organisation"), shape="node", color="#9e9e9e", fill="#e8e8e8"),
        Mark(key="on_leave", label=_("on leave (pale)"), shape="node", color="#4b5563", fill="#b9cde3"),
        Mark(key="duty", label=_("duty"), shape="box", color="#9a8420", fill="#fff6d5"),
        Mark(
            key="vacuum",
            label=_("duty with a vacuum"),
            shape="box",
            color=sev["high"],
            width=3,
            fill="#f6d4d4",
        ),
        Mark(
            key="owner_flag",
            label=_("owner a finding is about"),
            shape="node",
            color=sev["high"],
            width=3.5,
            fill="#4e79a7",
        ),
        Mark(
            key="single_point",
            label=_("single point of failure"),
            shape="node",
            color=sev["high"],
            width=5,
            fill="#4e79a7",
            glow=True,
        ),
        Mark(
            key="duty_done",
            label=_("duty of a finished stage"),
            shape="box",
            color="#c9c3a0",
            fill="#fff6d5",
        ),
        Mark(key="frame", label=_("organisation"), shape="frame", color="#8a94a6"),
        Mark(key="unowned", label=_("duties nobody owns"), shape="frame", color=sev["high"]),
    ]
    for key in (
        "raci:A",
        "raci:R",
        "raci:C",
        "raci:I",
        "raci:ended",
        "communicates",
        "stale",
        "bridge",
        "reports_to",
        "backup_for",
        "conflict",
        "handover_gap",
        "grouped",
    ):
        e = edges[key]
        items.append(
            Mark(key=key, label=e.label, shape="line", color=e.color, width=e.width, dashes=e.dashes, arrow=e.arrow)
        )
    return Legend(
        edges=edges,
        severity=dict(sev),
        status={"active": _("active"), "on_leave": _("on leave"), "left": _("left")},
        severity_names={key: _(name) for key, name in SEVERITY_NAMES.items()},
        phase_names={key: _(name) for key, name in PHASE_NAMES.items()},
        marks={
            "vacuum": _("duty with a responsibility vacuum"),
            "single_point": _("single point of failure"),
            "inactive_owner": _("accountable but inactive"),
            "isolated": _("owner with no working line"),
            "overloaded": _("accountable for too many duties"),
        },
        relations=relations,
        relation_colors={
            "A": (edges["raci:A"].color, "#ffffff"),
            "R": (edges["raci:R"].color, "#ffffff"),
            "C": ("#5f6670", "#ffffff"),
            "I": ("#e5e7eb", "#1d2330"),
            "H": ("#ffffff", "#1d2330"),
            "F": ("#ffffff", "#1d2330"),
        },
        items=items,
    )


class MapData(BaseModel):
    """One project's phase maps: every stage at once, or one stage (``view_stage``)."""

    project: MapProject
    as_of: date
    view_stage: str | None = Field(None, description="None: every stage; else the one stage these nodes are for")
    current_stage: str | None = Field(None, description="the first stage active on the day")
    stale_days: int = STALE_DAYS
    cluster_threshold: int = CLUSTER_THRESHOLD
    stages: list[MapStage]
    organizations: list[MapOrganization]
    nodes: list[MapNode]
    edges: list[MapEdge]
    findings: list[MapFinding]
    legend: Legend = Field(default_factory=default_legend)
    raci: list[RaciMatrix] = Field(
        default_factory=list, description="the RACI matrix of every stage (the map page draws it as tables)"
    )
    stage_layouts: dict[str, StageLayout] = Field(
        default_factory=dict, description="stage id -> its own view's positions (node x, y: the whole project)"
    )
    everyone_layouts: dict[str, StageLayout] = Field(
        default_factory=dict,
        description="stage id -> positions of its 'everyone in the project' view (every person, the stage's "
        "duties); only for projects of up to cluster_threshold people (bigger ones open grouped)",
    )

    def stage_ids(self) -> list[str]:
        return [s.id for s in self.stages]

    def for_stage(self, stage_id: str | None) -> MapData:
        """The same map with only what one stage's view shows (None: every stage)."""
        if stage_id is None or stage_id == self.view_stage:
            return self
        if stage_id not in self.stage_ids():
            raise KeyError(stage_id)
        findings = [f for f in self.findings if stage_id in f.stages]
        severity = {f.index: f.severity for f in findings}
        layout = self.stage_layouts.get(stage_id)
        everyone = self.everyone_layouts.get(stage_id)
        return self.model_copy(
            update={
                "view_stage": stage_id,
                "nodes": [_placed(_only(n, severity), layout) for n in self.nodes if stage_id in n.stages],
                "edges": [_only(e, severity) for e in self.edges if stage_id in e.stages],
                "findings": findings,
                "raci": [m for m in self.raci if m.stage_id == stage_id],
                "stage_layouts": {stage_id: layout} if layout else {},
                "everyone_layouts": {stage_id: everyone} if everyone else {},
            }
        )


def _placed(node: MapNode, layout: StageLayout | None) -> MapNode:
    """The node where its stage's own layout draws it (a stage map reads on its own)."""
    at = layout.positions.get(node.id) if layout else None
    if at is None or (node.x, node.y) == at:
        return node
    return node.model_copy(update={"x": at[0], "y": at[1]})


_Drawn = TypeVar("_Drawn", "MapNode", "MapEdge")


def _only(item: _Drawn, severity: dict[int, Severity]) -> _Drawn:
    """A node or edge showing only the findings of one stage (``severity``: index -> its
    severity): a person marked for another stage's finding wears no ring in this one."""
    kept = [i for i in item.findings if i in severity]
    if kept == item.findings:
        return item
    if not kept:
        return item.model_copy(update={"findings": [], "marks": [], "severity": None})
    worst = min((severity[i] for i in kept), key=lambda s: s.rank)
    # severity is set where a finding marked the item; it is now the worst of this stage's
    return item.model_copy(update={"findings": kept, "severity": None if item.severity is None else worst})


# -- building it ------------------------------------------------------------------------


def _worst(current: Severity | None, new: Severity) -> Severity:
    return new if current is None or new.rank < current.rank else current


_T = TypeVar("_T")


def _add_unique(items: list[_T], value: _T) -> None:
    if value not in items:
        items.append(value)


def build_map(
    snapshot: Bundle,
    project_id: str,
    day: date,
    findings: list[Finding],
    *,
    channels: ChannelPolicy = "all",
    stale_days: int = STALE_DAYS,
    view: ProjectView | None = None,
    sweeps: int = SWEEPS,
) -> MapData:
    """Every stage of one project as of ``day``, with ``findings`` drawn on it.

    ``channels`` says which ways to reach a person the map shows: ``all`` (preferred
    channel, e-mails, phones), ``preferred`` (the preferred channel's name only) or ``none``.
    ``view`` is ``build_view(snapshot, project_id, day)`` when the caller already has it
    (the findings need it too). Every step is one pass over the rows (plus sorting), so a
    5,000-person project stays fast; positions come from ``layout.compute_layout``
    (``sweeps``: its rounds of crossing reduction; 0 keeps the plain orderings).
    """
    if view is None or view.project.id != project_id or view.day != day:
        view = build_view(snapshot, project_id, day)
    project = view.project
    stages = view.stages
    stage_ids = [s.id for s in stages]
    stage_order = {sid: i for i, sid in enumerate(stage_ids)}
    org_rows = {o.id: o for o in snapshot.organizations}

    # -- duties and assignments: who is in which stage ------------------------------------
    duty_stage: dict[str, str] = {}
    duties = []
    for stage in stages:
        for resp in view.responsibilities.get(stage.id, []):
            duty_stage[resp.id] = stage.id
            duties.append(resp)
    person_stages: dict[str, set[str]] = defaultdict(set)
    #: (person, stage) -> their relation there (see RELATION_ORDER), the strongest kept
    relation: dict[tuple[str, str], str] = {}

    def relate(cid: str, sid: str, code: str) -> None:
        person_stages[cid].add(sid)
        held = relation.get((cid, sid))
        if held is None or RELATION_ORDER.index(code) < RELATION_ORDER.index(held):
            relation[(cid, sid)] = code

    assignments = [a for a in sorted(snapshot.assignments, key=lambda a: a.id) if a.responsibility in duty_stage]
    load: dict[str, int] = defaultdict(int)
    assigned_to: dict[str, list[str]] = defaultdict(list)
    owner_of: dict[str, str] = {}  # duty -> the person it is drawn beside
    owner_rank: dict[str, tuple[bool, bool, str]] = {}
    for a in assignments:
        if a.contact not in view.contacts:
            continue
        relate(a.contact, duty_stage[a.responsibility], a.raci)
        current = valid_on(a, day)
        if current and a.raci in ("A", "R"):
            load[a.contact] += 2 if a.raci == "A" else 1
            # drawn beside its active Accountable, else an active Responsible, else any of them
            rank = (a.raci != "A", not view.active(a.contact), a.contact)
            if a.responsibility not in owner_rank or rank < owner_rank[a.responsibility]:
                owner_rank[a.responsibility] = rank
                owner_of[a.responsibility] = a.contact
        if current:
            assigned_to[a.responsibility].append(a.contact)

    # -- the other side of each handover: owners of the stages before and after -------------
    for i, stage in enumerate(stages):
        if i > 0:
            for cid in view.outgoing_owners(stages[i - 1]):
                relate(cid, stage.id, "H")
        if i + 1 < len(stages):
            for cid in view.owners(stages[i + 1].id):
                relate(cid, stage.id, "H")

    # -- findings: which stages they concern, who they add to a stage ----------------------
    def finding_stages(f: Finding) -> set[str]:
        """The stages the finding belongs to: the one definition (``Finding.stages``)."""
        return {s.id for s in f.stages} & set(stage_ids)

    for f in findings:
        if f.code in HANDOVER_CODES or f.code in DUTY_CODES:
            concerned = finding_stages(f)
            for subject in f.subjects:
                if subject.kind == "contact" and subject.id in view.contacts:
                    for sid in concerned:
                        relate(subject.id, sid, "F")

    # -- organisations and layouts: the whole project, then each stage on its own ----------
    members: dict[str, list[str]] = defaultdict(list)
    for cid in view.contacts:
        members[view.org_of(cid) or ""].append(cid)
    names = {cid: c.name for cid, c in view.contacts.items()}
    for group in members.values():
        group.sort(key=lambda c: (-load.get(c, 0), names[c], c))

    def org_key(oid: str) -> tuple[bool, int, str, str]:
        row = org_rows.get(oid)
        kind = row.kind if row else "other"
        rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
        return (oid == "", rank, row.name if row else oid, oid)

    org_order = sorted(members, key=org_key)
    labels = {f"c:{cid}": _person_label(c.name, view.state[cid].status) for cid, c in view.contacts.items()}
    labels.update({f"r:{d.id}": d.name for d in duties})
    labels.update({oid: org_rows[oid].name for oid in org_order if oid in org_rows})

    def duty_owners(chosen: list[Any]) -> list[tuple[str, str | None]]:
        return [(f"r:{d.id}", f"c:{owner_of[d.id]}" if d.id in owner_of else None) for d in chosen]

    # the lines a view draws, so its layout can shorten and uncross them (a view keeps those
    # with both ends in it; the few handover-gap lines drawn from findings are left out)
    lines = [(f"c:{a.contact}", f"r:{a.responsibility}") for a in assignments if a.contact in view.contacts]
    lines += [(f"c:{link.source}", f"c:{link.target}") for link in view.links]
    lines += [(f"c:{a}", f"c:{b}") for a, b in _derived_only(view)]
    layout = compute_layout(
        [Group(oid, [f"c:{c}" for c in members[oid]]) for oid in org_order],
        duty_owners(duties),
        labels,
        lines,
        sweeps=sweeps,
    )
    stage_layouts: dict[str, StageLayout] = {}
    everyone_layouts: dict[str, StageLayout] = {}
    by_stage: dict[str, list[str]] = defaultdict(list)
    for oid in org_order:
        for cid in members[oid]:
            for sid in person_stages.get(cid, ()):
                by_stage[sid].append(cid)
    for stage in stages:
        here = by_stage.get(stage.id, [])
        strength = {cid: RELATION_ORDER.index(relation[(cid, stage.id)]) for cid in here}
        groups: dict[str, list[str]] = defaultdict(list)
        for cid in sorted(here, key=lambda c: (strength[c], -load.get(c, 0), names[c], c)):
            groups[view.org_of(cid) or ""].append(f"c:{cid}")
        chosen = [d for d in duties if duty_stage[d.id] == stage.id]
        stage_layouts[stage.id] = _stage_layout(
            compute_layout(
                [Group(oid, groups[oid]) for oid in org_order if oid in groups],
                duty_owners(chosen),
                labels,
                lines,
                sweeps=sweeps,
            )
        )
        if len(view.contacts) <= CLUSTER_THRESHOLD:
            # everyone, with only this stage's duties: the whole project's layout would leave
            # holes where the other stages' duties are, and open smaller
            everyone = []
            for oid in org_order:
                inside = set(groups.get(oid, ()))
                rest = [f"c:{c}" for c in members[oid] if f"c:{c}" not in inside]
                everyone.append(Group(oid, [*groups.get(oid, ()), *rest]))
            everyone_layouts[stage.id] = _stage_layout(
                compute_layout(everyone, duty_owners(chosen), labels, lines, sweeps=sweeps)
            )

    roles: dict[str, tuple[str, bool]] = {}
    for part in project.organizations:
        engaged = part.org in view.engaged
        if part.org not in roles or engaged:
            roles[part.org] = (part.role, engaged)
    organizations = []
    for i, oid in enumerate(org_order):
        row = org_rows.get(oid)
        frame = layout.frames[oid]
        role, engaged = roles.get(oid, ("", False))
        organizations.append(
            MapOrganization.model_construct(
                id=oid,
                name=row.name if row else (oid or "(no organisation)"),
                kind=row.kind if row else "other",
                role=role,
                engaged=engaged if oid else False,
                color=ORG_PALETTE[i % len(ORG_PALETTE)] if oid else NO_ORG_COLOR,
                x=frame.x,
                y=frame.y,
                radius=frame.radius,
                width=frame.width,
                height=frame.height,
                people=len(members[oid]),
            )
        )

    # -- nodes (dicts while findings are added to them; models at the end) ----------------
    nodes: dict[str, dict[str, Any]] = {}
    for oid in org_order:
        for cid in members[oid]:
            contact = view.contacts[cid]
            state = view.state[cid]
            nid = f"c:{cid}"
            x, y = layout.positions[nid]
            nodes[nid] = _node(
                id=nid,
                kind="person",
                ref=cid,
                label=contact.name,
                title=state.title,
                org=state.org,
                status=state.status,
                stages=sorted(person_stages.get(cid, ()), key=stage_order.__getitem__),
                relation={
                    sid: relation[(cid, sid)] for sid in sorted(person_stages.get(cid, ()), key=stage_order.__getitem__)
                },
                x=x,
                y=y,
                size=round(7 + 0.6 * min(load.get(cid, 0), 8), 1),
                language=contact.language,
                channels=_channels(contact, channels),
                pinyin=pinyin_forms(contact.name),
            )
    for duty in duties:
        nid = f"r:{duty.id}"
        x, y = layout.positions[nid]
        sid = duty_stage[duty.id]
        nodes[nid] = _node(
            id=nid,
            kind="duty",
            ref=duty.id,
            label=duty.name,
            title=duty.description,
            status=view.phase[sid],
            stage=sid,
            stages=[sid],
            x=x,
            y=y,
            size=8.0,
            pinyin=pinyin_forms(duty.name),
        )

    # -- edges ----------------------------------------------------------------------------
    edges: dict[str, dict[str, Any]] = {}

    shared_cache: dict[tuple[tuple[str, ...], tuple[str, ...]], list[str]] = {}

    def shared_stages(a: str, b: str) -> list[str]:
        """Stages both nodes belong to; few distinct stage sets exist, so cached by value."""
        key = (tuple(nodes[a]["stages"]), tuple(nodes[b]["stages"]))
        found = shared_cache.get(key)
        if found is None:
            common = set(key[0]).intersection(key[1])
            found = shared_cache[key] = [sid for sid in key[0] if sid in common]
        return list(found)

    raci_edge: dict[tuple[str, str], list[str]] = defaultdict(list)
    for a in assignments:
        source, target = f"c:{a.contact}", f"r:{a.responsibility}"
        if source not in nodes:
            continue
        eid = f"a:{a.id}"
        edges[eid] = _edge(
            id=eid,
            kind="raci",
            ref=a.id,
            source=source,
            target=target,
            raci=a.raci,
            current=valid_on(a, day),
            stages=[duty_stage[a.responsibility]],
        )
        raci_edge[(source, target)].append(eid)

    for link in sorted(view.links, key=lambda link: link.id):
        source, target = f"c:{link.source}", f"c:{link.target}"
        if source not in nodes or target not in nodes:
            continue
        eid = f"l:{link.id}"
        extra = {}
        if link.kind == "communicates":
            used = line_used(link, view.derived, day)
            age = (day - used).days if used else None
            logged = view.derived.get(frozenset((link.source, link.target)))
            extra = {
                "last_used": used,
                "age_days": age,
                "stale": age is None or age > stale_days,
                "uses": logged.uses if logged else 0,
            }
        edges[eid] = _edge(
            id=eid,
            kind=link.kind,
            ref=link.id,
            source=source,
            target=target,
            weight=link.weight,
            channel=link.channel,
            stages=shared_stages(source, target),
            **extra,
        )

    for one, other in _derived_only(view):
        source, target = f"c:{one}", f"c:{other}"
        if source not in nodes or target not in nodes:
            continue
        line = view.derived[frozenset((one, other))]
        eid = f"d:{one}~{other}"
        age = (day - line.last).days
        edges[eid] = _edge(
            id=eid,
            kind="communicates",
            source=source,
            target=target,
            weight=round(line.strength, 2),
            last_used=line.last,
            uses=line.uses,
            age_days=age,
            stale=age > stale_days,
            stages=shared_stages(source, target),
        )

    # -- findings drawn on nodes and edges -------------------------------------------------
    map_findings: list[MapFinding] = []
    for index, f in enumerate(sorted(findings, key=Finding.sort_key)):
        concerned = finding_stages(f)
        drawn_nodes: list[str] = []
        drawn_edges: list[str] = []
        people = [f"c:{s.id}" for s in f.subjects if s.kind == "contact" and f"c:{s.id}" in nodes]
        duties_hit = [f"r:{s.id}" for s in f.subjects if s.kind == "responsibility" and f"r:{s.id}" in nodes]
        links_hit = [f"l:{s.id}" for s in f.subjects if s.kind == "link" and f"l:{s.id}" in edges]
        if f.code in ("STALE_LINK", "BRIDGE_LINK") and not links_hit:
            # a line the interaction log made: drawn between the finding's two people
            pair = sorted(s.id for s in f.subjects if s.kind == "contact")
            links_hit = [eid for eid in [f"d:{'~'.join(pair)}"] if eid in edges]

        def mark_node(nid: str, mark: str | None) -> None:
            node = nodes[nid]
            _add_unique(node["findings"], index)
            _add_unique(drawn_nodes, nid)
            if mark:
                _add_unique(node["marks"], mark)
                node["severity"] = _worst(node["severity"], f.severity)

        def mark_edge(eid: str, mark: str | None) -> None:
            edge = edges[eid]
            _add_unique(edge["findings"], index)
            _add_unique(drawn_edges, eid)
            if mark:
                _add_unique(edge["marks"], mark)
                edge["severity"] = _worst(edge["severity"], f.severity)

        code = f.code
        if code in DUTY_CODES:
            for nid in duties_hit:
                mark_node(nid, "vacuum")
                for pid in people:
                    for eid in raci_edge.get((pid, nid), []):
                        mark_edge(eid, "conflict")
            for pid in people:
                mark = "inactive_owner" if code == "OWNER_INACTIVE" and nodes[pid]["status"] != "active" else None
                mark_node(pid, mark)
        elif code == "SINGLE_POINT_OF_FAILURE":
            for pid in people:
                mark_node(pid, "single_point")
        elif code == "HANDOVER_SINGLE_POINT":
            for i, pid in enumerate(people):
                mark_node(pid, "single_point" if i == 0 else None)
        elif code == "HANDOVER_NO_PATH":
            before = [s.id for s in f.subjects if s.kind == "stage" and (f.stage is None or s.id != f.stage.id)]
            left = {f"c:{c}" for stage in view.stages if stage.id in before for c in view.outgoing_owners(stage)}
            from_side = [p for p in people if p in left]
            to_side = [p for p in people if p not in left]
            for pid in people:
                mark_node(pid, None)
            pairs = [(a, b) for b in to_side for a in from_side][:24]
            for k, (from_id, to_id) in enumerate(pairs):
                eid = f"g:{index}:{k}"
                edges[eid] = _edge(
                    id=eid,
                    kind="handover_gap",
                    source=from_id,
                    target=to_id,
                    stages=sorted(
                        concerned & set(nodes[from_id]["stages"]) & set(nodes[to_id]["stages"]),
                        key=stage_order.__getitem__,
                    ),
                )
                mark_edge(eid, "broken_handover")
        elif code == "STALE_LINK":
            # medium: the line is on a handover path (see findings._stale)
            mark = "broken_handover" if f.severity == Severity.medium else "stale"
            for eid in links_hit:
                mark_edge(eid, mark)
            for pid in people:
                mark_node(pid, None)
        elif code == "BRIDGE_LINK":
            for eid in links_hit:
                mark_edge(eid, "bridge")
            for pid in people:
                mark_node(pid, None)
        elif code == "ISOLATED_OWNER":
            for pid in people:
                mark_node(pid, "isolated")
        elif code == "OVERLOADED_OWNER":
            for pid in people:
                mark_node(pid, "overloaded")
        else:  # ORG_SILO and anything new: listed, attached, not restyled
            for nid in people + duties_hit:
                mark_node(nid, None)
            for eid in links_hit:
                mark_edge(eid, None)

        map_findings.append(
            MapFinding.model_construct(
                index=index,
                code=code,
                severity=f.severity,
                stage=f.stage.id if f.stage else None,
                stages=sorted(concerned, key=stage_order.__getitem__),
                explanation=f.explanation,
                remedy=f.remedy,
                subjects=f.subjects,
                nodes=drawn_nodes,
                edges=drawn_edges,
            )
        )

    current_stage = next((s.id for s in stages if view.phase[s.id] == "active"), None)
    # Every value above comes from validated rows and is built here with its field's type,
    # so the models are constructed without validating again: that would take longer than
    # building the whole map on a 5,000-person project (tests check a validation round trip).
    return MapData.model_construct(
        project=MapProject.model_construct(id=project.id, name=project.name, description=project.description),
        as_of=day,
        view_stage=None,
        current_stage=current_stage,
        stale_days=stale_days,
        cluster_threshold=CLUSTER_THRESHOLD,
        stages=[
            MapStage.model_construct(
                id=s.id, name=s.name, order=s.order, phase=view.phase[s.id], start=s.start, end=s.end
            )
            for s in stages
        ],
        organizations=organizations,
        nodes=[_node_model(n) for n in nodes.values()],
        edges=[MapEdge.model_construct(**e) for e in edges.values()],
        findings=map_findings,
        legend=default_legend(),
        raci=raci_matrices(view, findings),
        stage_layouts=stage_layouts,
        everyone_layouts=everyone_layouts,
    )


def _person_label(name: str, status: str) -> str:
    """The name as the page draws it (the page adds the same suffixes, from the same messages)."""
    if status == "left":
        return _("{name} (left)").format(name=name)
    if status == "on_leave":
        return _("{name} (on leave)").format(name=name)
    return name


def _stage_layout(layout: Layout) -> StageLayout:
    return StageLayout.model_construct(
        positions=layout.positions,
        frames={key: _frame(f) for key, f in layout.frames.items()},
    )


def _frame(frame: Frame) -> MapFrame:
    return MapFrame.model_construct(x=frame.x, y=frame.y, width=frame.width, height=frame.height)


_NODE_DEFAULTS: dict[str, Any] = {
    "title": "",
    "org": None,
    "status": "active",
    "stage": None,
    "size": 12.0,
    "language": "",
    "channels": (),
    "relation": {},
}
_EDGE_DEFAULTS = {
    "ref": None,
    "raci": None,
    "weight": 1.0,
    "channel": "",
    "last_used": None,
    "uses": 0,
    "age_days": None,
    "stale": False,
    "current": True,
}


def _node(**fields: Any) -> dict[str, Any]:
    """Every field of a MapNode (model_construct must not look defaults up: it is slow)."""
    return {**_NODE_DEFAULTS, "marks": [], "severity": None, "findings": [], "pinyin": [], **fields}


def _derived_only(view: ProjectView) -> list[tuple[str, str]]:
    """The pairs joined by a line the interaction log made and by no ``communicates`` link
    (a link's edge carries its pair's logged use), in id order."""
    linked = {frozenset((link.source, link.target)) for link in view.links if link.kind == "communicates"}
    return sorted(
        (a, b)
        for a, b in (sorted(pair) for pair in view.derived if pair not in linked)
        if a in view.contacts and b in view.contacts
    )


def _edge(**fields: Any) -> dict[str, Any]:
    return {**_EDGE_DEFAULTS, "marks": [], "severity": None, "findings": [], **fields}


def _node_model(fields: dict[str, Any]) -> MapNode:
    channels = [Channel.model_construct(kind=c["kind"], value=c["value"]) for c in fields["channels"]]
    return MapNode.model_construct(**{**fields, "channels": channels})


def _channels(contact: Contact, policy: ChannelPolicy) -> list[dict[str, str]]:
    if policy == "none":
        return []
    out = [{"kind": "preferred", "value": contact.preferred_channel}] if contact.preferred_channel else []
    if policy == "all":
        out += [{"kind": "email", "value": e} for e in contact.emails]
        out += [{"kind": "phone", "value": p} for p in contact.phones]
    return out


def stage_counts(data: MapData) -> dict[str | None, tuple[int, int]]:
    """(nodes, edges) per stage view, None for every stage: what a page must show."""
    counts: dict[str | None, list[int]] = {None: [len(data.nodes), len(data.edges)]}
    for sid in data.stage_ids():
        counts[sid] = [0, 0]
    for node in data.nodes:
        for sid in node.stages:
            counts[sid][0] += 1
    for edge in data.edges:
        for sid in edge.stages:
            counts[sid][1] += 1
    return {k: (v[0], v[1]) for k, v in counts.items()}
