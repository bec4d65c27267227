"""Findings: responsibility vacuums and broken communication chains in one project.

Every finding has a stable ``code``, a ``severity`` on one ordered scale, the project and
stage it concerns, its subjects by id and name, a one-sentence explanation and a remedy.
All functions here are pure: a ProjectView in, findings out.

Severity scale, most urgent first:

- ``critical``: work in an active stage has no one able to answer for it, or a handover
  that is under way has no working line at all.
- ``high``: the same gap in a stage that is coming, or a gap that will bite soon.
- ``medium``: a weakness: one person or one stale line carries too much.
- ``low``: worth tidying: a covered absence, a link that could be refreshed.

Stages that are done are not judged: their duties are over.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from enum import Enum
from typing import Any, Literal, cast

import networkx as nx
from pydantic import BaseModel, Field

from graphsvc.analysis.structure import (
    DepthFirst,
    adjacency,
    bridge_links,
    contracted,
    cut_structure,
    single_points,
)
from graphsvc.analysis.timeline import valid_on
from graphsvc.analysis.view import ProjectView, edges_among
from graphsvc.domain.defaults import OVERLOAD, STALE_DAYS
from graphsvc.domain.model import Responsibility, Stage


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {severity: i for i, severity in enumerate(Severity)}


class Subject(BaseModel):
    kind: Literal["contact", "organization", "responsibility", "stage", "link", "project"]
    id: str
    name: str


class Finding(BaseModel):
    code: str
    severity: Severity
    project: Subject
    stage: Subject | None = None
    subjects: list[Subject]
    explanation: str
    remedy: str
    candidates: list[Subject] = Field(default_factory=list, description="people who could take over")
    groups: list[list[Subject]] = Field(default_factory=list, description="groups a single point separates")

    def sort_key(self) -> tuple[int, str, str, str, list[str]]:
        return (
            self.severity.rank,
            self.project.id,
            self.stage.id if self.stage else "",
            self.code,
            [s.id for s in self.subjects],
        )


class Thresholds(BaseModel):
    """Tunable limits, with the defaults users asked for."""

    stale_days: int = Field(STALE_DAYS, ge=1, description="a line unused for longer is stale")
    overload: int = Field(OVERLOAD, ge=1, description="Accountable for more than this many duties is overload")


def _pick(urgent: bool, now: Severity, later: Severity) -> Severity:
    return now if urgent else later


class _Judge:
    """Holds one view and names things for the messages."""

    def __init__(self, view: ProjectView, limits: Thresholds):
        self.view = view
        self.limits = limits
        self.project = Subject(kind="project", id=view.project.id, name=view.project.name)
        # one Subject per thing named, shared by the findings that name it (a scan names
        # the same people hundreds of thousands of times); nothing changes a Subject
        self._subjects: dict[tuple[str, str], Subject] = {}

    def _subject(self, kind: str, sid: str, name: str) -> Subject:
        key = (kind, sid)
        found = self._subjects.get(key)
        if found is None:
            found = self._subjects[key] = Subject(kind=kind, id=sid, name=name)
        return found

    def person(self, cid: str) -> Subject:
        return self._subject("contact", cid, self.view.name(cid))

    def org(self, oid: str) -> Subject:
        return self._subject("organization", oid, self.view.org_names.get(oid, oid))

    def stage(self, stage: Stage) -> Subject:
        return self._subject("stage", stage.id, stage.name)

    def duty(self, resp: Responsibility) -> Subject:
        return self._subject("responsibility", resp.id, resp.name)

    def finding(
        self,
        code: str,
        severity: Severity,
        stage: Stage | None,
        subjects: list[Subject],
        explanation: str,
        remedy: str,
        **extra: Any,
    ) -> Finding:
        return Finding(
            code=code,
            severity=severity,
            project=self.project,
            stage=self.stage(stage) if stage is not None else None,
            subjects=subjects,
            explanation=explanation,
            remedy=remedy,
            **extra,
        )

    def candidates(self, stage: Stage, leaving: list[str], limit: int = 5) -> list[Subject]:
        """Active people who could take a duty over: linked to the stage team first,
        then colleagues of the leaving owner or people with the same title."""
        view = self.view
        team, linked_to_team = self._team(stage.id)
        orgs = {view.org_of(c) for c in leaving} - {None}
        titles = {view.state[c].title for c in leaving if c in view.state} - {""}
        by_org, by_title = self._people_index()
        pool = set(team)
        for org in orgs:
            pool.update(by_org.get(org, ()))
        for title in titles:
            pool.update(by_title.get(title, ()))
        scored = []
        for cid in pool:
            state = view.state.get(cid)
            if state is None or not state.active or cid in leaving:
                continue
            score = (state.org not in orgs, state.title not in titles, cid not in linked_to_team, cid not in team)
            scored.append((score, view.name(cid), cid))
        return [self.person(cid) for _, _, cid in sorted(scored)[:limit]]

    def _team(self, stage_id: str) -> tuple[set[str], set[str]]:
        """A stage's team, and the people with a working line to someone in it (cached)."""
        cache: dict[str, tuple[set[str], set[str]]] = self.__dict__.setdefault("_teams", {})
        if stage_id not in cache:
            team = self.view.stage_team(stage_id)
            adj = adjacency(self.view.graph)
            linked = {n for member in team if member in adj for n in adj[member]}
            cache[stage_id] = (team, linked)
        return cache[stage_id]

    def _people_index(self) -> tuple[dict[str | None, list[str]], dict[str, list[str]]]:
        """Active people by organisation and by title on the day (cached)."""
        if not hasattr(self, "_by_org"):
            by_org: dict[str | None, list[str]] = {}
            by_title: dict[str, list[str]] = {}
            for cid, state in self.view.state.items():
                if state.active:
                    by_org.setdefault(state.org, []).append(cid)
                    by_title.setdefault(state.title, []).append(cid)
            self._by_org, self._by_title = by_org, by_title
        return self._by_org, self._by_title


