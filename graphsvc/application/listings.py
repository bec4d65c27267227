"""Projects and people to look up, for someone who does not know the ids yet: the
projects with the stage active on a day and their sizes, contacts filtered by
organisation, project, status and text, and one contact's card (details, duties, lines).

Everything is read through the store given: a key's scoped view lists only what is in
its reach, and an outside id is as unknown as a missing one.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from graphsvc.analysis.findings import Subject
from graphsvc.analysis.timeline import engaged_orgs, stage_phase
from graphsvc.application.name_lookup import folded, mentions, plain_query, resolve
from graphsvc.domain.missing import no_such
from graphsvc.domain.model import (
    Assignment,
    Contact,
    ContactStatus,
    Link,
    Organization,
    Project,
    Responsibility,
    Stage,
)
from graphsvc.store.base import NotFound, Store, read_as


class ProjectRow(BaseModel):
    project: Subject
    active_stages: list[Subject] = Field(description="the stages active on the day, in order")
    stages: int
    organizations: int = Field(description="organisations taking part on the day")
    people: int = Field(description="people in the project's scope (assigned, or at a taking-part organisation)")
    responsibilities: int


class ContactRow(BaseModel):
    id: str
    name: str
    org: Subject | None
    title: str
    status: ContactStatus
    preferred_channel: str
    emails: list[str]
    phones: list[str]


class HeldDuty(BaseModel):
    """An assignment of the contact not ended before the day."""

    project: Subject
    stage: Subject
    responsibility: Subject
    raci: str
    phase: str = Field(description="the stage's phase on the day: planned, active or done")
    valid_from: date | None
    valid_to: date | None


class Line(BaseModel):
    """A link of the contact not ended before the day."""

    id: str
    kind: str
    outgoing: bool = Field(description="the contact is the link's source (reports to / is backup for the other)")
    other: ContactRow
    channel: str
    last_contact: date | None
    valid_from: date | None
    valid_to: date | None


class ContactCard(BaseModel):
    as_of: date
    contact: ContactRow
    language: str
    notes: str
    tags: list[str]
    duties: list[HeldDuty] = Field(description="by project, then stage order")
    lines: list[Line] = Field(description="by the other person's name")


def _subject(kind: str, row: Project | Stage | Responsibility | Organization | Contact) -> Subject:
    return Subject(kind=kind, id=row.id, name=row.name)


def _open(row: Assignment | Link, day: date) -> bool:
    return row.valid_to is None or day < row.valid_to


def project_rows(store: Store, day: date) -> list[ProjectRow]:
    """Every project (in reach), by name, with the stages active on ``day`` and its sizes."""
    out = []
    for project in read_as(store, Project):
        scope = store.project_scope(project.id)
        stages = sorted(read_as(store, Stage, scope.get("stages", set())), key=lambda s: s.order)
        out.append(
            ProjectRow(
                project=_subject("project", project),
                active_stages=[_subject("stage", s) for s in stages if stage_phase(s, day) == "active"],
                stages=len(stages),
                organizations=len(engaged_orgs(project, day)),
                people=len(scope.get("contacts", set())),
                responsibilities=len(scope.get("responsibilities", set())),
            )
        )
    return sorted(out, key=lambda row: (row.project.name, row.project.id))


def _rows(store: Store, contacts: list[Contact]) -> list[ContactRow]:
    orgs = {o.id: o for o in read_as(store, Organization, {c.org for c in contacts if c.org})}
    return [
        ContactRow(
            id=c.id,
            name=c.name,
            org=_subject("organization", orgs[c.org]) if c.org in orgs else None,
            title=c.title,
            status=c.status,
            preferred_channel=c.preferred_channel,
            emails=list(c.emails),
            phones=list(c.phones),
        )
        for c in contacts
    ]


def _has_text(contact: Contact, text: str) -> bool:
    """``text`` in the name, title or an e-mail (case and accents ignored), or the name
    spelt in pinyin (``wjg``, ``wang``)."""
    seen = " ".join([contact.name, contact.title, *contact.emails])
    if text.casefold() in seen.casefold():
        return True
    if not plain_query(text):  # symbols typed: only as written (above)
        return False
    plain = folded(text)
    return bool(plain) and plain in folded(seen) or mentions(contact.name, text)


def contact_rows(
    store: Store,
    org: str | None = None,
    project: str | None = None,
    status: ContactStatus | None = None,
    text: str | None = None,
) -> list[ContactRow]:
    """Contacts matching every filter given, by name: employed by ``org`` (id or name), in
    ``project``'s scope, of ``status``, with ``text`` in their name, title or an e-mail
    (case and accents ignored) or spelling their name in pinyin (``wjg``, ``wangjianguo``).
    Raises NotFound for an unknown organisation or project, AmbiguousName for an
    organisation's name that could be several."""
    if org is not None:
        org = resolve(store, org, ("organization",))
    if org is not None and not read_as(store, Organization, [org]):
        raise NotFound(no_such("organizations", org))
    ids = store.project_scope(project).get("contacts", set()) if project is not None else None
    contacts = read_as(store, Contact, ids)
    contacts = [
        c
        for c in contacts
        if (org is None or c.org == org) and (status is None or c.status == status) and (not text or _has_text(c, text))
    ]
    return _rows(store, sorted(contacts, key=lambda c: (c.name, c.id)))


