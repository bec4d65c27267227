"""Who to contact, and through whom: ranked paths over working lines.

A target is a person, an organisation ("anyone at X"), a title, or a responsibility
(resolved to its active Accountable, else its active Responsible, else the backups of its
Accountable, else the first active person up the Accountable's reports-to chain).

Cost of one hop, lower is better: ``1 + 1/weight + staleness``, where staleness is
``min(days since the line was last used, 365) / 180`` (a line never recorded as used
counts as 180 days). So: few hops first, then strong lines, then lines in recent use.
Paths are the k cheapest loopless paths (Yen's algorithm, in ``path_search``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel

from graphsvc.analysis.findings import Subject
from graphsvc.analysis.interactions import last_contacts
from graphsvc.analysis.path_search import k_cheapest_paths
from graphsvc.analysis.timeline import ContactState, contact_state, stage_time, valid_on
from graphsvc.analysis.view import line_used
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.model import ContactPeriod, Link
from graphsvc.support.gc_pause import paused_gc

TargetKind = Literal["contact", "organization", "title", "responsibility"]


class PathError(ValueError):
    """No answer; ``status`` says whether an id is unknown (404) or no line exists (422)."""

    def __init__(self, message: str, status: int, nearest: list[Subject] | None = None):
        super().__init__(message)
        self.status = status
        self.nearest = nearest or []


class Hop(BaseModel):
    source: Subject
    target: Subject
    kinds: list[str]
    links: list[str]
    last_contact: date | None
    weight: float
    reason: str


class ContactPath(BaseModel):
    rank: int
    cost: float
    reaches: Subject
    hops: list[Hop]
    summary: str


class PathAnswer(BaseModel):
    source: Subject
    target_kind: TargetKind
    target: str
    resolved_as: str
    candidates: list[Subject]
    as_of: date
    paths: list[ContactPath]


def hop_cost(weight: float, used: date | None, day: date) -> float:
    age = 180 if used is None else min(max((day - used).days, 0), 365)
    return 1 + 1 / weight + age / 180


@dataclass
class Directory:
    """Everyone and every working line of the portfolio on one day; built once, queried often."""

    day: date
    names: dict[str, str]
    state: dict[str, ContactState]
    org_names: dict[str, str]
    duty_names: dict[str, str]
    graph: nx.Graph[str]  # active people, working lines, with ``cost``
    everyone: nx.Graph[str]  # all people, all valid working lines (to explain a missing path)
    duty_holders: dict[str, dict[str, list[str]]]  # duty -> letter -> contacts
    backups: dict[str, list[str]]  # contact -> active people standing in for them
    managers: dict[str, list[str]]  # contact -> whom they report to
    #: the working graph as adjacency of hop costs (same neighbour order), for the searches
    costs: dict[str, dict[str, float]] = field(default_factory=dict)

    def subject(self, cid: str) -> Subject:
        return Subject(kind="contact", id=cid, name=self.names.get(cid, cid))

    def active(self, cid: str) -> bool:
        return cid in self.state and self.state[cid].active


def build_directory(data: Bundle, day: date) -> Directory:
    """Everyone and every working line on ``day``; built once per write, then cached.

    The collector is paused while it is built and runs one full pass at the end, billed to
    the build: otherwise that pass over the new lines lands on the next path query."""
    with paused_gc(settle=True):
        return _build_directory(data, day)


def _build_directory(data: Bundle, day: date) -> Directory:
    periods: dict[str, list[ContactPeriod]] = defaultdict(list)
    for period in data.contact_history:
        periods[period.contact].append(period)
    state = {c.id: contact_state(c, periods[c.id], day) for c in data.contacts}
    interactions = last_contacts(data.interactions, day)
    graph: nx.Graph[str] = nx.Graph()
    everyone: nx.Graph[str] = nx.Graph()
    graph.add_nodes_from(cid for cid, s in state.items() if s.active)
    everyone.add_nodes_from(state)
    active_lines: Lines = {}  # first-seen order is the graph's edge order
    all_lines: Lines = {}
    backups: dict[str, list[str]] = defaultdict(list)
    managers: dict[str, list[str]] = defaultdict(list)
    for link in sorted(data.links, key=lambda link: link.id):
        if not valid_on(link, day):
            continue
        if link.kind == "backup_for":
            if state[link.source].active:
                backups[link.target].append(link.source)
            continue
        if link.kind == "reports_to":
            managers[link.source].append(link.target)
        used = line_used(link, interactions, day)
        pair = frozenset((link.source, link.target))
        if link.source in state and link.target in state:
            _add_line(all_lines, pair, link, used)
            if state[link.source].active and state[link.target].active:
                _add_line(active_lines, pair, link, used)
    for lines, target_graph in ((active_lines, graph), (all_lines, everyone)):
        for _, _, edge in lines.values():
            edge["cost"] = hop_cost(edge["weight"], edge["used"], day)
        target_graph.add_edges_from(lines.values())
    # a duty's holders at its stage's time (a planned stage: the day it starts), as findings read them
    stage_day = {stage.id: stage_time(stage, day) for stage in data.stages}
    judged_on = {resp.id: stage_day.get(resp.stage, day) for resp in data.responsibilities}
    holders: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for assignment in sorted(data.assignments, key=lambda a: a.id):
        if valid_on(assignment, judged_on.get(assignment.responsibility, day)):
            holders[assignment.responsibility][assignment.raci].append(assignment.contact)
    return Directory(
        day=day,
        names={c.id: c.name for c in data.contacts},
        state=state,
        org_names={o.id: o.name for o in data.organizations},
        duty_names={r.id: r.name for r in data.responsibilities},
        graph=graph,
        everyone=everyone,
        duty_holders=holders,
        backups=backups,
        managers=managers,
        costs={u: {v: data["cost"] for v, data in nbrs.items()} for u, nbrs in graph.adj.items()},
    )


#: the line between two people -> (source, target, edge data)
Lines = dict[frozenset[str], tuple[str, str, dict[str, Any]]]


def _add_line(lines: Lines, pair: frozenset[str], link: Link, used: date | None) -> None:
    """Fold one link into the line between its two people (strongest weight, latest use)."""
    known = lines.get(pair)
    if known is not None:
        edge = known[2]
        edge["weight"] = max(edge["weight"], link.weight)
        edge["links"].append(link.id)
        edge["kinds"].add(link.kind)
        edge["directed"].append((link.source, link.target, link.kind))
        if used and (edge["used"] is None or used > edge["used"]):
            edge["used"] = used
    else:
        lines[pair] = (
            link.source,
            link.target,
            dict(
                weight=link.weight,
                used=used,
                links=[link.id],
                kinds={link.kind},
                directed=[(link.source, link.target, link.kind)],
            ),
        )


# -- targets ----------------------------------------------------------------------------


def resolve_target(directory: Directory, kind: TargetKind, value: str) -> tuple[list[str], str]:
    """The people a target stands for on the day, and how they were chosen."""
    if kind == "contact":
        if value not in directory.names:
            raise PathError(f"unknown contact {value!r}", 404)
        if not directory.active(value):
            backups = directory.backups.get(value, [])
            instead = f"; try their backup: {', '.join(directory.names[b] for b in backups)}" if backups else ""
            raise PathError(
                f"{directory.names[value]} {directory.state[value].phrase}{instead}",
                422,
                [directory.subject(b) for b in backups],
            )
        return [value], "the person"
    if kind == "organization":
        if value not in directory.org_names:
            raise PathError(f"unknown organization {value!r}", 404)
        people = sorted(c for c, s in directory.state.items() if s.org == value and s.active)
        return people, f"active people at {directory.org_names[value]}"
    if kind == "title":
        wanted = value.casefold().strip()
        if not wanted:
            raise PathError("an empty title matches nobody", 422)
        people = sorted(c for c, s in directory.state.items() if s.active and wanted in s.title.casefold())
        return people, f"active people titled like {value!r}"
    if value not in directory.duty_names:
        raise PathError(f"unknown responsibility {value!r}", 404)
    holders = directory.duty_holders.get(value, {})
    accountable = sorted(holders.get("A", []))
    for people, how in (
        ([c for c in accountable if directory.active(c)], "its accountable person"),
        (
            sorted(c for c in holders.get("R", []) if directory.active(c)),
            "its responsible person (no active accountable)",
        ),
        (
            sorted({b for c in accountable for b in directory.backups.get(c, [])}),
            "the backup of its inactive accountable person",
        ),
        (_up_the_chain(directory, accountable), "the nearest active manager of its accountable person"),
    ):
        if people:
            return people, how
    return [], "nobody: the duty has no active owner, backup or manager"


def _up_the_chain(directory: Directory, start: list[str]) -> list[str]:
    seen, frontier = set(start), list(start)
    while frontier:
        managers = sorted({m for c in frontier for m in directory.managers.get(c, []) if m not in seen})
        active = [m for m in managers if directory.active(m)]
        if active:
            return active
        seen.update(managers)
        frontier = managers
    return []


def parse_target(directory: Directory, spec: str) -> tuple[TargetKind, str]:
    """``contact:ID``, ``org:ID``, ``title:TEXT``, ``responsibility:ID``, or a bare id."""
    prefixes: dict[str, TargetKind] = {
        "contact": "contact",
        "person": "contact",
        "org": "organization",
        "organization": "organization",
        "title": "title",
        "role": "title",
        "responsibility": "responsibility",
        "duty": "responsibility",
    }
    head, sep, rest = spec.partition(":")
    if sep and head.strip().lower() in prefixes:
        return prefixes[head.strip().lower()], rest.strip()
    named: tuple[tuple[TargetKind, dict[str, str]], ...] = (
        ("contact", directory.names),
        ("organization", directory.org_names),
        ("responsibility", directory.duty_names),
    )
    kinds: list[TargetKind] = [kind for kind, known in named if spec in known]
    if not kinds:
        raise PathError(
            f"unknown target {spec!r}: no contact, organization or responsibility has that id "
            "(use title:TEXT to search by title)",
            404,
        )
    if len(kinds) > 1:
        raise PathError(
            f"ambiguous target {spec!r}: it is the id of a {' and a '.join(kinds)}; say which, e.g. {kinds[0]}:{spec}",
            422,
        )
    return kinds[0], spec


# -- paths --------------------------------------------------------------------------------


def find_paths(directory: Directory, source: str, target: str, k: int = 3) -> PathAnswer:
    if source not in directory.names:
        raise PathError(f"unknown contact {source!r}", 404)
    kind, value = parse_target(directory, target)
    people, how = resolve_target(directory, kind, value)
    if not directory.active(source):
        raise PathError(
            f"{directory.names[source]} {directory.state[source].phrase}: their lines do not carry communication", 422
        )
    if not people:
        raise PathError(f"no one to reach for {target!r}: {how}", 422)
    paths = [[source]] if source in people else k_cheapest_paths(directory.costs, source, people, k)
    if not paths:
        raise _no_path(directory, source, people, target)
    return PathAnswer(
        source=directory.subject(source),
        target_kind=kind,
        target=value,
        resolved_as=how,
        candidates=[directory.subject(c) for c in people],
        as_of=directory.day,
        paths=[_describe(directory, rank, nodes) for rank, nodes in enumerate(paths, start=1)],
    )


def _describe(directory: Directory, rank: int, nodes: list[str]) -> ContactPath:
    hops = []
    for a, b in zip(nodes, nodes[1:]):
        edge = directory.graph.edges[a, b]
        hops.append(
            Hop(
                source=directory.subject(a),
                target=directory.subject(b),
                kinds=sorted(edge["kinds"]),
                links=list(edge["links"]),
                last_contact=edge["used"],
                weight=edge["weight"],
                reason=_reason(directory, a, b, edge),
            )
        )
    cost = sum(directory.graph.edges[a, b]["cost"] for a, b in zip(nodes, nodes[1:]))
    names = " → ".join(directory.names[n] for n in nodes)
    summary = f"{directory.names[nodes[0]]} is {directory.names[nodes[-1]]}" if len(nodes) == 1 else names
    return ContactPath(rank=rank, cost=round(cost, 4), reaches=directory.subject(nodes[-1]), hops=hops, summary=summary)


def _reason(directory: Directory, a: str, b: str, edge: dict[str, Any]) -> str:
    parts = []
    for source, target, kind in edge["directed"]:
        if kind == "reports_to":
            parts.append(f"{directory.names[source]} reports to {directory.names[target]}")
    if "communicates" in edge["kinds"]:
        if edge["used"] is None:
            parts.append(f"they communicate (weight {edge['weight']:g}, last contact unknown)")
        else:
            days = (directory.day - edge["used"]).days
            ago = "today" if days == 0 else ("yesterday" if days == 1 else f"{days} days ago")
            parts.append(f"last in touch {ago}, on {edge['used']} (weight {edge['weight']:g})")
    return "; ".join(parts)


def _no_path(directory: Directory, source: str, people: list[str], target: str) -> PathError:
    """Say why no working line exists, naming the nearest people the source can reach."""
    reachable = nx.node_connected_component(directory.graph, source)
    for person in people:
        if person in directory.everyone and nx.has_path(directory.everyone, source, person):
            path = nx.shortest_path(directory.everyone, source, person)
            blockers = [n for n in path if not directory.active(n)]
            before = [n for n in path[: path.index(blockers[0])] if n in reachable] if blockers else []
            who = ", ".join(f"{directory.names[b]}, who {directory.state[b].phrase}" for b in blockers)
            nearest = [directory.subject(n) for n in before[-2:]][::-1]
            return PathError(
                f"no working line from {directory.names[source]} to {target!r}: the only lines run through {who}",
                422,
                nearest,
            )
    neighbours = sorted(directory.graph.neighbors(source), key=lambda n: directory.graph.edges[source, n]["cost"])
    return PathError(
        f"no working line from {directory.names[source]} to {target!r}: "
        f"nobody they can reach ({len(reachable) - 1} people) has a line to it",
        422,
        [directory.subject(n) for n in neighbours[:3]],
    )
