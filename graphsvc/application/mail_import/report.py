"""The report of a mailbox, calendar or address-book import: one shape for the dry run, a
refused import and a committed one, shared by the CLI (``--json``) and the HTTP upload."""

from __future__ import annotations

from pydantic import BaseModel, Field

from graphsvc.application.duplicate_report import SuspectedDuplicate


class SourceInfo(BaseModel):
    file: str
    format: str = Field(description="mbox, eml, ics or vcf")
    items: int = Field(description="messages, meetings (occurrences) or cards read")


class Matched(BaseModel):
    contact: str = Field(description="the stored contact's id")
    name: str
    via: list[str] = Field(description="the e-mail addresses or phones that found it")
    items: int = Field(description="messages and meetings they took part in")


class Suggested(BaseModel):
    """An address no stored contact has: created only with ``create_contacts``."""

    email: str | None
    phone: str | None = None
    name: str
    items: int = Field(description="messages and meetings the address took part in")
    id: str = Field(description="the id the contact gets when created")
    created: bool


class Skipped(BaseModel):
    source: str
    item: str
    code: str = Field(
        description="duplicate, unknown_sender, fewer_than_two_known, no_sender, no_date, no_uid, no_start, "
        "no_name, id_taken, invalid, unreadable, too_many_occurrences"
    )
    reason: str


class Problem(BaseModel):
    location: str
    reason: str


class MailImportReport(BaseModel):
    """What the files hold, who was found, who is new, what was left out, and whether it was written."""

    ok: bool = Field(description="no errors: the import can be (or was) committed")
    dry_run: bool
    committed: bool = Field(description="written to the store; never true for a dry run or with errors")
    sources: list[SourceInfo] = []
    counts: dict[str, int] = Field({}, description="rows per bundle array the files give")
    matched: list[Matched] = []
    suggested_contacts: list[Suggested] = []
    skipped: list[Skipped] = []
    suspected_duplicates: list[SuspectedDuplicate] = Field(
        [],
        description="suggested contacts that may be a stored one (同名不同号) or each other (row: index in suggested_contacts)",
    )
    errors: list[Problem] = []
