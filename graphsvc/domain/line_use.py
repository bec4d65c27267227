"""Which lines (pairs of people) a logged interaction used, counted per day.

The channel rule (README "The working graph"): an e-mail uses the line between its sender
and each recipient, not the lines between co-recipients (two people copied on one message
have not talked to each other); a meeting, call or any other channel uses every pair of
participants. The stores keep ``LineUses`` of the whole log up to date as interactions are
written and deleted; ``analysis.interactions`` turns them into lines with a strength.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import combinations

from graphsvc.domain.model import Interaction

#: pair of contact ids -> day -> number of logged uses that day
LineUses = dict[frozenset[str], dict[date, int]]


def used_pairs(interaction: Interaction) -> Iterator[frozenset[str]]:
    """The lines (pairs of contact ids) one interaction used.

    An e-mail is read from its sender (the model names one when none is given); one whose
    sender is outside what the reader may see (a scoped key's view leaves it out) used no
    line the reader can see: its recipients did not talk to each other.
    """
    if interaction.is_email:
        sender = interaction.sender
        if sender is None:
            return
        for recipient in interaction.participants:
            if recipient != sender:
                yield frozenset((sender, recipient))
    else:
        for a, b in combinations(interaction.participants, 2):
            yield frozenset((a, b))


def add_uses(uses: LineUses, interaction: Interaction, sign: int = 1, keep_negative: bool = False) -> None:
    """Count one interaction's line uses into ``uses`` (``sign=-1`` takes them out again,
    for an interaction deleted or replaced). Counts that reach zero are dropped; with
    ``keep_negative`` (a change to apply elsewhere) negative counts are kept too."""
    day = interaction.at.date()
    for pair in used_pairs(interaction):
        by_day = uses.get(pair)
        if by_day is None:
            by_day = uses[pair] = {}
        count = by_day.get(day, 0) + sign
        if count > 0 or (keep_negative and count < 0):
            by_day[day] = count
        else:
            by_day.pop(day, None)
            if not by_day:
                del uses[pair]


def line_uses(interactions: Iterable[Interaction]) -> LineUses:
    """The uses of every line in a log, counted per day."""
    uses: LineUses = {}
    for interaction in interactions:
        add_uses(uses, interaction)
    return uses


def moved(uses: LineUses, delta: LineUses) -> LineUses:
    """``uses`` moved by a change's ``delta`` (counts that reach zero dropped), as a new map:
    the pairs the delta leaves alone are shared with ``uses``, which stays as it was."""
    out = dict(uses)
    for pair, by_day in delta.items():
        days = dict(out.get(pair, {}))
        for day, count in by_day.items():
            total = days.get(day, 0) + count
            if total > 0:
                days[day] = total
            else:
                days.pop(day, None)
        if days:
            out[pair] = days
        else:
            out.pop(pair, None)
    return out
