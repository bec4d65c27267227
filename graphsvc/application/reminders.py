"""Reminders: "not contacted for N days", per project and per owner.

An **owner** is a person active on the day with an A or R assignment valid on the day in a
stage of the project that is not done (``ProjectView.all_owners``, the people the findings
judge). An owner's **working lines** are the ``communicates`` links, valid on the day,
between them and another active person: the edges of the project's working communication
graph that carry a ``communicates`` link (``build_view``). A line's last use is the edge's
``used`` date, i.e. ``view.line_used``: the later of the links' ``last_contact`` and the
latest logged interaction that used the line (``analysis.interactions``: an e-mail uses
the sender's lines to its recipients only; nothing after the day counts), the rule
``STALE_LINK`` uses too.

A reminder fires for each working line of each owner unused for more than N days (or never
recorded as used), and for each owner with no working line at all whose latest logged
interaction with anyone is older than N days or missing. A line between two owners gives
one reminder to each of them. Most overdue first: never used, then by days since.

``project_reminders`` is pure (a project snapshot and a day in, reminders out);
``reminders_report`` reads the snapshots from a store.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from graphsvc.analysis.findings import Subject
from graphsvc.analysis.view import ProjectView, build_view
from graphsvc.application.name_lookup import resolve
from graphsvc.domain.bundle import Bundle
from graphsvc.domain.defaults import REMINDER_DAYS
from graphsvc.domain.missing import no_such
from graphsvc.domain.model import Assignment, Contact, Responsibility, Stage
from graphsvc.store.base import NotFound, Store, read_as
from graphsvc.support.i18n import _, format_day
from graphsvc.support.text_width import COLUMNS, pad, truncate, width, wrap


class ReminderError(ValueError):
    """A bad option (days below 1, neither project nor owner); the message says which."""


class Person(BaseModel):
    id: str = Field(examples=["c-wang-jianguo"])
    name: str = Field(examples=["王建国"])
    org: Subject | None = Field(None, description="employer on the day")


class Duty(BaseModel):
    """A responsibility the owner holds on the day, with its stage."""

    id: str = Field(examples=["r-approve-design"])
    name: str = Field(examples=["审批设计变更 Approve design changes"])
    raci: Literal["A", "R"]
    stage: Subject
    phase: Literal["planned", "active", "done"] = Field(description="the stage's phase on the day")


class Reminder(BaseModel):
    project: Subject
    owner: Person
    other: Person | None = Field(
        description="the person at the other end of the line; null when the owner has no working line at all"
    )
    last_contact: date | None = Field(
        description="last use of the line (or, with no line, the owner's latest logged interaction); null = never"
    )
    days_since: int | None = Field(description="days from last_contact to as_of; null = never")
    links: list[str] = Field(description="ids of the communicates links behind the line")
    responsibilities: list[Duty] = Field(description="what the owner holds in the project on the day")
    stages: list[Subject] = Field(description="the stages of those responsibilities, in project order")
    message: str

    def sort_key(self) -> tuple[bool, int, str, str, str]:
        return (
            self.days_since is not None,
            -(self.days_since or 0),
            self.project.id,
            self.owner.id,
            self.other.id if self.other else "",
        )


_EXAMPLE: dict[str, Any] = {
    "as_of": "2026-11-22",
    "days": 14,
    "project": {"kind": "project", "id": "p-tower", "name": "Tower A"},
    "owner": None,
    "projects": [{"kind": "project", "id": "p-tower", "name": "Tower A"}],
    "count": 1,
    "reminders": [
        {
            "project": {"kind": "project", "id": "p-tower", "name": "Tower A"},
            "owner": {
                "id": "c-wang",
                "name": "王建国",
                "org": {"kind": "organization", "id": "o-design", "name": "华东设计院"},
            },
            "other": {
                "id": "c-li",
                "name": "李娜",
                "org": {"kind": "organization", "id": "o-build", "name": "Shanghai Builders Ltd"},
            },
            "last_contact": "2026-11-02",
            "days_since": 20,
            "links": ["l-7"],
            "responsibilities": [
                {
                    "id": "r-site",
                    "name": "Run the site",
                    "raci": "A",
                    "stage": {"kind": "stage", "id": "s-build", "name": "施工 Construction"},
                    "phase": "active",
                }
            ],
            "stages": [{"kind": "stage", "id": "s-build", "name": "施工 Construction"}],
            "message": "王建国 has not been in touch with 李娜 (Shanghai Builders Ltd) for 20 days "
            "(last 2026-11-02; limit 14).",
        }
    ],
}


class RemindersReport(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    as_of: date
    days: int = Field(description="a line unused for more than this many days fires")
    project: Subject | None = Field(description="the project asked about; null for an owner across projects")
    owner: Person | None = Field(description="the owner asked about, if any")
    projects: list[Subject] = Field(description="the projects looked at")
    count: int
    reminders: list[Reminder] = Field(description="most overdue first")


# -- pure -------------------------------------------------------------------------------------


def _person(view: ProjectView, cid: str) -> Person:
    org = view.org_of(cid)
    return Person(
        id=cid,
        name=view.name(cid),
        org=Subject(kind="organization", id=org, name=view.org_names.get(org, org)) if org else None,
    )


def _duties(view: ProjectView, cid: str) -> list[Duty]:
    out = []
    for stage in view.stages:
        phase = view.phase[stage.id]
        if phase == "done":
            continue
        for resp in view.responsibilities.get(stage.id, []):
            letters = {a.raci for a in view.assignments.get(resp.id, []) if a.contact == cid} & {"A", "R"}
            for letter in sorted(letters):
                out.append(
                    Duty(
                        id=resp.id,
                        name=resp.name,
                        raci=letter,
                        stage=Subject(kind="stage", id=stage.id, name=stage.name),
                        phase=phase,
                    )
                )
    return out


def _stages(duties: list[Duty]) -> list[Subject]:
    seen: dict[str, Subject] = {}
    for duty in duties:
        seen.setdefault(duty.stage.id, duty.stage)
    return list(seen.values())


def _who(person: Person) -> str:
    if person.org is None:
        return person.name
    return _("{person} ({organisation})").format(person=person.name, organisation=person.org.name)


def _days_error(days: int) -> ReminderError:
    return ReminderError(_("days must be at least 1, got {days}").format(days=days))


def view_reminders(view: ProjectView, days: int = REMINDER_DAYS, owner: str | None = None) -> list[Reminder]:
    """The reminders of one resolved project view."""
    if days < 1:
        raise _days_error(days)
    day = view.day
    project = Subject(kind="project", id=view.project.id, name=view.project.name)
    owners = [c for c in view.all_owners() if owner is None or c == owner]
    out: list[Reminder] = []
    for cid in owners:
        me = _person(view, cid)
        duties = _duties(view, cid)
        lines = [(other, data) for other, data in sorted(view.graph[cid].items()) if "communicates" in data["kinds"]]
        if not lines:
            # the owner's latest logged contact with anyone (the view's lines from the log)
            dates = [line.last for pair, line in view.derived.items() if cid in pair]
            latest = max(dates) if dates else None
            age = (day - latest).days if latest else None
            if age is not None and age <= days:
                continue
            if latest:
                message = _(
                    "{owner} has no working communication line in {project}; "
                    "last logged contact {day}, {days} days ago (limit {limit})."
                ).format(owner=me.name, project=project.name, day=format_day(latest), days=age, limit=days)
            else:
                message = _(
                    "{owner} has no working communication line in {project}; no logged contact at all (limit {limit})."
                ).format(owner=me.name, project=project.name, limit=days)
            out.append(
                Reminder(
                    project=project,
                    owner=me,
                    other=None,
                    last_contact=latest,
                    days_since=age,
                    links=[],
                    responsibilities=duties,
                    stages=_stages(duties),
                    message=message,
                )
            )
            continue
        for other, data in lines:
            used: date | None = data["used"]
            age = (day - used).days if used else None
            if age is not None and age <= days:
                continue
            them = _person(view, other)
            if used:
                message = _(
                    "{owner} has not been in touch with {other} for {days} days (last {day}; limit {limit})."
                ).format(owner=me.name, other=_who(them), days=age, day=format_day(used), limit=days)
            else:
                message = _("{owner} has never been recorded in touch with {other} (limit {limit}).").format(
                    owner=me.name, other=_who(them), limit=days
                )
            out.append(
                Reminder(
                    project=project,
                    owner=me,
                    other=them,
                    last_contact=used,
                    days_since=age,
                    links=sorted(data["communicates"]),
                    responsibilities=duties,
                    stages=_stages(duties),
                    message=message,
                )
            )
    out.sort(key=Reminder.sort_key)
    return out


def project_reminders(
    snapshot: Bundle, project_id: str, day: date, days: int = REMINDER_DAYS, owner: str | None = None
) -> list[Reminder]:
    """Reminders of one project as of ``day``: a pure function of its snapshot."""
    if days < 1:
        raise _days_error(days)
    return view_reminders(build_view(snapshot, project_id, day), days, owner)


# -- from a store -----------------------------------------------------------------------------


def _owner_projects(store: Store, contact_id: str, day: date) -> list[str]:
    """Projects in which the contact holds an A or R assignment valid on ``day`` or later (a
    planned stage is judged on its start: the view decides who owns what then)."""
    resp_ids = {
        a.responsibility
        for a in read_as(store, Assignment)
        if a.contact == contact_id and a.raci in ("A", "R") and (a.valid_to is None or day < a.valid_to)
    }
    if not resp_ids:
        return []
    stage_ids = {r.stage for r in read_as(store, Responsibility, resp_ids)}
    return sorted({s.project for s in read_as(store, Stage, stage_ids)})


def reminders_report(
    store: Store,
    project_id: str | None = None,
    owner: str | None = None,
    days: int = REMINDER_DAYS,
    as_of: date | None = None,
) -> RemindersReport:
    """Reminders of one project (optionally of one owner there), or of one owner across every
    project they own something in. Raises NotFound for an unknown project or contact,
    AmbiguousName for an owner's name that could be several people, and ReminderError for days below 1 or neither project nor owner given."""
    if days < 1:
        raise _days_error(days)
    if project_id is None and owner is None:
        raise ReminderError(_("give a project, an owner, or both"))
    day = as_of or date.today()
    contact = None
    if owner is not None:
        owner = resolve(store, owner, ("contact",))  # a name or its pinyin works too
        found = read_as(store, Contact, [owner])
        if not found:
            raise NotFound(no_such("contacts", owner))
        contact = found[0]
    if project_id is not None:
        project_ids = [project_id]
    else:
        assert owner is not None  # one of the two is given, checked above
        project_ids = _owner_projects(store, owner, day)
    projects: list[Subject] = []
    found_reminders: list[Reminder] = []
    owner_person: Person | None = None
    for pid in project_ids:
        snapshot = store.project_snapshot(pid)
        view = build_view(snapshot, pid, day)
        projects.append(Subject(kind="project", id=view.project.id, name=view.project.name))
        if owner is not None and owner_person is None and owner in view.contacts:
            owner_person = _person(view, owner)
        found_reminders.extend(view_reminders(view, days, owner))
    if contact is not None and owner_person is None:
        owner_person = Person(id=contact.id, name=contact.name, org=None)
    found_reminders.sort(key=Reminder.sort_key)
    return RemindersReport(
        as_of=day,
        days=days,
        project=projects[0] if project_id is not None else None,
        owner=owner_person,
        projects=projects,
        count=len(found_reminders),
        reminders=found_reminders,
    )


