"""One project as of one day: who owns what, who is active, and who can talk to whom.

Built from a project snapshot (a Bundle holding the project's rows and the people around
it). Everything here is derived, nothing is stored: a pure function of rows and a date.

The **working communication graph** holds the people active on the day, joined where a
``communicates`` or ``reports_to`` link is valid on the day or where the interaction log
makes a line (``analysis.interactions``: every pair who were in touch by the day). People
who left or are on leave are not in it, so no line runs to or through them. ``backup_for`` is a standing-in
arrangement, not a line of communication.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import networkx as nx

from graphsvc.analysis.interactions import DerivedLine, derived_lines, line_uses
from graphsvc.analysis.portfolio import Export
from graphsvc.analysis.structure import adjacency
from graphsvc.analysis.timeline import (
    ContactState,
    contact_state,
    engaged_orgs,
    stage_last_day,
    stage_phase,
    stage_time,
    valid_on,
)
from graphsvc.domain.model import (
    Assignment,
    Contact,
    Link,
    Project,
    Responsibility,
    Stage,
)

WORKING_KINDS = ("communicates", "reports_to")


@dataclass
class ProjectView:
    project: Project
    day: date
    stages: list[Stage]
    phase: dict[str, str]
    #: stage id -> the day its duties are judged on (timeline.stage_time)
    stage_day: dict[str, date]
    responsibilities: dict[str, list[Responsibility]]
    #: duty id -> its assignments in force at its stage's time
    assignments: dict[str, list[Assignment]]
    all_assignments: dict[str, list[Assignment]]
    contacts: dict[str, Contact]
    state: dict[str, ContactState]
    org_names: dict[str, str]
    engaged: set[str]
    graph: nx.Graph[str]
    backups: dict[str, list[str]]
    links: list[Link] = field(default_factory=list)
    #: the lines the interaction log makes on the day (pair -> last contact, strength)
    derived: dict[frozenset[str], DerivedLine] = field(default_factory=dict)
    #: answers derived once per view (holders, owners); a view is never changed after build
    _memo: dict[object, list[str]] = field(default_factory=dict, repr=False, compare=False)

    # -- people ---------------------------------------------------------------------------

    def name(self, contact_id: str) -> str:
        contact = self.contacts.get(contact_id)
        return contact.name if contact else contact_id

    def org_of(self, contact_id: str) -> str | None:
        state = self.state.get(contact_id)
        return state.org if state else None

    def active(self, contact_id: str) -> bool:
        state = self.state.get(contact_id)
        return bool(state and state.active)

    def holders(self, responsibility_id: str, raci: str) -> list[str]:
        """Contacts assigned with this letter at the duty's stage time (active or not), sorted."""
        key = (responsibility_id, raci)
        found = self._memo.get(key)
        if found is None:
            found = sorted({a.contact for a in self.assignments.get(responsibility_id, []) if a.raci == raci})
            self._memo[key] = found
        return list(found)

    def owners(self, stage_id: str) -> list[str]:
        """A stage's accountables: active Accountable people of its duties at its stage time."""
        found = {
            contact
            for resp in self.responsibilities.get(stage_id, [])
            for contact in self.holders(resp.id, "A")
            if self.active(contact)
        }
        return sorted(found)

    def stage_end(self, stage: Stage) -> date | None:
        """A stage's last day: its ``end``, else the day before the next stage starts."""
        if stage.end is not None:
            return stage.end
        position = self.stages.index(stage)
        following = self.stages[position + 1] if position + 1 < len(self.stages) else None
        if following is None or following.start is None:
            return None
        return following.start - timedelta(days=1)

    def outgoing_owners(self, stage: Stage) -> list[str]:
        """A stage's accountables on its last day: the outgoing side of its handover."""
        key = ("outgoing", stage.id)
        found = self._memo.get(key)
        if found is None:
            last = stage_last_day(stage, self.day)
            found = sorted(
                {
                    a.contact
                    for resp in self.responsibilities.get(stage.id, [])
                    for a in self.all_assignments.get(resp.id, [])
                    if a.raci == "A" and valid_on(a, last) and self.active(a.contact)
                }
            )
            self._memo[key] = found
        return list(found)

    def all_owners(self) -> list[str]:
        """Active Accountable or Responsible people in stages that are not done."""
        cached = self._memo.get("all_owners")
        if cached is None:
            found: set[str] = set()
            for stage in self.stages:
                if self.phase[stage.id] == "done":
                    continue
                for resp in self.responsibilities.get(stage.id, []):
                    for letter in ("A", "R"):
                        found.update(c for c in self.holders(resp.id, letter) if self.active(c))
            cached = self._memo["all_owners"] = sorted(found)
        return list(cached)

    def with_duty(self) -> list[str]:
        """Active people holding any letter in a stage not done, at its stage time."""
        cached = self._memo.get("with_duty")
        if cached is None:
            found = {
                c
                for stage in self.stages
                if self.phase[stage.id] != "done"
                for c in self.stage_team(stage.id)
                if self.active(c)
            }
            cached = self._memo["with_duty"] = sorted(found)
        return list(cached)

    def stage_team(self, stage_id: str) -> set[str]:
        """Everyone assigned (any letter) in the stage at its stage time."""
        return {
            a.contact for resp in self.responsibilities.get(stage_id, []) for a in self.assignments.get(resp.id, [])
        }


