"""Who to contact, and through whom: ranked paths over working lines.

A target is a person, an organisation ("anyone at X"), a title, or a responsibility
(resolved to its active Accountable, else its active Responsible, else the backups of its
Accountable, else the first active person up the Accountable's reports-to chain).

Cost of one hop, lower is better: ``1 + 1/weight + staleness``, where staleness is
``min(days since the line was last used, 365) / 180`` (a line never recorded as used
counts as 180 days). So: few hops first, then strong lines, then lines in recent use.
Paths are the k cheapest loopless paths (Yen's algorithm).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from heapq import heappop, heappush, nsmallest
from itertools import count
from typing import Literal

import networkx as nx
from pydantic import BaseModel

from graphsvc.analysis.findings import Subject
from graphsvc.gc_pause import paused_gc
from graphsvc.analysis.timeline import ContactState, contact_state, valid_on
from graphsvc.analysis.view import last_contacts, line_used
from graphsvc.bundle import Bundle

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
    graph: nx.Graph  # active people, working lines, with ``cost``
    everyone: nx.Graph  # all people, all valid working lines (to explain a missing path)
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
    periods = defaultdict(list)
    for period in data.contact_history:
        periods[period.contact].append(period)
    state = {c.id: contact_state(c, periods[c.id], day) for c in data.contacts}
    interactions = last_contacts(data, day)
    graph, everyone = nx.Graph(), nx.Graph()
    graph.add_nodes_from(cid for cid, s in state.items() if s.active)
    everyone.add_nodes_from(state)
    active_lines: dict[frozenset, tuple] = {}  # first-seen order is the graph's edge order
    all_lines: dict[frozenset, tuple] = {}
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
    holders: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for assignment in sorted(data.assignments, key=lambda a: a.id):
        if valid_on(assignment, day):
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


def _add_line(lines: dict, pair: frozenset, link, used: date | None) -> None:
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
        lines[pair] = (link.source, link.target, dict(
            weight=link.weight, used=used, links=[link.id],
            kinds={link.kind}, directed=[(link.source, link.target, link.kind)],
        ))


# -- targets ----------------------------------------------------------------------------


def resolve_target(directory: Directory, kind: TargetKind, value: str) -> tuple[list[str], str]:
    """The people a target stands for on the day, and how they were chosen."""
    if kind == "contact":
        if value not in directory.names:
            raise PathError(f"unknown contact {value!r}", 404)
        if not directory.active(value):
            backups = directory.backups.get(value, [])
            instead = f"; try their backup: {', '.join(directory.names[b] for b in backups)}" if backups else ""
            raise PathError(f"{directory.names[value]} {directory.state[value].phrase}{instead}", 422,
                            [directory.subject(b) for b in backups])
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
        (sorted(c for c in holders.get("R", []) if directory.active(c)), "its responsible person (no active accountable)"),
        (sorted({b for c in accountable for b in directory.backups.get(c, [])}), "the backup of its inactive accountable person"),
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
        "contact": "contact", "person": "contact", "org": "organization", "organization": "organization",
        "title": "title", "role": "title", "responsibility": "responsibility", "duty": "responsibility",
    }
    head, sep, rest = spec.partition(":")
    if sep and head.strip().lower() in prefixes:
        return prefixes[head.strip().lower()], rest.strip()
    kinds: list[TargetKind] = [
        kind for kind, known in (
            ("contact", directory.names), ("organization", directory.org_names), ("responsibility", directory.duty_names)
        ) if spec in known
    ]
    if not kinds:
        raise PathError(f"unknown target {spec!r}: no contact, organization or responsibility has that id "
                        "(use title:TEXT to search by title)", 404)
    if len(kinds) > 1:
        raise PathError(f"ambiguous target {spec!r}: it is the id of a {' and a '.join(kinds)}; "
                        f"say which, e.g. {kinds[0]}:{spec}", 422)
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
    paths = [[source]] if source in people else _k_paths(directory, source, people, k)
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


class _Target:
    """The joint target node of a search: one object, never equal to a contact id."""

    def __repr__(self) -> str:
        return "<target>"


_TARGET_NODE = _Target()
_NO_BOUND = float("inf")
_SLACK = 1e-9  # pruning margin: a search is only cut when its answer is surely worse


def _k_paths(directory: "Directory", source: str, people: list[str], k: int) -> list[list[str]]:
    """k cheapest loopless paths to any of ``people``, via a joint target node.

    Yen's algorithm, step for step as ``networkx.shortest_simple_paths`` runs it with the
    joint target joined to every reachable person at cost 0 (the same searches, the same
    order of neighbours, the same sums and tie-breaks, so the same paths; checked against
    networkx in tests/test_path_search.py), but on the directory's adjacency of costs,
    without changing the shared graph (it is read by concurrent queries), and with work
    skipped that cannot change the answer:

    - a spur search gives up once whatever it could still find costs more than what is
      already known to fill the remaining places: candidates waiting, or the k-th
      cheapest of the loopless paths the first search's two trees already form;
    - lower bounds from the first search's distances to the target let it give up sooner;
    - a spur search identical to one of an earlier round is not run again.
    """
    costs = directory.costs
    reachable = list(dict.fromkeys(p for p in people if p in costs))
    if source not in costs or not reachable:
        return []
    targets = set(reachable)
    trees: dict = {}
    found = _search(costs, targets, reachable, source, None, None, _NO_BOUND, trees)
    if found is None:
        return []
    ceiling = _ceiling(costs, targets, trees, k) if k > 1 else found[0]
    # Distances to the target settled by the first search, exact; any other node is at
    # least as far as the last one settled (the search may have stopped before expanding
    # it, so an empty frontier does not mean the rest is unreachable).
    to_target = trees["dists"][1]
    ahead = (to_target, max(to_target.values()))
    accepted: list[list] = []
    waiting: list[tuple] = []  # heap of (cost, counter, path), as networkx's PathBuffer
    waiting_paths: set[tuple] = set()
    counter = count()

    def push(cost, path) -> None:
        key = tuple(path)
        if key not in waiting_paths:
            heappush(waiting, (cost, next(counter), path))
            waiting_paths.add(key)

    push(found[0], found[1])
    done_searches: dict[tuple, tuple | None] = {}
    while True:
        cost, _, path = heappop(waiting)
        waiting_paths.discard(tuple(path))
        accepted.append(path)
        if len(accepted) == k:
            break
        needed = k - len(accepted)
        previous = path
        # The spur searches of this round. Step i leaves out the root's nodes but its
        # last and the lines accepted paths with this root take next; networkx also
        # carries the lines of earlier steps along, but each touches a left-out node,
        # so the searches are the same. The one from the source runs first: it is the
        # costliest, but it searches the whole graph less a line or two, so it rarely
        # gives up and its answer bounds the rest. Then from the last step back (those
        # near the target are cheap and tighten the bound for the rest). Their answers
        # are pushed in networkx's order, which is what decides ties.
        steps = []
        for i in range(1, len(previous)):
            root = previous[:i]
            lines = frozenset(
                frozenset((earlier[i - 1], earlier[i])) for earlier in accepted if earlier[:i] == root
            )
            steps.append((root, lines))
        answers: dict[int, tuple] = {}
        offered: dict[tuple, float] = {tuple(p): c for c, _, p in waiting}
        for i in (0, *range(len(steps) - 1, 0, -1)):
            root, lines = steps[i]
            root_length = sum(costs[u][v] for u, v in zip(root, root[1:]))
            identity = (tuple(root), lines)
            if identity in done_searches:
                spur = done_searches[identity]  # the same search in an earlier round
            else:
                bound = ceiling
                if len(offered) >= needed:
                    bound = min(bound, nsmallest(needed, offered.values())[-1])
                blocked: dict = {}
                for line in lines:
                    a, b = tuple(line) if len(line) == 2 else (next(iter(line)),) * 2
                    blocked.setdefault(a, set()).add(b)
                    blocked.setdefault(b, set()).add(a)
                spur = _search(costs, targets, reachable, root[-1], set(root[:-1]), blocked,
                               bound - root_length, None, ahead)
                done_searches[identity] = spur
            if spur is not None:
                answers[i] = (root_length + spur[0], root[:-1] + spur[1])
                offered.setdefault(tuple(answers[i][1]), answers[i][0])
        for i in sorted(answers):
            push(*answers[i])
        if not waiting:
            break
    return [nodes[:-1] for nodes in accepted]


def _ceiling(costs, targets, trees, k: int) -> float:
    """A cost no k-th cheapest path exceeds: that of the k-th cheapest distinct loopless
    path made of a line between the two search trees of the first search (the tree path
    from the source, the line, the tree path to the target). Any k real paths bound the
    k-th cheapest from above, so a spur search may stop once it cannot beat this.

    Only lines with an end seen by both searches are tried: that covers every line
    leaving a settled node, and is a few hundred nodes instead of the thousands on the
    frontiers (trying them all cost about as much as the first search; lines between
    the two frontiers rarely lower the k-th cost). Any subset of lines gives real paths,
    so the cost stays a valid bound."""
    target = _TARGET_NODE
    forward, backward = trees["seen"]
    forward_preds, backward_preds = trees["preds"]
    joins = set()  # (cost, x, y): forward tree to x, line x-y, backward tree from y
    for w in forward.keys() & backward.keys():  # set intersections run in C
        if w is target:
            continue
        nbrs = costs[w]
        for y in nbrs.keys() & backward.keys():
            joins.add((forward[w] + nbrs[y] + backward[y], w, y))
        for x in nbrs.keys() & forward.keys():  # nbrs[x]: the same line's cost
            joins.add((forward[x] + nbrs[x] + backward[w], x, w))
    for x in targets:
        if x in forward:
            joins.add((forward[x], x, target))
    # Sorted by cost only; the order of equal costs does not matter, as the answer is the
    # k-th smallest of each path's cheapest join.
    paths: set[tuple] = set()
    for cost, x, y in sorted(joins, key=lambda join: join[0]):
        path = tuple(_chain(forward_preds, x)[::-1] + _chain(backward_preds, y))
        if len(set(path)) == len(path) and path not in paths:
            paths.add(path)
            if len(paths) == k:
                return cost
    return _NO_BOUND


def _search(costs, targets, reachable, source, ignore_nodes, ignore_edges, bound, trees=None, ahead=None):
    """Bidirectional Dijkstra from ``source`` to the joint target, as networkx's
    ``_bidirectional_dijkstra`` in ``shortest_simple_paths`` (same expansion order and
    tie-breaks, so the same path), with predecessors instead of copied paths.

    Returns (length, path), or None when there is no path, or none that could cost less
    than ``bound``. ``ignore_edges`` maps a node to the neighbours it may not go to.
    ``ahead`` = (distances to the target, floor for the others) from the first search:
    lower bounds of what is left from a node, so that a bounded search gives up as soon
    as every path through its forward frontier must cost more than the bound (it only
    decides when to give up; what the search visits and finds is unchanged).
    It stops as soon as the two frontiers together cost more than the best path found
    (plus a margin for rounding), where networkx waits until a node is settled from both
    sides: after that point networkx can only swap in a path whose cost equals the best
    one to the last bits of rounding, so the two can differ only in which of two
    equally cheap paths they name.
    """
    target = _TARGET_NODE
    if ignore_nodes and source in ignore_nodes:
        return None
    # Ignored nodes are entered as settled on both sides: never relaxed, never met.
    dists = (dict.fromkeys(ignore_nodes or ()), dict.fromkeys(ignore_nodes or ()))
    seen = ({source: 0}, {target: 0})
    preds = ({source: None}, {target: None})
    fringe = ([(0, 0, source)], [(0, 1, target)])
    c = 2
    finaldist = _NO_BOUND
    finalpath: list = []
    direction = 1
    limit = bound + _SLACK
    blocked = ignore_edges or {}
    forward_heap, backward_heap = fringe
    if trees is not None:
        trees["seen"], trees["preds"], trees["dists"], trees["fringe"] = seen, preds, dists, fringe
    # Per direction, what a step reads, bound once (this loop is the whole query's cost):
    # its heap, settled, seen and predecessors, then the other side's settled and seen.
    sides = (
        (forward_heap, dists[0], seen[0], preds[0], dists[1], seen[1]),
        (backward_heap, dists[1], seen[1], preds[1], dists[0], seen[0]),
    )
    # The forward frontier's nodes through which a path could still cost no more than the
    # bound (distance so far + lower bound of the rest <= limit). A node stays in it until
    # settled: its distance only falls. Empty = every path left costs more than the bound.
    hopeful: set | None = None
    if ahead is not None and limit != _NO_BOUND:
        remaining, beyond = ahead
        hopeful = {source} if remaining.get(source, beyond) <= limit else set()
    while forward_heap and backward_heap:
        floor = forward_heap[0][0] + backward_heap[0][0]
        if finaldist > limit:
            if floor > limit:
                return None  # nothing it can still find costs less than the bound
            if hopeful is not None and not hopeful:
                return None  # every path left runs through the frontier and costs more
        if finalpath and floor > finaldist + _SLACK:
            return finaldist, finalpath
        direction = 1 - direction
        heap, done, here, pred, done_there, there = sides[direction]
        dist, _, v = heappop(heap)
        if v in done:
            continue
        done[v] = dist
        if v in done_there:
            return finaldist, finalpath
        guided = hopeful is not None and direction == 0
        if guided:
            hopeful.discard(v)  # settled: no longer on the frontier
        if v is target:
            neighbours = [(p, 0.0) for p in reachable]
        else:
            neighbours = costs[v].items()
            if direction == 0 and v in targets:
                neighbours = [*neighbours, (target, 0.0)]
        off = blocked.get(v)
        for w, weight in neighbours:
            if w in done or (off and w in off):
                continue
            length = dist + weight
            if length < here.get(w, _NO_BOUND):  # unseen, or seen at a higher cost
                here[w] = length
                heappush(heap, (length, c, w))
                c += 1
                pred[w] = v
                if guided and w not in hopeful and length + remaining.get(w, beyond) <= limit:
                    hopeful.add(w)
                if w in there:
                    total = length + there[w]  # (a + b == b + a in floating point)
                    if not finalpath or finaldist > total:
                        finaldist = total
                        finalpath = _chain(preds[0], w)[::-1] + _chain(preds[1], w)[1:]
    return None


def _chain(pred: dict, node) -> list:
    """``node`` and its predecessors back to the search's start."""
    out = []
    while node is not None:
        out.append(node)
        node = pred[node]
    return out


def _describe(directory: Directory, rank: int, nodes: list[str]) -> ContactPath:
    hops = []
    for a, b in zip(nodes, nodes[1:]):
        edge = directory.graph.edges[a, b]
        hops.append(Hop(
            source=directory.subject(a),
            target=directory.subject(b),
            kinds=sorted(edge["kinds"]),
            links=list(edge["links"]),
            last_contact=edge["used"],
            weight=edge["weight"],
            reason=_reason(directory, a, b, edge),
        ))
    cost = sum(directory.graph.edges[a, b]["cost"] for a, b in zip(nodes, nodes[1:]))
    names = " → ".join(directory.names[n] for n in nodes)
    summary = f"{directory.names[nodes[0]]} is {directory.names[nodes[-1]]}" if len(nodes) == 1 else names
    return ContactPath(rank=rank, cost=round(cost, 4), reaches=directory.subject(nodes[-1]), hops=hops, summary=summary)


def _reason(directory: Directory, a: str, b: str, edge: dict) -> str:
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