# -- text -------------------------------------------------------------------------------------


def _right(text: str, columns: int) -> str:
    return " " * max(0, columns - width(text)) + text


def reminders_text(report: RemindersReport) -> str:
    """A table for the terminal, two lines per reminder, at most ``COLUMNS`` wide."""
    day = report.as_of.isoformat()  # a table's heading: ISO, as its LAST column
    if report.project is not None and report.owner is not None:
        heading = _(
            "reminders for {project} ({project_id}), owner {owner} ({owner_id}), as of {day}: "
            "not in touch for more than {days} days"
        ).format(
            project=report.project.name,
            project_id=report.project.id,
            owner=report.owner.name,
            owner_id=report.owner.id,
            day=day,
            days=report.days,
        )
    elif report.project is not None:
        heading = _(
            "reminders for {project} ({project_id}), as of {day}: not in touch for more than {days} days"
        ).format(project=report.project.name, project_id=report.project.id, day=day, days=report.days)
    else:
        assert report.owner is not None
        heading = _(
            "reminders for {owner} ({owner_id}) in {count} project(s), as of {day}: "
            "not in touch for more than {days} days"
        ).format(
            owner=report.owner.name, owner_id=report.owner.id, count=len(report.projects), day=day, days=report.days
        )
    lines = [*wrap(heading), ""]
    if not report.reminders:
        lines.append(_("nothing overdue"))
        return "\n".join(lines)
    across = report.project is None
    lead = " " * 19
    columns = (
        _("PROJECT: OWNER → NOT IN TOUCH WITH (ORGANISATION)")
        if across
        else _("OWNER → NOT IN TOUCH WITH (ORGANISATION)")
    )
    lines.append(_right(_("DAYS"), 5) + "  " + pad(_("LAST"), 10) + "  " + columns)
    lines.append(lead + _("DUTIES"))
    for r in report.reminders:
        days = _("never") if r.days_since is None else str(r.days_since)
        other = _who(r.other) if r.other else _("(no working line)")
        line = _("{owner} → {other}").format(owner=r.owner.name, other=other)
        if across:
            line = _("{project}: {line}").format(project=r.project.name, line=line)
        last = str(r.last_contact or "—")
        lines.append(_right(days, 5) + "  " + pad(last, 10) + "  " + truncate(line, COLUMNS - len(lead)))
        duties = _("; ").join(
            _("{letter} {duty} ({stage})").format(letter=d.raci, duty=d.name, stage=d.stage.name)
            for d in r.responsibilities
        )
        lines += wrap(duties or _("(no duty on the day)"), lead)
    lines += [
        "",
        _("{count} reminder(s)").format(count=report.count),
    ]
    return "\n".join(lines)