#: the responsibility pattern checks, answered for a whole portfolio by the Cypher query
#: queries/portfolio_responsibility_checks.cypher on Neo4j, and by duty_checks here
PATTERN_CODES = ("NO_ACCOUNTABLE", "MULTIPLE_ACCOUNTABLE", "OWNER_INACTIVE", "NO_RESPONSIBLE")

#: duty id -> its pattern checks, each (code, contact ids sorted)
Checks = dict[str, list[tuple[str, tuple[str, ...]]]]


def duty_checks(view: ProjectView, resp: Responsibility) -> list[tuple[str, tuple[str, ...]]]:
    """The pattern checks of one duty on the view's day, as (code, contacts):

    - NO_ACCOUNTABLE, (): nobody holds an A assignment valid on the day;
    - MULTIPLE_ACCOUNTABLE, (the active A holders): more than one of them is active;
    - OWNER_INACTIVE, (holder,): an A holder who has left or is on leave on the day;
    - NO_RESPONSIBLE, (): no R holder is active on the day.
    """
    accountable = view.holders(resp.id, "A")
    active_a = tuple(c for c in accountable if view.active(c))
    out: list[tuple[str, tuple[str, ...]]] = []
    if not accountable:
        out.append(("NO_ACCOUNTABLE", ()))
    if len(active_a) > 1:
        out.append(("MULTIPLE_ACCOUNTABLE", active_a))
    out.extend(("OWNER_INACTIVE", (c,)) for c in accountable if not view.active(c))
    if not any(view.active(c) for c in view.holders(resp.id, "R")):
        out.append(("NO_RESPONSIBLE", ()))
    return out


def responsibility_findings(view: ProjectView, limits: Thresholds, checks: Checks | None = None) -> list[Finding]:
    """``checks``: the pattern checks answered elsewhere (the portfolio query on Neo4j) for
    the project's open duties; None to answer them here."""
    judge = _Judge(view, limits)
    out: list[Finding] = []
    for stage in view.stages:
        phase = view.phase[stage.id]
        if phase == "done":
            continue
        urgent = phase == "active"
        for resp in view.responsibilities.get(stage.id, []):
            found = duty_checks(view, resp) if checks is None else checks.get(resp.id, [])
            out.extend(_judge_duty(judge, stage, resp, urgent, found))
    out.extend(_overload(judge))
    return out


