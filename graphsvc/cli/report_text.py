"""Plain-text rendering of reports for the terminal: every line at most ``COLUMNS`` wide
(Chinese characters count two), severities coloured (``common.echo`` drops the colour where it must)."""

from __future__ import annotations

import typer

from graphsvc.analysis.findings import Finding, Severity
from graphsvc.analysis.health import Health, Share
from graphsvc.application.reports import PortfolioReport, ProjectReport, ProjectSummary
from graphsvc.support.text_width import COLUMNS, pad, truncate, width, wrap

#: how each severity looks on a colour terminal
SEVERITY_STYLES: dict[Severity, dict[str, object]] = {
    Severity.critical: {"fg": "red", "bold": True},
    Severity.high: {"fg": "yellow"},
    Severity.medium: {},
    Severity.low: {"dim": True},
}


def styled(severity: Severity, text: str) -> str:
    """``text`` in the colour of ``severity``."""
    style = SEVERITY_STYLES[severity]
    return typer.style(text, **style) if style else text  # type: ignore[arg-type]


def more_line(more: int) -> list[str]:
    """The note under a list cut by ``--limit``."""
    return [f"… {more} more; --limit 0 shows all"] if more else []


def _share(label: str, share: Share) -> str:
    if share.value is None:
        return f"{label} n/a"
    return f"{label} {share.value:.0%} ({share.count}/{share.total})"


def health_line(health: Health) -> str:
    return " · ".join(
        (
            _share("one accountable", health.single_accountable),
            _share("robust handovers", health.robust_handovers),
            _share("fresh owner links", health.fresh_owner_links),
            _share("complete contacts", health.contact_completeness),
        )
    )


def counts_line(counts: dict[Severity, int]) -> str:
    return ", ".join(
        styled(severity, f"{n} {severity.value}") if n else f"0 {severity.value}" for severity, n in counts.items()
    )


#: members of a grouped entry printed under it; the rest are counted
MEMBERS_SHOWN = 8


def finding_lines(finding: Finding, with_project: bool = False) -> list[str]:
    if finding.stage is not None:
        where = finding.stage.name
    else:
        where = ", ".join(s.name for s in finding.stages) or "project-wide"
    if with_project:
        where = f"{finding.project.name} / {where}"
    # codes are at most 23 characters (SINGLE_POINT_OF_FAILURE): the stage column lines up
    head = f"{finding.severity.value.upper():8}  {finding.code:23}  "
    lines = [styled(finding.severity, head[:8]) + head[8:] + truncate(where, COLUMNS - len(head))]
    lines += wrap(finding.explanation, " " * 10)
    for member in finding.members[:MEMBERS_SHOWN]:
        lines += wrap(member.explanation, "            · ", " " * 14)
    if len(finding.members) > MEMBERS_SHOWN:
        lines.append(f"            · … and {len(finding.members) - MEMBERS_SHOWN} more (--json lists them all)")
    remedy = finding.remedy
    if finding.candidates:
        remedy += " Candidates: " + ", ".join(c.name for c in finding.candidates) + "."
    lines += wrap(remedy, "          → ", " " * 12)
    return lines


def project_text(report: ProjectReport, findings: list[Finding], more: int) -> str:
    """One project's report, showing ``findings`` (the ones chosen) and how many more."""
    scope = f" — stage {report.stage.name}" if report.stage else ""
    lines = [
        *wrap(f"{report.project.name} ({report.project.id}){scope}, as of {report.as_of}"),
        *wrap(health_line(report.health), "health: "),
        f"findings: {counts_line(report.counts)}",
        "",
    ]
    for finding in findings:
        lines += finding_lines(finding)
    if not report.findings:
        lines.append("no findings")
    elif not findings:
        lines.append("no findings of that severity")
    lines += more_line(more)
    return "\n".join(lines)


def _percent(share: Share) -> str:
    return "n/a" if share.value is None else f"{share.value:.0%}"


#: the project table's columns after the name: counts per severity, then the health shares
_COUNT_HEADS = ("CRIT", "HIGH", "MED", "LOW")
_HEALTH_HEADS = ("1 ACC", "HANDOVER", "FRESH", "CONTACTS")
_NAME = COLUMNS - 6 * len(_COUNT_HEADS) - 10 * len(_HEALTH_HEADS)


def _project_row(summary: ProjectSummary) -> str:
    tag = f" ({summary.project.id})"
    name = pad(truncate(truncate(summary.project.name, _NAME - 1 - width(tag)) + tag, _NAME - 1), _NAME)
    counts = "".join(styled(severity, f"{n:>6}") if n else f"{n:>6}" for severity, n in summary.counts.items())
    health = summary.health
    shares = (health.single_accountable, health.robust_handovers, health.fresh_owner_links, health.contact_completeness)
    return name + counts + "".join(f"{_percent(s):>10}" for s in shares)


def portfolio_text(report: PortfolioReport, projects: list[ProjectSummary], findings: list[Finding], more: int) -> str:
    """The portfolio: one line per project (in the order given), then the findings given."""
    lines = [
        f"portfolio of {len(report.projects)} project(s), as of {report.as_of}",
        f"findings: {counts_line(report.counts)}",
        "",
        pad("PROJECT (most urgent first)", _NAME)
        + "".join(f"{h:>6}" for h in _COUNT_HEADS)
        + "".join(f"{h:>10}" for h in _HEALTH_HEADS),
    ]
    lines += [_project_row(summary) for summary in projects]
    lines += wrap(
        "1 ACC: duties with one accountable; HANDOVER: robust handovers; FRESH: fresh owner links; "
        "CONTACTS: complete contact details",
        "health: ",
    )
    lines += ["", f"top findings ({len(findings)} of {len(findings) + more} shown):" if more else "findings:", ""]
    for finding in findings:
        lines += finding_lines(finding, with_project=True)
    if not findings:
        lines.append("no findings")
    lines += more_line(more)
    return "\n".join(lines)
