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
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import date, timedelta
from enum import Enum
from graphlib import TopologicalSorter
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
from graphsvc.support.i18n import N_, _, format_day, ngettext


class Severity(str, Enum):
    critical = "critical"
    high = "high"
    medium = "medium"
    low = "low"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {severity: i for i, severity in enumerate(Severity)}

#: how each severity reads for people (the JSON keeps ``critical`` etc.)
_SEVERITY_LABELS = {
    Severity.critical: N_("critical"),
    Severity.high: N_("high"),
    Severity.medium: N_("medium"),
    Severity.low: N_("low"),
}


def severity_label(severity: Severity | str) -> str:
    """A severity as a reader of the current language names it (严重 / critical)."""
    return _(_SEVERITY_LABELS[Severity(severity)])


def names_list(names: Iterable[str]) -> str:
    """Names joined as the reader's language lists them (``A, B`` / ``A、B``)."""
    return _(", ").join(names)


def quoted_list(names: Iterable[str]) -> str:
    """Names each in quotes, joined as the reader's language lists them."""
    return names_list(f"“{name}”" for name in names)


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
    stages: list[Subject] = Field(
        default_factory=list, description="every stage the finding concerns; a stage's findings are those listing it"
    )
    members: list[Finding] = Field(
        default_factory=list, description="for a grouped entry (low findings of one code): the single findings"
    )

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
        *,
        stages: list[Stage] | None = None,
        **extra: Any,
    ) -> Finding:
        """``stages``: every stage the finding concerns (default: its own stage, if any)."""
        concerned = stages if stages is not None else ([stage] if stage is not None else [])
        return Finding(
            code=code,
            severity=severity,
            project=self.project,
            stage=self.stage(stage) if stage is not None else None,
            subjects=subjects,
            explanation=explanation,
            remedy=remedy,
            stages=[self.stage(s) for s in concerned],
            **extra,
        )

    def stages_of(self, people: set[str], letters: str = "ARCI") -> list[Stage]:
        """Stages not done in which any of ``people`` holds one of ``letters`` (stage time)."""
        view = self.view
        index: dict[str, dict[str, set[str]]] | None = self.__dict__.get("_letters")
        if index is None:
            index = self.__dict__["_letters"] = {}
            for stage in view.stages:
                if view.phase[stage.id] == "done":
                    continue
                for resp in view.responsibilities.get(stage.id, []):
                    for a in view.assignments.get(resp.id, []):
                        index.setdefault(a.contact, {}).setdefault(a.raci, set()).add(stage.id)
        wanted = {sid for c in people for letter in letters for sid in index.get(c, {}).get(letter, ())}
        return [stage for stage in view.stages if stage.id in wanted]

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
        return [self.person(cid) for _score, _name, cid in sorted(scored)[:limit]]

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


