"""``graphsvc import`` for spreadsheets: one .xlsx, .csv files, or a directory of .csv files.

``cli/data.py`` only decides which one a command line means (``is_spreadsheet``). The report goes to stdout
(``--json``: the same JSON as the HTTP upload), errors and the progress bar to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from graphsvc.cli.common import EXIT_BAD_INPUT, announce_checking, error, fail
from graphsvc.cli.common import actor as cli_actor
from graphsvc.cli.import_output import progress, show
from graphsvc.support.i18n import gettext as _

if TYPE_CHECKING:
    from graphsvc.application.import_report import ImportReport
    from graphsvc.store.base import Store
    from graphsvc.support.settings import ImportLimits

#: from this many rows on, a progress bar is drawn even when stderr is not a terminal
LARGE_ROWS = 5000


def is_spreadsheet(paths: list[Path]) -> bool:
    """Whether the command line names spreadsheets (a directory counts as one of CSV files)."""
    from graphsvc.application.spreadsheet.read import SPREADSHEET_SUFFIXES

    return any(path.is_dir() or path.suffix.lower() in SPREADSHEET_SUFFIXES for path in paths)


def _collect(paths: list[Path], limits: ImportLimits) -> list[tuple[str, bytes]]:
    """(name, bytes) of every file named, a directory standing for the .csv files in it.

    The files are read only when together they are within the upload limit, as for HTTP.
    """
    from graphsvc.application.import_report import Issue
    from graphsvc.application.spreadsheet.convert import SpreadsheetError
    from graphsvc.application.spreadsheet.read import CSV_SUFFIXES, check_size

    found: list[Path] = []
    missing: list[Issue] = []
    for path in paths:
        if path.is_dir():
            csvs = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CSV_SUFFIXES)
            if not csvs:
                missing.append(Issue(reason=_("no .csv files in directory {path}").format(path=path)))
            found += csvs
        elif path.is_file():
            found.append(path)
        else:
            missing.append(Issue(reason=_("no such file: {file}").format(file=path)))
    if missing:
        raise SpreadsheetError(missing)
    check_size([(str(p), p.stat().st_size) for p in found], limits)
    return [(str(p), p.read_bytes()) for p in found]


def import_spreadsheets(
    paths: list[Path],
    *,
    dry_run: bool,
    as_json: bool,
    open_store: Callable[[], AbstractContextManager[Store]],
    actor: str | None = None,
    encoding: str | None = None,
    commit_every: int | None = None,
) -> None:
    """Read, check and (unless a dry run or wrong) commit; exit 2 when anything is wrong.

    The import limits are the settings', the same as the HTTP upload's. ``encoding`` is
    the CSV files' (``--encoding``); an unknown name is refused before anything is read.
    """
    from graphsvc.application.spreadsheet.convert import SpreadsheetError
    from graphsvc.application.spreadsheet.read import estimate_rows, read_files, text_encoding
    from graphsvc.application.spreadsheet.report import run_import, unreadable
    from graphsvc.support.i18n import gettext as _
    from graphsvc.support.settings import SettingsError, load_settings

    try:
        limits = load_settings().import_limits
    except SettingsError as exc:
        raise fail(error(exc), EXIT_BAD_INPUT) from exc
    if encoding is not None:
        try:
            encoding = text_encoding(encoding)
        except ValueError as exc:
            raise fail(error(_("--encoding: {reason}").format(reason=exc)), EXIT_BAD_INPUT) from exc
    report: ImportReport | None = None
    store_name = ""
    try:
        files = _collect(paths, limits)
        with progress(estimate_rows(files, limits), LARGE_ROWS, _("reading")) as bar:
            sheets = read_files(
                files, tick=bar.update if bar is not None else lambda rows: None, limits=limits, encoding=encoding
            )
    except SpreadsheetError as exc:
        report = unreadable(exc.issues, dry_run)
    if report is None:
        if sum(len(s.rows) for s in sheets) >= LARGE_ROWS:
            announce_checking(dry_run)
        with open_store() as store:
            store_name = store.name
            report = run_import(store, sheets, dry_run, actor=actor or cli_actor(), commit_every=commit_every)
    show(report, store_name, as_json)
