"""The spreadsheet import's report, and the import itself: check everything, then commit once.

One report shape for the dry run, a refused import and a committed one, shared by the CLI
(``--json``) and the HTTP upload: errors block the import and are located as sheet / row /
column; warnings and suspected duplicates never block it. The commit is ``import_bundle``
(all-or-nothing), so a spreadsheet is checked by exactly the rules a JSON bundle is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from graphsvc.application.duplicate_report import SuspectedDuplicate, describe
from graphsvc.application.duplicates import Person, find_duplicates
from graphsvc.application.importer import import_bundle, keep_history, parse_against_with_warnings
from graphsvc.application.spreadsheet.convert import (
    Conversion,
    Issue,
    Sheet,
    sheets_to_bundle,
)
from graphsvc.domain.bundle import BundleError
from graphsvc.domain.model import Contact
from graphsvc.store.base import Store, read_as
from graphsvc.support.i18n import gettext as _


class SheetInfo(BaseModel):
    sheet: str
    source: str
    rows: int = Field(description="data rows read (the header and empty rows not counted)")
    encoding: str | None = Field(None, description="how a CSV file was decoded")


class SpreadsheetReport(BaseModel):
    """What a spreadsheet holds, what is wrong with it, and whether it was written."""

    ok: bool = Field(description="no errors: the import can be (or was) committed")
    dry_run: bool
    committed: bool = Field(description="written to the store; never true for a dry run or with errors")
    sheets: list[SheetInfo] = []
    counts: dict[str, int] = Field({}, description="rows per bundle array found in the spreadsheet")
    errors: list[Issue] = []
    warnings: list[Issue] = []
    suspected_duplicates: list[SuspectedDuplicate] = []
    history_added: list[str] = Field([], description="earlier contact states kept as history on commit")


def unreadable(issues: list[Issue], dry_run: bool) -> SpreadsheetReport:
    """The report for input that could not even be read as sheets."""
    return SpreadsheetReport(ok=False, dry_run=dry_run, committed=False, errors=issues)


def _contact_rows(conversion: Conversion) -> list[tuple[dict[str, Any], int]]:
    """Each contact row of the file with its spreadsheet row number."""
    if "contacts" not in conversion.placed:
        return []
    return list(zip(conversion.data.get("contacts", []), conversion.placed["contacts"].rows))


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def review(conversion: Conversion, stored: list[Contact]) -> tuple[list[Issue], list[SuspectedDuplicate]]:
    """Warnings about contacts, and suspected duplicates in the file and against the store."""
    warnings: list[Issue] = []
    people: list[Person] = []
    sheet = conversion.placed["contacts"].sheet if "contacts" in conversion.placed else "contacts"
    for row, number in _contact_rows(conversion):
        if not _texts(row.get("emails")) and not _texts(row.get("phones")):
            warnings.append(Issue(sheet=sheet, row=number, message=_("contact has no e-mail and no phone")))
        if isinstance(row.get("id"), str) and isinstance(row.get("name"), str):
            people.append(
                Person(
                    row["id"], row["name"], _texts(row.get("phones")), _texts(row.get("emails")), handle=(sheet, number)
                )
            )
    in_file = {p.id for p in people}
    people += [
        Person(c.id, c.name, tuple(c.phones), tuple(c.emails), stored=True) for c in stored if c.id not in in_file
    ]
    return warnings, [describe(s) for s in find_duplicates(people)]


def checked(
    conversion: Conversion, store: Store, stored: list[Contact], today: date
) -> tuple[list[Issue], list[Issue]]:
    """Every error and warning the import would meet, located; without writing anything."""
    errors = list(conversion.errors)
    warnings: list[Issue] = []
    try:
        bundle, found = parse_against_with_warnings(store, conversion.data)
        warnings = [conversion.locate(w) for w in found]
        keep_history(bundle, {c.id: c for c in stored}, today)
    except BundleError as exc:
        errors += conversion.locate_all(exc.problems)
    return errors, warnings


def run_import(
    store: Store, sheets: list[Sheet], dry_run: bool, today: date | None = None, actor: str = "cli"
) -> SpreadsheetReport:
    """Check the sheets against the store, and unless this is a dry run or wrong, commit them
    (``actor`` is recorded in the audit trail)."""
    today = today or date.today()
    conversion = sheets_to_bundle(sheets)
    stored = read_as(store, Contact)
    warnings, duplicates = review(conversion, stored)
    report = SpreadsheetReport(
        ok=True,
        dry_run=dry_run,
        committed=False,
        sheets=[SheetInfo(sheet=s.name, source=s.source, rows=len(s.rows), encoding=s.encoding) for s in sheets],
        counts=conversion.counts(),
        warnings=conversion.warnings + warnings,
        suspected_duplicates=duplicates,
    )
    if dry_run or conversion.errors:
        report.errors, found = checked(conversion, store, stored, today)
        report.warnings += found
    else:
        try:
            result = import_bundle(store, conversion.data, today, actor=actor)
        except BundleError as exc:
            report.errors = conversion.locate_all(exc.problems)
        else:
            report.committed, report.history_added = True, result.history_added
            report.warnings += [conversion.locate(w) for w in result.warnings]
    report.ok = not report.errors
    return report
