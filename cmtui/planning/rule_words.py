"""A repeat rule (RFC 5545) in plain words, and the presets the composer offers.

`describe("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8", start, tz)` gives "every Tuesday and Thursday
at 10:00, 8 times". Only the common shapes are put in words; a rule with parts the words
here cannot say exactly (BYSETPOS, BYYEARDAY, BYWEEKNO, BYHOUR ...) gets a generic sentence
that names its frequency and quotes those parts, never a wrong paraphrase.

Every word and sentence is in WORDS, built from small templates with named fields, so that
a translation (issue 18) replaces this table and nothing else: no sentence is glued from
fragments whose order a language could not change.
"""

from __future__ import annotations

import calendar
import re
from datetime import datetime, tzinfo

from cmtui.planning.recurrence import parse_rule

WORDS: dict[str, str] = {
    # lists: "Tuesday and Thursday", "Monday, Wednesday and Friday"
    "list_two": "{first} and {last}",
    "list_many": "{head}, {next}",  # applied from the left until the last two ("Mo, We" + " and Fr")
    # times and ends
    "at": "{what} at {time}",
    "times": "{what}, {count} times",
    "once": "{what}, once",
    "until": "{what} until {date}",
    "until_time": "{what} until {date} {time}",
    # daily
    "daily": "every day",
    "daily_n": "every {n} days",
    # weekly
    "weekdays": "on weekdays",
    "weekends": "on weekends",
    "weekly_on": "every {days}",
    "weekly_n_on": "every {n} weeks on {days}",
    # monthly
    "monthly_day": "monthly on day {day}",
    "monthly_days": "monthly on days {days}",
    "monthly_last_day": "monthly on the last day",
    "monthly_nth": "monthly on {which}",
    "monthly_n_day": "every {n} months on day {day}",
    "monthly_n_days": "every {n} months on days {days}",
    "monthly_n_last_day": "every {n} months on the last day",
    "monthly_n_nth": "every {n} months on {which}",
    "nth_weekday": "the {ordinal} {weekday}",
    # yearly
    "yearly_on": "every year on {date}",
    "yearly_n_on": "every {n} years on {date}",
    "yearly_nth": "every year on {which} of {month}",
    "yearly_n_nth": "every {n} years on {which} of {month}",
    "day_month": "{day} {month}",
    # hourly
    "hourly": "every hour from {time}",
    "hourly_n": "every {n} hours from {time}",
    # a rule the words cannot say exactly: its frequency and its other parts as written
    "generic": "{freq}, as the rule says: {parts}",
    "generic_at": "{freq} at {time}, as the rule says: {parts}",
    "freq_HOURLY": "hourly", "freq_DAILY": "daily", "freq_WEEKLY": "weekly",
    "freq_MONTHLY": "monthly", "freq_YEARLY": "yearly",
    "freq_n_HOURLY": "every {n} hours", "freq_n_DAILY": "every {n} days", "freq_n_WEEKLY": "every {n} weeks",
    "freq_n_MONTHLY": "every {n} months", "freq_n_YEARLY": "every {n} years",
    # presets
    "preset_daily": "daily",
    "preset_weekdays": "weekdays (Monday to Friday)",
    "preset_weekly": "weekly on {weekday}",
    "preset_monthly": "monthly on {which}",
    "preset_none": "does not repeat",
    # ordinals (BYDAY=+2TU / -1FR)
    "ord_1": "first", "ord_2": "second", "ord_3": "third", "ord_4": "fourth", "ord_5": "fifth",
    "ord_-1": "last", "ord_-2": "second to last", "ord_-3": "third to last",
    # names
    "MO": "Monday", "TU": "Tuesday", "WE": "Wednesday", "TH": "Thursday", "FR": "Friday", "SA": "Saturday",
    "SU": "Sunday",
    "month_1": "Jan", "month_2": "Feb", "month_3": "Mar", "month_4": "Apr", "month_5": "May", "month_6": "Jun",
    "month_7": "Jul", "month_8": "Aug", "month_9": "Sep", "month_10": "Oct", "month_11": "Nov", "month_12": "Dec",
    "month_long_1": "January", "month_long_2": "February", "month_long_3": "March", "month_long_4": "April",
    "month_long_5": "May", "month_long_6": "June", "month_long_7": "July", "month_long_8": "August",
    "month_long_9": "September", "month_long_10": "October", "month_long_11": "November",
    "month_long_12": "December",
    "date": "{day} {month} {year}",
}

DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_NTH = re.compile(r"([+-]?\d{1,2})(MO|TU|WE|TH|FR|SA|SU)")
# What each frequency's words can say; any other part makes the generic sentence.
_SAYS = {
    "HOURLY": set(),
    "DAILY": {"BYDAY"},
    "WEEKLY": {"BYDAY", "WKST"},
    "MONTHLY": {"BYDAY", "BYMONTHDAY"},
    "YEARLY": {"BYMONTH", "BYMONTHDAY", "BYDAY"},
}
_ENDS = {"FREQ", "INTERVAL", "COUNT", "UNTIL"}


def _w(key: str, **fields) -> str:
    return WORDS[key].format(**fields)


def join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c' from the list templates."""
    if len(items) == 1:
        return items[0]
    head = items[0]
    for item in items[1:-1]:
        head = _w("list_many", head=head, next=item)
    return _w("list_two", first=head, last=items[-1])


def _ordinal(n: int) -> str | None:
    return WORDS.get(f"ord_{n}")


def _nth(code: str) -> str | None:
    """'+2TU' -> 'the second Tuesday'; None when it is a plain weekday or out of the table."""
    match = _NTH.fullmatch(code)
    if not match:
        return None
    ordinal = _ordinal(int(match.group(1)))
    return _w("nth_weekday", ordinal=ordinal, weekday=WORDS[match.group(2)]) if ordinal else None


def _plain_days(byday: str | None) -> list[str] | None:
    """BYDAY=TU,TH as day codes in week order; None when any has an ordinal."""
    codes = byday.split(",") if byday else []
    if not all(code in DAY_CODES for code in codes):
        return None
    return sorted(set(codes), key=DAY_CODES.index)


def _weekly(days: list[str], n: int) -> str:
    if n == 1 and days == list(DAY_CODES[:5]):
        return _w("weekdays")
    if n == 1 and days == ["SA", "SU"]:
        return _w("weekends")
    if n == 1 and days == list(DAY_CODES):
        return _w("daily")
    names = join([WORDS[d] for d in days])
    return _w("weekly_on", days=names) if n == 1 else _w("weekly_n_on", n=n, days=names)


def _month_days(value: str) -> list[int] | None:
    try:
        days = [int(v) for v in value.split(",")]
    except ValueError:
        return None
    return days if all(1 <= d <= 31 for d in days) or days == [-1] else None


def _body(parts: dict[str, str], local: datetime | None) -> str | None:
    """The rule without its time and end, in words; None when it needs the generic sentence."""
    freq, n = parts["FREQ"], int(parts.get("INTERVAL", "1"))
    if set(parts) - _ENDS - _SAYS[freq]:
        return None
    byday, bymonthday, bymonth = parts.get("BYDAY"), parts.get("BYMONTHDAY"), parts.get("BYMONTH")
    if freq == "DAILY":
        if byday:
            days = _plain_days(byday)
            return _weekly(days, 1) if days and n == 1 else None
        return _w("daily") if n == 1 else _w("daily_n", n=n)
    if freq == "WEEKLY":
        days = _plain_days(byday) if byday else ([DAY_CODES[local.weekday()]] if local else None)
        return _weekly(days, n) if days else None
    if freq == "MONTHLY":
        if byday and bymonthday:
            return None
        if byday:
            said = [_nth(code) for code in byday.split(",")]
            which = [words for words in said if words]
            if len(which) != len(said):
                return None
            return _w("monthly_nth", which=join(which)) if n == 1 else _w("monthly_n_nth", n=n, which=join(which))
        monthdays = _month_days(bymonthday) if bymonthday else ([local.day] if local else None)
        if not monthdays:
            return None
        if monthdays == [-1]:
            return _w("monthly_last_day") if n == 1 else _w("monthly_n_last_day", n=n)
        if len(monthdays) == 1:
            return _w("monthly_day", day=monthdays[0]) if n == 1 else _w("monthly_n_day", n=n, day=monthdays[0])
        listed = join([str(d) for d in sorted(monthdays)])
        return _w("monthly_days", days=listed) if n == 1 else _w("monthly_n_days", n=n, days=listed)
    if freq == "YEARLY":
        if bymonth and not bymonth.isdigit():
            return None  # several months
        month = int(bymonth) if bymonth else (local.month if local else None)
        if month is None or not 1 <= month <= 12:
            return None
        if byday:
            nth = _nth(byday) if "," not in byday and not bymonthday else None
            if nth is None or not bymonth:
                return None
            long = WORDS[f"month_long_{month}"]
            return _w("yearly_nth", which=nth, month=long) if n == 1 else \
                _w("yearly_n_nth", n=n, which=nth, month=long)
        day = (int(bymonthday) if bymonthday and bymonthday.isdigit() else None) if bymonthday else \
            (local.day if local else None)
        if day is None or day > calendar.monthrange(2024, month)[1]:
            return None
        on = _w("day_month", day=day, month=WORDS[f"month_{month}"])
        return _w("yearly_on", date=on) if n == 1 else _w("yearly_n_on", n=n, date=on)
    return None  # HOURLY is said with its start


