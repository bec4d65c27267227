"""``graphsvc path`` as text: whom to contact and how first, then the chains of
introductions that lead there, each with its cost after it."""

from __future__ import annotations

from graphsvc.analysis.paths import ContactCard, ContactPath, PathAnswer, channel_name, language_name
from graphsvc.application.access import REDACTED
from graphsvc.support.i18n import _, format_day, format_number
from graphsvc.support.text_width import wrap


def paths_text(answer: PathAnswer) -> str:
    lines: list[str] = []
    if answer.successor is not None:
        lines += wrap(answer.successor.explanation)
    for card in _people_reached(answer.paths):
        lines += contact_lines(card)
    day = format_day(answer.as_of)
    lines.append("")
    if answer.target_kind == "contact" and len(answer.candidates) == 1:
        lines += wrap(
            _("Introductions from {source} to {person}, as of {day}").format(
                source=answer.source.name, person=answer.candidates[0].name, day=day
            )
        )
    else:
        lines.append(_("Introductions from {source}, as of {day}").format(source=answer.source.name, day=day))
        people = _(", ").join(c.name for c in answer.candidates)
        lines += wrap(
            _("Reaching {target}: {how} ({people})").format(target=answer.target, how=answer.resolved_as, people=people)
        )
    for path in answer.paths:
        lines += _path_lines(path)
    return "\n".join(lines)


def contact_lines(card: ContactCard) -> list[str]:
    """Who the person is and how to reach them, details as the key may see them."""
    who = " · ".join(
        part for part in (card.person.name, card.title, card.organization.name if card.organization else "") if part
    )
    lines = wrap(_("Contact: {person}").format(person=who))
    details = []
    if card.channel:
        details.append(_("preferred channel: {channel}").format(channel=channel_name(card.channel)))
    if card.phones:
        details.append(_("phone: {numbers}").format(numbers=_shown(card.phones)))
    if card.emails:
        details.append(_("e-mail: {addresses}").format(addresses=_shown(card.emails)))
    if not card.phones and not card.emails:
        details.append(_("no phone or e-mail on record"))
    if card.language:
        details.append(_("language: {language}").format(language=language_name(card.language)))
    for detail in details:
        lines += wrap(detail, "  ")
    return lines


def _shown(values: list[str]) -> str:
    return _(", ").join(_("(hidden from this key)") if value == REDACTED else value for value in values)


def _people_reached(paths: list[ContactPath]) -> list[ContactCard]:
    """The people the paths reach, each once, cheapest first."""
    cards: dict[str, ContactCard] = {}
    for path in paths:
        cards.setdefault(path.contact.person.id, path.contact)
    return list(cards.values())


def _path_lines(path: ContactPath) -> list[str]:
    head = _("#{rank}  {chain}  (cost {cost})").format(
        rank=path.rank, chain=path.summary, cost=format_number(path.cost, 4)
    )
    lines = wrap(head, rest="    ")
    for hop in path.hops:
        step = _("{source} → {target}: {reason}").format(
            source=hop.source.name, target=hop.target.name, reason=hop.reason
        )
        lines += wrap(step, "      ", "        ")
    return lines
