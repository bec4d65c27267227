"""``graphsvc handover``: write a project's handover package to a zip file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import date
from pathlib import Path

import typer

from graphsvc.cli.common import EXIT_BAD_INPUT, EXIT_NOT_FOUND, configured_store, day_option, error, fail
from graphsvc.support.i18n import format_day, format_number
from graphsvc.support.i18n import gettext as _


def handover_command(
    project: str = typer.Option(..., "--project", help="project id"),
    out: Path = typer.Option(..., "--out", help="zip file to write"),
    as_of: date | None = day_option(None, "--as-of", help="the package as of this day (default today)"),
) -> None:
    """Write a handover package: maps per stage, findings, roster, GraphML, bundle, manifest."""
    from graphsvc.application.handover import Manifest, handover_files, package_zip
    from graphsvc.cli.report_text import severity_word
    from graphsvc.store.base import NotFound

    if out.is_dir():
        raise fail(
            error(
                _("{path} is a directory; give a file name such as {example}").format(
                    path=out, example=out / "handover.zip"
                )
            ),
            EXIT_BAD_INPUT,
        )
    if not out.parent.is_dir():
        raise fail(
            error(_("cannot write {path}: no such directory {folder}").format(path=out, folder=out.parent)),
            EXIT_BAD_INPUT,
        )
    day = as_of or date.today()
    with configured_store() as store:
        try:
            files = handover_files(store, project, day)
        except NotFound as exc:
            raise fail(error(exc), EXIT_NOT_FOUND) from exc
    data = package_zip(files, day)
    try:
        _write_atomically(out, data)
    except OSError as exc:
        raise fail(
            error(_("cannot write {path}: {reason}").format(path=out, reason=exc.strerror or exc)), EXIT_BAD_INPUT
        ) from exc
    manifest = Manifest.model_validate_json(files["manifest.json"])
    counts = _(", ").join(
        _("{count} {severity}").format(count=n, severity=severity_word(severity))
        for severity, n in manifest.findings.items()
    )
    typer.echo(
        _("wrote {path} ({size} bytes): {project} ({id}) as of {day}").format(
            path=out, size=format_number(len(data)), project=manifest.project.name, id=project, day=format_day(day)
        )
    )
    typer.echo(_("findings: {counts}").format(counts=counts))
    for path in sorted(files):
        size = _("{size} bytes").format(size=format_number(len(files[path])))
        typer.echo(f"  {path:40} {size:>16}")


def _write_atomically(path: Path, data: bytes) -> None:
    """Write next to the target, then rename: a failed write leaves no half zip behind."""
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".handover-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