def _until(value: str, tz: tzinfo | None) -> tuple[str, str | None]:
    """UNTIL as (date words, time or None when it is the end of a day)."""
    if len(value) == 8:
        moment, whole_day = datetime.strptime(value, "%Y%m%d"), True
    else:
        moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
        if value.endswith("Z") and tz is not None:
            from datetime import timezone

            moment = moment.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)
        whole_day = moment.strftime("%H%M") == "2359"  # (midnight is said: that day's posts are not included)
    words = _w("date", day=moment.day, month=WORDS[f"month_{moment.month}"], year=moment.year)
    return words, None if whole_day else moment.strftime("%H:%M")


def describe(rule: str, start: datetime | None, tz: tzinfo | None) -> str:
    """The rule in plain words, its time from the series' start (in tz) and its end.
    Raises InputError (from parse_rule) when the rule cannot be read."""
    canonical = parse_rule(rule)
    parts = dict(part.split("=", 1) for part in canonical.split(";"))
    local = start.astimezone(tz) if start is not None and tz is not None else start
    time = local.strftime("%H:%M") if local is not None else None
    freq, n = parts["FREQ"], int(parts.get("INTERVAL", "1") or 1)
    body = _body(parts, local)
    plain_hourly = freq == "HOURLY" and not set(parts) - _ENDS
    if plain_hourly and time is not None:
        text = _w("hourly", time=time) if n == 1 else _w("hourly_n", n=n, time=time)
    elif body is not None:
        text = _w("at", what=body, time=time) if time else body
    else:
        rest = ";".join(f"{k}={v}" for k, v in parts.items() if k not in _ENDS)
        name = _w(f"freq_{freq}") if n == 1 else _w(f"freq_n_{freq}", n=n)
        if not rest:  # (an hourly rule without a start)
            return _end(name, parts, tz)
        text = _w("generic_at", freq=name, time=time, parts=rest) if time else _w("generic", freq=name, parts=rest)
    return _end(text, parts, tz)


def _end(text: str, parts: dict[str, str], tz: tzinfo | None) -> str:
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        return _w("once", what=text) if count == 1 else _w("times", what=text, count=count)
    if "UNTIL" in parts:
        day, at = _until(parts["UNTIL"], tz)
        return _w("until", what=text, date=day) if at is None else _w("until_time", what=text, date=day, time=at)
    return text


def describe_or_none(rule: str | None, start: datetime | None, tz: tzinfo | None) -> str | None:
    """describe(), or None for no rule or one that cannot be read (lists and details)."""
    from cmtui.errors import InputError

    if not rule:
        return None
    try:
        return describe(rule, start, tz)
    except InputError:
        return None


# -- presets -------------------------------------------------------------------------------------
PRESET_IDS = ("daily", "weekdays", "weekly", "monthly", "none")


def _monthly_code(local: datetime) -> str:
    """The start's weekday in its month: +1TU .. +4TU, or -1FR when it is the fifth (which
    not every month has: "the last" is what a fifth means from month to month)."""
    nth = (local.day - 1) // 7 + 1
    return f"{-1 if nth == 5 else nth:+d}{DAY_CODES[local.weekday()]}"


def presets(start: datetime, tz: tzinfo | None = None) -> list[tuple[str, str]]:
    """(label, rule) for the common repeats, from the series' start: daily, weekdays,
    weekly on the start's day, monthly on the same weekday of the month, none ("")."""
    local = start.astimezone(tz) if tz is not None else start
    day = DAY_CODES[local.weekday()]
    monthly = _monthly_code(local)
    return [
        (_w("preset_daily"), "FREQ=DAILY"),
        (_w("preset_weekdays"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        (_w("preset_weekly", weekday=WORDS[day]), f"FREQ=WEEKLY;BYDAY={day}"),
        (_w("preset_monthly", which=_nth(monthly)), f"FREQ=MONTHLY;BYDAY={monthly}"),
        (_w("preset_none"), ""),
    ]
