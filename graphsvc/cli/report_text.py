"""Plain-text rendering of reports for the terminal."""

from __future__ import annotations

from graphsvc.analysis.findings import Finding, Severity
from graphsvc.analysis.health import Health, Share
from graphsvc.analysis.paths import PathAnswer
from graphsvc.application.reports import PortfolioReport, ProjectReport


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
    return ", ".join(f"{n} {severity.value}" for severity, n in counts.items())


#: members of a grouped entry printed under it; the rest are counted
MEMBERS_SHOWN = 8


def finding_lines(finding: Finding, with_project: bool = False) -> list[str]:
    if finding.stage is not None:
        where = finding.stage.name
    else:
        where = ", ".join(s.name for s in finding.stages) or "project-wide"
    if with_project:
        where = f"{finding.project.name} / {where}"
    lines = [f"{finding.severity.value.upper():8}  {finding.code:22}  {where}", f"          {finding.explanation}"]
    for member in finding.members[:MEMBERS_SHOWN]:
        lines.append(f"            · {member.explanation}")
    if len(finding.members) > MEMBERS_SHOWN:
        lines.append(f"            · … and {len(finding.members) - MEMBERS_SHOWN} more (--json lists them all)")
    remedy = finding.remedy
    if finding.candidates:
        remedy += " Candidates: " + ", ".join(c.name for c in finding.candidates) + "."
    lines.append(f"          → {remedy}")
    return lines


def project_text(report: ProjectReport) -> str:
    scope = f" — stage {report.stage.name}" if report.stage else ""
    lines = [
        f"{report.project.name} ({report.project.id}){scope}, as of {report.as_of}",
        f"health: {health_line(report.health)}",
        f"findings: {counts_line(report.counts)}",
        "",
    ]
    for finding in report.findings:
        lines += finding_lines(finding)
    if not report.findings:
        lines.append("no findings")
    return "\n".join(lines)


def portfolio_text(report: PortfolioReport) -> str:
    lines = [f"portfolio of {len(report.projects)} project(s), as of {report.as_of}", ""]
    for summary in report.projects:
        lines.append(f"{summary.project.name} ({summary.project.id}): {counts_line(summary.counts)}")
        lines.append(f"    {health_line(summary.health)}")
    lines += ["", f"findings: {counts_line(report.counts)}", ""]
    for finding in report.findings:
        lines += finding_lines(finding, with_project=True)
    return "\n".join(lines)


def paths_text(answer: PathAnswer) -> str:
    lines = [
        f"from {answer.source.name} to {answer.target_kind} {answer.target!r}, as of {answer.as_of}",
        f"resolved as {answer.resolved_as}: " + ", ".join(c.name for c in answer.candidates),
        "",
    ]
    for path in answer.paths:
        lines.append(f"#{path.rank}  cost {path.cost:g}  {path.summary}")
        for hop in path.hops:
            lines.append(f"      {hop.source.name} → {hop.target.name}: {hop.reason}")
    return "\n".join(lines)