def _responsibility(judge: _Judge, checks: Checks | None) -> list[Finding]:
    """``checks``: the pattern checks answered elsewhere (the portfolio query on Neo4j) for
    the project's open duties; None to answer them here."""
    view = judge.view
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
    fired = {code for code, _who in checks}
    out: list[Finding] = []
    if "NO_ACCOUNTABLE" in fired:
        out.append(
            judge.finding(
                "NO_ACCOUNTABLE",
                _pick(urgent, Severity.critical, Severity.high),
                stage,
                [duty],
                _("Nobody is accountable for “{duty}” in stage {stage}.").format(duty=resp.name, stage=stage.name),
                _("Name exactly one accountable person."),
                candidates=judge.candidates(stage, []),
            )
        )
    for code, several in checks:
        if code != "MULTIPLE_ACCOUNTABLE":
            continue
        names = names_list(view.name(c) for c in several)
        out.append(
            judge.finding(
                "MULTIPLE_ACCOUNTABLE",
                _pick(urgent, Severity.high, Severity.medium),
                stage,
                [duty, *(judge.person(c) for c in several)],
                _("{count} people are accountable for “{duty}” ({names}); each may rely on the other.").format(
                    count=len(several), duty=resp.name, names=names
                ),
                _("Keep one accountable person; make the others Responsible or Consulted."),
            )
        )
    for cid in sorted(who[0] for code, who in checks if code == "OWNER_INACTIVE"):
        left = view.state[cid].status == "left"
        backups = view.backups.get(cid, [])
        if backups:
            backup_names = names_list(view.name(b) for b in backups)
            if left:
                explanation = _("{person}, accountable for “{duty}”, has left; {backups} stands in as backup.")
            else:
                explanation = _("{person}, accountable for “{duty}”, is on leave; {backups} stands in as backup.")
            out.append(
                judge.finding(
                    "OWNER_INACTIVE",
                    Severity.low,
                    stage,
                    [duty, judge.person(cid), *(judge.person(b) for b in backups)],
                    explanation.format(person=view.name(cid), duty=resp.name, backups=backup_names),
                    _("Confirm that {backups} covers the duty, or reassign it.").format(backups=backup_names),
                )
            )
        else:
            if left:
                explanation = _("{person}, accountable for “{duty}”, has left and has no active backup.")
            else:
                explanation = _("{person}, accountable for “{duty}”, is on leave and has no active backup.")
            out.append(
                judge.finding(
                    "OWNER_INACTIVE",
                    _pick(urgent, Severity.critical, Severity.high),
                    stage,
                    [duty, judge.person(cid)],
                    explanation.format(person=view.name(cid), duty=resp.name),
                    _("Hand the duty to an active person or name a backup."),
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
                _("Nobody active is responsible for doing “{duty}”.").format(duty=resp.name),
                _("Assign an active person as Responsible."),
                candidates=judge.candidates(stage, []),
            )
        )
    for cid in active_a:
        org = view.org_of(cid)
        if org is None or org not in view.engaged:
            if org:
                explanation = _(
                    "{person} is accountable for “{duty}”, but {organisation} no longer takes part in the project."
                ).format(person=view.name(cid), duty=resp.name, organisation=view.org_names.get(org, org))
            else:
                explanation = _("{person} is accountable for “{duty}”, but they belong to no organisation.").format(
                    person=view.name(cid), duty=resp.name
                )
            out.append(
                judge.finding(
                    "OWNER_ORG_NOT_ENGAGED",
                    _pick(urgent, Severity.high, Severity.medium),
                    stage,
                    [duty, judge.person(cid), *([judge.org(org)] if org else [])],
                    explanation,
                    _("Confirm the engagement or hand the duty to someone from an engaged organisation."),
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
        ends = view.stage_end(stage)
        if ends is not None and assignment.valid_to > ends:
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
        explanation = _expiry_text(assignment.raci == "A", ends is not None).format(
            person=view.name(assignment.contact),
            duty=resp.name,
            day=format_day(assignment.valid_to),
            end=format_day(ends) if ends else "",
        )
        out.append(
            judge.finding(
                "EXPIRING_ASSIGNMENT",
                _pick(urgent and assignment.valid_to - view.day <= timedelta(days=30), Severity.high, Severity.medium),
                stage,
                [judge.duty(resp), judge.person(assignment.contact)],
                explanation,
                _("Line up a successor before the assignment ends."),
                candidates=judge.candidates(stage, [assignment.contact]),
            )
        )
    return out


def _expiry_text(accountable: bool, stage_end_known: bool) -> str:
    """The EXPIRING_ASSIGNMENT sentence, placeholders {person}, {duty}, {day} and {end}."""
    if accountable:
        if stage_end_known:
            return _("{person} stops being accountable for “{duty}” on {day}, before the stage ends on {end}.")
        return _("{person} stops being accountable for “{duty}” on {day}, before the stage ends.")
    if stage_end_known:
        return _("{person} stops being responsible for “{duty}” on {day}, before the stage ends on {end}.")
    return _("{person} stops being responsible for “{duty}” on {day}, before the stage ends.")


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
            _("{person} is accountable for {count} duties in active stages (limit {limit}).").format(
                person=view.name(cid), count=count, limit=judge.limits.overload
            ),
            _("Spread the accountable roles over more people."),
            stages=[s for s in judge.stages_of({cid}, "A") if view.phase[s.id] == "active"],
        )
        for cid, count in sorted(load.items())
        if count > judge.limits.overload
    ]


