"""Dates as people type them: ISO 2026-11-22, 2026/11/22, 2026.11.22 or 2026年11月22日.

One rule for every place a person writes a date: spreadsheet cells (``iso_text``) and the
command line's date options (``parse_day``) accept the same forms.
"""

from __future__ import annotations

import re
from datetime import date

from graphsvc.support.i18n import N_, _

#: year, month, day separated by - / . or 年 月 (日 after the day), an optional time after
LOOSE_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:(?:\s+|T)(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)

#: the forms named in messages
DAY_FORMS = N_("2026-11-22, 2026/11/22, 2026.11.22 or 2026年11月22日")


def iso_text(text: str) -> str:
    """2025/3/1, 2025年3月1日 or 2025-3-1 9:30 -> ISO text; anything else unchanged."""
    match = LOOSE_DATE.match(text)
    if not match:
        return text
    year, month, day, hour, minute, second = match.groups()
    iso = f"{year}-{int(month):02d}-{int(day):02d}"
    if hour is not None:
        iso += f"T{int(hour):02d}:{minute}:{second or '00'}"
    return iso


def parse_day(text: str) -> date:
    """A day in one of the accepted forms; ValueError saying what is expected otherwise."""
    match = LOOSE_DATE.match(text.strip())
    if not match or match.group(4) is not None:
        raise ValueError(_("expected a day such as {forms}, got {text!r}").format(forms=_(DAY_FORMS), text=text))
    year, month, day = (int(part) for part in match.groups()[:3])
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(_("{text!r} is no day of the calendar").format(text=text)) from exc