def _judge_duty(
    judge: _Judge, stage: Stage, resp: Responsibility, urgent: bool, checks: list[tuple[str, tuple[str, ...]]]
) -> list[Finding]:
    view = judge.view
    duty = judge.duty(resp)
    active_a = [c for c in view.holders(resp.id, "A") if view.active(c)]  # for the engagement check
    fired = {code for code, _ in checks}
    out: list[Finding] = []
    if "NO_ACCOUNTABLE" in fired:
        out.append(
            judge.finding(
                "NO_ACCOUNTABLE",
                _pick(urgent, Severity.critical, Severity.high),
                stage,
                [duty],
                f"Nobody is accountable for “{resp.name}” in stage {stage.name}.",
                "Name exactly one accountable person.",
                candidates=judge.candidates(stage, []),
            )
        )
    for code, several in checks:
        if code != "MULTIPLE_ACCOUNTABLE":
            continue
        names = ", ".join(view.name(c) for c in several)
        out.append(
            judge.finding(
                "MULTIPLE_ACCOUNTABLE",
                _pick(urgent, Severity.high, Severity.medium),
                stage,
                [duty, *(judge.person(c) for c in several)],
                f"{len(several)} people are accountable for “{resp.name}” ({names}); each may rely on the other.",
                "Keep one accountable person; make the others Responsible or Consulted.",
            )
        )
    for cid in sorted(who[0] for code, who in checks if code == "OWNER_INACTIVE"):
        status = view.state[cid].phrase
        backups = view.backups.get(cid, [])
        if backups:
            backup_names = ", ".join(view.name(b) for b in backups)
            out.append(
                judge.finding(
                    "OWNER_INACTIVE",
                    Severity.low,
                    stage,
                    [duty, judge.person(cid), *(judge.person(b) for b in backups)],
                    f"{view.name(cid)}, accountable for “{resp.name}”, {status}; {backup_names} stands in as backup.",
                    f"Confirm that {backup_names} covers the duty, or reassign it.",
                )
            )
        else:
            out.append(
                judge.finding(
                    "OWNER_INACTIVE",
                    _pick(urgent, Severity.critical, Severity.high),
                    stage,
                    [duty, judge.person(cid)],
                    f"{view.name(cid)}, accountable for “{resp.name}”, {status} and has no active backup.",
                    "Hand the duty to an active person or name a backup.",
                    candidates=judge.candidates(stage, [cid]),
                )
            )
    if "NO_RESPONSIBLE" in fired:
        out.append(
            judge.finding(
                "NO_RESPONSIBLE",
                _pick(urgent, Severity.medium, Severity.low),
                stage,
                [duty],
                f"Nobody active is responsible for doing “{resp.name}”.",
                "Assign an active person as Responsible.",
                candidates=judge.candidates(stage, []),
            )
        )
    for cid in active_a:
        org = view.org_of(cid)
        if org is None or org not in view.engaged:
            where = (
                f"{view.org_names.get(org, org)} no longer takes part in the project"
                if org
                else "they belong to no organisation"
            )
            out.append(
                judge.finding(
                    "OWNER_ORG_NOT_ENGAGED",
                    _pick(urgent, Severity.high, Severity.medium),
                    stage,
                    [duty, judge.person(cid), *([judge.org(org)] if org else [])],
                    f"{view.name(cid)} is accountable for “{resp.name}”, but {where}.",
                    "Confirm the engagement or hand the duty to someone from an engaged organisation.",
                    candidates=judge.candidates(stage, [cid]),
                )
            )
    out.extend(_expiring(judge, stage, resp, urgent))
    return out


def _expiring(judge: _Judge, stage: Stage, resp: Responsibility, urgent: bool) -> list[Finding]:
    """Assignments (A or R) that end while the stage still runs, with no successor lined up."""
    view = judge.view
    out = []
    for assignment in view.assignments.get(resp.id, []):
        if assignment.raci not in ("A", "R") or assignment.valid_to is None:
            continue
        if not view.active(assignment.contact):
            continue  # already reported as inactive
        if stage.end is not None and assignment.valid_to > stage.end:
            continue
        successor = any(
            other.raci == assignment.raci
            and other.id != assignment.id
            and valid_on(other, assignment.valid_to)
            and view.active(other.contact)
            for other in view.all_assignments.get(resp.id, [])
        )
        if successor:
            continue
        role = "accountable" if assignment.raci == "A" else "responsible"
        until = f"the stage ends on {stage.end}" if stage.end else "the stage ends"
        out.append(
            judge.finding(
                "EXPIRING_ASSIGNMENT",
                _pick(urgent and assignment.valid_to - view.day <= timedelta(days=30), Severity.high, Severity.medium),
                stage,
                [judge.duty(resp), judge.person(assignment.contact)],
                f"{view.name(assignment.contact)} stops being {role} for “{resp.name}” on {assignment.valid_to}, before {until}.",
                "Line up a successor before the assignment ends.",
                candidates=judge.candidates(stage, [assignment.contact]),
            )
        )
    return out


