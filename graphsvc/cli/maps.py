"""``graphsvc map``: one project's phase map as a self-contained HTML file.

Registered on the main app in ``cli/main.py``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import typer

from graphsvc.cli.common import EXIT_BAD_INPUT, EXIT_NOT_FOUND, configured_store, day_option, error, fail
from graphsvc.support.i18n import gettext as _


def map_command(
    project: str = typer.Option(..., "--project", help="project id"),
    stage: str | None = typer.Option(
        None, "--stage", help="stage the page opens on (default: the active one; 'all' for every stage)"
    ),
    out: Path = typer.Option(..., "--out", help="HTML file to write ('-' for standard output)"),
    as_of: date | None = day_option(None, "--as-of", help="map as of this day (default today)"),
) -> None:
    """Write a project's phase map (every stage, switchable) as one HTML file that opens offline."""
    from graphsvc.application.maps import project_map_html
    from graphsvc.store.base import NotFound

    to_stdout = str(out) == "-"
    if not to_stdout and not out.parent.is_dir():
        raise fail(
            error(_("cannot write {path}: no such directory {folder}").format(path=out, folder=out.parent)),
            EXIT_BAD_INPUT,
        )
    with configured_store() as store:
        try:
            html = project_map_html(store, project, stage, as_of)
        except NotFound as exc:
            raise fail(error(exc), EXIT_NOT_FOUND) from exc
    if to_stdout:
        sys.stdout.write(html)
        return
    try:
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        raise fail(
            error(_("cannot write {path}: {reason}").format(path=out, reason=exc.strerror or exc)), EXIT_BAD_INPUT
        ) from exc
    size = len(html.encode("utf-8")) // 1024
    typer.echo(
        _("wrote the map of {project} to {path} ({size} KiB, opens offline)").format(
            project=project, path=out, size=size
        )
    )
