"""``POST /api/v1/import/mail``: mailboxes, calendars and address books as an HTTP upload.

The same readers, matching and report as ``graphsvc import FILE.mbox``. Like the
spreadsheet upload it is for admin keys only: an import creates contacts and interactions
anywhere, which no scoped key's reach allows (and a scoped key must never widen its reach).
The upload's size is limited while it streams in (``upload_limit``); the number of
messages, meetings and cards by ``GRAPHSVC_IMPORT_MAX_ROWS``. A plain ``def``: reading and
importing are CPU-bound and run in the thread pool.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from graphsvc.application.error_body import ProblemItem
from graphsvc.application.import_report import ImportReport
from graphsvc.application.mail_import.run import default_window, read_uploads, run_import
from graphsvc.domain.keys import Role
from graphsvc.domain.model import Day
from graphsvc.support.i18n import gettext as _
from graphsvc.web.access import principal_of
from graphsvc.web.errors import error, import_refused, responses
from graphsvc.web.import_options import CommitEvery

router = APIRouter(tags=["import"])
MAIL_UPLOAD = "/api/v1/import/mail"
#: the query this endpoint reads (``lang``: the answer's language); a misspelt option
#: (``create_contact``) must not quietly import without it
QUERY_PARAMETERS = frozenset({"dry_run", "create_contacts", "subjects", "since", "until", "commit_every", "lang"})


@router.post(MAIL_UPLOAD, response_model=ImportReport, responses=responses(401, 403, 413, 422))
def import_mail(
    request: Request,
    files: list[UploadFile] = File(
        ..., description=".mbox or .eml files (headers only are read), .ics calendars, .vcf address books"
    ),
    dry_run: bool = Query(False, description="check and report only; write nothing"),
    create_contacts: bool = Query(False, description="create the suggested new contacts (unknown addresses)"),
    subjects: bool = Query(False, description="keep e-mail subjects and meeting titles as summaries"),
    since: Day | None = Query(None, description="expand recurring meetings from this day (default: a year ago)"),
    until: Day | None = Query(None, description="expand recurring meetings up to this day (default: 90 days ahead)"),
    commit_every: CommitEvery = None,
) -> Any:
    """Import e-mail headers, meetings and address cards all-or-nothing (admin), or
    (``dry_run``) report what importing them would do.

    People are matched to stored contacts by e-mail (case-insensitive) and phone; unknown
    addresses are suggested with their counts and created only with ``create_contacts``.
    Ids come from Message-ID and UID, so uploading the same files again changes nothing.
    Recurring meetings are expanded from a year before today to 90 days after it, or
    from ``since`` up to ``until``.

    A file that is not .mbox, .eml, .ics or .vcf, or an unknown query parameter, is 422,
    a dry run too; otherwise a dry run answers with the report.
    """
    principal = principal_of(request)
    principal.require(Role.admin)
    unknown = sorted(set(request.query_params) - QUERY_PARAMETERS)
    if unknown:
        items = [ProblemItem(location="query", field=name, reason=_("unknown query parameter")) for name in unknown]
        detail = _("unknown query parameter(s): {names}").format(names=", ".join(unknown))
        return error(422, "invalid", detail, problems=items)
    start, end = default_window(date.today())
    window = (since or start, until or end)
    if window[0] >= window[1]:
        reason = _("must be after since")
        return error(422, "invalid", reason, problems=[ProblemItem(location="query", field="until", reason=reason)])
    uploads = [(upload.filename or "upload", upload.file.read()) for upload in files]
    records, problems = read_uploads(uploads, window, subjects)
    if problems:  # files that are not mail at all: refused, a dry run too
        return import_refused(ImportReport(ok=False, dry_run=dry_run, committed=False, errors=problems))
    report = run_import(
        request.app.state.store,
        records,
        problems,
        dry_run=dry_run,
        create_contacts=create_contacts,
        actor=principal.name,
        max_items=request.app.state.limits.max_rows,
        commit_every=commit_every,
    )
    if report.errors and not dry_run:
        return import_refused(report)
    return report
