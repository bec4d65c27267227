"""An independent reading of README "Findings" / "The rules", computed by brute force.

Written from the README alone (not from graphsvc/analysis), on the raw bundle dict of one
project, so that graphsvc's findings can be compared with it (tests/test_findings_oracle.py).
It models the rules that decide *whether* something is wrong: stage time, accountables per
handover side, the three handover rules, robust handovers, the duty checks, single points
and bridges only where they cut owners, stale lines between owners (last use as of the
day), and which stages each finding belongs to.

Each finding is an ``Expected``: code, the stage it is about (duty findings), the stages it
concerns, and the ids it names (see ``Expected.names``). Readings of sentences the README
leaves open are marked "Reading:" below.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import networkx as nx

#: the codes this oracle decides; other codes are not compared
MODELLED = frozenset(
    {
        "NO_ACCOUNTABLE",
        "MULTIPLE_ACCOUNTABLE",
        "OWNER_INACTIVE",
        "NO_RESPONSIBLE",
        "HANDOVER_NO_PATH",
        "HANDOVER_SINGLE_POINT",
        "SINGLE_POINT_OF_FAILURE",
        "BRIDGE_LINK",
        "STALE_LINK",  # only lines between two owners (see stale_lines)
        "EXPIRING_ASSIGNMENT",
    }
)
#: README: ``--stale-days`` defaults to 14
STALE_DAYS = 14

#: Reading of "one whose every path runs through one other person ... gives a
#: HANDOVER_SINGLE_POINT naming that person" when every path runs through two or more
#: people (a chain): True names each of them (the README says so, graphsvc does); False
#: only the one nearest the outgoing accountables.
NAME_EVERY_CUT = True

#: Reading of EXPIRING_ASSIGNMENT "ends before its stage does" for a stage with no ``end``:
#: True, it ends the day before the next stage starts (an assignment dated up to the next
#: stage's start is not expiring; the README says so, graphsvc does); False, it never
#: ends, so any A or R end is before it.
OPEN_STAGE_ENDS_BEFORE_NEXT = True


@dataclass(frozen=True)
class Expected:
    """One finding as the rules define it.

    ``names``: the duty for duty findings (plus the person for OWNER_INACTIVE and the active
    accountables for MULTIPLE_ACCOUNTABLE); the incoming accountable for HANDOVER_NO_PATH;
    the person named for HANDOVER_SINGLE_POINT and SINGLE_POINT_OF_FAILURE; the two people
    of the line for BRIDGE_LINK and STALE_LINK.
    """

    code: str
    stage: str | None
    stages: frozenset[str]
    names: frozenset[str]
    severity: str | None = None  # only where the README fixes it
    why: str = field(default="", compare=False)  # which rule made it (for coverage)
    #: False: graphsvc may list more stages (a stale line on a handover path, which the
    #: oracle does not model, also belongs to that handover's stages)
    exact_stages: bool = field(default=True, compare=False)

    def key(self) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
        """What identifies the finding: its code, the ids it names, and for a handover the
        two stages (one person may be named at two handovers)."""
        pair = tuple(sorted(self.stages)) if self.code.startswith("HANDOVER_") else ()
        return (self.code, pair, tuple(sorted(self.names)))


@dataclass
class Answer:
    findings: list[Expected] = field(default_factory=list)
    robust: tuple[int, int] = (0, 0)  # robust handovers, checked handovers
    single: tuple[int, int] = (0, 0)  # open duties with exactly one active A, open duties
    owners: set[str] = field(default_factory=set)  # active A/R holders of stages not done
    #: the outgoing accountables of each checked handover, by its two stages
    outgoing: dict[frozenset[str], frozenset[str]] = field(default_factory=dict)


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def holds(row: dict[str, Any], day: date) -> bool:
    """Half-open: valid_from <= day < valid_to, a missing bound open."""
    start, end = _day(row.get("valid_from")), _day(row.get("valid_to"))
    return (start is None or start <= day) and (end is None or day < end)


def phase(stage: dict[str, Any], day: date) -> str:
    """done / active / planned: its dates win, its status otherwise (the same reading as
    analysis/timeline.stage_phase: on its end day a stage is still active)."""
    start, end = _day(stage.get("start")), _day(stage.get("end"))
    if end is not None and end < day:
        return "done"
    if start is not None and day < start:
        return "planned"
    status = stage.get("status", "planned")
    if status == "done" and end is not None:
        return "active"
    return str(status)


def stage_time(stage: dict[str, Any], day: date) -> date | None:
    """The day a stage's duties are judged on; None for a done stage."""
    now = phase(stage, day)
    if now == "done":
        return None
    start = _day(stage.get("start"))
    if now == "planned" and start is not None and start > day:
        return start
    return day


