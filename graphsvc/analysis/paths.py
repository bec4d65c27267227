"""Who to contact, and through whom: ranked paths over working lines.

A target is a person, an organisation ("anyone at X"), a title, or a responsibility
(resolved to its active Accountable, else its active Responsible, else the backups of its
Accountable, else the first active person up the Accountable's reports-to chain).

Cost of one hop, lower is better: ``1 + 1/weight + staleness``, where staleness is
``min(days since the line was last used, 365) / 180`` (a line never recorded as used
counts as 180 days). So: few hops first, then strong lines, then lines in recent use.
Paths are the k cheapest loopless paths (Yen's algorithm, in ``path_search``).

An answer leads with the person to contact and how (``ContactCard``: title, organisation,
preferred channel, phones and e-mails as the caller's store shows them, so redacted for a
key exactly as everywhere else); a person who left names their successor (``successors``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

import networkx as nx
from pydantic import BaseModel

from graphsvc.analysis.findings import Subject
from graphsvc.analysis.interactions import LineUses, derived_lines, line_uses
from graphsvc.analysis.path_search import k_cheapest_paths
from graphsvc.analysis.timeline import ContactState, contact_state, stage_time, valid_on
from graphsvc.analysis.view import Lines, fold_derived, fold_link, line_data, line_used
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.model import Assignment, Contact, ContactPeriod, Link
from graphsvc.support.gc_pause import paused_gc
from graphsvc.support.i18n import N_, _, format_day, format_number, ngettext

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


class ContactCard(BaseModel):
    """How to reach one person: who they are and their details, as the caller may see them
    (the store a key reads through redacts phones and e-mails the key may not see)."""

    person: Subject
    title: str
    organization: Subject | None
    #: the preferred channel as stored (wechat, phone, email, wecom, dingtalk, feishu...), "" if none
    channel: str
    language: str
    phones: list[str]
    emails: list[str]


class Successor(BaseModel):
    """Someone asked for has left; the person who took over from them."""

    left: Subject
    successor: Subject
    explanation: str


class ContactPath(BaseModel):
    rank: int
    cost: float
    reaches: Subject
    #: the person this path reaches, and how to contact them
    contact: ContactCard
    hops: list[Hop]
    summary: str


class PathAnswer(BaseModel):
    source: Subject
    target_kind: TargetKind
    target: str
    resolved_as: str
    candidates: list[Subject]
    as_of: date
    #: the person to contact: the one the cheapest path reaches
    contact: ContactCard
    #: set when the target has left: whom the answer reaches instead
    successor: Successor | None = None
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
    people: dict[str, Contact] = field(default_factory=dict)  # contact rows, as the caller sees them
    successors: dict[str, str] = field(default_factory=dict)  # leaver -> who took over from them
    #: the working graph as adjacency of hop costs (same neighbour order), for the searches
    costs: dict[str, dict[str, float]] = field(default_factory=dict)

    def subject(self, cid: str) -> Subject:
        return Subject(kind="contact", id=cid, name=self.names.get(cid, cid))

    def active(self, cid: str) -> bool:
        return cid in self.state and self.state[cid].active

    def successor(self, cid: str) -> str | None:
        """The active person who took over from ``cid`` (following the successors of
        successors who left too), None if nobody did."""
        seen = {cid}
        after = self.successors.get(cid)
        while after is not None and after not in seen:
            if self.active(after):
                return after
            seen.add(after)
            after = self.successors.get(after)
        return None

    def card(self, cid: str) -> ContactCard:
        contact = self.people.get(cid)
        state = self.state[cid]
        org = state.org
        return ContactCard(
            person=self.subject(cid),
            title=state.title,
            organization=None
            if org is None
            else Subject(kind="organization", id=org, name=self.org_names.get(org, org)),
            channel=contact.preferred_channel if contact else "",
            language=contact.language if contact else "",
            phones=list(contact.phones) if contact else [],
            emails=list(contact.emails) if contact else [],
        )


def build_directory(data: Bundle, day: date, uses: LineUses | None = None) -> Directory:
    """Everyone and every working line on ``day``; built once per write, then cached.
    ``uses`` is the interaction log's line uses as the store keeps them (counted from
    ``data.interactions`` when not given).

    The collector is paused while it is built and runs one full pass at the end, billed to
    the build: otherwise that pass over the new lines lands on the next path query."""
    with paused_gc(settle=True):
        return _build_directory(data, day, line_uses(data.interactions) if uses is None else uses)


def _build_directory(data: Bundle, day: date, uses: LineUses) -> Directory:
    periods: dict[str, list[ContactPeriod]] = defaultdict(list)
    for period in data.contact_history:
        periods[period.contact].append(period)
    state = {c.id: contact_state(c, periods[c.id], day) for c in data.contacts}
    derived = derived_lines(uses, day)
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
        used = line_used(link, derived, day)
        pair = frozenset((link.source, link.target))
        if link.source in state and link.target in state:
            _add_line(all_lines, pair, link, used)
            if state[link.source].active and state[link.target].active:
                _add_line(active_lines, pair, link, used)
    for pair in sorted(derived, key=sorted):
        a, b = pair
        if a in state and b in state:
            fold_derived(all_lines, pair, derived[pair])
            if state[a].active and state[b].active:
                fold_derived(active_lines, pair, derived[pair])
    for lines, target_graph in ((active_lines, graph), (all_lines, everyone)):
        for *_ends, edge in lines.values():
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
        people={c.id: c for c in data.contacts},
        successors=successors(data),
        costs={u: {v: data["cost"] for v, data in nbrs.items()} for u, nbrs in graph.adj.items()},
    )


def _add_line(lines: Lines, pair: frozenset[str], link: Link, used: date | None) -> None:
    """Fold one link into the line between its two people (strongest weight, latest use)."""
    known = lines.get(pair)
    if known is not None:
        fold_link(known[2], link, used)
    else:
        lines[pair] = (link.source, link.target, line_data(link, used))


def successors(data: Bundle) -> dict[str, str]:
    """Who took over from each person who left, as ``contact leave --successor`` records it:
    the leaver's open assignments and lines end on the day they leave (their ``since``) and
    continue from that day with the successor in their place. The successor is whoever
    most of those continuations went to (ties: the smaller id); nobody if none did."""
    left_on = {c.id: c.since for c in data.contacts if c.status == "left" and c.since is not None}
    days = set(left_on.values())
    begun: dict[tuple[object, ...], list[str]] = defaultdict(list)  # the holder left out -> holders
    for link in data.links:
        if link.valid_from in days:
            begun["source", link.kind, link.target, link.valid_from].append(link.source)
            begun["target", link.kind, link.source, link.valid_from].append(link.target)
    for assignment in data.assignments:
        if assignment.valid_from in days:
            begun["duty", assignment.responsibility, assignment.raci, assignment.valid_from].append(assignment.contact)
    taken: dict[str, Counter[str]] = defaultdict(Counter)
    rows: list[Link | Assignment] = [*data.links, *data.assignments]
    for row in (row for row in rows if row.valid_to in days):
        for holder, place in _holders(row):
            if left_on.get(holder) == row.valid_to:
                taken[holder].update(c for c in begun.get((*place, row.valid_to), []) if c != holder)
    return {leaver: min(counts, key=lambda c: (-counts[c], c)) for leaver, counts in taken.items() if counts}


def _holders(row: Link | Assignment) -> list[tuple[str, tuple[object, ...]]]:
    """Each person a row ties in, with the rest of the row (what a continuation keeps)."""
    if isinstance(row, Link):
        return [(row.source, ("source", row.kind, row.target)), (row.target, ("target", row.kind, row.source))]
    return [(row.contact, ("duty", row.responsibility, row.raci))]


# -- targets ----------------------------------------------------------------------------


def resolve_target(directory: Directory, kind: TargetKind, value: str) -> tuple[list[str], str]:
    """The people a target stands for on the day, and how they were chosen. A person who
    left stands for their successor, when one took over."""
    if kind == "contact":
        if value not in directory.names:
            raise PathError(_("unknown contact {contact}").format(contact=repr(value)), 404)
        if not directory.active(value):
            successor = directory.successor(value) if directory.state[value].status == "left" else None
            if successor is not None:
                return [successor], _successor_sentence(directory, value, successor)
            backups = directory.backups.get(value, [])
            raise PathError(_inactive_sentence(directory, value, backups), 422, [directory.subject(b) for b in backups])
        return [value], _("the person")
    if kind == "organization":
        if value not in directory.org_names:
            raise PathError(_("unknown organization {organization}").format(organization=repr(value)), 404)
        people = sorted(c for c, s in directory.state.items() if s.org == value and s.active)
        return people, _("active people at {organization}").format(organization=directory.org_names[value])
    if kind == "title":
        wanted = value.casefold().strip()
        if not wanted:
            raise PathError(_("an empty title matches nobody"), 422)
        people = sorted(c for c, s in directory.state.items() if s.active and wanted in s.title.casefold())
        return people, _("active people titled like {title}").format(title=repr(value))
    if value not in directory.duty_names:
        raise PathError(_("unknown responsibility {responsibility}").format(responsibility=repr(value)), 404)
    holders = directory.duty_holders.get(value, {})
    accountable = sorted(holders.get("A", []))
    successors = [directory.successor(c) for c in accountable if not directory.active(c)]
    for people, how in (
        ([c for c in accountable if directory.active(c)], N_("its accountable person")),
        (
            sorted(c for c in holders.get("R", []) if directory.active(c)),
            N_("its responsible person (no active accountable)"),
        ),
        (
            sorted({b for c in accountable for b in directory.backups.get(c, [])}),
            N_("the backup of its inactive accountable person"),
        ),
        (sorted({s for s in successors if s is not None}), N_("the successor of its accountable person, who left")),
        (_up_the_chain(directory, accountable), N_("the nearest active manager of its accountable person")),
    ):
        if people:
            return people, _(how)
    return [], _("nobody: the duty has no active owner, backup or manager")


def _inactive_sentence(directory: Directory, person: str, backups: list[str]) -> str:
    """Why an inactive person cannot be reached, and whom to try instead."""
    name = directory.names[person]
    status = directory.state[person].status
    if backups:
        others = _listing(directory.names[b] for b in backups)
        if status == "left":
            return _("{person} has left; try their backup: {backups}").format(person=name, backups=others)
        return _("{person} is on leave; try their backup: {backups}").format(person=name, backups=others)
    if status == "left":
        return _("{person} has left").format(person=name)
    return _("{person} is on leave").format(person=name)


def _successor_sentence(directory: Directory, person: str, successor: str) -> str:
    return _("{person} has left; their successor is {successor}: reach {successor}").format(
        person=directory.names[person], successor=directory.names[successor]
    )


def _listing(names: Iterable[str]) -> str:
    """Names in a running list: 何静、王建国 / 何静, 王建国."""
    return _(", ").join(names)


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
        raise PathError(_silent_source(directory, source), 422)
    if not people:
        raise PathError(_("no one to reach for {target}: {how}").format(target=repr(target), how=how), 422)
    paths = [[source]] if source in people else k_cheapest_paths(directory.costs, source, people, k)
    if not paths:
        raise _no_path(directory, source, people, target)
    described = [_describe(directory, rank, nodes) for rank, nodes in enumerate(paths, start=1)]
    successor = None
    if kind == "contact" and people != [value]:
        successor = Successor(left=directory.subject(value), successor=directory.subject(people[0]), explanation=how)
    return PathAnswer(
        source=directory.subject(source),
        target_kind=kind,
        target=value,
        resolved_as=how,
        candidates=[directory.subject(c) for c in people],
        as_of=directory.day,
        contact=described[0].contact,
        successor=successor,
        paths=described,
    )


def _silent_source(directory: Directory, source: str) -> str:
    name = directory.names[source]
    if directory.state[source].status == "left":
        return _("{person} has left: their lines do not carry communication").format(person=name)
    return _("{person} is on leave: their lines do not carry communication").format(person=name)


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
                reason=_reason(directory, edge),
            )
        )
    cost = sum(directory.graph.edges[a, b]["cost"] for a, b in zip(nodes, nodes[1:]))
    names = " → ".join(directory.names[n] for n in nodes)
    summary = (
        _("{person} is the person to reach").format(person=directory.names[nodes[0]]) if len(nodes) == 1 else names
    )
    return ContactPath(
        rank=rank,
        cost=round(cost, 4),
        reaches=directory.subject(nodes[-1]),
        contact=directory.card(nodes[-1]),
        hops=hops,
        summary=summary,
    )


def _reason(directory: Directory, edge: dict[str, Any]) -> str:
    """Why a line carries an introduction: who reports to whom, when they were last in touch."""
    parts = [
        _("{person} reports to {manager}").format(person=directory.names[source], manager=directory.names[target])
        for source, target, kind in edge["directed"]
        if kind == "reports_to"
    ]
    if "communicates" in edge["kinds"]:
        weight = format_number(edge["weight"])
        used: date | None = edge["used"]
        if used is None:
            parts.append(_("they communicate (weight {weight}, last contact unknown)").format(weight=weight))
        else:
            days = (directory.day - used).days
            if days == 0:
                touch = _("last in touch today, {day} (weight {weight})")
            elif days == 1:
                touch = _("last in touch yesterday, {day} (weight {weight})")
            else:
                touch = ngettext(
                    "last in touch {count} day ago, on {day} (weight {weight})",
                    "last in touch {count} days ago, on {day} (weight {weight})",
                    days,
                )
            parts.append(touch.format(count=days, day=format_day(used), weight=weight))
        if edge["uses"]:
            parts.append(
                ngettext(
                    "{count} logged contact by this day", "{count} logged contacts by this day", edge["uses"]
                ).format(count=format_number(edge["uses"], 0))
            )
    return _("; ").join(parts)


def _no_path(directory: Directory, source: str, people: list[str], target: str) -> PathError:
    """Say why no working line exists, naming the nearest people the source can reach, and
    the successor of anyone in the way who left."""
    reachable = nx.node_connected_component(directory.graph, source)
    for person in people:
        if person in directory.everyone and nx.has_path(directory.everyone, source, person):
            path = nx.shortest_path(directory.everyone, source, person)
            blockers = [n for n in path if not directory.active(n)]
            before = [n for n in path[: path.index(blockers[0])] if n in reachable] if blockers else []
            who = _listing(_blocker(directory, b) for b in blockers)
            nearest = [directory.subject(n) for n in before[-2:]][::-1]
            return PathError(
                _("no working line from {source} to {target}: the only lines run through {people}").format(
                    source=directory.names[source], target=_target_text(directory, target), people=who
                ),
                422,
                nearest,
            )
    neighbours = sorted(directory.graph.neighbors(source), key=lambda n: directory.graph.edges[source, n]["cost"])
    return PathError(
        ngettext(
            "no working line from {source} to {target}: nobody they can reach ({count} person) has a line to it",
            "no working line from {source} to {target}: nobody they can reach ({count} people) has a line to it",
            len(reachable) - 1,
        ).format(source=directory.names[source], target=_target_text(directory, target), count=len(reachable) - 1),
        422,
        [directory.subject(n) for n in neighbours[:3]],
    )


def _target_text(directory: Directory, target: str) -> str:
    """The target as the reader knows it: a person's name (a name typed is resolved to an
    id before the search), anything else as typed."""
    return directory.names.get(target) or repr(target)


def _blocker(directory: Directory, person: str) -> str:
    """An inactive person in the way, and whom to ask instead when someone took over."""
    name = directory.names[person]
    if directory.state[person].status != "left":
        return _("{person}, who is on leave").format(person=name)
    successor = directory.successor(person)
    if successor is None:
        return _("{person}, who has left").format(person=name)
    return _("{person}, who has left (their successor is {successor})").format(
        person=name, successor=directory.names[successor]
    )


def channel_name(channel: str) -> str:
    """A preferred channel as the reader calls it; one we do not know, as stored."""
    names = {
        "phone": _("phone"),
        "call": _("phone"),
        "email": _("e-mail"),
        "e-mail": _("e-mail"),
        "wechat": _("WeChat"),
        "wecom": _("WeCom"),
        "dingtalk": _("DingTalk"),
        "feishu": _("Feishu"),
        "lark": _("Feishu"),
        "sms": _("text message"),
        "meeting": _("in person"),
        "slack": _("Slack"),
    }
    return names.get(channel.strip().casefold(), channel)


def language_name(language: str) -> str:
    """A stored language code as the reader calls it; one we do not know, as stored."""
    names = {"zh": _("Chinese"), "zh-cn": _("Chinese"), "en": _("English")}
    return names.get(language.strip().casefold(), language)
