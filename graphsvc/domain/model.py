"""Domain model: the rows of a bundle, one class per entity kind.

Every row has a caller-supplied stable ``id`` and references other rows by id, so each
kind maps one-to-one onto a spreadsheet sheet. Things that change over time carry
``valid_from``/``valid_to`` (half-open: valid on ``valid_from <= d < valid_to``) instead of
being overwritten, so the query layer can answer "as of date D".
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from enum import Enum
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from graphsvc.support.i18n import _

#: Limits of what a row may hold (the README's bundle section lists them): both stores
#: keep anything within them, an index entry included, and exports stay well-formed.
MAX_ID = 200
MAX_LINE = 500  # names, titles, channels, roles, list items
MAX_TEXT = 10_000  # notes, summary, description
MAX_ITEMS = 100  # tags, e-mails, phones
MAX_MEMBERS = 1_000  # a project's organisations, an interaction's participants
MIN_YEAR, MAX_YEAR = 1900, 2999
MAX_OFFSET = timedelta(hours=14)  # the widest UTC offset in use (Kiribati)
MAX_ORDER = 1_000_000
MAX_WEIGHT = 1e9

#: C0 controls but tab, line feed and carriage return; DEL and C1 controls; lone
#: surrogates and the non-characters U+FFFE/U+FFFF: XML 1.0 cannot hold most of them, no
#: one types them, and a lone surrogate cannot even be written as UTF-8
_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
#: in ids and references, tab and line breaks too
_CONTROLS_IN_ID = r"\x00-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
_CONTROL = re.compile(f"[{_CONTROLS}]")
_CONTROL_IN_ID = re.compile(f"[{_CONTROLS_IN_ID}]")
#: the same rules in the JSON Schema (the OpenAPI document, ``graphsvc schema``)
_TEXT_SCHEMA = Field(json_schema_extra={"pattern": f"^[^{_CONTROLS}]*$"})
_ID_SCHEMA = Field(json_schema_extra={"pattern": f"^[^{_CONTROLS_IN_ID}]*$"})


def _no_control(value: str) -> str:
    found = _CONTROL.search(value)
    if found:
        raise ValueError(
            _("must not contain control character U+{code} (at {position}); tab and line breaks are allowed").format(
                code=f"{ord(found.group()):04X}", position=found.start()
            )
        )
    return value


def _no_control_in_id(value: str) -> str:
    found = _CONTROL_IN_ID.search(value)
    if found:
        raise ValueError(
            _("must not contain control character U+{code} (at {position})").format(
                code=f"{ord(found.group()):04X}", position=found.start()
            )
        )
    return value


#: one line of text: a title, a channel, a role, a list item
Line = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_LINE), AfterValidator(_no_control), _TEXT_SCHEMA
]
#: free text: notes, a summary, a description
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=MAX_TEXT), AfterValidator(_no_control), _TEXT_SCHEMA
]
NonEmpty = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_LINE),
    AfterValidator(_no_control),
    _TEXT_SCHEMA,
]
Ref = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ID),
    AfterValidator(_no_control_in_id),
    _ID_SCHEMA,
]
#: a list of short texts (tags, e-mails, phones)
Items = Annotated[list[Line], Field(max_length=MAX_ITEMS)]
#: a stage's position in its project: an integer, never a string or a boolean
Order = Annotated[int, Strict(), Field(ge=0, le=MAX_ORDER)]
#: a finite positive number (an integer is fine), never a string or a boolean
Weight = Annotated[float, Strict(), Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)]


def _in_years(value: date) -> None:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(_("year must be between {first} and {last}").format(first=MIN_YEAR, last=MAX_YEAR))


def _utc(value: datetime) -> datetime:
    """Store every instant in UTC so both stores export the same text; an offset or year
    out of range is refused first (9999-12-31T23:59:59-23:59 would overflow)."""
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_OFFSET:
        raise ValueError(_("UTC offset must be within -14:00 and +14:00"))
    _in_years(value)
    utc = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    _in_years(utc)
    return utc


def _iso_instant(value: Any) -> Any:
    """Lax parsing would take a number as a Unix timestamp (``"at": 0`` = 1970-01-01)."""
    if isinstance(value, (datetime, str)):
        return value  # pydantic checks that it is a real date-time
    raise ValueError(_("expected a date-time as ISO 8601 text, such as 2026-11-20T09:30:00+08:00"))


#: an instant, ISO 8601 text (documented as ``format: date-time``), kept in UTC
UtcDatetime = Annotated[datetime, BeforeValidator(_iso_instant), AfterValidator(_utc)]

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    """Lax date parsing would take a number as a Unix timestamp (``0`` = 1970-01-01)."""
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.fullmatch(value.strip())):
        return value  # pydantic checks that it is a real day
    raise ValueError(_("expected a day as YYYY-MM-DD"))


def _day_in_range(value: date) -> date:
    _in_years(value)
    return value


#: a calendar day, ``YYYY-MM-DD`` (documented as ``format: date``)
Day = Annotated[date, BeforeValidator(_iso_day), AfterValidator(_day_in_range)]


def _addressable(value: str) -> str:
    """Every row is reachable at ``/api/v1/<kind>/{id}``: a '/' or a '.'/'..' id could not be."""
    if "/" in value or value in (".", ".."):
        raise ValueError(_("must work as a URL path segment: no '/', and not '.' or '..'"))
    return value


Id = Annotated[Ref, AfterValidator(_addressable)]


def derived_id(base: str, suffix: str) -> str:
    """An id made from another (a contact period ``<contact>@<day>``, a continued line
    ``<link>@<day>-2``), kept within MAX_ID: a long base is cut and a digest of it added, so
    that two bases still give two ids."""
    if len(base) + len(suffix) <= MAX_ID:
        return base + suffix
    digest = hashlib.sha256(base.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{base[: MAX_ID - len(suffix) - len(digest) - 1]}~{digest}{suffix}"


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

    id: Id
    #: fields holding ids of other rows: field name -> referenced kind
    references: ClassVar[dict[str, str]] = {}


class Organization(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "org-bafang-construction",
                    "name": "浙江八方建设集团有限公司",
                    "kind": "contractor",
                    "notes": "施工总承包 / general contractor",
                    "tags": ["tier-1"],
                }
            ]
        }
    )

    name: NonEmpty
    kind: OrgKind = OrgKind.other
    notes: Text = ""
    tags: Items = Field(default_factory=list)


class Contact(Row):
    """A person as they are now; earlier employers/titles/statuses live in ContactPeriod."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c-zhao-zhiqiang",
                    "name": "赵志强",
                    "org": "org-bafang-construction",
                    "title": "项目经理 Project Manager",
                    "status": "active",
                    "emails": ["zhaozq@bafang.example.cn"],
                    "phones": ["+86 135 0000 4001"],
                    "preferred_channel": "wechat",
                    "language": "zh",
                    "tags": ["management"],
                }
            ]
        }
    )

    name: NonEmpty
    org: Ref | None = None
    title: Line = ""
    status: ContactStatus = ContactStatus.active
    #: date since which org, title and status hold (None: since always)
    since: Day | None = None
    emails: Items = Field(default_factory=list)
    phones: Items = Field(default_factory=list)
    preferred_channel: Line = ""
    language: Line = ""
    tags: Items = Field(default_factory=list)
    notes: Text = ""
    references: ClassVar[dict[str, str]] = {"org": "organizations"}