def status_on(contact: dict[str, Any], history: list[dict[str, Any]], day: date) -> str:
    """An earlier period covering the day, else the contact's current row."""
    for period in history:
        if period["contact"] == contact["id"] and holds(period, day):
            return str(period.get("status", "active"))
    return str(contact.get("status", "active"))


class Project:
    """The rows of one project, read for one as-of day."""

    def __init__(self, data: dict[str, Any], project: str, day: date) -> None:
        self.day = day
        self.stages = sorted(
            (s for s in data["stages"] if s["project"] == project), key=lambda s: (s["order"], s["id"])
        )
        stage_ids = {s["id"] for s in self.stages}
        self.duties = [r for r in data["responsibilities"] if r["stage"] in stage_ids]
        duty_ids = {d["id"] for d in self.duties}
        self.assignments = [a for a in data["assignments"] if a["responsibility"] in duty_ids]
        history = data.get("contact_history", [])
        self.active = {c["id"] for c in data["contacts"] if status_on(c, history, day) == "active"}
        self.people = {c["id"] for c in data["contacts"]}
        self.time = {s["id"]: stage_time(s, day) for s in self.stages}
        self.links = [lk for lk in data["links"] if lk["source"] in self.people and lk["target"] in self.people]
        self.interactions = data.get("interactions", [])
        self.graph = nx.Graph()  # the working graph
        self.graph.add_nodes_from(self.active)
        for link in self.links:
            if link["kind"] in ("communicates", "reports_to") and holds(link, day):
                a, b = link["source"], link["target"]
                if a in self.active and b in self.active and a != b:
                    self.graph.add_edge(a, b)
        #: the lines the interaction log makes (README "Lines from interactions"): every
        #: pair who were in touch by the day, with the day of their latest contact
        self.logged: dict[frozenset[str], date] = {}
        for meeting in self.interactions:
            held = _instant_day(meeting["at"])
            if held > day:
                continue  # not known on the as-of day
            for pair in used_pairs(meeting):
                self.logged[pair] = max(held, self.logged.get(pair, held))
        for pair in self.logged:
            if pair <= self.active:
                self.graph.add_edge(*sorted(pair))

    def holders(self, duty: str, letter: str, on: date) -> set[str]:
        """Everyone holding the letter of the duty on a day, whatever their status."""
        return {
            a["contact"]
            for a in self.assignments
            if a["responsibility"] == duty and a["raci"] == letter and holds(a, on)
        }

    def duties_of(self, stage: str) -> list[dict[str, Any]]:
        return [d for d in self.duties if d["stage"] == stage]

    def accountables(self, stage: str, on: date) -> set[str]:
        return {p for d in self.duties_of(stage) for p in self.holders(d["id"], "A", on)} & self.active

    def open_stages(self) -> list[str]:
        return [s["id"] for s in self.stages if self.time[s["id"]] is not None]

    def letters_by_stage(self, letters: str) -> dict[str, set[str]]:
        """Stage -> active people holding one of the letters there at its stage time."""
        out: dict[str, set[str]] = {}
        for stage in self.open_stages():
            on = self.time[stage]
            assert on is not None
            out[stage] = {
                p for d in self.duties_of(stage) for letter in letters for p in self.holders(d["id"], letter, on)
            } & self.active
        return out


