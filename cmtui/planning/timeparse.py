"""Reading times the user types ("2026-12-01 09:30", "tomorrow 9:00", "fri 18:30",
"next monday", "in 3 days") in the settings' timezone."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo

from cmtui.errors import InputError
from cmtui.model import WEEKDAYS

_RELATIVE = re.compile(r"^in\s+(\d+)\s*(minute|min|hour|h|day|d|week|w)s?$")
_UNITS = {"minute": "minutes", "min": "minutes", "hour": "hours", "h": "hours",
          "day": "days", "d": "days", "week": "weeks", "w": "weeks"}


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach tz to a wall-clock time; a time skipped by a DST change moves forward."""
    from dateutil import tz as dtz

    aware = naive.replace(tzinfo=tz)
    if not dtz.datetime_exists(aware):
        aware = dtz.resolve_imaginary(aware)
    return aware


def _time_part(text: str) -> time | None:
    if not text:
        return None
    match = re.fullmatch(r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?", text)
    if not match:
        raise ValueError(text)
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3) == "pm" and hour < 12:
        hour += 12
    if match.group(3) == "am" and hour == 12:
        hour = 0
    return time(hour, minute)


def _day_word(word: str, today: datetime) -> datetime | None:
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word == "yesterday":
        return today - timedelta(days=1)
    for index, name in enumerate(WEEKDAYS):
        if word.startswith(name):
            ahead = (index - today.weekday()) % 7 or 7
            return today + timedelta(days=ahead)
    return None


def parse_when(text: str, tz: tzinfo, now: datetime | None = None) -> datetime:
    """Return an aware datetime for what the user typed; raise InputError if unreadable.
    A date without a time means the start of that day."""
    raw = text.strip()
    lowered = " ".join(raw.lower().split())
    now = (now or datetime.now(tz)).astimezone(tz)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if not lowered:
        raise InputError("empty date/time")
    if lowered == "now":
        return now
    match = _RELATIVE.match(lowered)
    if match:
        return now + timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    words = lowered.removeprefix("next ").split(" ", 1)
    day = _day_word(words[0], today)
    if day is not None:
        try:
            at = _time_part(words[1] if len(words) > 1 else "") or time(0, 0)
        except ValueError:
            raise InputError(f"cannot read the time in '{raw}' (try '{words[0]} 9:00')") from None
        return localize(datetime.combine(day.date(), at), tz)
    try:
        from dateutil import parser

        parsed = parser.parse(raw, default=datetime.combine(today.date(), time(0, 0)))
    except (ValueError, OverflowError):
        raise InputError(
            f"cannot read '{raw}' as a date/time (try 2026-12-01, '2026-12-01 09:30', 'tomorrow 9:00', 'fri 18:30')"
        ) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(tz)
    return localize(parsed, tz)
