"""The one report of every import (JSON bundle, xlsx, csv, mbox, eml, ics, vcf): one shape for a
dry run, a refused import and a committed one, shared by the CLI (``--json``) and the HTTP
uploads.

Errors block the import (nothing is written); warnings and suspected duplicates never do.
An error or warning is located as the 422 error body's problems are (``location``, ``row``,
``field``), plus the spreadsheet cell or the message / meeting / card it is about. Fields
that only one kind of input fills (``matched``, ``suggested_contacts``: mail and address
books) are empty for the others.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from graphsvc.application.duplicate_report import SuspectedDuplicate
from graphsvc.domain.bundle import Problem
from graphsvc.store.base import TooLarge
from graphsvc.support.i18n import gettext as _
from graphsvc.support.i18n import ngettext

#: the codes of mail items left out (``Issue.code``)
SKIP_CODES = (
    "duplicate, unknown_sender, fewer_than_two_known, no_sender, no_date, no_uid, no_start, no_name, id_taken, "
    "invalid, unreadable, too_frequent, too_many_occurrences"
)


class Issue(BaseModel):
    """One error or warning, located where the reader of that input looks for it."""

    location: str | None = Field(
        None, description="the sheet, the bundle array, or the file at fault; none for the input as a whole"
    )
    row: int | None = Field(None, description="the spreadsheet's row number, or the row's index in the bundle array")
    field: str | None = Field(None, description="the column or field at fault, dotted for nested fields")
    cell: str | None = Field(None, description="spreadsheets: the A1-style cell")
    item: str | None = Field(None, description="mail: the Message-ID, meeting UID or card the issue is about")
    code: str | None = Field(
        None, description=f"mail: why an item was left out ({SKIP_CODES}); too_large: the store refused the write"
    )
    reason: str

    def __str__(self) -> str:
        """The issue with its place, in the reader's language: "contacts, row 3, column emails: ..."."""
        if self.item is not None:
            return _("{source} {item}: {reason}").format(source=self.location or "", item=self.item, reason=self.reason)
        return self._place().format(sheet=self.location, row=self.row, column=self.field, message=self.reason)

    def _place(self) -> str:
        row, column = self.row is not None, bool(self.field)
        if self.location:
            if row and column:
                return _("{sheet}, row {row}, column {column}: {message}")
            if row:
                return _("{sheet}, row {row}: {message}")
            if column:
                return _("{sheet}, column {column}: {message}")
            return _("{sheet}: {message}")
        if row and column:
            return _("row {row}, column {column}: {message}")
        if row:
            return _("row {row}: {message}")
        if column:
            return _("column {column}: {message}")
        return "{message}"


def bundle_issue(problem: Problem) -> Issue:
    """A bundle's problem (array, index, field) as a report issue."""
    return Issue(location=problem.array, row=problem.index, field=problem.field, reason=problem.reason)


def _too_large_issue(exc: TooLarge) -> Issue:
    """The store refused the write as too large for one transaction: how to import it anyway
    (and, for an import in parts, that its earlier parts were written)."""
    if exc.written:
        advice = ngettext(
            "{count} earlier transaction of this import was written; import again with a smaller "
            "--commit-every (commit_every over HTTP) to write the rest",
            "{count} earlier transactions of this import were written; import again with a smaller "
            "--commit-every (commit_every over HTTP) to write the rest",
            exc.written,
        ).format(count=exc.written)
    else:
        advice = _(
            "write it in parts: --commit-every N on the command line, commit_every=N over HTTP (e.g. 10000 rows)"
        )
    return Issue(code="too_large", reason=f"{exc}; {advice}")


def bundle_text(issue: Issue) -> str:
    """A bundle's issue as its reader looks for it: ``contacts[3].name: ...`` (rows are indexes)."""
    return str(Problem(issue.location or "(bundle)", issue.row, issue.field, issue.reason))


class Source(BaseModel):
    """One file (or sheet) read."""

    file: str
    format: str = Field(description="json, xlsx, csv, mbox, eml, ics or vcf")
    items: int = Field(description="rows, messages, meetings (occurrences) or cards read")
    sheet: str | None = Field(None, description="spreadsheets: the sheet")
    encoding: str | None = Field(None, description="how a CSV file was decoded")


class Matched(BaseModel):
    """A stored contact that mail or an address book found by e-mail or phone."""

    contact: str = Field(description="the stored contact's id")
    name: str
    via: list[str] = Field(description="the e-mail addresses or phones that found it")
    items: int = Field(description="messages and meetings they took part in")


class Suggested(BaseModel):
    """An address no stored contact has: created only when asked (``create_contacts``)."""

    email: str | None
    phone: str | None = None
    name: str
    items: int = Field(description="messages and meetings the address took part in")
    id: str = Field(description="the id the contact gets when created")
    created: bool


class ImportReport(BaseModel):
    """What the input holds, what is wrong with it, and whether it was written."""

    ok: bool = Field(description="no errors: the import can be (or was) committed")
    dry_run: bool
    committed: bool = Field(description="written to the store; never true for a dry run or with errors")
    sources: list[Source] = []
    counts: dict[str, int] = Field({}, description="rows per bundle array the input gives (every array, 0 included)")
    errors: list[Issue] = Field([], description="what blocks the import: nothing was (or would be) written")
    warnings: list[Issue] = Field(
        [], description="what does not block it: rows or items left out, contacts without e-mail or phone"
    )
    suspected_duplicates: list[SuspectedDuplicate] = Field(
        [],
        description="contacts that may be one person, within the input or with a stored contact (同名不同号); "
        "an input row is located as in issues (mail: row = index in suggested_contacts)",
    )
    history_added: list[str] = Field([], description="earlier contact states kept as history on commit")
    commits: int = Field(
        0, description="the transactions the write took: 1, or more with commit_every; 0 when nothing was written"
    )
    matched: list[Matched] = Field([], description="mail and address books: stored contacts found")
    suggested_contacts: list[Suggested] = Field(
        [], description="mail and address books: unknown addresses, created only with create_contacts"
    )

    def refused(self, errors: list[Issue]) -> ImportReport:
        """This report with errors: nothing written."""
        return self.model_copy(update={"ok": False, "committed": False, "errors": [*self.errors, *errors]})

    def too_large(self, exc: TooLarge) -> ImportReport:
        """This report with the store's refusal of a transaction as too large, and the
        transactions of the import written before it (an import in parts)."""
        return self.refused([_too_large_issue(exc)]).model_copy(update={"commits": exc.written})
