"""The JSON bundle import (CLI ``graphsvc import bundle.json``, ``POST /api/v1/import``) in the
one import report that spreadsheets and mail give: a refused bundle is a report with its
errors, not an exception, so a dry run can show every problem next to the rows it would
write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from graphsvc.application.import_report import ImportReport, Source, bundle_issue
from graphsvc.application.importer import check_bundle, import_bundle
from graphsvc.domain.bundle import BundleError
from graphsvc.domain.model import KINDS
from graphsvc.store.base import Store, TooLarge


def bundle_rows(data: Any) -> dict[str, int]:
    """Rows per bundle array as given (before any check): what a refused bundle holds."""
    arrays = data if isinstance(data, dict) else {}
    return {kind: len(rows) if isinstance(rows := arrays.get(kind), list) else 0 for kind in KINDS}


def run_import(
    store: Store,
    data: Any,
    *,
    dry_run: bool,
    actor: str = "cli",
    today: date | None = None,
    file: str = "bundle",
    tick: Callable[[int], None] | None = None,
    commit_every: int | None = None,
) -> ImportReport:
    """Check ``data`` against the store and, unless ``dry_run`` or anything is wrong, write it
    all-or-nothing (``commit_every``: in parts, see ``import_bundle``); ``tick`` is told how
    many rows each step of the check validated."""
    counts = bundle_rows(data)
    report = ImportReport(
        ok=True,
        dry_run=dry_run,
        committed=False,
        sources=[Source(file=file, format="json", items=sum(counts.values()))],
        counts=counts,
    )
    try:
        if dry_run:
            outcome = check_bundle(store, data, today=today, duplicates=True, tick=tick)
        else:
            outcome = import_bundle(store, data, today, actor, duplicates=True, tick=tick, commit_every=commit_every)
    except BundleError as exc:
        return report.refused([bundle_issue(p) for p in exc.problems])
    except TooLarge as exc:
        return report.too_large(exc)
    return report.model_copy(
        update={
            "committed": not dry_run,
            "counts": outcome.counts,
            "history_added": outcome.history_added,
            "warnings": [bundle_issue(w) for w in outcome.warnings],
            "suspected_duplicates": outcome.suspected_duplicates,
            "commits": outcome.commits,
        }
    )
