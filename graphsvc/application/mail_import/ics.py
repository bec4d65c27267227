"""``.ics`` calendars: each meeting with its organiser, attendees and start.

A recurring meeting is expanded into its occurrences within a bounded window (and at most
``MAX_OCCURRENCES`` per series), so an open-ended weekly meeting cannot produce rows
without end. A one-off is read wherever it lies.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any, Final

import icalendar
import recurring_ical_events

from graphsvc.application.mail_import.records import Meeting, Person, Skip, is_address, storable_instant
from graphsvc.support.i18n import gettext as _

MAX_OCCURRENCES: Final = 1_000


def read_ics(path: Path, window: tuple[date, date], subjects: bool, source: str) -> tuple[list[Meeting], list[Skip]]:
    try:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
    except Exception as exc:  # icalendar raises ValueError and others on damaged input
        reason = _("not a readable iCalendar file: {error}").format(error=exc)
        return [], [Skip(source, source, "unreadable", reason)]
    meetings: list[Meeting] = []
    skipped: list[Skip] = []
    recurring = {str(e.get("uid", "")) for e in calendar.walk("VEVENT") if e.get("rrule") or e.get("rdate")}
    for event in calendar.walk("VEVENT"):
        if not (event.get("rrule") or event.get("rdate") or event.get("recurrence-id")):
            found, skip = _meeting(event, source, subjects, occurrence=False)
            meetings.extend(found)
            skipped.extend(skip)
    start, end = window
    # a rule repeating more often than daily is no meeting series: left out before expanding,
    # or a few bytes (FREQ=SECONDLY) would make millions of occurrences before any cap applied
    for event in list(calendar.walk("VEVENT")):
        if _too_frequent(event):
            uid = str(event.get("uid", "")).strip() or _("an event")
            skipped.append(Skip(source, uid, "too_frequent", _("repeats more often than daily; not read")))
            recurring.discard(str(event.get("uid", "")))
            _remove(calendar, event)
    per_series: dict[str, int] = {}
    for event in recurring_ical_events.of(calendar).between(start, end):
        uid = str(event.get("uid", ""))
        if uid not in recurring:
            continue  # a one-off, read above
        per_series[uid] = per_series.get(uid, 0) + 1
        if per_series[uid] > MAX_OCCURRENCES:
            continue
        found, skip = _meeting(event, source, subjects, occurrence=True)
        meetings.extend(found)
        skipped.extend(skip)
    for uid, count in per_series.items():
        if count > MAX_OCCURRENCES:
            reason = _("only the first {limit} occurrences within the window were read").format(limit=MAX_OCCURRENCES)
            skipped.append(Skip(source, uid, "too_many_occurrences", reason))
    return meetings, skipped


def _too_frequent(event: Any) -> bool:
    """A rule repeating by the second, minute or hour (or picking times within a day)."""
    rule = event.get("rrule")
    if not rule:
        return False
    freq = {str(f).upper() for f in rule.get("FREQ", [])}
    return bool(freq & {"SECONDLY", "MINUTELY", "HOURLY"}) or any(
        rule.get(k) for k in ("BYSECOND", "BYMINUTE", "BYHOUR")
    )


def _remove(calendar: Any, event: Any) -> None:
    """Take ``event`` out of the calendar (or the component holding it)."""
    for component in calendar.walk():
        if event in component.subcomponents:
            component.subcomponents.remove(event)
            return


def _meeting(event: Any, source: str, subjects: bool, occurrence: bool) -> tuple[list[Meeting], list[Skip]]:
    uid = str(event.get("uid", "")).strip()
    at = _instant(event.get("dtstart"))
    item = uid or str(event.get("summary", "")) or _("an event")
    if not uid:
        return [], [Skip(source, item, "no_uid", _("an event without a UID"))]
    if at is None:
        return [], [Skip(source, item, "no_start", _("an event without a start"))]
    key = f"{uid}@{at.isoformat()}" if occurrence else uid
    organizer = _person(event.get("organizer"))
    attendees = event.get("attendee") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    people = tuple(p for p in (_person(a) for a in attendees) if p is not None)
    subject = str(event.get("summary", "")).strip() if subjects else ""
    return [Meeting(key=key, source=source, at=at, organizer=organizer, attendees=people, subject=subject)], []


def _instant(prop: Any) -> datetime | None:
    value = getattr(prop, "dt", None)
    if isinstance(value, datetime):
        return storable_instant(value.replace(tzinfo=UTC) if value.tzinfo is None else value)
    if isinstance(value, date):
        return storable_instant(datetime.combine(value, time(), tzinfo=UTC))  # an all-day event
    return None


def _person(prop: Any) -> Person | None:
    if prop is None:
        return None
    email = str(prop).strip()
    if email.lower().startswith("mailto:"):
        email = email[len("mailto:") :]
    if not is_address(email):
        return None
    params = getattr(prop, "params", {})
    return Person(name=str(params.get("CN", "") or "").strip(), email=email)