def duty_checks(project: Project) -> tuple[list[Expected], tuple[int, int]]:
    """Per duty of a stage not done, at its stage time; and the single-accountable share."""
    found: list[Expected] = []
    single = total = 0
    backups = [lk for lk in project.links if lk["kind"] == "backup_for" and holds(lk, project.day)]
    for stage in project.stages:
        on = project.time[stage["id"]]
        if on is None:
            continue
        coming = phase(stage, project.day) == "planned"
        here = frozenset({stage["id"]})
        for duty in project.duties_of(stage["id"]):
            sid, did = stage["id"], duty["id"]
            a_all = project.holders(did, "A", on)
            a_active = a_all & project.active
            total += 1
            single += len(a_active) == 1
            if not a_all:
                severity = "high" if coming else "critical"
                found.append(Expected("NO_ACCOUNTABLE", sid, here, frozenset({did}), severity))
            if len(a_active) > 1:
                found.append(Expected("MULTIPLE_ACCOUNTABLE", sid, here, frozenset({did}) | a_active))
            for person in sorted(a_all - project.active):
                covered = any(b["target"] == person and b["source"] in project.active for b in backups)
                severity = "low" if covered else "high" if coming else "critical"
                found.append(Expected("OWNER_INACTIVE", sid, here, frozenset({did, person}), severity))
            if not project.holders(did, "R", on) & project.active:
                found.append(Expected("NO_RESPONSIBLE", sid, here, frozenset({did})))
    return found, (single, total)


def expiring_assignments(project: Project) -> list[Expected]:
    """A or R assignments in force at their stage's time that end before the stage does,
    with no active holder of the same duty and letter lined up for the day they end.

    Readings: a stage ends on its ``end``, else the day before the next stage starts (see
    OPEN_STAGE_ENDS_BEFORE_NEXT), else never; an assignment already over at the stage's time is not expiring (the duty checks
    say what is missing); its holder and a successor count only when active on the as-of
    day ("Who counts"; an inactive holder is an OWNER_INACTIVE)."""
    found = []
    for index, stage in enumerate(project.stages):
        on = project.time[stage["id"]]
        if on is None:
            continue
        after = project.stages[index + 1] if index + 1 < len(project.stages) else {}
        next_start = _day(after.get("start"))
        implied = next_start - timedelta(days=1) if next_start and OPEN_STAGE_ENDS_BEFORE_NEXT else None
        end = _day(stage.get("end")) or implied
        for duty in project.duties_of(stage["id"]):
            rows = [a for a in project.assignments if a["responsibility"] == duty["id"]]
            for row in rows:
                until = _day(row.get("valid_to"))
                if (
                    row["raci"] not in "AR"
                    or until is None
                    or not holds(row, on)
                    or row["contact"] not in project.active
                ):
                    continue
                if end is not None and until > end:
                    continue  # it holds up to the stage's last day
                lined_up = [
                    b
                    for b in rows
                    if b is not row and b["raci"] == row["raci"] and holds(b, until) and b["contact"] in project.active
                ]
                if not lined_up:
                    names = frozenset({duty["id"], row["contact"]})
                    found.append(Expected("EXPIRING_ASSIGNMENT", stage["id"], frozenset({stage["id"]}), names))
    return found


def _joined(graph: nx.Graph, sources: set[str], targets: set[str], without: str | None = None) -> bool:
    """Is any of ``sources`` joined to any of ``targets`` by a path avoiding ``without``?"""
    if without is not None:
        graph = nx.restricted_view(graph, [without], [])
    seen: set[str] = set()
    for source in sources:
        if source in graph and source not in seen:
            seen |= nx.node_connected_component(graph, source)
    return bool(seen & targets)


