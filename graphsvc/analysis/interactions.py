"""Which lines a logged interaction used, and when each line was last used by a day.

The one place that reads line use out of the interaction log (the README's "The working
graph"): an e-mail uses the line between its sender and each recipient, not the lines
between co-recipients (two people copied on one message have not talked to each other);
a meeting, call or any other channel uses every pair of participants. Nothing logged after
the as-of day counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from itertools import combinations

from graphsvc.domain.model import Interaction


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


def last_contacts(interactions: Iterable[Interaction], day: date) -> dict[frozenset[str], date]:
    """The latest day on or before ``day`` each line was used by a logged interaction."""
    latest: dict[frozenset[str], date] = {}
    for interaction in interactions:
        when = interaction.at.date()
        if when > day:
            continue
        for pair in used_pairs(interaction):
            known = latest.get(pair)
            if known is None or known < when:
                latest[pair] = when
    return latest
