"""``graphsvc handover``: write a project's handover package to a zip file."""

from __future__ import annotations

import contextlib
import os
import tempfile
from datetime import date
from pathlib import Path

import typer

from graphsvc.cli.common import EXIT_BAD_INPUT, EXIT_NOT_FOUND, configured_store, day_option, fail


def handover_command(
    project: str = typer.Option(..., "--project", help="project id"),
    out: Path = typer.Option(..., "--out", help="zip file to write"),
    as_of: date | None = day_option(None, "--as-of", help="the package as of this day (default today)"),
) -> None:
    """Write a handover package: maps per stage, findings, roster, GraphML, bundle, manifest."""
    from graphsvc.application.handover import Manifest, handover_files, package_zip
    from graphsvc.store.base import NotFound

    if out.is_dir():
        raise fail(f"error: {out} is a directory; give a file name such as {out / 'handover.zip'}", EXIT_BAD_INPUT)
    if not out.parent.is_dir():
        raise fail(f"error: cannot write {out}: no such directory {out.parent}", EXIT_BAD_INPUT)
    day = as_of or date.today()
    with configured_store() as store:
        try:
            files = handover_files(store, project, day)
        except NotFound as exc:
            raise fail(f"error: {exc}", EXIT_NOT_FOUND) from exc
    data = package_zip(files, day)
    try:
        _write_atomically(out, data)
    except OSError as exc:
        raise fail(f"error: cannot write {out}: {exc.strerror or exc}", EXIT_BAD_INPUT) from exc
    manifest = Manifest.model_validate_json(files["manifest.json"])
    counts = ", ".join(f"{n} {severity.value}" for severity, n in manifest.findings.items())
    typer.echo(f"wrote {out} ({len(data):,} bytes): {manifest.project.name} ({project}) as of {day}")
    typer.echo(f"findings: {counts}")
    for path in sorted(files):
        typer.echo(f"  {path:40} {len(files[path]):>10,} bytes")


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