class ContactPeriod(Row):
    """A closed earlier state of a contact: employer, title and status during a period."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "c-li-na@2025-07-01",
                    "contact": "c-li-na",
                    "org": "org-lanshan-design",
                    "title": "建筑师 Architect",
                    "valid_from": "2019-07-01",
                    "valid_to": "2025-07-01",
                }
            ]
        }
    )

    contact: Ref
    org: Ref | None = None
    title: Line = ""
    status: ContactStatus = ContactStatus.active
    valid_from: Day | None = None
    valid_to: Day
    references: ClassVar[dict[str, str]] = {"contact": "contacts", "org": "organizations"}


class Participation(BaseModel):
    """An organisation taking part in a project, with its role there."""

    model_config = ConfigDict(extra="forbid", use_enum_values=True, str_strip_whitespace=True)

    org: Ref
    role: Line = ""
    valid_from: Day | None = None
    valid_to: Day | None = None


class Project(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pd-yunting-complex",
                    "name": "云庭·滨江综合体 Yunting Binjiang Complex",
                    "organizations": [
                        {
                            "org": "org-bafang-construction",
                            "role": "施工总承包 General contractor",
                            "valid_from": "2026-03-20",
                        }
                    ],
                }
            ]
        }
    )

    name: NonEmpty
    description: Text = ""
    organizations: list[Participation] = Field(default_factory=list, max_length=MAX_MEMBERS)

    @field_validator("organizations")
    @classmethod
    def _canonical_order(cls, value: list[Participation]) -> list[Participation]:
        """Participations are a set; a fixed order makes exports comparable."""
        return sorted(value, key=lambda p: (p.org, p.valid_from or date.min, p.role))


class Stage(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pd-stage-construction",
                    "project": "pd-yunting-complex",
                    "name": "施工 Construction",
                    "order": 4,
                    "status": "active",
                    "start": "2026-04-01",
                }
            ]
        }
    )

    project: Ref
    name: NonEmpty
    order: Order
    status: StageStatus = StageStatus.planned
    start: Day | None = None
    end: Day | None = None
    references: ClassVar[dict[str, str]] = {"project": "projects"}


class Responsibility(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pd-r-site-safety",
                    "stage": "pd-stage-construction",
                    "name": "现场安全 Site safety",
                    "description": "daily inspections",
                }
            ]
        }
    )

    stage: Ref
    name: NonEmpty
    description: Text = ""
    references: ClassVar[dict[str, str]] = {"stage": "stages"}


class Assignment(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pd-a-101",
                    "contact": "c-zhao-zhiqiang",
                    "responsibility": "pd-r-site-safety",
                    "raci": "A",
                    "valid_from": "2026-04-01",
                }
            ]
        }
    )

    contact: Ref
    responsibility: Ref
    raci: Raci
    valid_from: Day | None = None
    valid_to: Day | None = None
    references: ClassVar[dict[str, str]] = {
        "contact": "contacts",
        "responsibility": "responsibilities",
    }


class Link(Row):
    """A directed tie: ``source`` communicates with / reports to / is the backup for ``target``."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pd-l-201",
                    "source": "c-zhao-zhiqiang",
                    "target": "c-wang-jianguo",
                    "kind": "communicates",
                    "last_contact": "2026-11-20",
                    "weight": 3,
                    "channel": "wechat",
                }
            ]
        }
    )

    source: Ref
    target: Ref
    kind: LinkKind
    #: only meaningful for ``communicates``
    last_contact: Day | None = None
    weight: Weight = 1.0
    channel: Line = ""
    valid_from: Day | None = None
    valid_to: Day | None = None
    references: ClassVar[dict[str, str]] = {"source": "contacts", "target": "contacts"}


