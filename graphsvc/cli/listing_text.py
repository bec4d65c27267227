"""Plain-text rendering of the project and contact listings, at most ``COLUMNS`` wide."""

from __future__ import annotations

from datetime import date

from graphsvc.application.listings import ContactCard, ContactRow, HeldDuty, Line, ProjectRow
from graphsvc.support.i18n import N_, format_day, ngettext
from graphsvc.support.i18n import gettext as _
from graphsvc.support.text_width import COLUMNS, pad, truncate, width, wrap

#: a person's status as shown (the JSON keeps the codes)
STATUS_WORDS = {"active": N_("active"), "on_leave": N_("on leave"), "left": N_("left")}
#: a held duty, by its stage's phase on the day
DUTY_LINES = {
    "planned": N_("{raci} {duty} — {project} / {stage} (planned)"),
    "active": N_("{raci} {duty} — {project} / {stage} (active)"),
    "done": N_("{raci} {duty} — {project} / {stage} (done)"),
}
#: how a line reads from the card's person: (kind, they are its source) -> the phrase
LINE_PHRASES = {
    ("communicates", True): N_("talks with {other}"),
    ("communicates", False): N_("talks with {other}"),
    ("reports_to", True): N_("reports to {other}"),
    ("reports_to", False): N_("is reported to by {other}"),
    ("backup_for", True): N_("is backup for {other}"),
    ("backup_for", False): N_("has as backup {other}"),
}


def _cells(cells: list[tuple[str, int]]) -> str:
    """Cells cut and padded to their widths, two spaces apart; the last one takes the rest."""
    out = ""
    for text, columns in cells[:-1]:
        out += pad(truncate(text, columns), columns) + "  "
    last = cells[-1][0]
    return (out + truncate(last, max(1, COLUMNS - width(out)))).rstrip()


def projects_text(rows: list[ProjectRow], day: date) -> str:
    heads = [_("ID"), _("NAME"), _("ACTIVE STAGE"), _("STAGES  ORGS PEOPLE DUTIES")]
    count = len(rows)
    lines = [
        ngettext(
            "{count} project; active stages as of {day}", "{count} projects; active stages as of {day}", count
        ).format(count=count, day=format_day(day)),
        "",
    ]
    lines.append(_cells([(heads[0], 20), (heads[1], 28), (heads[2], 20), (heads[3], 26)]))
    for row in rows:
        active = ", ".join(s.name for s in row.active_stages) or "—"
        numbers = f"{row.stages:>6}{row.organizations:>6}{row.people:>7}{row.responsibilities:>7}"
        lines.append(_cells([(row.project.id, 20), (row.project.name, 28), (active, 20), (numbers, 26)]))
    if not rows:
        lines.append(_("no projects"))
    return "\n".join(lines)


def _status(status: str) -> str:
    return _(STATUS_WORDS[status]) if status in STATUS_WORDS else status.replace("_", " ")


def contacts_text(rows: list[ContactRow]) -> str:
    heads = [_("ID"), _("NAME"), _("STATUS"), _("ORGANISATION"), _("TITLE")]
    lines = [_cells([(heads[0], 22), (heads[1], 12), (heads[2], 8), (heads[3], 24), (heads[4], 24)])]
    for row in rows:
        org = row.org.name if row.org else "—"
        lines.append(
            _cells([(row.id, 22), (row.name, 12), (_status(row.status.value), 8), (org, 24), (row.title or "—", 24)])
        )
    if not rows:
        lines.append(_("no contacts match"))
    return "\n".join(lines)


def _duty(duty: HeldDuty) -> str:
    text = _(DUTY_LINES.get(duty.phase, DUTY_LINES["active"])).format(
        raci=duty.raci, duty=duty.responsibility.name, project=duty.project.name, stage=duty.stage.name
    )
    if duty.valid_from:
        text = _("{duty} from {day}").format(duty=text, day=format_day(duty.valid_from))
    if duty.valid_to:
        text = _("{duty} until {day}").format(duty=text, day=format_day(duty.valid_to))
    return text


def _line(line: Line) -> str:
    other = line.other.name
    if line.other.org:
        other = _("{name} ({org})").format(name=other, org=line.other.org.name)
    phrase = LINE_PHRASES.get((line.kind, line.outgoing))
    text = _(phrase).format(other=other) if phrase else f"{line.kind} {other}"
    if line.channel:
        text = _("{line} via {channel}").format(line=text, channel=line.channel)
    if line.last_contact:
        return _("{line}, last contact {day}").format(line=text, day=format_day(line.last_contact))
    return _("{line}, no contact recorded").format(line=text)


def card_text(card: ContactCard) -> str:
    c = card.contact
    details = [
        (_("organisation"), f"{c.org.name} ({c.org.id})" if c.org else "—"),
        (_("title"), c.title or "—"),
        (_("status"), _status(c.status.value)),
        (_("channel"), c.preferred_channel or "—"),
        (_("e-mail"), "; ".join(c.emails) or "—"),
        (_("phone"), "; ".join(c.phones) or "—"),
        (_("language"), card.language or "—"),
    ]
    if card.tags:
        details.append((_("tags"), ", ".join(card.tags)))
    if card.notes:
        details.append((_("notes"), card.notes))
    lines = wrap(_("{name} ({id}), as of {day}").format(name=c.name, id=c.id, day=format_day(card.as_of)))
    for label, value in details:
        lines += wrap(value, "  " + pad(label, 13))
    lines += ["", _("duties ({count}):").format(count=len(card.duties))]
    lines += [text for duty in card.duties for text in wrap(_duty(duty), "  · ", "    ")] or ["  " + _("none")]
    lines += ["", _("lines ({count}):").format(count=len(card.lines))]
    lines += [text for line in card.lines for text in wrap(_line(line), "  · ", "    ")] or ["  " + _("none")]
    return "\n".join(lines)