def handover_checks(
    project: Project, sides: dict[frozenset[str], frozenset[str]] | None = None
) -> tuple[list[Expected], tuple[int, int]]:
    """Between consecutive stages whose incoming stage is not done; ``sides`` gets the
    outgoing accountables of each checked handover."""
    found: list[Expected] = []
    robust = checked = 0
    graph = project.graph
    for out_stage, in_stage in zip(project.stages, project.stages[1:]):
        in_time = project.time[in_stage["id"]]
        if in_time is None:
            continue
        # Reading: the outgoing stage's "stage time" when it has no end; for a done stage
        # without an end (it has none) the as-of day.
        last_day = _day(out_stage.get("end")) or project.time[out_stage["id"]] or project.day
        outgoing = project.accountables(out_stage["id"], last_day)
        incoming = project.accountables(in_stage["id"], in_time)
        if not outgoing or not incoming:
            continue
        checked += 1
        both = frozenset({out_stage["id"], in_stage["id"]})
        if sides is not None:
            sides[both] = frozenset(outgoing)
        here: list[Expected] = []
        named: set[str] = set()
        for person in sorted(incoming - outgoing):
            if not _joined(graph, outgoing, {person}):
                here.append(Expected("HANDOVER_NO_PATH", None, both, frozenset({person})))
                continue
            cuts = [x for x in sorted(set(graph) - outgoing - {person}) if not _joined(graph, outgoing, {person}, x)]
            if cuts and not NAME_EVERY_CUT:
                distance = nx.multi_source_dijkstra_path_length(graph, outgoing)
                cuts = [min(cuts, key=lambda x: (distance[x], x))]
            named.update(cuts)
        shared = outgoing & incoming
        if len(shared) == 1:
            (carrier,) = shared
            others_out, others_in = outgoing - shared, incoming - shared
            # Reading: "no path joins the other outgoing accountables to the other incoming
            # ones" = not one of them is joined to one of the others without the carrier.
            if not others_out or not others_in or not _joined(graph, others_out, others_in, without=carrier):
                named.add(carrier)
        here += [
            Expected("HANDOVER_SINGLE_POINT", None, both, frozenset({p}), why="shared" if p in shared else "cut")
            for p in sorted(named)
        ]
        robust += not here
        found += here
    return found, (robust, checked)


def _parts(graph: nx.Graph, component: set[str], removed: nx.Graph) -> list[set[str]]:
    return [set(c) for c in nx.connected_components(removed.subgraph(component))]


def structure_checks(project: Project) -> list[Expected]:
    """Single points and bridges of the working graph, only where they cut owners."""
    graph = project.graph
    owners_by_stage = project.letters_by_stage("AR")
    duty_by_stage = project.letters_by_stage("ARCI")
    owners = set().union(*owners_by_stage.values()) if owners_by_stage else set()
    with_duty = set().union(*duty_by_stage.values()) if duty_by_stage else set()

    def matters(parts: list[set[str]]) -> bool:
        """One part holds an owner and another an owner or a person with a duty."""
        return any(
            i != j and parts[i] & owners and parts[j] & (owners | with_duty)
            for i in range(len(parts))
            for j in range(len(parts))
        )

    def stages_of(parts: list[set[str]], points: set[str]) -> frozenset[str]:
        """Where the people it cuts off (everyone outside the largest part left behind;
        every part when the largest ones tie) or the point itself have a duty."""
        sizes = sorted((len(p) for p in parts), reverse=True)
        largest = max(parts, key=len) if sizes[0] > sizes[1] else None
        cut_off = set().union(*(p for p in parts if p is not largest)) | points
        return frozenset(s for s, people in duty_by_stage.items() if people & cut_off)

    def severity(parts: list[set[str]]) -> str:
        apart = sum(1 for p in parts if p & owners) > 1
        return "medium" if apart else "low"

    found: list[Expected] = []
    for component in nx.connected_components(graph):
        for person in sorted(component):
            rest = nx.restricted_view(graph, [person], [])
            parts = _parts(graph, set(component) - {person}, rest)
            if len(parts) > 1 and matters(parts):
                found.append(
                    Expected(
                        "SINGLE_POINT_OF_FAILURE",
                        None,
                        stages_of(parts, {person}),
                        frozenset({person}),
                        severity(parts),
                    )
                )
        if len(component) == 2:
            # Reading: "nor is a pair who only talk to each other" is an exception to the
            # rule before it: the line of a two-person component is never a finding.
            continue
        points = {p for f in found if f.code == "SINGLE_POINT_OF_FAILURE" for p in f.names}
        for a, b in sorted(tuple(sorted(e)) for e in graph.subgraph(component).edges):
            rest = nx.restricted_view(graph, [], [(a, b)])
            parts = _parts(graph, set(component), rest)
            alone = [p for p in parts if len(p) == 1]
            if alone and ({a, b} - alone[0]) <= points:
                continue  # it cuts off one person, and the point at its other end is a finding
            if len(parts) > 1 and matters(parts):
                found.append(
                    Expected("BRIDGE_LINK", None, stages_of(parts, {a, b}), frozenset({a, b}), severity(parts))
                )
    return found


