"""Plain-text rendering of reports for the terminal: every line at most ``COLUMNS`` wide
(Chinese characters count two), severities coloured (``common.echo`` drops the colour where it must)."""

from __future__ import annotations

import typer

from graphsvc.analysis.findings import Finding, Severity, names_list, severity_label
from graphsvc.analysis.health import Health, Share
from graphsvc.application.reports import PortfolioReport, ProjectReport, ProjectSummary
from graphsvc.cli.common import more_note
from graphsvc.support.i18n import N_, format_day, ngettext
from graphsvc.support.i18n import gettext as _
from graphsvc.support.text_width import COLUMNS, pad, truncate, width, wrap

#: how each severity looks on a colour terminal
SEVERITY_STYLES: dict[Severity, dict[str, object]] = {
    Severity.critical: {"fg": "red", "bold": True},
    Severity.high: {"fg": "yellow"},
    Severity.medium: {},
    Severity.low: {"dim": True},
}


#: the severity in the reader's language (the JSON keeps the codes: critical, high, medium, low)
severity_word = severity_label
#: names listed as the reader lists them (``a, b`` or ``a、b``)
names = names_list


def align_right(text: str, columns: int) -> str:
    """``text`` after spaces up to ``columns`` (Chinese characters count two)."""
    return " " * max(0, columns - width(text)) + text


def styled(severity: Severity, text: str) -> str:
    """``text`` in the colour of ``severity``."""
    style = SEVERITY_STYLES[severity]
    return typer.style(text, **style) if style else text  # type: ignore[arg-type]


def more_line(more: int) -> list[str]:
    """The note under a list cut by ``--limit``."""
    return [more_note(more)] if more else []


def _share(label: str, share: Share) -> str:
    if share.value is None:
        return _("{label} n/a").format(label=label)
    return f"{label} {share.value:.0%} ({share.count}/{share.total})"


def health_line(health: Health) -> str:
    return " · ".join(
        (
            _share(_("one accountable"), health.single_accountable),
            _share(_("robust handovers"), health.robust_handovers),
            _share(_("fresh owner links"), health.fresh_owner_links),
            _share(_("complete contacts"), health.contact_completeness),
        )
    )


def counts_line(counts: dict[Severity, int]) -> str:
    def one(severity: Severity, n: int) -> str:
        return _("{count} {severity}").format(count=n, severity=severity_word(severity))

    return names([styled(severity, one(severity, n)) if n else one(severity, n) for severity, n in counts.items()])


#: members of a grouped entry printed under it; the rest are counted
MEMBERS_SHOWN = 8


def finding_lines(finding: Finding, with_project: bool = False) -> list[str]:
    if finding.stage is not None:
        where = finding.stage.name
    else:
        where = names([s.name for s in finding.stages]) or _("project-wide")
    if with_project:
        where = f"{finding.project.name} / {where}"
    # codes are at most 23 characters (SINGLE_POINT_OF_FAILURE): the stage column lines up
    severity = pad(severity_word(finding.severity).upper(), 8)
    rest = f"  {finding.code:23}  "
    lines = [styled(finding.severity, severity) + rest + truncate(where, COLUMNS - width(severity + rest))]
    lines += wrap(finding.explanation, " " * 10)
    for member in finding.members[:MEMBERS_SHOWN]:
        lines += wrap(member.explanation, "            · ", " " * 14)
    if len(finding.members) > MEMBERS_SHOWN:
        left = len(finding.members) - MEMBERS_SHOWN
        lines.append("            · " + _("… and {count} more (--json lists them all)").format(count=left))
    remedy = finding.remedy
    if finding.candidates:
        remedy += " " + _("Candidates: {names}.").format(names=names([c.name for c in finding.candidates]))
    lines += wrap(remedy, "          → ", " " * 12)
    return lines


def project_text(report: ProjectReport, findings: list[Finding], more: int) -> str:
    """One project's report, showing ``findings`` (the ones chosen) and how many more."""
    day = format_day(report.as_of)
    project, project_id = report.project.name, report.project.id
    if report.stage:
        title = _("{project} ({id}) — stage {stage}, as of {day}").format(
            project=project, id=project_id, stage=report.stage.name, day=day
        )
    else:
        title = _("{project} ({id}), as of {day}").format(project=project, id=project_id, day=day)
    lines = [
        *wrap(title),
        *wrap(health_line(report.health), _("health: ")),
        _("findings: {counts}").format(counts=counts_line(report.counts)),
        "",
    ]
    for finding in findings:
        lines += finding_lines(finding)
    if not report.findings:
        lines.append(_("no findings"))
    elif not findings:
        lines.append(_("no findings of that severity"))
    lines += more_line(more)
    return "\n".join(lines)


def _percent(share: Share) -> str:
    return _("n/a") if share.value is None else f"{share.value:.0%}"


#: the project table's columns after the name: counts per severity, then the health shares
_COUNT_HEADS = (N_("CRIT"), N_("HIGH"), N_("MED"), N_("LOW"))
_HEALTH_HEADS = (N_("1 ACC"), N_("HANDOVER"), N_("FRESH"), N_("CONTACTS"))
_NAME = COLUMNS - 6 * len(_COUNT_HEADS) - 10 * len(_HEALTH_HEADS)


def _project_row(summary: ProjectSummary) -> str:
    tag = f" ({summary.project.id})"
    name = pad(truncate(truncate(summary.project.name, _NAME - 1 - width(tag)) + tag, _NAME - 1), _NAME)
    counts = "".join(styled(severity, f"{n:>6}") if n else f"{n:>6}" for severity, n in summary.counts.items())
    health = summary.health
    shares = (health.single_accountable, health.robust_handovers, health.fresh_owner_links, health.contact_completeness)
    return name + counts + "".join(align_right(_percent(s), 10) for s in shares)


def portfolio_text(report: PortfolioReport, projects: list[ProjectSummary], findings: list[Finding], more: int) -> str:
    """The portfolio: one line per project (in the order given), then the findings given."""
    count = len(report.projects)
    lines = [
        ngettext(
            "portfolio of {count} project, as of {day}", "portfolio of {count} projects, as of {day}", count
        ).format(count=count, day=format_day(report.as_of)),
        _("findings: {counts}").format(counts=counts_line(report.counts)),
        "",
        pad(truncate(_("PROJECT (most urgent first)"), _NAME - 1), _NAME)
        + "".join(align_right(_(h), 6) for h in _COUNT_HEADS)
        + "".join(align_right(_(h), 10) for h in _HEALTH_HEADS),
    ]
    lines += [_project_row(summary) for summary in projects]
    lines += wrap(
        _(
            "1 ACC: duties with one accountable; HANDOVER: robust handovers; FRESH: fresh owner links; "
            "CONTACTS: complete contact details"
        ),
        _("health: "),
    )
    if more:
        shown = _("top findings ({shown} of {total} shown):").format(shown=len(findings), total=len(findings) + more)
    else:
        shown = _("findings:")
    lines += ["", shown, ""]
    for finding in findings:
        lines += finding_lines(finding, with_project=True)
    if not findings:
        lines.append(_("no findings"))
    lines += more_line(more)
    return "\n".join(lines)
