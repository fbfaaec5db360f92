"""What the calendar views show, as plain data: the days of a month grid or a week, and
the occurrences that fall on each local day. No Textual: the widgets only draw this."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, time, timedelta, tzinfo

from cmtui.planning.timeparse import localize

VIEWS = ("month", "week", "agenda")


def month_weeks(day: date, first_weekday: int = 0) -> list[list[date]]:
    """The month grid around day: always six weeks of seven days, from first_weekday (Monday
    0, Sunday 6: the locale's, l10n.first_weekday()), so the grid never changes height."""
    first = day.replace(day=1)
    start = first - timedelta(days=(first.weekday() - first_weekday) % 7)
    return [[start + timedelta(days=7 * w + d) for d in range(7)] for w in range(6)]


def week_days(day: date, first_weekday: int = 0) -> list[date]:
    start = day - timedelta(days=(day.weekday() - first_weekday) % 7)
    return [start + timedelta(days=d) for d in range(7)]


def local_midnight(day: date, tz: tzinfo) -> datetime:
    """The start of a local day as an aware time (correct on daylight-saving days)."""
    return localize(datetime.combine(day, time()), tz)


def period(view: str, day: date, tz: tzinfo, first_weekday: int = 0) -> tuple[datetime, datetime]:
    """The [start, end) a view shows around day, as aware times."""
    if view == "month":
        weeks = month_weeks(day, first_weekday)
        first, last = weeks[0][0], weeks[-1][-1]
    elif view == "week":
        days = week_days(day, first_weekday)
        first, last = days[0], days[-1]
    else:  # agenda: a week back, six weeks ahead
        first, last = day - timedelta(days=7), day + timedelta(days=42)
    return local_midnight(first, tz), local_midnight(last + timedelta(days=1), tz)


def step(view: str, day: date, forward: bool) -> date:
    """n / p: the same place in the next or previous period."""
    sign = 1 if forward else -1
    if view == "month":
        month = day.month - 1 + sign
        year = day.year + month // 12
        month = month % 12 + 1
        return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))
    return day + timedelta(days=sign * (7 if view == "week" else 28))


def by_day(occurrences, tz: tzinfo) -> dict[date, list]:
    """Occurrences grouped by their local day, each day in time order."""
    days: dict[date, list] = defaultdict(list)
    for occurrence in occurrences:
        days[occurrence.at.astimezone(tz).date()].append(occurrence)
    for items in days.values():
        items.sort(key=lambda o: o.at)
    return days


class Undated:
    """An idea or draft without a time, in the agenda's last section (shaped as an occurrence)."""

    is_recurring = False
    skipped = False
    published = False
    at = None

    def __init__(self, row):
        self.entry = row


def series_of(occurrence) -> int | None:
    """The series an occurrence belongs to (None for an entry that does not repeat)."""
    return occurrence.entry["parent_id"] or occurrence.entry["id"] if occurrence.is_recurring else None


def occurrence_key(occurrence) -> tuple:
    """What identifies an occurrence across a re-read: its entry, its time, its series."""
    return occurrence.entry["id"], occurrence.at, series_of(occurrence)
