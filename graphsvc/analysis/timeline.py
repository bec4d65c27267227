"""Who was where, in which state, on a given day: the "as of" rules every finding uses.

Periods are half-open: a row with ``valid_from``/``valid_to`` holds on
``valid_from <= day < valid_to``; a missing bound is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from graphsvc.domain.model import Contact, ContactPeriod, Project, Stage


def valid_on(row: object, day: date) -> bool:
    start = getattr(row, "valid_from", None)
    end = getattr(row, "valid_to", None)
    return (start is None or start <= day) and (end is None or day < end)


@dataclass(frozen=True)
class ContactState:
    """A contact's employer, title and status on one day."""

    org: str | None
    title: str
    status: str

    @property
    def active(self) -> bool:
        return self.status == "active"

    @property
    def phrase(self) -> str:
        """The status as it reads in a sentence: "has left", "is on leave", "is active"."""
        return {"left": "has left", "on_leave": "is on leave"}.get(self.status, "is active")


def contact_state(contact: Contact, periods: list[ContactPeriod], day: date) -> ContactState:
    """The earlier period covering ``day`` if there is one, else the current row."""
    for period in periods:
        if valid_on(period, day):
            return ContactState(period.org, period.title, period.status)
    return ContactState(contact.org, contact.title, contact.status)


def engaged_orgs(project: Project, day: date) -> set[str]:
    """Organisations taking part in the project on ``day``."""
    return {part.org for part in project.organizations if valid_on(part, day)}


def stage_time(stage: Stage, day: date) -> date:
    """The day a stage's duties are judged on, seen from ``day``: an active stage today; a
    planned one the day it starts (today when it has no start or has started); a done one
    its last day (today when it has no end)."""
    phase = stage_phase(stage, day)
    if phase == "planned" and stage.start is not None and stage.start > day:
        return stage.start
    if phase == "done" and stage.end is not None and stage.end < day:
        return stage.end
    return day


def stage_last_day(stage: Stage, day: date) -> date:
    """The day the outgoing side of a handover is read on: the stage's end, else its time."""
    return stage.end if stage.end is not None else stage_time(stage, day)


def stage_phase(stage: Stage, day: date) -> str:
    """planned, active or done on ``day``: dates win where they are set, status otherwise."""
    if stage.end is not None and stage.end < day:
        return "done"
    if stage.start is not None and day < stage.start:
        return "planned"
    if stage.status == "done" and stage.end is not None:
        return "active"  # marked done, but its end date is still ahead of ``day``
    return stage.status
