"""Plain-text rendering of the project and contact listings, at most ``COLUMNS`` wide."""

from __future__ import annotations

from datetime import date

from graphsvc.application.listings import ContactCard, ContactRow, HeldDuty, Line, ProjectRow
from graphsvc.support.text_width import COLUMNS, pad, truncate, width, wrap


def _cells(cells: list[tuple[str, int]]) -> str:
    """Cells cut and padded to their widths, two spaces apart; the last one takes the rest."""
    out = ""
    for text, columns in cells[:-1]:
        out += pad(truncate(text, columns), columns) + "  "
    last = cells[-1][0]
    return (out + truncate(last, max(1, COLUMNS - width(out)))).rstrip()


def projects_text(rows: list[ProjectRow], day: date) -> str:
    counts = "STAGES  ORGS PEOPLE DUTIES"
    lines = [f"{len(rows)} project(s); active stages as of {day}", ""]
    lines.append(_cells([("ID", 20), ("NAME", 28), ("ACTIVE STAGE", 20), (counts, 26)]))
    for row in rows:
        active = ", ".join(s.name for s in row.active_stages) or "—"
        numbers = f"{row.stages:>6}{row.organizations:>6}{row.people:>7}{row.responsibilities:>7}"
        lines.append(_cells([(row.project.id, 20), (row.project.name, 28), (active, 20), (numbers, 26)]))
    if not rows:
        lines.append("no projects")
    return "\n".join(lines)


def _status(status: str) -> str:
    return status.replace("_", " ")


def contacts_text(rows: list[ContactRow]) -> str:
    lines = [_cells([("ID", 22), ("NAME", 12), ("STATUS", 8), ("ORGANISATION", 24), ("TITLE", 24)])]
    for row in rows:
        org = row.org.name if row.org else "—"
        lines.append(
            _cells([(row.id, 22), (row.name, 12), (_status(row.status.value), 8), (org, 24), (row.title or "—", 24)])
        )
    if not rows:
        lines.append("no contacts match")
    return "\n".join(lines)


def _duty(duty: HeldDuty) -> str:
    since = f" from {duty.valid_from}" if duty.valid_from else ""
    until = f" until {duty.valid_to}" if duty.valid_to else ""
    return (
        f"{duty.raci} {duty.responsibility.name} — {duty.project.name} / {duty.stage.name} ({duty.phase}){since}{until}"
    )


def _line(line: Line) -> str:
    other = line.other.name + (f" ({line.other.org.name})" if line.other.org else "")
    via = f" via {line.channel}" if line.channel else ""
    last = f", last contact {line.last_contact}" if line.last_contact else ", no contact recorded"
    phrases = {
        ("communicates", True): "talks with",
        ("communicates", False): "talks with",
        ("reports_to", True): "reports to",
        ("reports_to", False): "is reported to by",
        ("backup_for", True): "is backup for",
        ("backup_for", False): "has as backup",
    }
    kind = phrases.get((line.kind, line.outgoing), line.kind)
    return f"{kind} {other}{via}{last}"


def card_text(card: ContactCard) -> str:
    c = card.contact
    details = [
        ("organisation", f"{c.org.name} ({c.org.id})" if c.org else "—"),
        ("title", c.title or "—"),
        ("status", _status(c.status.value)),
        ("channel", c.preferred_channel or "—"),
        ("e-mail", "; ".join(c.emails) or "—"),
        ("phone", "; ".join(c.phones) or "—"),
        ("language", card.language or "—"),
    ]
    if card.tags:
        details.append(("tags", ", ".join(card.tags)))
    if card.notes:
        details.append(("notes", card.notes))
    lines = wrap(f"{c.name} ({c.id}), as of {card.as_of}")
    for label, value in details:
        lines += wrap(value, f"  {label:13}")
    lines += ["", f"duties ({len(card.duties)}):"]
    lines += [text for duty in card.duties for text in wrap(_duty(duty), "  · ", "    ")] or ["  none"]
    lines += ["", f"lines ({len(card.lines)}):"]
    lines += [text for line in card.lines for text in wrap(_line(line), "  · ", "    ")] or ["  none"]
    return "\n".join(lines)
