"""Domain model: the rows of a bundle, one class per entity kind.

Every row has a caller-supplied stable ``id`` and references other rows by id, so each
kind maps one-to-one onto a spreadsheet sheet. Things that change over time carry
``valid_from``/``valid_to`` (half-open: valid on ``valid_from <= d < valid_to``) instead of
being overwritten, so the query layer can answer "as of date D".
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from enum import Enum
from typing import Annotated, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ref = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _utc(value: datetime) -> datetime:
    """Store every instant in UTC so both stores export the same text."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


UtcDatetime = Annotated[datetime, AfterValidator(_utc)]


class OrgKind(str, Enum):
    client = "client"
    design = "design"
    contractor = "contractor"
    supervisor = "supervisor"
    vendor = "vendor"
    regulator = "regulator"
    property = "property"
    internal = "internal"
    other = "other"


class ContactStatus(str, Enum):
    active = "active"
    on_leave = "on_leave"
    left = "left"


class StageStatus(str, Enum):
    planned = "planned"
    active = "active"
    done = "done"


class Raci(str, Enum):
    R = "R"
    A = "A"
    C = "C"
    I = "I"  # noqa: E741 - the RACI letter


class LinkKind(str, Enum):
    communicates = "communicates"
    reports_to = "reports_to"
    backup_for = "backup_for"


class Row(BaseModel):
    """Common base: strict about unknown fields so typos are reported, not dropped."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, str_strip_whitespace=True)

    id: NonEmpty
    #: fields holding ids of other rows: field name -> referenced kind
    references: ClassVar[dict[str, str]] = {}


class Organization(Row):
    name: NonEmpty
    kind: OrgKind = OrgKind.other
    notes: str = ""
    tags: list[str] = Field(default_factory=list)


class Contact(Row):
    """A person as they are now; earlier employers/titles/statuses live in ContactPeriod."""

    name: NonEmpty
    org: Ref | None = None
    title: str = ""
    status: ContactStatus = ContactStatus.active
    #: date since which org, title and status hold (None: since always)
    since: date | None = None
    emails: list[str] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    preferred_channel: str = ""
    language: str = ""
    tags: list[str] = Field(default_factory=list)
    notes: str = ""
    references: ClassVar[dict[str, str]] = {"org": "organizations"}


class ContactPeriod(Row):
    """A closed earlier state of a contact: employer, title and status during a period."""

    contact: Ref
    org: Ref | None = None
    title: str = ""
    status: ContactStatus = ContactStatus.active
    valid_from: date | None = None
    valid_to: date
    references: ClassVar[dict[str, str]] = {"contact": "contacts", "org": "organizations"}


class Participation(BaseModel):
    """An organisation taking part in a project, with its role there."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, str_strip_whitespace=True)

    org: Ref
    role: str = ""
    valid_from: date | None = None
    valid_to: date | None = None


class Project(Row):
    name: NonEmpty
    description: str = ""
    organizations: list[Participation] = Field(default_factory=list)

    @field_validator("organizations")
    @classmethod
    def _canonical_order(cls, value: list[Participation]) -> list[Participation]:
        """Participations are a set; a fixed order makes exports comparable."""
        return sorted(value, key=lambda p: (p.org, p.valid_from or date.min, p.role))


class Stage(Row):
    project: Ref
    name: NonEmpty
    order: int
    status: StageStatus = StageStatus.planned
    start: date | None = None
    end: date | None = None
    references: ClassVar[dict[str, str]] = {"project": "projects"}


class Responsibility(Row):
    stage: Ref
    name: NonEmpty
    description: str = ""
    references: ClassVar[dict[str, str]] = {"stage": "stages"}


class Assignment(Row):
    contact: Ref
    responsibility: Ref
    raci: Raci
    valid_from: date | None = None
    valid_to: date | None = None
    references: ClassVar[dict[str, str]] = {
        "contact": "contacts",
        "responsibility": "responsibilities",
    }


class Link(Row):
    """A directed tie: ``source`` communicates with / reports to / is the backup for ``target``."""

    source: Ref
    target: Ref
    kind: LinkKind
    #: only meaningful for ``communicates``
    last_contact: date | None = None
    weight: float = Field(default=1.0, gt=0)
    channel: str = ""
    valid_from: date | None = None
    valid_to: date | None = None
    references: ClassVar[dict[str, str]] = {"source": "contacts", "target": "contacts"}


class Interaction(Row):
    at: UtcDatetime
    participants: list[Ref] = Field(min_length=1)
    channel: str = ""
    summary: str = ""
    project: Ref | None = None
    references: ClassVar[dict[str, str]] = {"project": "projects"}

    @field_validator("participants")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("participants must be distinct contact ids")
        return sorted(value)


#: bundle array name -> row class, in dependency order (referenced kinds first)
KINDS: dict[str, type[Row]] = {
    "organizations": Organization,
    "contacts": Contact,
    "contact_history": ContactPeriod,
    "projects": Project,
    "stages": Stage,
    "responsibilities": Responsibility,
    "assignments": Assignment,
    "links": Link,
    "interactions": Interaction,
}