def _instant_day(text: str) -> date:
    """The UTC day of an ISO instant (the store keeps instants in UTC)."""
    instant = datetime.fromisoformat(text)
    if instant.tzinfo is not None:
        instant = instant.astimezone(UTC)
    return instant.date()


def used_pairs(meeting: dict[str, Any]) -> list[frozenset[str]]:
    """The lines one logged interaction used: an e-mail the lines between its sender, else
    its first participant, and each recipient; a meeting, call or other channel every pair
    of its participants."""
    people = sorted(set(meeting["participants"]))
    if str(meeting.get("channel", "")).strip().casefold() in ("email", "e-mail", "mail"):
        sender = meeting.get("sender") or meeting["participants"][0]
        return [frozenset((sender, p)) for p in people if p != sender]
    return [frozenset((a, b)) for i, a in enumerate(people) for b in people[i + 1 :]]


def stale_lines(project: Project) -> list[Expected]:
    """Working lines between two owners unused for more than STALE_DAYS.

    A line's last use is the later of its ``last_contact`` and the latest interaction up to
    the as-of day that used it (an e-mail the lines between its sender, else its first
    participant, and each recipient; a meeting, call or other channel every pair of its
    participants). Readings: a line never used is stale; only
    ``communicates`` lines go stale (``last_contact`` is "only meaningful for communicates",
    model.py; a reporting line is not refreshed by use); a ``last_contact`` after the as-of
    day is not known on that day ("everything is judged as of a day"). Lines on a handover
    path that are not between owners are not modelled."""
    by_stage = project.letters_by_stage("AR")
    owners = set().union(*by_stage.values())
    last: dict[frozenset[str], date | None] = {}
    for link in project.links:
        pair = frozenset((link["source"], link["target"]))
        if link["kind"] != "communicates" or not holds(link, project.day) or not pair <= set(project.graph):
            continue
        used = _day(link.get("last_contact"))
        known = used if used is not None and used <= project.day else None
        last[pair] = max(filter(None, (last.get(pair), known)), default=None)
    for pair, held in project.logged.items():
        if pair <= set(project.graph):  # a line the log made, or a link it refreshed
            last[pair] = max(filter(None, (last.get(pair), held)))
    found = []
    for pair, used in sorted(last.items(), key=lambda item: sorted(item[0])):
        if pair <= owners and (used is None or (project.day - used).days > STALE_DAYS):
            stages = frozenset(s for s, people in by_stage.items() if people & pair)
            found.append(Expected("STALE_LINK", None, stages, pair, exact_stages=False))
    return found


def oracle(data: dict[str, Any], project: str, day: date) -> Answer:
    """Everything the oracle decides for one project as of a day."""
    view = Project(data, project, day)
    duties, single = duty_checks(view)
    sides: dict[frozenset[str], frozenset[str]] = {}
    handovers, robust = handover_checks(view, sides)
    findings = duties + handovers + structure_checks(view) + stale_lines(view) + expiring_assignments(view)
    owners = set().union(*view.letters_by_stage("AR").values())
    return Answer(findings=findings, robust=robust, single=single, owners=owners, outgoing=sides)