# -- communication ----------------------------------------------------------------------


@dataclass
class HandoverCheck:
    """One handover between consecutive stages, as the findings and the health judge it.

    ``outgoing``: the first stage's accountables on its last day; ``incoming``: the next
    stage's at its stage time (both active on the as-of day). Not ``checked`` when a side
    has nobody; ``robust`` when checked and no finding was raised.
    """

    before: Stage
    after: Stage
    outgoing: list[str]
    incoming: list[str]
    findings: list[Finding] = dataclass_field(default_factory=list)
    path_edges: set[frozenset[str]] = dataclass_field(default_factory=set)

    @property
    def checked(self) -> bool:
        return bool(self.outgoing and self.incoming)

    @property
    def robust(self) -> bool:
        return self.checked and not self.findings


@dataclass
class OwnerLine:
    """A working line with a ``communicates`` link between two owners or on a handover path."""

    pair: tuple[str, str]
    data: dict[str, Any]
    between_owners: bool
    handover_stages: list[Stage]
    stale: bool


def handover_checks(judge: _Judge) -> list[HandoverCheck]:
    view = judge.view
    return [
        _handover(judge, before, after)
        for before, after in zip(view.stages, view.stages[1:])
        if view.phase[after.id] != "done"
    ]


def _communication(judge: _Judge) -> tuple[list[Finding], list[HandoverCheck], list[OwnerLine]]:
    handovers = handover_checks(judge)
    lines = owner_lines(judge, handovers)
    out = [f for check in handovers for f in check.findings]
    out.extend(_structure(judge))
    out.extend(_stale(judge, lines))
    out.extend(_silos(judge))
    out.extend(_isolated(judge))
    return out, handovers, lines


_FROM = ("__from__",)  # merged owner groups: tuples, never a contact id


def _joined_without(graph: nx.Graph[str], left: list[str], right: list[str], avoid: str) -> bool:
    """Is there a working path from ``left`` to ``right`` that does not pass ``avoid``?"""
    adj = adjacency(graph)
    targets = set(right)
    seen = {avoid, *left}
    frontier = list(left)
    while frontier:
        node = frontier.pop()
        if node in targets:
            return True
        for nxt in adj[node]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return False


