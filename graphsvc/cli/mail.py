"""``graphsvc import`` for mailboxes, calendars and address books (.mbox, .eml or a folder
of them, .ics, .vcf). ``cli/data.py`` only decides which importer a command line means. The
report goes to stdout (``--json``: the same JSON as the HTTP upload), errors to stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from graphsvc.cli.common import EXIT_BAD_INPUT, announce_checking, error, fail
from graphsvc.cli.import_output import progress, show

if TYPE_CHECKING:
    from graphsvc.store.base import Store


#: from this many bytes of mail on, a progress bar is drawn even when stderr is not a terminal
LARGE_BYTES = 20 * 2**20
#: from this many messages and meetings on, the checking step is announced on stderr
LARGE_ITEMS = 5000


def is_mail(paths: list[Path]) -> bool:
    from graphsvc.application.mail_import.formats import is_mail_input

    return is_mail_input(paths)


def import_mail(
    paths: list[Path],
    dry_run: bool,
    as_json: bool,
    create_contacts: bool,
    subjects: bool,
    open_store: Callable[[], AbstractContextManager[Store]],
    actor: str,
    since: date | None = None,
    until: date | None = None,
    commit_every: int | None = None,
) -> None:
    """Read the files, import (or with ``dry_run`` only check) them, and print the report.
    ``since``/``until``: the days recurring meetings are expanded over (default: a year
    back to 90 days ahead)."""
    from graphsvc.application.mail_import.run import default_window, input_files, read_paths, run_import
    from graphsvc.support.i18n import gettext as _
    from graphsvc.support.settings import load_settings

    start, end = default_window(date.today())
    window = (since or start, until or end)
    if window[0] >= window[1]:
        raise fail(error(_("--since must be before --until")), EXIT_BAD_INPUT)
    total = sum(f.stat().st_size for f in input_files(paths))
    with progress(total, LARGE_BYTES, _("reading")) as bar:
        records, problems = read_paths(paths, window, subjects, tick=bar.update if bar is not None else None)
    if len(records.mails) + len(records.meetings) >= LARGE_ITEMS:
        announce_checking(dry_run)
    with open_store() as store:
        report = run_import(
            store,
            records,
            problems,
            dry_run=dry_run,
            create_contacts=create_contacts,
            actor=actor,
            max_items=load_settings().import_limits.max_rows,
            commit_every=commit_every,
        )
        store_name = store.name
    show(report, store_name, as_json)