#: channels read as e-mail (compared without case and surrounding spaces)
EMAIL_CHANNELS = frozenset({"email", "e-mail", "mail"})


def is_email_channel(channel: object) -> bool:
    return isinstance(channel, str) and channel.strip().casefold() in EMAIL_CHANNELS


class Interaction(Row):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "pd-i-050",
                    "at": "2026-11-20T09:30:00+08:00",
                    "participants": ["c-zhao-zhiqiang", "c-wang-jianguo"],
                    "channel": "meeting",
                    "summary": "周例会 weekly site meeting",
                    "project": "pd-yunting-complex",
                    "sender": "c-zhao-zhiqiang",
                }
            ]
        }
    )

    at: UtcDatetime
    participants: list[Ref] = Field(min_length=1, max_length=MAX_MEMBERS)
    channel: Line = ""
    summary: Text = ""
    project: Ref | None = None
    #: who sent it (an e-mail) or organised it (a meeting): one of the participants; an
    #: e-mail given without one is sent by its first participant as given (set here, before
    #: the participants are put in id order)
    sender: Ref | None = None
    references: ClassVar[dict[str, str]] = {"project": "projects"}

    @model_validator(mode="before")
    @classmethod
    def _sender_of_an_email(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("sender") is None and is_email_channel(data.get("channel")):
            people = data.get("participants")
            if isinstance(people, list) and people and isinstance(people[0], str):
                return {**data, "sender": people[0]}
        return data

    @property
    def is_email(self) -> bool:
        return is_email_channel(self.channel)

    @field_validator("participants")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError(_("participants must be distinct contact ids"))
        return sorted(value)

    @field_validator("sender")
    @classmethod
    def _participates(cls, value: str | None, info: ValidationInfo) -> str | None:
        participants = info.data.get("participants")
        if value is not None and participants is not None and value not in participants:
            raise ValueError(not_a_participant(value))
        return value


def not_a_participant(sender: str) -> str:
    """Why an interaction's ``sender`` is refused."""
    return _("the sender {sender!r} must be one of the participants").format(sender=sender)


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