def _handover(judge: _Judge, before: Stage, after: Stage) -> HandoverCheck:
    """Can the accountables of the incoming stage be reached from those of the outgoing one?

    Checked per incoming accountable, so that one reachable only through a single person is
    found even when the others have lines of their own. One depth-first search from the
    outgoing side (merged into one node) answers both for every incoming accountable: who
    is reached, and every person all its lines run through. A
    person accountable on both sides is a line across by themselves; when exactly one is,
    and nothing else joins the two sides, they carry the handover alone.
    """
    view = judge.view
    left, right = view.outgoing_owners(before), view.owners(after.id)
    check = HandoverCheck(before, after, left, right)
    if not check.checked:
        return check  # nobody on a side: the duty findings say why
    shared = [c for c in right if c in set(left)]
    incoming = [c for c in right if c not in shared]
    urgent = view.phase[before.id] == "active" or view.phase[after.id] == "active"
    stages = [judge.stage(before), judge.stage(after)]
    both = [before, after]
    names: Callable[[list[str]], str] = lambda group: names_list(view.name(c) for c in group)  # noqa: E731
    unreachable: list[str] = []
    through: dict[str, list[str]] = {}
    neighbours = contracted(adjacency(view.graph), {_FROM: left})
    search: DepthFirst[str | tuple[str]] = DepthFirst(_FROM, neighbours)
    for owner in incoming:
        if not search.reaches(owner):
            unreachable.append(owner)
            continue
        for separator in search.separators(owner):
            through.setdefault(cast(str, separator), []).append(owner)  # the merged root is never one
    if unreachable:
        if len(unreachable) == len(right):
            explanation = _(
                "No working line joins the accountables of {before} ({outgoing}) to those of {after} ({incoming})."
            ).format(before=before.name, outgoing=names(left), after=after.name, incoming=names(right))
        else:
            explanation = _(
                "No working line joins the accountables of {before} ({outgoing}) to {unreachable}, accountable in {after}."
            ).format(before=before.name, outgoing=names(left), unreachable=names(unreachable), after=after.name)
        check.findings.append(
            judge.finding(
                "HANDOVER_NO_PATH",
                _pick(urgent, Severity.critical, Severity.high),
                after,
                stages + [judge.person(c) for c in left + unreachable],
                explanation,
                _("Introduce the owners on both sides to each other and log the contact."),
                stages=both,
            )
        )
    for point, owners in sorted(through.items()):
        check.findings.append(
            judge.finding(
                "HANDOVER_SINGLE_POINT",
                _pick(urgent, Severity.high, Severity.medium),
                after,
                stages + [judge.person(point)] + [judge.person(c) for c in owners],
                _(
                    "Every working line from the accountables of {before} to {incoming} in {after} runs through {person}."
                ).format(before=before.name, incoming=names(owners), after=after.name, person=view.name(point)),
                _("Give them a direct line, or a second route that avoids {person}.").format(person=view.name(point)),
                stages=both,
            )
        )
    if len(shared) == 1:
        (carrier,) = shared
        others_left = [c for c in left if c != carrier]
        others_right = [c for c in right if c != carrier]
        if not others_left or not others_right:
            why = _(
                "{person} is accountable in both {before} and {after} and carries the handover alone: "
                "no one else is accountable in {alone}."
            )
        elif not _joined_without(view.graph, others_left, others_right, carrier):
            why = _(
                "{person} is accountable in both {before} and {after} and carries the handover alone: "
                "no working line joins {outgoing} to {incoming} without them."
            )
        else:
            why = ""
        if why:
            explanation = why.format(
                person=view.name(carrier),
                before=before.name,
                after=after.name,
                alone=before.name if not others_left else after.name,
                outgoing=names(others_left),
                incoming=names(others_right),
            )
            check.findings.append(
                judge.finding(
                    "HANDOVER_SINGLE_POINT",
                    _pick(urgent, Severity.high, Severity.medium),
                    after,
                    stages + [judge.person(carrier)] + [judge.person(c) for c in others_left + others_right],
                    explanation,
                    _(
                        "Name a second person who knows both stages, or connect the other owners without {person}."
                    ).format(person=view.name(carrier)),
                    stages=both,
                )
            )
    check.path_edges = _path_edges(view.graph, left, incoming) if incoming else set()
    return check


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


def _cut_off(parts: list[set[str]]) -> set[str]:
    """The people a cut separates: everyone outside the largest part (all, on a tie)."""
    largest = max(len(p) for p in parts)
    keep = [p for p in parts if len(p) == largest]
    return set().union(*(p for p in parts if len(keep) > 1 or p is not keep[0]))


def _matters(parts: list[set[str]], owners: set[str], with_duty: set[str]) -> bool:
    """A cut matters when one part holds an owner and another an owner or a person with a duty."""
    holding = [i for i, part in enumerate(parts) if not owners.isdisjoint(part)]
    if not holding:
        return False
    return any(not with_duty.isdisjoint(part) for i, part in enumerate(parts) if i != holding[0]) or len(holding) > 1