def _overload(judge: _Judge) -> list[Finding]:
    view = judge.view
    load: Counter[str] = Counter()
    for stage in view.stages:
        if view.phase[stage.id] != "active":
            continue
        for resp in view.responsibilities.get(stage.id, []):
            for cid in view.holders(resp.id, "A"):
                if view.active(cid):
                    load[cid] += 1
    return [
        judge.finding(
            "OVERLOADED_OWNER",
            Severity.medium,
            None,
            [judge.person(cid)],
            f"{view.name(cid)} is accountable for {count} duties in active stages (limit {judge.limits.overload}).",
            "Spread the accountable roles over more people.",
        )
        for cid, count in sorted(load.items())
        if count > judge.limits.overload
    ]


# -- communication ----------------------------------------------------------------------


def communication_findings(view: ProjectView, limits: Thresholds) -> list[Finding]:
    judge = _Judge(view, limits)
    out: list[Finding] = []
    handover_edges: set[frozenset[str]] = set()
    for before, after in zip(view.stages, view.stages[1:]):
        if view.phase[after.id] == "done":
            continue
        found, edges = _handover(judge, before, after)
        out.extend(found)
        handover_edges |= edges
    out.extend(_structure(judge))
    out.extend(_stale(judge, handover_edges))
    out.extend(_silos(judge))
    out.extend(_isolated(judge))
    return out


_FROM = ("__from__",)  # merged owner groups: tuples, never a contact id
_TO = ("__to__",)


def _merged(graph: nx.Graph[str], left: list[str], right: list[str]) -> nx.Graph[str]:
    """The graph with each owner group contracted to one node, for cuts between groups."""
    merged: nx.Graph[str] = nx.Graph()
    rename = dict.fromkeys(left, "__from__") | dict.fromkeys(right, "__to__")
    merged.add_nodes_from({rename.get(n, n) for n in graph.nodes})
    for u, v in graph.edges:
        a, b = rename.get(u, u), rename.get(v, v)
        if a != b:
            merged.add_edge(a, b)
    return merged


def independent_paths(graph: nx.Graph[str], left: list[str], right: list[str], cap: int | None = None) -> int:
    """How many node-disjoint working paths join two owner groups (shared people count as many).

    With ``cap`` the answer is ``min(count, cap)``; ``cap=2`` (is there a second route?)
    needs one depth-first search instead of a max-flow.
    """
    if not left or not right:
        return 0  # a side without an active owner has no one to hand over to or from
    if set(left) & set(right):
        count = len(graph)  # the same person owns both sides
        return count if cap is None else min(count, cap)
    if cap is not None and cap <= 2:
        adj = adjacency(graph)
        direct = any(y in adj[x] for x in left for y in right)
        neighbours = contracted(adj, {_FROM: left, _TO: right}, cut=(_FROM, _TO))
        search: DepthFirst[str | tuple[str]] = DepthFirst(_FROM, neighbours)
        if not search.reaches(_TO):
            rest = 0
        else:
            rest = 1 if search.first_separator(_TO) is not None else 2
        return min(rest + int(direct), cap)
    merged = _merged(graph, left, right)
    if not nx.has_path(merged, "__from__", "__to__"):
        return 0
    direct = merged.has_edge("__from__", "__to__")
    if direct:
        merged.remove_edge("__from__", "__to__")
    rest = int(nx.node_connectivity(merged, "__from__", "__to__")) if nx.has_path(merged, "__from__", "__to__") else 0
    count = rest + int(direct)
    return count if cap is None else min(count, cap)


