"""Types of HTTP parameters, shared by every route.

Pydantic's lax date parsing also takes a number as a Unix timestamp, so ``as_of=0`` would
quietly mean 1970-01-01. A day given over HTTP is ``YYYY-MM-DD`` and nothing else; anything
else is a 422 naming the field.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: Any) -> Any:
    if isinstance(value, date) or (isinstance(value, str) and ISO_DAY.fullmatch(value)):
        return value  # pydantic checks that it is a real day
    raise ValueError("expected a day as YYYY-MM-DD")


#: a calendar day as ``YYYY-MM-DD`` (documented as ``format: date``)
Day = Annotated[date, BeforeValidator(_iso_day)]
