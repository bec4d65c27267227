"""``POST /api/v1/import/spreadsheet``: the spreadsheet import as an HTTP upload.

The same reader, checks and report as ``graphsvc import FILE.xlsx``, so a team can drop its
Excel file on the intranet and get the same row-level answer. The endpoint is a plain
``def``: reading a workbook and importing are CPU-bound and run in the thread pool.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import JSONResponse

from graphsvc.spreadsheet import SpreadsheetError
from graphsvc.spreadsheet_read import read_files
from graphsvc.spreadsheet_report import SpreadsheetReport, run_import, unreadable

router = APIRouter(tags=["import"])


def _actor(request: Request) -> str:
    """The audit trail's actor: the authenticated caller where the service sets one."""
    principal = getattr(request.state, "principal", None)
    return str(getattr(principal, "name", None) or "http")


@router.post(
    "/api/v1/import/spreadsheet",
    response_model=SpreadsheetReport,
    responses={422: {"model": SpreadsheetReport, "description": "errors located by sheet, row and column; nothing written"}},
)
def import_spreadsheet(
    request: Request,
    files: list[UploadFile] = File(..., description="one .xlsx workbook, or one or more .csv files (file stem = sheet)"),
    dry_run: bool = Query(False, description="check and report only; write nothing"),
) -> Any:
    """Import a spreadsheet all-or-nothing, or (``dry_run``) report what importing it would meet.

    The report lists errors (sheet, row, column), warnings and suspected duplicate
    contacts; duplicates and warnings never block the import. Any error: 422, nothing written.
    """
    uploads = [(upload.filename or "upload", upload.file.read()) for upload in files]
    try:
        sheets = read_files(uploads)
    except SpreadsheetError as exc:
        report = unreadable(exc.issues, dry_run)
    else:
        report = run_import(request.app.state.store, sheets, dry_run, actor=_actor(request))
    if report.errors:
        return JSONResponse(status_code=422, content=report.model_dump(mode="json"))
    return report