def contact_card(store: Store, contact_id: str, day: date) -> ContactCard:
    """One contact's details, the duties they hold and the lines they have, as of ``day``
    (``contact_id`` may also be a name or its pinyin). Raises NotFound for an unknown
    contact, AmbiguousName for a name that could be several people."""
    contact_id = resolve(store, contact_id, ("contact",))
    found = read_as(store, Contact, [contact_id])
    if not found:
        raise NotFound(no_such("contacts", contact_id))
    contact = found[0]
    referring = store.referrers("contacts", {contact_id})
    assignments = [a for a in read_as(store, Assignment, referring.get("assignments", set())) if _open(a, day)]
    duties = {r.id: r for r in read_as(store, Responsibility, {a.responsibility for a in assignments})}
    stages = {s.id: s for s in read_as(store, Stage, {r.stage for r in duties.values()})}
    projects = {p.id: p for p in read_as(store, Project, {s.project for s in stages.values()})}
    held = []
    for a in assignments:
        duty = duties.get(a.responsibility)
        stage = stages.get(duty.stage) if duty else None
        project = projects.get(stage.project) if stage else None
        if duty is None or stage is None or project is None:
            continue  # outside the reader's reach
        held.append(
            (
                (project.name, project.id, stage.order, duty.name, a.raci),
                HeldDuty(
                    project=_subject("project", project),
                    stage=_subject("stage", stage),
                    responsibility=_subject("responsibility", duty),
                    raci=a.raci,
                    phase=stage_phase(stage, day),
                    valid_from=a.valid_from,
                    valid_to=a.valid_to,
                ),
            )
        )
    links = [link for link in read_as(store, Link, referring.get("links", set())) if _open(link, day)]
    others = {
        row.id: row
        for row in _rows(
            store,
            read_as(store, Contact, {link.target if link.source == contact_id else link.source for link in links}),
        )
    }
    lines = [
        Line(
            id=link.id,
            kind=link.kind,
            outgoing=link.source == contact_id,
            other=others[other],
            channel=link.channel,
            last_contact=link.last_contact,
            valid_from=link.valid_from,
            valid_to=link.valid_to,
        )
        for link in links
        if (other := link.target if link.source == contact_id else link.source) in others
    ]
    return ContactCard(
        as_of=day,
        contact=_rows(store, [contact])[0],
        language=contact.language,
        notes=contact.notes,
        tags=list(contact.tags),
        duties=[duty for _, duty in sorted(held, key=lambda pair: pair[0])],
        lines=sorted(lines, key=lambda line: (line.other.name, line.other.id, line.kind, line.id)),
    )
