"""Response-time targets: how long is left to answer an item, or how late it is."""

from __future__ import annotations

from datetime import datetime, timedelta

from cmtui.i18n import _, pgettext
from cmtui.model import iso, parse_iso
from cmtui.text import short_duration


def time_left(row, now: datetime, target: timedelta) -> float | None:
    """Seconds until the item's answer is due (negative: that late); None when no answer is
    due any more: answered, done, snoozed, or moderated (flagged spam or abuse is never late)."""
    if row["state"] not in ("new", "open") or row["answered_at"] or row["moderated"]:
        return None
    return (parse_iso(row["created_at"]) + target - now).total_seconds()


def overdue_cutoff(now: datetime, target: timedelta) -> str:
    """Items created before this are overdue unless answered."""
    return iso(now - target)


def badge(left: float) -> str:
    """The list's column: '▲3h' three hours late, '◷45m' 45 minutes left."""
    one_minute = pgettext("compact duration", "{n}m").format(n=1)
    return f"▲{short_duration(-left, one_minute)}" if left < 0 else f"◷{short_duration(left, '<' + one_minute)}"


def long_duration(seconds: float) -> str:
    """'2 h 5 min', '3 d 4 h', '12 min': two units at most, for sentences."""
    minutes = int(abs(seconds)) // 60
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    # i18n: the parts of a duration in a sentence ("2 h 5 min", "3 d 4 h")
    parts = [pgettext("duration", "{n} d").format(n=days) if days else "",
             pgettext("duration", "{n} h").format(n=hours) if hours else "",
             pgettext("duration", "{n} min").format(n=minutes) if minutes and not days else ""]
    words = [p for p in parts if p][:2]
    return " ".join(words) or _("under a minute")


def describe(left: float, target: timedelta) -> str:
    goal = long_duration(target.total_seconds())
    if left < 0:
        # i18n: {late}: how late the answer is ("2 h 5 min"); {goal}: the response time target
        return _("{late} past the {goal} response target").format(late=long_duration(left), goal=goal)
    return _("answer within {left} (target {goal})").format(left=long_duration(left), goal=goal)
