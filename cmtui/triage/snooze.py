"""When a snoozed item comes back: the presets, and what the user types."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.planning.timeparse import localize, parse_when

EVENING = time(18, 0)
MORNING = time(9, 0)


def _at(day: datetime, at: time, tz: tzinfo) -> datetime:
    return localize(datetime.combine(day.date(), at), tz)


def presets(now: datetime, tz: tzinfo) -> list[tuple[str, datetime]]:
    """(label, when) for the snooze dialog, all in the future, in the settings' timezone."""
    local = now.astimezone(tz)
    evening = _at(local, EVENING, tz)
    if evening <= local + timedelta(minutes=30):  # too late for "this evening": tomorrow's
        evening = _at(local + timedelta(days=1), EVENING, tz)
        evening_label = _("tomorrow evening")
    else:
        evening_label = _("this evening")
    monday = local + timedelta(days=(7 - local.weekday()) or 7)
    return [
        (_("in 1 hour"), local + timedelta(hours=1)),
        (evening_label, evening),
        # i18n: snooze presets, times on the 24-hour clock
        (_("tomorrow 9:00"), _at(local + timedelta(days=1), MORNING, tz)),
        (_("next Monday 9:00"), _at(monday, MORNING, tz)),
    ]


def parse_snooze(text: str, now: datetime, tz: tzinfo) -> datetime:
    """A typed snooze time ("fri 14:00", "2026-12-01 9:30", "in 3 days"); it must be ahead."""
    when = parse_when(text, tz, now)
    if when <= now:
        raise InputError(_("'{text}' is not in the future").format(text=text.strip()))
    return when