def _handover(judge: _Judge, before: Stage, after: Stage) -> tuple[list[Finding], set[frozenset[str]]]:
    """Can the owners of the incoming stage be reached from those of the outgoing one?

    Checked per incoming owner, so that one owner reachable only through a single person
    is found even when the others have lines of their own. One depth-first search from the
    outgoing owners (merged into one node) answers both for every incoming owner: who is
    reached, and the person nearest the outgoing side that every line runs through.
    """
    view = judge.view
    left, right = view.owners(before.id), view.owners(after.id)
    if not left or not right or set(left) & set(right):
        return [], set()  # no owners on a side (the vacuum findings say so), or one person on both
    urgent = view.phase[before.id] == "active" or view.phase[after.id] == "active"
    stages = [judge.stage(before), judge.stage(after)]
    names: Callable[[list[str]], str] = lambda group: ", ".join(view.name(c) for c in group)  # noqa: E731
    unreachable: list[str] = []
    through: dict[str, list[str]] = {}
    neighbours = contracted(adjacency(view.graph), {_FROM: left})
    search: DepthFirst[str | tuple[str]] = DepthFirst(_FROM, neighbours)
    for owner in right:
        if not search.reaches(owner):
            unreachable.append(owner)
            continue
        separator = search.first_separator(owner)
        if separator is not None:
            through.setdefault(cast(str, separator), []).append(owner)  # the merged root is never one
    found: list[Finding] = []
    if unreachable:
        everyone = len(unreachable) == len(right)
        found.append(
            judge.finding(
                "HANDOVER_NO_PATH",
                _pick(urgent, Severity.critical, Severity.high),
                after,
                stages + [judge.person(c) for c in left + unreachable],
                f"No working line joins the owners of {before.name} ({names(left)}) to "
                + (
                    f"those of {after.name} ({names(right)})."
                    if everyone
                    else f"{names(unreachable)}, owner(s) in {after.name}."
                ),
                "Introduce the owners on both sides to each other and log the contact.",
            )
        )
    for point, owners in sorted(through.items()):
        found.append(
            judge.finding(
                "HANDOVER_SINGLE_POINT",
                _pick(urgent, Severity.high, Severity.medium),
                after,
                stages + [judge.person(point)] + [judge.person(c) for c in owners],
                f"Every working line from the owners of {before.name} to {names(owners)} in {after.name} "
                f"runs through {view.name(point)}.",
                f"Give them a direct line, or a second route that avoids {view.name(point)}.",
            )
        )
    return found, _path_edges(view.graph, left, right)


def _path_edges(graph: nx.Graph[str], left: list[str], right: list[str]) -> set[frozenset[str]]:
    """Edges on the shortest working paths between the two owner groups.

    For each outgoing owner, one breadth-first search (first discoverer as predecessor, the
    path Dijkstra with unit weights returns too), cut off below the best length so far.
    """
    adj = adjacency(graph)
    targets = set(right)
    best: int | None = None
    edges: set[frozenset[str]] = set()
    for source in left:
        parent: dict[str, str | None] = {source: None}
        level, depth = [source], 0
        hits: list[str] = []
        while level and (best is None or depth < best):
            depth += 1
            following = []
            for node in level:
                for nxt in adj[node]:
                    if nxt not in parent:
                        parent[nxt] = node
                        following.append(nxt)
                        if nxt in targets:
                            hits.append(nxt)
            if hits:
                break
            level = following
        if not hits:
            continue
        if best is None or depth < best:
            best, edges = depth, set()
        for target in hits:
            node = target
            while (up := parent[node]) is not None:
                edges.add(frozenset((node, up)))
                node = up
    return edges


def _structure(judge: _Judge) -> list[Finding]:
    """Single points of failure and bridge links of the project's working graph."""
    view = judge.view
    owners = set(view.all_owners())
    out = []
    adj = adjacency(view.graph)  # not graph.degree / graph.edges: see view.edges_among
    points, bridges = cut_structure(adj)  # one pass for both
    for point, groups in single_points(view.graph, points).items():
        cut_owners = {c for g in groups[1:] for c in g} & owners
        severity = Severity.medium if cut_owners or point in owners else Severity.low
        sizes = " / ".join(str(len(g)) for g in groups)
        out.append(
            judge.finding(
                "SINGLE_POINT_OF_FAILURE",
                severity,
                None,
                [judge.person(point)],
                f"If {view.name(point)} leaves, the project's working lines split into {len(groups)} groups ({sizes} people).",
                f"Add lines that bypass {view.name(point)}, or name a backup.",
                groups=[[judge.person(c) for c in g] for g in groups],
            )
        )
    for u, v in bridge_links(view.graph, bridges):
        if len(adj[u]) == 1 and len(adj[v]) == 1:
            continue  # a pair talking only to each other: not a bridge between groups
        link_ids = adj[u][v]["links"]
        out.append(
            judge.finding(
                "BRIDGE_LINK",
                Severity.low,
                None,
                [
                    judge.person(u),
                    judge.person(v),
                    *(Subject(kind="link", id=lid, name=f"{view.name(u)} – {view.name(v)}") for lid in link_ids),
                ],
                f"The line between {view.name(u)} and {view.name(v)} is the only one joining two parts of the project.",
                "Add a second line between the two parts.",
            )
        )
    return out


