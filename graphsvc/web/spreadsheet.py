"""``POST /api/v1/import/spreadsheet``: the spreadsheet import as an HTTP upload.

The same reader, checks and report as ``graphsvc import FILE.xlsx``, so a team can drop its
Excel file on the intranet and get the same row-level answer. The endpoint is a plain
``def``: reading a workbook and importing are CPU-bound and run in the thread pool, so the
event loop keeps answering (and a stop signal is heard) while a workbook is read; the
import limits (``app.state.limits``) bound how long that takes. The upload's size is
limited before the endpoint runs, while it streams in (``upload_limit``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile
from pydantic import AfterValidator

from graphsvc.application.import_report import ImportReport
from graphsvc.application.spreadsheet.convert import SpreadsheetError
from graphsvc.application.spreadsheet.read import read_files, text_encoding
from graphsvc.application.spreadsheet.report import run_import, unreadable
from graphsvc.domain.keys import Role
from graphsvc.web.access import principal_of
from graphsvc.web.errors import import_refused, responses
from graphsvc.web.import_options import CommitEvery

router = APIRouter(tags=["import"])
SPREADSHEET_UPLOAD = "/api/v1/import/spreadsheet"
#: the paths whose request bodies GRAPHSVC_UPLOAD_MAX_BYTES limits
UPLOAD_PATHS = frozenset({SPREADSHEET_UPLOAD})


def _known_encoding(value: str | None) -> str | None:
    """A text encoding Python knows, by its canonical name; refused (422 naming it) otherwise,
    checked with the other parameters so the answer names every problem at once."""
    return None if value is None else text_encoding(value)


@router.post(
    SPREADSHEET_UPLOAD,
    response_model=ImportReport,
    responses=responses(401, 403, 413, 422),
)
def import_spreadsheet(
    request: Request,
    files: list[UploadFile] = File(
        ..., description="one .xlsx workbook, or one or more .csv files (file stem = sheet)"
    ),
    dry_run: bool = Query(False, description="check and report only; write nothing"),
    commit_every: CommitEvery = None,
    encoding: Annotated[
        str | None,
        AfterValidator(_known_encoding),
        Query(
            description="the CSV files' text encoding (e.g. cp1252, shift_jis); default: UTF-8, UTF-16 with BOM, "
            "or Chinese GB18030; a file that reads as none of them is refused naming this parameter",
        ),
    ] = None,
) -> Any:
    """Import a spreadsheet all-or-nothing (admin), or (``dry_run``) report what importing it
    would meet.

    Over a limit (settings): an upload larger than ``GRAPHSVC_UPLOAD_MAX_BYTES`` is 413; a
    workbook unpacking past ``GRAPHSVC_UPLOAD_MAX_UNCOMPRESSED_BYTES``, more rows than
    ``GRAPHSVC_IMPORT_MAX_ROWS`` or a cell longer than ``GRAPHSVC_IMPORT_MAX_CELL_CHARS`` is
    an error of the report (422), as is a damaged or hostile workbook.

    The report lists errors (sheet, row, column), warnings and suspected duplicate
    contacts; duplicates and warnings never block the import. A dry run always answers with
    the report; an import with any error answers 422 naming each cell, and writes nothing.
    """
    principal = principal_of(request)
    principal.require(Role.admin)
    uploads = [(upload.filename or "upload", upload.file.read()) for upload in files]
    try:
        sheets = read_files(uploads, limits=request.app.state.limits, encoding=encoding)
    except SpreadsheetError as exc:
        report = unreadable(exc.issues, dry_run)
    else:
        report = run_import(request.app.state.store, sheets, dry_run, actor=principal.name, commit_every=commit_every)
    if report.errors and not dry_run:
        return import_refused(report)
    return report