def build_view(snapshot: Export, project_id: str, day: date) -> ProjectView:
    """Resolve a project snapshot as of ``day``."""
    (project,) = [p for p in snapshot.projects if p.id == project_id]
    stages = sorted((s for s in snapshot.stages if s.project == project_id), key=lambda s: s.order)
    stage_ids = {s.id for s in stages}
    responsibilities: dict[str, list[Responsibility]] = defaultdict(list)
    for resp in sorted(snapshot.responsibilities, key=lambda r: r.id):
        if resp.stage in stage_ids:
            responsibilities[resp.stage].append(resp)
    stage_day = {s.id: stage_time(s, day) for s in stages}
    judged_on = {r.id: stage_day[stage_id] for stage_id, rs in responsibilities.items() for r in rs}
    assignments: dict[str, list[Assignment]] = defaultdict(list)
    all_assignments: dict[str, list[Assignment]] = defaultdict(list)
    for assignment in sorted(snapshot.assignments, key=lambda a: a.id):
        when = judged_on.get(assignment.responsibility)
        if when is not None:
            all_assignments[assignment.responsibility].append(assignment)
            if valid_on(assignment, when):
                assignments[assignment.responsibility].append(assignment)

    periods = defaultdict(list)
    for period in snapshot.contact_history:
        periods[period.contact].append(period)
    contacts = {c.id: c for c in snapshot.contacts}
    state = {cid: contact_state(c, periods[cid], day) for cid, c in contacts.items()}

    links = [link for link in snapshot.links if valid_on(link, day)]
    derived = derived_lines(line_uses(snapshot.interactions), day)
    graph = working_graph(contacts, state, links, derived, day)
    backups: dict[str, list[str]] = defaultdict(list)
    for link in sorted(links, key=lambda link: link.id):
        if link.kind == "backup_for" and state.get(link.source) and state[link.source].active:
            backups[link.target].append(link.source)

    return ProjectView(
        project=project,
        day=day,
        stages=stages,
        phase={s.id: stage_phase(s, day) for s in stages},
        stage_day=stage_day,
        responsibilities=dict(responsibilities),
        assignments=dict(assignments),
        all_assignments=dict(all_assignments),
        contacts=contacts,
        state=state,
        org_names={o.id: o.name for o in snapshot.organizations},
        engaged=engaged_orgs(project, day),
        graph=graph,
        backups=dict(backups),
        links=links,
        derived=derived,
    )


