"""Which lines a logged interaction used, and the lines the interaction log makes.

The one place that reads line use out of the interaction log (the README's "The working
graph"): an e-mail uses the line between its sender and each recipient, not the lines
between co-recipients (two people copied on one message have not talked to each other);
a meeting, call or any other channel uses every pair of participants. Nothing logged after
the as-of day counts.

**Derived lines.** Every pair who used a line by the as-of day has a ``communicates``
line that day, whether or not anyone entered a link for it. Its last contact is the latest
day it was used, and its strength sums one contribution per use, halved every
``half_life`` days of age: a use ``t`` days before the as-of day adds ``0.5 ** (t /
half_life)``. Ten e-mails today make a strength of 10; one e-mail a half-life ago, 0.5.
Where an entered link joins the same pair, the line's weight is the larger of the link's
weight and the derived strength, and its last contact the later of the two.

The log is kept as ``LineUses`` (pair -> day -> number of uses, ``domain.line_use``), which
the stores keep up to date as interactions are written and deleted, so a question never
re-reads the whole log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from graphsvc.domain.line_use import LineUses, line_uses, used_pairs
from graphsvc.domain.model import Interaction

__all__ = ["DerivedLine", "LineUses", "derived_lines", "last_contacts", "line_uses", "used_pairs"]

#: days after which a use counts half as much; a setting (GRAPHSVC_HALF_LIFE_DAYS)
HALF_LIFE_DAYS = 90.0

#: the half-life this process judges with: a process setting, set once at start-up
_setting = {"half_life": HALF_LIFE_DAYS}


def use_half_life(days: float) -> None:
    """Set the half-life this process judges derived lines with (from the settings)."""
    if not days > 0:
        raise ValueError("the half-life must be a positive number of days")
    _setting["half_life"] = float(days)


def current_half_life() -> float:
    return _setting["half_life"]


@dataclass(frozen=True)
class DerivedLine:
    """A line as the interaction log makes it on one day."""

    #: the latest day it was used, on or before the as-of day
    last: date
    #: the sum of its uses' decayed contributions (see the module's docstring)
    strength: float
    #: how many logged uses it had by the as-of day
    uses: int


def derive_line(by_day: dict[date, int], day: date, half_life: float) -> DerivedLine | None:
    """One line as of ``day`` from its uses per day; None if it was not used by then."""
    last: date | None = None
    strength = 0.0
    count = 0
    for when, times in by_day.items():
        if when > day:
            continue
        if last is None or when > last:
            last = when
        strength += times * 0.5 ** ((day - when).days / half_life)
        count += times
    if last is None:
        return None
    return DerivedLine(last=last, strength=strength, uses=count)


def derived_lines(uses: LineUses, day: date, half_life: float | None = None) -> dict[frozenset[str], DerivedLine]:
    """Every line the log makes as of ``day`` (see the module's docstring for the rule)."""
    life = current_half_life() if half_life is None else half_life
    out: dict[frozenset[str], DerivedLine] = {}
    for pair, by_day in uses.items():
        line = derive_line(by_day, day, life)
        if line is not None:
            out[pair] = line
    return out


def last_contacts(interactions: Iterable[Interaction], day: date) -> dict[frozenset[str], date]:
    """The latest day on or before ``day`` each line was used by a logged interaction."""
    return {pair: line.last for pair, line in derived_lines(line_uses(interactions), day, HALF_LIFE_DAYS).items()}