def _structure(judge: _Judge) -> list[Finding]:
    """Single points of failure and bridge links, where they cut owners apart or a person
    with a duty off the owners (see the README's rules)."""
    view = judge.view
    owners = set(view.all_owners())
    with_duty = set(view.with_duty()) | owners
    out = []
    adj = adjacency(view.graph)  # not graph.degree / graph.edges: see view.edges_among
    points, bridges = cut_structure(adj)  # one pass for both
    reported: set[str] = set()
    for point, groups in single_points(view.graph, points).items():
        parts = [set(g) for g in groups]
        if not _matters(parts, owners, with_duty):
            continue
        reported.add(point)
        apart = sum(1 for part in parts if not owners.isdisjoint(part)) > 1
        sizes = " / ".join(str(len(g)) for g in groups)
        out.append(
            judge.finding(
                "SINGLE_POINT_OF_FAILURE",
                Severity.medium if apart else Severity.low,
                None,
                [judge.person(point)],
                _("If {person} leaves, the project's working lines split into {count} groups ({sizes} people).").format(
                    person=view.name(point), count=len(groups), sizes=sizes
                ),
                _("Add lines that bypass {person}, or name a backup.").format(person=view.name(point)),
                groups=[[judge.person(c) for c in g] for g in groups],
                stages=judge.stages_of(_cut_off(parts) | {point}),
            )
        )
    for u, v in bridge_links(view.graph, bridges):
        side = _side(adj, v, u)
        if len(side) == 1 and len(adj[u]) == 1:
            continue  # a pair talking only to each other: not a bridge between groups
        if (len(adj[v]) == 1 and u in reported) or (len(adj[u]) == 1 and v in reported):
            continue  # it cuts off one person, whom the single point at its other end names
        parts = [side, _component(adj, u) - side]
        if not _matters(parts, owners, with_duty):
            continue
        apart = all(not owners.isdisjoint(part) for part in parts)
        link_ids = adj[u][v]["links"]
        out.append(
            judge.finding(
                "BRIDGE_LINK",
                Severity.medium if apart else Severity.low,
                None,
                [
                    judge.person(u),
                    judge.person(v),
                    *(Subject(kind="link", id=lid, name=f"{view.name(u)} – {view.name(v)}") for lid in link_ids),
                ],
                _("The line between {person} and {other} is the only one joining two parts of the project.").format(
                    person=view.name(u), other=view.name(v)
                ),
                _("Add a second line between the two parts."),
                stages=judge.stages_of(_cut_off(parts) | {u, v}),
            )
        )
    return out


def _side(adj: Any, start: str, across: str) -> set[str]:
    """The people ``start`` still reaches once its line to ``across`` is gone."""
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for nxt in adj[node]:
            if nxt not in seen and not (node == start and nxt == across):
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def _component(adj: Any, start: str) -> set[str]:
    seen = {start}
    frontier = [start]
    while frontier:
        for nxt in adj[frontier.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    return seen


def owner_lines(judge: _Judge, handovers: list[HandoverCheck]) -> list[OwnerLine]:
    """The lines the stale check looks at: between two owners, or on a handover path."""
    view = judge.view
    owners = set(view.all_owners())
    limit = judge.limits.stale_days
    on_handover: dict[frozenset[str], list[Stage]] = {}
    for check in handovers:
        for edge in check.path_edges:
            concerned = on_handover.setdefault(edge, [])
            concerned.extend(s for s in (check.before, check.after) if s not in concerned)
    on_paths = {node for edge in on_handover for node in edge}
    out = []
    for u, v, data in edges_among(view.graph, owners | on_paths):
        if "communicates" not in data["kinds"]:
            continue
        pair = frozenset((u, v))
        between_owners = u in owners and v in owners
        if pair not in on_handover and not between_owners:
            continue
        used: date | None = data["used"]
        stale = used is None or (view.day - used).days > limit
        a, b = sorted((u, v))
        out.append(OwnerLine((a, b), data, between_owners, on_handover.get(pair, []), stale))
    return sorted(out, key=lambda line: line.pair)


def _stale(judge: _Judge, lines: list[OwnerLine]) -> list[Finding]:
    view = judge.view
    limit = judge.limits.stale_days
    out = []
    for line in lines:
        if not line.stale:
            continue
        a, b = line.pair
        used: date | None = line.data["used"]
        on_handover = bool(line.handover_stages)
        explanation = _stale_text(on_handover, used is not None).format(
            person=view.name(a),
            other=view.name(b),
            days=(view.day - used).days if used else 0,
            day=format_day(used) if used else "",
            limit=limit,
        )
        concerned = {s.id for s in judge.stages_of({a, b}, "AR")} | {s.id for s in line.handover_stages}
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
                        for lid in line.data["communicates"]
                    ),
                ],
                explanation,
                _("Have {person} and {other} get in touch and log it.").format(person=view.name(a), other=view.name(b)),
                stages=[s for s in view.stages if s.id in concerned],
            )
        )
    return out


