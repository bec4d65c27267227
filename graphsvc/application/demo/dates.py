"""Moving a bundle in time: every date and instant shifted by the same number of days.

The demo tells a story seen on its scenario day. Loaded on another day with every date
moved by the difference, it looks on that day exactly as it did on the scenario day, so
the findings its README promises are the ones a user sees. The shift walks the fields of
the pydantic models themselves, so a date field added to a model later moves too.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from pydantic import BaseModel

from graphsvc.domain.bundle import Bundle
from graphsvc.domain.model import KINDS, MAX_YEAR, MIN_YEAR, Row

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R", bound=Row)

#: a day quoted in a text, such as "Left the company on 2026-10-31"
QUOTED_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

#: the earliest and latest day a row may hold (model.py refuses years outside)
FIRST_DAY, LAST_DAY = date(MIN_YEAR, 1, 1), date(MAX_YEAR, 12, 31)


def _shifted(value: Any, by: timedelta) -> Any:
    """``value`` with every date in it moved; a datetime keeps its time of day and zone."""
    if isinstance(value, date):  # a datetime is a date too
        return value + by
    if isinstance(value, BaseModel):
        return shift_dates(value, by)
    if isinstance(value, list | tuple):
        return type(value)(_shifted(item, by) for item in value)
    if isinstance(value, dict):
        return {key: _shifted(item, by) for key, item in value.items()}
    return value


def shift_dates(model: M, by: timedelta) -> M:
    """A copy of ``model`` with every date and datetime field (nested models and lists
    included) moved by ``by``; everything else, ids first of all, is kept."""
    changes = {}
    for name in type(model).model_fields:
        old = getattr(model, name)
        new = _shifted(old, by)
        if new is not old:
            changes[name] = new
    return model.model_copy(update=changes)


def _dates_in(value: Any) -> list[date]:
    if isinstance(value, date):
        return [value]
    if isinstance(value, BaseModel):
        return [day for name in type(value).model_fields for day in _dates_in(getattr(value, name))]
    if isinstance(value, list | tuple):
        return [day for item in value for day in _dates_in(item)]
    if isinstance(value, dict):
        return [day for item in value.values() for day in _dates_in(item)]
    return []


def date_span(bundle: Bundle) -> tuple[date, date] | None:
    """The earliest and the latest day anything in ``bundle`` happens (None: no dates)."""
    days = [d.date() if isinstance(d, datetime) else d for d in _dates_in(bundle)]
    return (min(days), max(days)) if days else None


class ShiftError(ValueError):
    """A shift that would move some date out of the years a row may hold; ``lowest`` and
    ``highest`` are the shifts that would be fine."""

    def __init__(self, message: str, lowest: timedelta, highest: timedelta):
        super().__init__(message)
        self.lowest, self.highest = lowest, highest


def shift_bundle(bundle: Bundle, by: timedelta) -> Bundle:
    """Every row of ``bundle`` with its dates moved by ``by``; refused (ShiftError) if a date
    would leave the years a row may hold."""
    span = date_span(bundle)
    if span and not (FIRST_DAY - span[0] <= by <= LAST_DAY - span[1]):
        raise ShiftError(
            f"moving the dates by {by.days:+d} days would put some outside {FIRST_DAY} to {LAST_DAY}"
            f" (the data spans {span[0]} to {span[1]})",
            FIRST_DAY - span[0],
            LAST_DAY - span[1],
        )
    return bundle.model_copy(update={kind: [shift_dates(row, by) for row in bundle.rows(kind)] for kind in KINDS})


def _moved_day(quoted: re.Match[str], by: timedelta) -> str:
    try:
        return (date.fromisoformat(quoted.group()) + by).isoformat()
    except (ValueError, OverflowError):  # not a real day: left as written
        return quoted.group()


def move_quoted_days(row: R, by: timedelta) -> R:
    """A copy of ``row`` whose texts quote days moved by ``by``: for the demo, whose notes
    tell its story ("最后工作日 2026-12-31"). Ids and references are kept as they are."""
    changes = {}
    for name in type(row).model_fields:
        value = getattr(row, name)
        if name != "id" and name not in row.references and isinstance(value, str) and QUOTED_DAY.search(value):
            changes[name] = QUOTED_DAY.sub(lambda quoted: _moved_day(quoted, by), value)
    return row.model_copy(update=changes)
