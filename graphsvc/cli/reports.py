"""``graphsvc findings``, ``portfolio`` and ``path``: the reports, as text or JSON."""

from __future__ import annotations

from datetime import datetime

import typer

from graphsvc.cli.common import (
    AS_OF,
    EXIT_NO_ANSWER,
    EXIT_NOT_FOUND,
    configured_store,
    day_of,
    fail,
)

STALE = typer.Option(14, "--stale-days", min=1, help="a line unused for longer is stale")
OVERLOAD = typer.Option(5, "--overload", min=1, help="accountable for more duties than this is overload")


def findings_command(
    project: str = typer.Option(..., "--project", help="project id"),
    stage: str | None = typer.Option(None, "--stage", help="only findings about this stage"),
    as_of: datetime | None = AS_OF,
    stale_days: int = STALE,
    overload: int = OVERLOAD,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Responsibility vacuums and broken communication chains of one project."""
    from graphsvc.analysis.findings import Thresholds
    from graphsvc.application.reports import project_report
    from graphsvc.cli.report_text import project_text
    from graphsvc.store.base import NotFound

    limits = Thresholds(stale_days=stale_days, overload=overload)
    with configured_store() as store:
        try:
            report = project_report(store, project, stage, day_of(as_of), limits)
        except NotFound as exc:
            raise fail(f"error: {exc}", EXIT_NOT_FOUND) from exc
    typer.echo(report.model_dump_json(indent=2) if as_json else project_text(report))


def portfolio_command(
    as_of: datetime | None = AS_OF,
    stale_days: int = STALE,
    overload: int = OVERLOAD,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Scan every project: findings ranked by severity, health per project."""
    from graphsvc.analysis.findings import Thresholds
    from graphsvc.application.reports import portfolio_report
    from graphsvc.cli.report_text import portfolio_text

    with configured_store() as store:
        report = portfolio_report(store, day_of(as_of), Thresholds(stale_days=stale_days, overload=overload))
    typer.echo(report.model_dump_json(indent=2) if as_json else portfolio_text(report))


def path_command(
    source: str = typer.Argument(..., help="contact id of the person asking"),
    target: str = typer.Argument(
        ..., help="contact, organization or responsibility id, or org:ID, title:TEXT, responsibility:ID"
    ),
    k: int = typer.Option(3, "--k", min=1, max=20, help="how many paths"),
    as_of: datetime | None = AS_OF,
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Whom to contact about TARGET, and through whom SOURCE can reach them."""
    from graphsvc.analysis.paths import PathError
    from graphsvc.application.error_body import path_error_body
    from graphsvc.application.reports import contact_paths
    from graphsvc.cli.report_text import paths_text

    with configured_store() as store:
        try:
            answer = contact_paths(store, source, target, k, day_of(as_of))
        except PathError as exc:
            code = EXIT_NOT_FOUND if exc.status == 404 else EXIT_NO_ANSWER
            if as_json:  # the API's error body, on stdout as every --json answer
                typer.echo(path_error_body(exc).model_dump_json(indent=2))
            nearest = f"\nnearest reachable: {', '.join(n.name for n in exc.nearest)}" if exc.nearest else ""
            raise fail(f"error: {exc}{nearest}", code) from exc
    typer.echo(answer.model_dump_json(indent=2) if as_json else paths_text(answer))