def edges_among(graph: nx.Graph[str], nodes: set[str]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """The edges with both ends in ``nodes``, each once, as (u, v, data); in no fixed order
    (callers sort or count). Scans only the neighbours of ``nodes``, not every edge.

    Read from the adjacency, not ``graph.edges``: networkx caches its edge and degree views
    on the graph, and those views point back at it, so a graph asked for them becomes a
    reference cycle that only the cyclic collector frees. A portfolio scan builds a
    thousand working graphs with the collector paused; reading the adjacency only, each
    graph is freed when its project is done.
    """
    adj = adjacency(graph)
    seen: set[str] = set()
    for node in nodes:
        neighbours = adj.get(node)
        if neighbours is None:
            continue
        for other, data in neighbours.items():
            if other in nodes and other not in seen:
                yield node, other, data
        seen.add(node)


def line_used(link: Link, derived: dict[frozenset[str], DerivedLine], day: date) -> date | None:
    """When a line was last used by ``day``: its ``last_contact`` or a logged interaction
    between the two people, whichever is later (dates after ``day`` do not count)."""
    used = link.last_contact if link.last_contact and link.last_contact <= day else None
    if not derived:
        return used
    logged = derived.get(frozenset((link.source, link.target)))
    if logged and (used is None or logged.last > used):
        used = logged.last
    return used


def line_data(link: Link, used: date | None) -> dict[str, Any]:
    """A working graph edge's data for its first link (see working_graph)."""
    return dict(
        weight=link.weight,
        used=used,
        links=[link.id],
        kinds={link.kind},
        communicates=[link.id] if link.kind == "communicates" else [],
        directed=[(link.source, link.target, link.kind)],
        uses=0,
    )


def fold_link(edge: dict[str, Any], link: Link, used: date | None) -> None:
    """One more link into an edge's data: strongest weight, latest use."""
    edge["weight"] = max(edge["weight"], link.weight)
    edge["links"].append(link.id)
    edge["kinds"].add(link.kind)
    edge["directed"].append((link.source, link.target, link.kind))
    if link.kind == "communicates":
        edge["communicates"].append(link.id)
    if used and (edge["used"] is None or used > edge["used"]):
        edge["used"] = used


def fold_derived(edges: Lines, pair: frozenset[str], line: DerivedLine) -> None:
    """A line the interaction log makes into the edges: a ``communicates`` line with the
    derived strength as weight where no link joins the pair, else the link's edge taking
    the larger weight and the later use (README "Lines from interactions")."""
    known = edges.get(pair)
    if known is None:
        a, b = sorted(pair)
        edges[pair] = (
            a,
            b,
            dict(
                weight=line.strength,
                used=line.last,
                links=[],
                kinds={"communicates"},
                communicates=[],
                directed=[],
                uses=line.uses,
            ),
        )
        return
    edge = known[2]
    edge["weight"] = max(edge["weight"], line.strength)
    edge["kinds"].add("communicates")
    edge["uses"] = line.uses
    if edge["used"] is None or line.last > edge["used"]:
        edge["used"] = line.last


#: the line between two people -> (source, target, edge data)
Lines = dict[frozenset[str], tuple[str, str, dict[str, Any]]]


def working_graph(
    contacts: dict[str, Contact],
    state: dict[str, ContactState],
    links: list[Link],
    derived: dict[frozenset[str], DerivedLine],
    day: date,
) -> nx.Graph[str]:
    """Active people, joined by working links valid on ``day`` and by the lines the
    interaction log makes (undirected).

    Each edge keeps its weight (the strongest link's, or the derived strength if larger),
    its most recent use, the ids of the links behind it and, apart, those of its
    ``communicates`` links; ``"communicates" in kinds`` says whether it can go stale.
    """
    graph: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(cid for cid in sorted(contacts) if state[cid].active)
    edges: Lines = {}  # first-seen order = edge order
    for link in sorted(links, key=lambda link: link.id):
        if link.kind not in WORKING_KINDS or link.source not in graph or link.target not in graph:
            continue
        used = line_used(link, derived, day)
        pair = frozenset((link.source, link.target))
        known = edges.get(pair)
        if known is not None:
            fold_link(known[2], link, used)
        else:
            edges[pair] = (link.source, link.target, line_data(link, used))
    for pair in sorted(derived, key=sorted):
        a, b = pair
        if a in graph and b in graph:
            fold_derived(edges, pair, derived[pair])
    graph.add_edges_from(edges.values())
    return graph
