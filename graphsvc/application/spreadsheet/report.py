"""The spreadsheet import: check everything, then commit once, and say so in the one
import report (``import_report``).

Errors are located as sheet / row / column / cell; warnings and suspected duplicates never
block the import. The commit is ``import_bundle`` (all-or-nothing), so a spreadsheet is
checked by exactly the rules a JSON bundle is.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from graphsvc.application.duplicate_report import SuspectedDuplicate, describe
from graphsvc.application.duplicates import Person, find_duplicates
from graphsvc.application.import_report import ImportReport, Issue, Source
from graphsvc.application.importer import import_bundle, keep_history, parse_against_with_warnings
from graphsvc.application.spreadsheet.convert import Conversion, Sheet, sheets_to_bundle
from graphsvc.domain.bundle import BundleError
from graphsvc.domain.model import Contact
from graphsvc.store.base import Store, TooLarge, read_as
from graphsvc.support.i18n import gettext as _


def unreadable(issues: list[Issue], dry_run: bool) -> ImportReport:
    """The report for input that could not even be read as sheets."""
    return ImportReport(ok=False, dry_run=dry_run, committed=False, errors=issues)


def source(sheet: Sheet) -> Source:
    """A sheet as the report lists it (a CSV file's sheet is its file, with its encoding)."""
    kind = "csv" if sheet.encoding is not None else "xlsx"
    return Source(file=sheet.source, format=kind, items=len(sheet.rows), sheet=sheet.name, encoding=sheet.encoding)


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
            warnings.append(Issue(location=sheet, row=number, reason=_("contact has no e-mail and no phone")))
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
    store: Store,
    sheets: list[Sheet],
    dry_run: bool,
    today: date | None = None,
    actor: str = "cli",
    commit_every: int | None = None,
) -> ImportReport:
    """Check the sheets against the store, and unless this is a dry run or wrong, commit them
    (``actor`` is recorded in the audit trail; ``commit_every``: in parts, see ``import_bundle``)."""
    today = today or date.today()
    conversion = sheets_to_bundle(sheets)
    stored = read_as(store, Contact)
    warnings, duplicates = review(conversion, stored)
    report = ImportReport(
        ok=True,
        dry_run=dry_run,
        committed=False,
        sources=[source(s) for s in sheets],
        counts=conversion.counts(),
        warnings=conversion.warnings + warnings,
        suspected_duplicates=duplicates,
    )
    if dry_run or conversion.errors:
        report.errors, found = checked(conversion, store, stored, today)
        report.warnings += found
    else:
        try:
            result = import_bundle(store, conversion.data, today, actor=actor, commit_every=commit_every)
        except BundleError as exc:
            report.errors = conversion.locate_all(exc.problems)
        except TooLarge as exc:
            report = report.too_large(exc)
        else:
            report.committed, report.history_added, report.commits = True, result.history_added, result.commits
            report.warnings += [conversion.locate(w) for w in result.warnings]
    report.ok = not report.errors
    return report
