"""Per-project snapshots sliced in memory from one export of the whole store.

A portfolio scan needs every project's snapshot. Asking the store for each one is a
scope query plus one read per kind per project (on Neo4j, thousands of round trips, some
of them scans). Instead the scan reads each kind once and slices here, with the scope
rules of ``Store.project_scope``: the project, its stages, duties and assignments; the
organisations taking part; the people assigned there or working (now or earlier) at a
participating organisation; the links among those people, their earlier states, their
employers, and the interactions they took part in or that concern the project.
``tests/test_portfolio_slices.py`` checks the slices equal ``store.project_snapshot`` on
both stores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol, TypeVar

from graphsvc.domain.model import (
    Assignment,
    Contact,
    ContactPeriod,
    Interaction,
    Link,
    Organization,
    Project,
    Responsibility,
    Row,
    Stage,
)

_R = TypeVar("_R", bound=Row)


@dataclass
class Snapshot:
    """The rows one project's analysis needs, each kind sorted by id: what
    ``Store.project_snapshot`` returns, without building a pydantic Bundle around it."""

    organizations: list[Organization] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    contact_history: list[ContactPeriod] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    responsibilities: list[Responsibility] = field(default_factory=list)
    assignments: list[Assignment] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)


def _by_id(rows: Iterable[_R]) -> list[_R]:
    return sorted(rows, key=lambda row: row.id)


class Export(Protocol):
    """Any object with the bundle's arrays (a Bundle, a Snapshot)."""

    @property
    def organizations(self) -> Sequence[Organization]: ...
    @property
    def contacts(self) -> Sequence[Contact]: ...
    @property
    def contact_history(self) -> Sequence[ContactPeriod]: ...
    @property
    def projects(self) -> Sequence[Project]: ...
    @property
    def stages(self) -> Sequence[Stage]: ...
    @property
    def responsibilities(self) -> Sequence[Responsibility]: ...
    @property
    def assignments(self) -> Sequence[Assignment]: ...
    @property
    def links(self) -> Sequence[Link]: ...
    @property
    def interactions(self) -> Sequence[Interaction]: ...


class PortfolioIndex:
    """Indices over an export (any object with the bundle's arrays), built once."""

    def __init__(self, data: Export) -> None:
        self.projects: list[Project] = _by_id(data.projects)
        self.organizations = {o.id: o for o in data.organizations}
        self.contacts = {c.id: c for c in data.contacts}
        self.stages_of: dict[str, list[Stage]] = defaultdict(list)
        for stage in data.stages:
            self.stages_of[stage.project].append(stage)
        self.duties_of: dict[str, list[Responsibility]] = defaultdict(list)
        for duty in data.responsibilities:
            self.duties_of[duty.stage].append(duty)
        self.assigned_to: dict[str, list[Assignment]] = defaultdict(list)
        for assignment in data.assignments:
            self.assigned_to[assignment.responsibility].append(assignment)
        self.staff_of: dict[str, list[str]] = defaultdict(list)  # org -> contacts working there now
        for contact in data.contacts:
            if contact.org:
                self.staff_of[contact.org].append(contact.id)
        self.periods_of: dict[str, list[ContactPeriod]] = defaultdict(list)  # contact -> periods
        self.former_of: dict[str, list[str]] = defaultdict(list)  # org -> contacts with a period there
        for period in data.contact_history:
            self.periods_of[period.contact].append(period)
            if period.org:
                self.former_of[period.org].append(period.contact)
        self.links_from: dict[str, list[Link]] = defaultdict(list)
        for link in data.links:
            self.links_from[link.source].append(link)
        self.interactions_of: dict[str, list[Interaction]] = defaultdict(list)  # contact -> interactions
        self.about: dict[str, list[Interaction]] = defaultdict(list)  # project -> interactions
        for interaction in data.interactions:
            for participant in interaction.participants:
                self.interactions_of[participant].append(interaction)
            if interaction.project:
                self.about[interaction.project].append(interaction)

    def snapshot(self, project: Project) -> Snapshot:
        stages = self.stages_of.get(project.id, [])
        duties = [d for s in stages for d in self.duties_of.get(s.id, [])]
        assignments = [a for d in duties for a in self.assigned_to.get(d.id, [])]
        engaged = {part.org for part in project.organizations}
        people = {a.contact for a in assignments}
        for org in engaged:
            people.update(self.staff_of.get(org, ()))
            people.update(self.former_of.get(org, ()))
        people = {c for c in people if c in self.contacts}
        periods = [p for c in people for p in self.periods_of.get(c, ())]
        links = [link for c in people for link in self.links_from.get(c, ()) if link.target in people]
        interactions = {i.id: i for c in people for i in self.interactions_of.get(c, ())}
        interactions.update((i.id, i) for i in self.about.get(project.id, ()))
        orgs = set(engaged)
        orgs.update(employer for c in people if (employer := self.contacts[c].org) is not None)
        orgs.update(p.org for p in periods if p.org is not None)
        return Snapshot(
            organizations=_by_id(self.organizations[o] for o in orgs if o in self.organizations),
            contacts=_by_id(self.contacts[c] for c in people),
            contact_history=_by_id(periods),
            projects=[project],
            stages=_by_id(stages),
            responsibilities=_by_id(duties),
            assignments=_by_id(assignments),
            links=_by_id(links),
            interactions=_by_id(interactions.values()),
        )