def _stale_text(on_handover: bool, used: bool) -> str:
    """The STALE_LINK sentence, placeholders {person}, {other}, {days}, {day} and {limit}."""
    if on_handover:
        if used:
            return _(
                "The line between {person} and {other} (on a handover path) was last used {days} days ago ({day}); "
                "the limit is {limit} days."
            )
        return _(
            "The line between {person} and {other} (on a handover path) has never been recorded as used; "
            "the limit is {limit} days."
        )
    if used:
        return _(
            "The line between {person} and {other} (both owners) was last used {days} days ago ({day}); "
            "the limit is {limit} days."
        )
    return _(
        "The line between {person} and {other} (both owners) has never been recorded as used; the limit is {limit} days."
    )


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
            titles = quoted_list(d.name for d in duties)
            out.append(
                judge.finding(
                    "ORG_SILO",
                    _pick(phase == "active", Severity.medium, Severity.low),
                    stage,
                    [judge.org(a), judge.org(b), *(judge.duty(d) for d in duties)],
                    _(
                        "{organisation} and {other} share {duties} in {stage}, but none of their people have a direct line."
                    ).format(
                        organisation=view.org_names.get(a, a),
                        other=view.org_names.get(b, b),
                        duties=titles,
                        stage=stage.name,
                    ),
                    _("Introduce a counterpart on each side."),
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
            _("{person} owns a duty but has no working line to anyone in the project.").format(person=view.name(cid)),
            _("Connect {person} with the stage team.").format(person=view.name(cid)),
            stages=judge.stages_of({cid}, "AR"),
        )
        for cid in view.all_owners()
        if not adjacency(view.graph)[cid]
    ]


@dataclass
class ProjectAnalysis:
    """Everything judged about one project on one day: the findings and the results they
    come from, so that the health figures count exactly what the findings say."""

    view: ProjectView
    findings: list[Finding]
    handovers: list[HandoverCheck]
    lines: list[OwnerLine]


def analyse(view: ProjectView, limits: Thresholds | None = None, checks: Checks | None = None) -> ProjectAnalysis:
    """Judge one project (``checks``: see _responsibility)."""
    limits = limits or Thresholds()
    judge = _Judge(view, limits)
    duties = _responsibility(judge, checks)
    communication, handovers, lines = _communication(judge)
    return ProjectAnalysis(view, sorted(duties + communication, key=Finding.sort_key), handovers, lines)


def project_findings(
    view: ProjectView, limits: Thresholds | None = None, checks: Checks | None = None
) -> list[Finding]:
    """All findings of one project, one entry each, most severe first (``checks``: see
    _responsibility). Lists shown to people go through ``present``."""
    return analyse(view, limits, checks).findings


# -- what a view shows ------------------------------------------------------------------------


def concerns(finding: Finding, stage_id: str) -> bool:
    """Does the finding belong to the stage? The one definition every view uses."""
    return any(s.id == stage_id for s in finding.stages)


def present(findings: list[Finding], stage_id: str | None = None) -> list[Finding]:
    """The findings a view lists: those of the stage (every one for the project view), with
    two or more low findings of one code grouped into one entry, most severe first."""
    chosen = findings if stage_id is None else [f for f in findings if concerns(f, stage_id)]
    return grouped(chosen)


