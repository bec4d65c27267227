"""``POST /api/v1/import/spreadsheet``: the spreadsheet import as an HTTP upload.

The same reader, checks and report as ``graphsvc import FILE.xlsx``, so a team can drop its
Excel file on the intranet and get the same row-level answer. The endpoint is a plain
``def``: reading a workbook and importing are CPU-bound and run in the thread pool.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from graphsvc.application.spreadsheet.convert import SpreadsheetError
from graphsvc.application.spreadsheet.read import read_files
from graphsvc.application.spreadsheet.report import (
    SpreadsheetReport,
    run_import,
    unreadable,
)
from graphsvc.domain.keys import Role
from graphsvc.web.access import principal_of
from graphsvc.web.errors import ProblemItem, error, responses

router = APIRouter(tags=["import"])


@router.post(
    "/api/v1/import/spreadsheet",
    response_model=SpreadsheetReport,
    responses=responses(401, 403, 422),
)
def import_spreadsheet(
    request: Request,
    files: list[UploadFile] = File(
        ..., description="one .xlsx workbook, or one or more .csv files (file stem = sheet)"
    ),
    dry_run: bool = Query(False, description="check and report only; write nothing"),
) -> Any:
    """Import a spreadsheet all-or-nothing (admin), or (``dry_run``) report what importing it
    would meet.

    The report lists errors (sheet, row, column), warnings and suspected duplicate
    contacts; duplicates and warnings never block the import. A dry run always answers with
    the report; an import with any error answers 422 naming each cell, and writes nothing.
    """
    principal = principal_of(request)
    principal.require(Role.admin)
    uploads = [(upload.filename or "upload", upload.file.read()) for upload in files]
    try:
        sheets = read_files(uploads)
    except SpreadsheetError as exc:
        report = unreadable(exc.issues, dry_run)
    else:
        report = run_import(request.app.state.store, sheets, dry_run, actor=principal.name)
    if report.errors and not dry_run:
        problems = [
            ProblemItem(location=issue.sheet or "upload", row=issue.row, field=issue.column, reason=issue.message)
            for issue in report.errors
        ]
        detail = f"spreadsheet rejected, {len(problems)} problem(s); nothing was written: " + "; ".join(
            str(issue) for issue in report.errors[:5]
        )
        return error(422, "invalid", detail, problems=problems)
    return report
