"""``graphsvc findings``, ``portfolio`` and ``path``: the reports, as text or JSON.

Text shows the most severe findings first, ``--limit`` of them (a default keeps the
terminal readable) and says how many more there are; ``--json`` shows every finding
unless ``--severity`` or ``--limit`` is given, then adds ``more`` (how many were left out).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

import typer

from graphsvc.cli.common import (
    AS_OF,
    EXIT_NO_ANSWER,
    EXIT_NOT_FOUND,
    NO_COLOR,
    configured_store,
    echo,
    error,
    fail,
)
from graphsvc.support.i18n import gettext as _

if TYPE_CHECKING:
    from graphsvc.analysis.findings import Finding

#: the severities, mildest last (``analysis.findings.Severity``; that module is not loaded for --help)
SEVERITIES = ("critical", "high", "medium", "low")


def _severity(text: str) -> str:
    name = text.strip().lower()
    if name not in SEVERITIES:
        raise typer.BadParameter(
            _("expected one of {choices}, got {text!r}").format(choices=", ".join(SEVERITIES), text=text)
        )
    return name


STALE = typer.Option(14, "--stale-days", min=1, metavar="N", help="a line unused for longer is stale")
OVERLOAD = typer.Option(5, "--overload", min=1, metavar="N", help="accountable for more duties than this is overload")
SEVERITY = typer.Option(
    None,
    "--severity",
    metavar="LEVEL",
    parser=_severity,
    help="only findings this severe or worse: critical, high, medium or low (high: critical and high)",
)
JSON = typer.Option(False, "--json", help="print the report as JSON")

#: findings the text shows without --limit (the --limit help says so, as a plain literal for the catalog)
FINDINGS_SHOWN = 30
PORTFOLIO_SHOWN = 20
FINDINGS_LIMIT = typer.Option(
    None, "--limit", min=0, metavar="N", help="show the first N findings (text default 30; 0: all)"
)
PORTFOLIO_LIMIT = typer.Option(
    None, "--limit", min=0, metavar="N", help="show the first N findings (text default 20; 0: all)"
)


def _chosen(
    findings: list[Finding], severity: str | None, limit: int | None, as_json: bool, default: int
) -> tuple[list[Finding], int]:
    from graphsvc.analysis.findings import Severity
    from graphsvc.application.triage import first, severe_enough

    minimum = Severity(severity) if severity else None
    return first(severe_enough(findings, minimum), limit if limit is not None or as_json else default)


def _json(report: Any, findings: list[Finding], more: int, filtered: bool) -> str:
    if not filtered:
        return str(report.model_dump_json(indent=2))
    data = report.model_dump(mode="json")
    data["findings"] = [f.model_dump(mode="json") for f in findings]
    data["more"] = more
    return json.dumps(data, ensure_ascii=False, indent=2)


def findings_command(
    project: str = typer.Option(..., "--project", metavar="ID", help="project id"),
    stage: str | None = typer.Option(None, "--stage", metavar="ID", help="only findings about this stage"),
    as_of: date | None = AS_OF,
    stale_days: int = STALE,
    overload: int = OVERLOAD,
    severity: str | None = SEVERITY,
    limit: int | None = FINDINGS_LIMIT,
    as_json: bool = JSON,
    no_color: bool = NO_COLOR,
) -> None:
    """Responsibility vacuums and broken communication chains of one project."""
    from graphsvc.analysis.findings import Thresholds
    from graphsvc.application.reports import project_report
    from graphsvc.cli.report_text import project_text
    from graphsvc.store.base import NotFound

    limits = Thresholds(stale_days=stale_days, overload=overload)
    with configured_store() as store:
        try:
            report = project_report(store, project, stage, as_of, limits)
        except NotFound as exc:
            raise fail(error(exc), EXIT_NOT_FOUND) from exc
    shown, more = _chosen(report.findings, severity, limit, as_json, FINDINGS_SHOWN)
    if as_json:
        typer.echo(_json(report, shown, more, severity is not None or limit is not None))
    else:
        echo(project_text(report, shown, more), no_color)


def portfolio_command(
    as_of: date | None = AS_OF,
    stale_days: int = STALE,
    overload: int = OVERLOAD,
    severity: str | None = SEVERITY,
    limit: int | None = PORTFOLIO_LIMIT,
    as_json: bool = JSON,
    no_color: bool = NO_COLOR,
) -> None:
    """Scan every project: one line per project, most urgent first, then the top findings."""
    from graphsvc.analysis.findings import Thresholds
    from graphsvc.application.reports import portfolio_report
    from graphsvc.application.triage import by_urgency, most_urgent_first
    from graphsvc.cli.report_text import portfolio_text

    with configured_store() as store:
        report = portfolio_report(store, as_of, Thresholds(stale_days=stale_days, overload=overload))
    if as_json:  # the API's order
        shown, more = _chosen(report.findings, severity, limit, as_json, PORTFOLIO_SHOWN)
        typer.echo(_json(report, shown, more, severity is not None or limit is not None))
        return
    ranked = by_urgency(report.projects)
    shown, more = _chosen(most_urgent_first(report.findings, ranked), severity, limit, as_json, PORTFOLIO_SHOWN)
    echo(portfolio_text(report, ranked, shown, more), no_color)


def path_command(
    source: str = typer.Argument(
        ..., metavar="SOURCE", help="the person asking: contact id, name, or pinyin (wangjianguo, wjg)"
    ),
    target: str = typer.Argument(
        ...,
        metavar="TARGET",
        help="contact, organization or responsibility id, name or pinyin, or org:ID, title:TEXT, responsibility:ID",
    ),
    k: int = typer.Option(3, "--k", min=1, max=20, metavar="N", help="how many paths"),
    as_of: date | None = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Whom to contact about TARGET, and through whom SOURCE can reach them."""
    from graphsvc.analysis.paths import PathError
    from graphsvc.application.error_body import path_error_body
    from graphsvc.application.name_lookup import AmbiguousName
    from graphsvc.application.reports import contact_paths
    from graphsvc.cli.candidates import ambiguous_exit
    from graphsvc.cli.path_text import paths_text
    from graphsvc.support.i18n import _

    with configured_store() as store:
        try:
            answer = contact_paths(store, source, target, k, as_of)
        except AmbiguousName as exc:
            raise ambiguous_exit(exc, as_json) from exc
        except PathError as exc:
            code = EXIT_NOT_FOUND if exc.status == 404 else EXIT_NO_ANSWER
            if as_json:  # the API's error body, on stdout as every --json answer
                typer.echo(path_error_body(exc).model_dump_json(indent=2))
            message = error(exc)
            if exc.nearest:
                nearest = _(", ").join(n.name for n in exc.nearest)
                message += "\n" + _("nearest reachable: {names}").format(names=nearest)
            raise fail(message, code) from exc
    typer.echo(answer.model_dump_json(indent=2) if as_json else paths_text(answer))