def group_wording(code: str, count: int) -> tuple[str, str]:
    """How a group of ``count`` low findings of ``code`` reads: (explanation, remedy)."""
    n = count
    if code == "STALE_LINK":
        explanation = ngettext(
            "{n} line between owners is worth refreshing.", "{n} lines between owners are worth refreshing.", n
        )
        remedy = _("Have each pair get in touch and log it.")
    elif code == "BRIDGE_LINK":
        explanation = ngettext(
            "{n} line is the only one joining a person with a duty to the owners.",
            "{n} lines are each the only one joining a person with a duty to the owners.",
            n,
        )
        remedy = _("Add a second line for each.")
    elif code == "SINGLE_POINT_OF_FAILURE":
        explanation = ngettext(
            "{n} person connects someone with a duty to the owners on their own.",
            "{n} people each connect someone with a duty to the owners on their own.",
            n,
        )
        remedy = _("Add lines that bypass them, or name backups.")
    elif code == "OWNER_INACTIVE":
        explanation = ngettext(
            "{n} absent accountable is covered by an active backup.",
            "{n} absent accountables are covered by an active backup.",
            n,
        )
        remedy = _("Confirm that each backup covers the duty, or reassign it.")
    elif code == "NO_RESPONSIBLE":
        explanation = ngettext(
            "{n} duty in a coming stage has nobody active responsible yet.",
            "{n} duties in coming stages have nobody active responsible yet.",
            n,
        )
        remedy = _("Assign an active person as Responsible to each.")
    elif code == "ORG_SILO":
        explanation = ngettext(
            "{n} pair of organisations sharing a duty in a coming stage has no direct line.",
            "{n} pairs of organisations sharing a duty in a coming stage have no direct line.",
            n,
        )
        remedy = _("Introduce a counterpart on each side.")
    else:
        explanation = ngettext("{n} finding of this kind.", "{n} findings of this kind.", n)
        remedy = _("See each member.")
    return explanation.format(n=n), remedy


def flat(findings: list[Finding]) -> list[Finding]:
    """Grouped entries replaced by their members: one entry per finding, most severe first."""
    return sorted((m for f in findings for m in (f.members or [f])), key=Finding.sort_key)


def grouped(findings: list[Finding]) -> list[Finding]:
    """Two or more low findings with the same code become one entry with them as members."""
    by_code: dict[str, list[Finding]] = {}
    for f in findings:
        if f.severity == Severity.low:
            by_code.setdefault(f.code, []).append(f)
    out = [f for f in findings if f.severity != Severity.low or len(by_code[f.code]) < 2]
    for code, members in by_code.items():
        if len(members) < 2:
            continue
        members = sorted(members, key=Finding.sort_key)
        explanation, remedy = group_wording(code, len(members))
        own_stages = {m.stage.id if m.stage else None for m in members}
        out.append(
            Finding(
                code=code,
                severity=Severity.low,
                project=members[0].project,
                stage=members[0].stage if len(own_stages) == 1 else None,
                subjects=_union(s for m in members for s in m.subjects),
                explanation=explanation,
                remedy=remedy,
                stages=_in_order([m.stages for m in members]),
                members=members,
            )
        )
    return sorted(out, key=Finding.sort_key)


def _in_order(lists: list[list[Subject]]) -> list[Subject]:
    """The union of lists that are each in stage order, still in stage order."""
    after: dict[str, set[str]] = {}
    by_id: dict[str, Subject] = {}
    for subjects in lists:
        for i, subject in enumerate(subjects):
            by_id.setdefault(subject.id, subject)
            after.setdefault(subject.id, set()).update(s.id for s in subjects[:i])
    return [by_id[sid] for sid in TopologicalSorter(after).static_order()]


def _union(subjects: Iterable[Subject]) -> list[Subject]:
    seen: dict[tuple[str, str], Subject] = {}
    for subject in subjects:
        seen.setdefault((subject.kind, subject.id), subject)
    return list(seen.values())