def _stale(judge: _Judge, handover_edges: set[frozenset[str]]) -> list[Finding]:
    view = judge.view
    owners = set(view.all_owners())
    limit = judge.limits.stale_days
    out = []
    candidates = []
    # only lines between owners or on a handover path count: look at those people's lines
    on_paths = {node for edge in handover_edges for node in edge}
    for u, v, data in edges_among(view.graph, owners | on_paths):
        if not data["communicates"]:
            continue
        between_owners = u in owners and v in owners
        on_handover = frozenset((u, v)) in handover_edges
        if not on_handover and not between_owners:
            continue
        used: date | None = data["used"]
        age = (view.day - used).days if used else None
        if age is not None and age <= limit:
            continue
        candidates.append((tuple(sorted((u, v))), u, v, data, on_handover, used, age))
    for _, u, v, data, on_handover, used, age in sorted(candidates, key=lambda c: c[0]):
        a, b = sorted((u, v))
        when = f"was last used {age} days ago ({used})" if used else "has never been recorded as used"
        where = "on a handover path" if on_handover else "both owners"
        out.append(
            judge.finding(
                "STALE_LINK",
                Severity.medium if on_handover else Severity.low,
                None,
                [
                    judge.person(a),
                    judge.person(b),
                    *(
                        Subject(kind="link", id=lid, name=f"{view.name(a)} – {view.name(b)}")
                        for lid in data["communicates"]
                    ),
                ],
                f"The line between {view.name(a)} and {view.name(b)} ({where}) {when}; the limit is {limit} days.",
                f"Have {view.name(a)} and {view.name(b)} get in touch and log it.",
            )
        )
    return out


def _silos(judge: _Judge) -> list[Finding]:
    """Two organisations working together in a stage with no direct line between their people.

    "Working together" means their active people are assigned (any letter) to the same duty
    of the stage: that is where they must coordinate. Pairing every organisation present
    in a stage would flag a concrete supplier and a fire regulator for never talking.
    """
    view = judge.view
    out = []
    for stage in view.stages:
        phase = view.phase[stage.id]
        if phase == "done":
            continue
        shared: dict[tuple[str, str], list[Responsibility]] = {}
        people: dict[str, set[str]] = {}
        for resp in view.responsibilities.get(stage.id, []):
            by_org: dict[str, set[str]] = {}
            for assignment in view.assignments.get(resp.id, []):
                org = view.org_of(assignment.contact)
                if org and view.active(assignment.contact):
                    by_org.setdefault(org, set()).add(assignment.contact)
                    people.setdefault(org, set()).add(assignment.contact)
            orgs = sorted(by_org)
            for i, a in enumerate(orgs):
                for b in orgs[i + 1 :]:
                    shared.setdefault((a, b), []).append(resp)
        adj = adjacency(view.graph)
        for (a, b), duties in sorted(shared.items()):
            other = people[b]
            if any(x in adj and not other.isdisjoint(adj[x]) for x in people[a]):
                continue
            titles = ", ".join(f"“{d.name}”" for d in duties)
            out.append(
                judge.finding(
                    "ORG_SILO",
                    _pick(phase == "active", Severity.medium, Severity.low),
                    stage,
                    [judge.org(a), judge.org(b), *(judge.duty(d) for d in duties)],
                    f"{view.org_names.get(a, a)} and {view.org_names.get(b, b)} share {titles} in {stage.name}, "
                    "but none of their people have a direct line.",
                    "Introduce a counterpart on each side.",
                )
            )
    return out


def _isolated(judge: _Judge) -> list[Finding]:
    view = judge.view
    urgent_people = {c for stage in view.stages if view.phase[stage.id] == "active" for c in view.stage_team(stage.id)}
    return [
        judge.finding(
            "ISOLATED_OWNER",
            _pick(cid in urgent_people, Severity.high, Severity.medium),
            None,
            [judge.person(cid)],
            f"{view.name(cid)} owns a duty but has no working line to anyone in the project.",
            f"Connect {view.name(cid)} with the stage team.",
        )
        for cid in view.all_owners()
        if not adjacency(view.graph)[cid]
    ]


def project_findings(
    view: ProjectView, limits: Thresholds | None = None, checks: Checks | None = None
) -> list[Finding]:
    """All findings of one project, most severe first (``checks``: see responsibility_findings)."""
    limits = limits or Thresholds()
    found = responsibility_findings(view, limits, checks) + communication_findings(view, limits)
    return sorted(found, key=Finding.sort_key)
