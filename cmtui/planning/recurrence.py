"""Recurring entries: RFC 5545 rules (through dateutil.rrule), their occurrences, and the
one query every calendar view reads (`occurrences_between`).

A series is one calendar entry with an `rrule`; its `scheduled_at` is the start (DTSTART).
Rules are expanded on the local wall clock of the settings' timezone, so "every Monday at
10:00" stays 10:00 local across daylight-saving changes. A local time skipped by the spring
change (02:30 on that Sunday) is read as RFC 5545 says: with the offset before the gap
(03:30 summer time); a time that occurs twice in autumn is the first of the two.

Each occurrence is published on its own: when one comes within the sync horizon it is
materialized as a child row (parent_id, occurrence_at) with its own status and its own
outbox `post` (`materialize_due`, called by every sync pass). Single occurrences can be
skipped (entry_skips); a skipped occurrence that was already materialized is cancelled.
"""

from __future__ import annotations

import calendar
import re
import sqlite3
from bisect import bisect_left
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from itertools import islice
from operator import itemgetter
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.model import iso, parse_iso
from cmtui.planning.lifecycle import LATE_GRACE, cancel, revive_occurrence
from cmtui.planning.publishing import queue_posts

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

FREQS = ("HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A rule whose own occurrences come closer than this is refused (they would flood followers).
# Not the settings' min_gap_minutes: that one is a warning between any two posts of an
# account (planning.conflicts) and can be changed; this floor holds for every rule.
MIN_GAP = timedelta(hours=1)
_KNOWN = {"FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY",
          "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST"}
_PROBE = datetime(2026, 1, 5, 10, 0)  # a Monday: rules are checked from here
_UNTIL = re.compile(r"(?<![A-Z])UNTIL=([0-9TZ]+)")
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


# -- rules ---------------------------------------------------------------------------------
def parse_rule(text: str) -> str:
    """Validate a recurrence rule and return it in canonical form ("FREQ=WEEKLY;BYDAY=MO,TH").
    Accepts a bare rule or an "RRULE:" line; raises InputError with one clear sentence."""
    raw = (text or "").strip()
    if not raw:
        raise InputError(_("the recurrence rule is empty (try FREQ=WEEKLY;BYDAY=MO,TH)"))
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if len(lines) != 1:
        raise InputError(_("give a single RRULE line; the entry's own time is the start of the series"))
    line = lines[0]
    if line.upper().startswith("RRULE:"):
        line = line[6:]
    elif ":" in line:
        head = line.split(":", 1)[0]
        raise InputError(_("'{head}' is not a recurrence rule; give only the RRULE line (like FREQ=DAILY)").format(
            head=head))
    parts: dict[str, str] = {}
    for part in line.strip().upper().split(";"):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not value:
            raise InputError(_("cannot read '{part}' in the recurrence rule (expected NAME=VALUE, like FREQ=DAILY)")
                             .format(part=part))
        if key not in _KNOWN:
            raise InputError(_("'{key}' is not a recurrence rule part (known: {known})").format(
                key=key, known=", ".join(sorted(_KNOWN))))
        if key in parts:
            raise InputError(_("'{key}' appears twice in the recurrence rule").format(key=key))
        parts[key] = value
    freq = parts.get("FREQ")
    if freq is None:
        raise InputError(_("a recurrence rule needs FREQ (DAILY, WEEKLY, MONTHLY or YEARLY)"))
    if freq in ("SECONDLY", "MINUTELY"):
        if freq == "SECONDLY":
            raise InputError(_("FREQ=SECONDLY would post every second; posts repeat at most hourly"))
        raise InputError(_("FREQ=MINUTELY would post every minute; posts repeat at most hourly"))
    if freq not in FREQS:
        raise InputError(_("unknown frequency FREQ={freq} (DAILY, WEEKLY, MONTHLY, YEARLY or HOURLY)").format(
            freq=freq))
    if "COUNT" in parts and "UNTIL" in parts:
        raise InputError(_("a recurrence rule may end with COUNT or UNTIL, not both"))
    if freq == "HOURLY" and "COUNT" not in parts and "UNTIL" not in parts:
        raise InputError(_("an hourly rule needs an end (COUNT=N or UNTIL=date)"))
    rule = ";".join(["FREQ=" + freq] + [f"{k}={v}" for k, v in parts.items() if k != "FREQ"])
    try:
        expanded = _rrule(rule, _PROBE, timezone.utc)
        first = list(islice(expanded, 200))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        reason = str(exc).rstrip(".") or type(exc).__name__
        raise InputError(_("cannot read the recurrence rule '{rule}': {reason}").format(rule=raw, reason=reason)) from None
    if not first:
        raise InputError(_("the recurrence rule '{rule}' never matches a date").format(rule=raw))
    if any(b - a < MIN_GAP for a, b in zip(first, first[1:])):
        raise InputError(_("the recurrence rule '{rule}' repeats less than an hour apart; posts would flood "
                           "followers").format(rule=raw))
    return rule


def first_on_rule(rule: str, start: datetime, tz: tzinfo) -> datetime | None:
    """When a series' start is not a date its rule gives (a BYDAY=TU rule starting on a
    Wednesday), the first time the rule itself gives, at or after the start (aware, UTC);
    None when the start matches the rule (or the rule gives nothing after it). The start
    still posts (RFC 5545 counts DTSTART), so the composer warns rather than refuses."""
    dtstart = start.astimezone(tz).replace(tzinfo=None, second=0, microsecond=0)
    found = _rrule(parse_rule(rule), dtstart, tz).after(dtstart, inc=True)
    if found is None or found == dtstart:
        return None
    return _localize(found, tz)


def _until_local(value: str, tz: tzinfo) -> str:
    """UNTIL as a local wall-clock time (dateutil wants it naive when DTSTART is naive).
    A date alone includes that whole day; a UTC time is converted to the local clock."""
    if len(value) == 8:
        return value + "T235959"
    if value.endswith("Z"):
        moment = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
        return moment.astimezone(tz).strftime("%Y%m%dT%H%M%S")
    return value


@lru_cache(maxsize=1024)
def _rrule(rule: str, dtstart: datetime, tz: tzinfo):
    """A dateutil rrule on the local wall clock (naive dtstart), cached."""
    from dateutil.rrule import rrulestr

    rule = _UNTIL.sub(lambda m: "UNTIL=" + _until_local(m.group(1), tz), rule)
    return rrulestr(rule, dtstart=dtstart)


def _localize(naive: datetime, tz: tzinfo) -> datetime:
    """A local wall-clock time as UTC; a time skipped by a DST change gets the offset before
    the gap (RFC 5545), a repeated one the first of the two (fold=0 gives both in zoneinfo)."""
    offset = tz.utcoffset(naive) if isinstance(tz, (ZoneInfo, timezone)) else None
    if offset is not None:
        return (naive - offset).replace(tzinfo=timezone.utc)
    aware = naive.replace(tzinfo=tz)
    utc = aware.astimezone(timezone.utc)
    if utc.astimezone(tz).replace(tzinfo=None) != naive:  # in the gap: round trip differs
        before = (naive - timedelta(hours=3)).replace(tzinfo=tz).utcoffset() or timedelta()
        utc = (naive - before).replace(tzinfo=timezone.utc)
    return utc


def _shifted_start(rule_obj, rule: str, dtstart: datetime, lo: datetime) -> datetime:
    """A later DTSTART that gives the same occurrences from `lo` on, so that expanding a
    window does not walk every period since the series began. Only where that is exact: no
    COUNT or BYSETPOS, and nothing implied from DTSTART that the shift would change."""
    if lo - dtstart < timedelta(days=14) or "COUNT=" in rule or "BYSETPOS=" in rule:
        return dtstart
    interval = int(rule_obj._interval)
    freq = rule_obj._freq  # dateutil: YEARLY=0, MONTHLY=1, WEEKLY=2, DAILY=3, HOURLY=4
    if freq == 3:
        step = timedelta(days=interval)
        return dtstart + step * ((lo - dtstart) // step - 1)
    if freq == 2:
        step = timedelta(weeks=interval)
        return dtstart + step * ((lo - dtstart) // step - 1)
    if freq == 1 and (dtstart.day <= 28 or "BYMONTHDAY=" in rule or "BYDAY=" in rule or "BYYEARDAY=" in rule):
        if dtstart.day > 28:
            return dtstart
        months = ((lo.year - dtstart.year) * 12 + lo.month - dtstart.month) // interval * interval - interval
        if months <= 0:
            return dtstart
        year, month = divmod(dtstart.month - 1 + months, 12)
        return dtstart.replace(year=dtstart.year + year, month=month + 1)
    return dtstart


@lru_cache(maxsize=512)
def _simple(rule: str):
    """The common rules, computed here without dateutil (speed), as (freq, interval, until,
    week start, weekdays, month days, (ordinal, weekday) pairs); None for the others
    (COUNT, BYSETPOS, BYMONTH, YEARLY, HOURLY ...), which dateutil expands."""
    parts = dict(part.split("=", 1) for part in rule.split(";"))
    freq = parts.pop("FREQ")
    interval = parts.pop("INTERVAL", "1")
    until = parts.pop("UNTIL", None)
    wkst = parts.pop("WKST", "MO")
    byday = parts.pop("BYDAY", None)
    bymonthday = parts.pop("BYMONTHDAY", None)
    if parts or freq not in ("DAILY", "WEEKLY", "MONTHLY") or not interval.isdigit() or int(interval) < 1 \
            or wkst not in _WEEKDAYS:
        return None
    days = monthdays = ordinals = None
    if freq == "DAILY" and (byday or bymonthday):
        return None
    if freq == "WEEKLY":
        if bymonthday or (byday and any(day not in _WEEKDAYS for day in byday.split(","))):
            return None
        days = tuple(_WEEKDAYS[day] for day in byday.split(",")) if byday else None
    if freq == "MONTHLY":
        if byday and bymonthday:
            return None
        if bymonthday:
            monthdays = tuple(int(day) for day in bymonthday.split(","))
        if byday:
            found: list[tuple[int | None, int]] = []
            for day in byday.split(","):
                match = re.fullmatch(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)", day)
                if not match:
                    return None
                found.append((int(match.group(1)) if match.group(1) else None, _WEEKDAYS[match.group(2)]))
            ordinals = tuple(found)
            if len({ordinal is None for ordinal, _ in ordinals}) > 1:
                return None  # "FR,-2WE": dateutil intersects the two kinds (and parse_rule follows it)
    return freq, int(interval), until, _WEEKDAYS[wkst], days, monthdays, ordinals


def _month_days(year: int, month: int, dtstart: datetime, monthdays, ordinals) -> list[int]:
    length = calendar.monthrange(year, month)[1]
    if monthdays:
        found = {day if day > 0 else length + day + 1 for day in monthdays}
    elif ordinals:
        found = set()
        first = 1 + (0 - calendar.weekday(year, month, 1)) % 7  # the first Monday
        for ordinal, weekday in ordinals:
            matching = list(range(1 + (first - 1 + weekday) % 7, length + 1, 7))
            if ordinal is None:
                found.update(matching)
            elif 0 < ordinal <= len(matching) or 0 < -ordinal <= len(matching):
                found.add(matching[ordinal - 1 if ordinal > 0 else ordinal])
    else:
        found = {dtstart.day}
    return sorted(day for day in found if 1 <= day <= length)


def _simple_between(spec, dtstart: datetime, lo: datetime, hi: datetime, tz: tzinfo) -> list[datetime]:
    """What dateutil's rrule(...).between(lo, hi, inc=True) gives for a _simple rule."""
    freq, interval, until_text, wkst, days, monthdays, ordinals = spec
    lower, upper = max(lo, dtstart), hi
    if until_text:
        upper = min(hi, datetime.strptime(_until_local(until_text, tz), "%Y%m%dT%H%M%S"))
    if upper < lower:
        return []
    at_time, combine = dtstart.time(), datetime.combine
    if freq == "DAILY":
        skip = -(-(lower.date() - dtstart.date()).days // interval) * interval  # first day on the rule's step
        day, step, found = dtstart.date() + timedelta(days=max(0, skip - interval)), timedelta(days=interval), []
        moment = combine(day, at_time)
        while moment <= upper:
            if moment >= lower:
                found.append(moment)
            day += step
            moment = combine(day, at_time)
        return found
    found = []
    if freq == "MONTHLY":
        year, month = lower.year, lower.month
        while datetime(year, month, 1) <= upper:
            index = (year - dtstart.year) * 12 + month - dtstart.month
            if index >= 0 and index % interval == 0:
                for mday in _month_days(year, month, dtstart, monthdays, ordinals):
                    moment = datetime(year, month, mday, at_time.hour, at_time.minute, at_time.second)
                    if lower <= moment <= upper:
                        found.append(moment)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found
    offsets = [timedelta(days=o) for o in sorted({(weekday - wkst) % 7 for weekday in (days or (dtstart.weekday(),))})]
    first_week = dtstart.date() - timedelta(days=(dtstart.weekday() - wkst) % 7)
    week = first_week + timedelta(weeks=max(0, (lower.date() - first_week).days) // (7 * interval) * interval)
    step = timedelta(weeks=interval)
    while combine(week, time()) <= upper:
        for offset in offsets:
            moment = combine(week + offset, at_time)
            if lower <= moment <= upper:
                found.append(moment)
        week += step
    return found


@lru_cache(maxsize=4096)  # series x months; a few MB at most
def _expand(rule: str, start_text: str, tz: tzinfo, year: int, month: int) -> tuple[datetime, ...]:
    """Occurrences (aware, UTC, in time order) of a series starting at start_text whose local
    wall-clock time falls in one calendar month. Cached by month: moving from one month to
    the next expands only the new one. The series' own start always counts (RFC 5545)."""
    lo = datetime(year, month, 1)
    hi = datetime(year + month // 12, month % 12 + 1, 1)
    dtstart = parse_iso(start_text).astimezone(tz).replace(tzinfo=None, microsecond=0)
    if hi <= dtstart:
        return ()
    spec = _simple(rule)
    if spec is not None:
        naive = _simple_between(spec, dtstart, lo, hi, tz)
    else:
        base = _rrule(rule, dtstart, tz)
        shifted = _shifted_start(base, rule, dtstart, lo)
        naive = (base if shifted == dtstart else _rrule(rule, shifted, tz)).between(lo, hi, inc=True)
    naive = [n for n in naive if n < hi]
    if lo <= dtstart < hi and (not naive or naive[0] != dtstart):
        naive.insert(0, dtstart)
    return tuple(sorted(_localize(n, tz) for n in naive))


def _key(at: datetime) -> str:
    """iso(at) for an aware UTC time, fast (isoformat is C, strftime is not)."""
    return at.isoformat()[:19] + "Z"


def _months(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[int, int]]:
    """The local calendar months that [start, end) touches, with a day of margin either
    side (a local wall-clock time and its UTC time can fall in different months)."""
    first = (start.astimezone(tz) - timedelta(days=1)).date()
    last = (end.astimezone(tz) + timedelta(days=1)).date()
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _series_slice(rule: str, start_text: str, start: datetime, end: datetime, tz: tzinfo,
                  months: list | None = None) -> tuple[datetime, ...]:
    """A series' occurrences in [start, end)."""
    blocks = [_expand(rule, start_text, tz, year, month) for year, month in (months or _months(start, end, tz))]
    times = blocks[0] if len(blocks) == 1 else sum(blocks, ())
    if start.tzinfo is not timezone.utc:
        start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)
    return times[bisect_left(times, start):bisect_left(times, end)]


def occurrences(entry_row, start: datetime, end: datetime, tz: tzinfo, *, skips=None) -> list[datetime]:
    """The times (aware, UTC) at which an entry occurs in [start, end), without the skipped
    ones. A single entry occurs once, at its scheduled (else published) time; a series as
    its rule says from its scheduled_at. skips: ISO UTC times to leave out (entry_skips)."""
    if not entry_row["rrule"]:
        at = parse_iso(entry_row["scheduled_at"] or entry_row["published_at"])
        return [at] if at is not None and start <= at < end else []
    if not entry_row["scheduled_at"]:
        return []
    skipped = set(skips or ())
    times = _series_slice(entry_row["rrule"], entry_row["scheduled_at"], start, end, tz)
    return [at for at in times if _key(at) not in skipped] if skipped else list(times)


def next_occurrence(entry_row, after: datetime, tz: tzinfo, *, skips=None, within=timedelta(days=400)):
    """The first occurrence at or after `after` (aware UTC), or None within the next `within`."""
    step = timedelta(days=31)
    cursor = after
    while cursor < after + within:
        found = occurrences(entry_row, cursor, cursor + step, tz, skips=skips)
        if found:
            return found[0]
        cursor += step
    return None


# -- what the views read ---------------------------------------------------------------------
@dataclass(slots=True)
class Occurrence:
    """One chip on the calendar: an entry at a time. For a series, `entry` is the series'
    row (or, once materialized, the occurrence's own child row)."""

    entry: sqlite3.Row  # of calendar_entries with `account` (the account's name)
    at: datetime  # aware, UTC
    is_recurring: bool
    skipped: bool
    published: bool

    @property
    def entry_id(self) -> int:
        return self.entry["id"]

    @property
    def series_id(self) -> int | None:
        """The series this occurrence belongs to (None for a single entry)."""
        if not self.is_recurring:
            return None
        return self.entry["parent_id"] or self.entry["id"]


def _stored_time(text: str) -> datetime:
    at = datetime.fromisoformat(text)
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


def occurrences_between(store: Store, start: datetime, end: datetime, tz: tzinfo) -> list[Occurrence]:
    """Every entry in [start, end), by time: single entries at their scheduled (else
    published) time, series expanded (skipped occurrences included, flagged), materialized
    occurrences as their own rows. Undated entries are not in any range. Two index ranges
    for the single entries, a partial index for the series (few); expansions are cached."""
    start, end = start.astimezone(timezone.utc), end.astimezone(timezone.utc)  # cheap comparisons
    start_text, end_text = iso(start), iso(end)
    found: list[tuple] = []
    singles = store.entries.singles_between(start_text, end_text)
    parents = {r["parent_id"] for r in singles if r["parent_id"] is not None}
    skipped_children = store.entries.skips_of(parents, None, None) if parents else set()
    for row in singles:
        at = _stored_time(row["scheduled_at"] or row["published_at"])
        parent = row["parent_id"]
        child = parent is not None
        found.append((at, row["id"], Occurrence(row, at, child, child and (parent, row["occurrence_at"])
                                                in skipped_children, row["status"] == "published")))
    series = store.entries.series_before(end_text)
    if series:
        months = _months(start, end, tz)
        ids = [row["id"] for row in series]
        # A materialized occurrence stands for its time even when moved out of the range.
        taken = store.entries.children_at(ids, start_text, end_text)
        skips = store.entries.skips_of(ids, start_text, end_text)
        marked = {key[0] for key in taken} | {key[0] for key in skips}
        for row in series:
            series_id = row["id"]
            times = _series_slice(row["rrule"], row["scheduled_at"], start, end, tz, months)
            if series_id not in marked:
                found.extend((at, series_id, Occurrence(row, at, True, False, False)) for at in times)
                continue
            for at in times:
                key = _key(at)
                if (series_id, key) not in taken:
                    found.append((at, series_id, Occurrence(row, at, True, (series_id, key) in skips, False)))
    found.sort(key=itemgetter(0, 1))
    return [item[2] for item in found]


# -- skipping single occurrences ---------------------------------------------------------------
def _series(store: Store, entry_id):
    """(series row, the occurrence's key when entry_id is a materialized occurrence)."""
    row = store.entries.require(entry_id)
    key = None
    if row["parent_id"] is not None:
        key = row["occurrence_at"]  # it may have been moved: its identity is the time it stands for
        row = store.entries.require(row["parent_id"])
    if not row["rrule"]:
        raise InputError(_("entry {id} does not repeat; there is no occurrence to skip").format(id=entry_id))
    return row, key


def _occurrence_key(store: Store, settings: Settings | None, series, at: datetime) -> str:
    if at.tzinfo is None:
        raise InputError(_("the occurrence time needs a timezone"))
    key = iso(at)
    if settings is None:  # no timezone to expand the rule in: take the time as given
        return key
    tz = settings.tzinfo()
    if key not in {iso(t) for t in occurrences(series, at - timedelta(minutes=1), at + timedelta(minutes=1), tz)}:
        raise InputError(_("entry {id} has no occurrence at {time}").format(
            id=series["id"], time=at.astimezone(tz).strftime("%Y-%m-%d %H:%M")))  # (ISO: typed back)
    return key


def skip_occurrence(store: Store, entry_id: int, at: datetime, *, who: str, settings: Settings | None = None) -> None:
    """Leave out one occurrence of a series (entry_id: the series or one of its occurrences).
    An occurrence already materialized is cancelled (and withdrawn from the server)."""
    series, key = _series(store, entry_id)
    key = key or _occurrence_key(store, settings, series, at)
    with store.transaction():
        store.entries.add_skip(series["id"], key)
        child = store.entries.child(series["id"], key)
        if child is not None and child["status"] not in ("published", "cancelled", "failed"):
            cancel(store, child, who=who, comment=_("occurrence skipped"))


def unskip_occurrence(store: Store, entry_id: int, at: datetime, *, who: str, settings: Settings | None = None) -> None:
    """Bring back a skipped occurrence (an occurrence the skip cancelled is scheduled again)."""
    series, key = _series(store, entry_id)
    key = key or iso(at)
    with store.transaction():
        if not store.entries.remove_skip(series["id"], key):
            raise InputError(_("that occurrence of entry {id} is not skipped").format(id=series["id"]))
        child = store.entries.child(series["id"], key)
        if child is not None and child["status"] == "cancelled" and series["status"] == "scheduled":
            revive_occurrence(store, child, who=who)


unskip = unskip_occurrence


# -- publishing occurrences on their own -------------------------------------------------------
def materialize_due(store: Store, settings: Settings, now: datetime,
                    horizon: timedelta = timedelta(days=2)) -> list[int]:
    """Turn the occurrences of scheduled series that fall before now + horizon into child
    rows with their own outbox `post` (one transaction per series). Occurrences missed for
    longer than LATE_GRACE (the machine was off) are not published late. Returns the new
    child ids. Safe to run from two processes at once (a unique index on the children)."""
    tz = settings.tzinfo()
    made: list[int] = []
    for series in store.entries.active_series():
        # Not the occurrences that were past when the series was scheduled.
        scheduled = parse_iso(store.entries.scheduled_since(series["id"]))
        since = max(now - LATE_GRACE, (scheduled or now) - timedelta(minutes=1))
        due = occurrences(series, since, now + horizon, tz)
        if not due:
            continue
        with store.transaction():
            skips = store.entries.skips_of({series["id"]}, iso(since), iso(now + horizon))
            taken = store.entries.children_at({series["id"]}, iso(since), iso(now + horizon))
            for at in due:
                key = (series["id"], iso(at))
                if key in skips or key in taken:
                    continue
                child_id = store.entries.add_child(series, iso(at), who="sync")
                if child_id is None:  # another process made it first
                    continue
                queue_posts(store, store.entries.require(child_id), now)
                made.append(child_id)
    return made

