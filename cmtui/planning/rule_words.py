"""A repeat rule (RFC 5545) in plain words, and the presets the composer offers.

`describe("FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8", start, tz)` gives "every Tuesday and Thursday
at 10:00, 8 times". Only the common shapes are put in words; a rule with parts the words
here cannot say exactly (BYSETPOS, BYYEARDAY, BYWEEKNO, BYHOUR ...) gets a generic sentence
that names its frequency and quotes those parts, never a wrong paraphrase.

Every sentence is one message of the catalog with named fields (counts through ngettext), so
a language puts the parts in its own order and agreement; weekday and month names, dates,
times and lists ("Monday and Friday") come from Babel in the chosen language (cmtui.l10n).
An ordinal weekday ("the first Monday") has a second set of messages for the weekdays a
language makes feminine (Slovenian "prva sreda" beside "prvi ponedeljek"), the ones its
translation of the "feminine weekdays" message names.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, tzinfo

from cmtui import l10n
from cmtui.i18n import _, babel_locale, ngettext, pgettext
from cmtui.planning.recurrence import parse_rule

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


def _number(n: int) -> str:
    return l10n.number(n)


def _day_name(code: str) -> str:
    return l10n.weekday_name(DAY_CODES.index(code))


def join(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c', as the language joins a list (Babel)."""
    from babel.lists import format_list

    return format_list(items, locale=babel_locale()) if items else ""


def _feminine() -> set[str]:
    # i18n: the RFC 5545 codes (MO TU WE TH FR SA SU) of the weekdays whose ordinal takes a
    # feminine form in your language, separated by spaces (Slovenian: "WE SA SU", for "prva
    # sreda"), or "-" when the ordinals do not change with the weekday. Those weekdays use
    # the messages marked "feminine weekday".
    return set(pgettext("repeat rule grammar: feminine weekdays", "-").split()) & set(DAY_CODES)


def _ordinal_phrase(n: int, weekday: str, feminine: bool) -> str | None:
    """'the second Tuesday' (n=2), 'the last Friday' (n=-1); None out of the table."""
    if feminine:
        phrases = {
            1: pgettext("repeat rule, feminine weekday", "the first {weekday}"),
            2: pgettext("repeat rule, feminine weekday", "the second {weekday}"),
            3: pgettext("repeat rule, feminine weekday", "the third {weekday}"),
            4: pgettext("repeat rule, feminine weekday", "the fourth {weekday}"),
            5: pgettext("repeat rule, feminine weekday", "the fifth {weekday}"),
            -1: pgettext("repeat rule, feminine weekday", "the last {weekday}"),
            -2: pgettext("repeat rule, feminine weekday", "the second to last {weekday}"),
            -3: pgettext("repeat rule, feminine weekday", "the third to last {weekday}"),
        }
    else:
        phrases = {
            1: pgettext("repeat rule", "the first {weekday}"),
            2: pgettext("repeat rule", "the second {weekday}"),
            3: pgettext("repeat rule", "the third {weekday}"),
            4: pgettext("repeat rule", "the fourth {weekday}"),
            5: pgettext("repeat rule", "the fifth {weekday}"),
            -1: pgettext("repeat rule", "the last {weekday}"),
            -2: pgettext("repeat rule", "the second to last {weekday}"),
            -3: pgettext("repeat rule", "the third to last {weekday}"),
        }
    phrase = phrases.get(n)
    return phrase.format(weekday=weekday) if phrase else None


def _nth(code: str) -> str | None:
    """'+2TU' -> 'the second Tuesday'; None when it is a plain weekday or out of the table."""
    match = _NTH.fullmatch(code)
    if not match:
        return None
    day = match.group(2)
    return _ordinal_phrase(int(match.group(1)), _day_name(day), day in _feminine())


def _plain_days(byday: str | None) -> list[str] | None:
    """BYDAY=TU,TH as day codes in week order; None when any has an ordinal."""
    codes = byday.split(",") if byday else []
    if not all(code in DAY_CODES for code in codes):
        return None
    return sorted(set(codes), key=DAY_CODES.index)


def _every_day() -> str:
    return pgettext("repeat rule", "every day")


def _weekly(days: list[str], n: int) -> str:
    if n == 1 and days == list(DAY_CODES[:5]):
        return pgettext("repeat rule", "on weekdays")
    if n == 1 and days == ["SA", "SU"]:
        return pgettext("repeat rule", "on weekends")
    if n == 1 and days == list(DAY_CODES):
        return _every_day()
    names = join([_day_name(d) for d in days])
    if n == 1:
        # i18n: {days} is one weekday or a list of them, as Babel names them: "Monday and Friday"
        return pgettext("repeat rule", "every {days}").format(days=names)
    # i18n: {days} is one weekday or a list of them: "every 2 weeks on Monday and Friday"
    return ngettext("every {n} week on {days}", "every {n} weeks on {days}", n).format(n=_number(n), days=names)


def _month_days(value: str) -> list[int] | None:
    try:
        days = [int(v) for v in value.split(",")]
    except ValueError:
        return None
    return days if all(1 <= d <= 31 for d in days) or days == [-1] else None


def _monthly_nth(which: str, n: int) -> str:
    if n == 1:
        # i18n: {which} is "the second Tuesday", "the last Friday and the first Monday"
        return pgettext("repeat rule", "monthly on {which}").format(which=which)
    return ngettext("every {n} month on {which}", "every {n} months on {which}", n).format(
        n=_number(n), which=which)


def _monthly_days(monthdays: list[int], n: int) -> str:
    if monthdays == [-1]:
        if n == 1:
            return pgettext("repeat rule", "monthly on the last day")
        return ngettext("every {n} month on the last day", "every {n} months on the last day", n).format(
            n=_number(n))
    if len(monthdays) == 1:
        day = _number(monthdays[0])
        if n == 1:
            # i18n: {day} is a day of the month: "monthly on day 15"
            return pgettext("repeat rule", "monthly on day {day}").format(day=day)
        return ngettext("every {n} month on day {day}", "every {n} months on day {day}", n).format(
            n=_number(n), day=day)
    # i18n: one day of the month in a list of them ("1 and 15"): Slovenian writes "{day}."
    listed = join([pgettext("repeat rule: a day of the month in a list", "{day}").format(day=_number(d))
                   for d in sorted(monthdays)])
    if n == 1:
        # i18n: {days} is a list of days of the month: "monthly on days 1 and 15"
        return pgettext("repeat rule", "monthly on days {days}").format(days=listed)
    return ngettext("every {n} month on days {days}", "every {n} months on days {days}", n).format(
        n=_number(n), days=listed)


def _yearly(month: int, day: int | None, nth: str | None, n: int) -> str:
    if nth is not None:
        name = l10n.month_name(month)
        if n == 1:
            # i18n: "every year on the last Sunday of March"; {month} is the month's name on its own
            return pgettext("repeat rule", "every year on {which} of {month}").format(which=nth, month=name)
        return ngettext("every {n} year on {which} of {month}", "every {n} years on {which} of {month}", n).format(
            n=_number(n), which=nth, month=name)
    on = l10n.day_month(date(2024, month, day or 1))  # (2024: a leap year, 29 Feb is a day)
    if n == 1:
        # i18n: {date} is a day and month: "every year on 3 Dec"
        return pgettext("repeat rule", "every year on {date}").format(date=on)
    return ngettext("every {n} year on {date}", "every {n} years on {date}", n).format(n=_number(n), date=on)


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
        if n == 1:
            return _every_day()
        return ngettext("every {n} day", "every {n} days", n).format(n=_number(n))
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
            return _monthly_nth(join(which), n)
        monthdays = _month_days(bymonthday) if bymonthday else ([local.day] if local else None)
        if not monthdays:
            return None
        return _monthly_days(monthdays, n)
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
            return _yearly(month, None, nth, n)
        day = (int(bymonthday) if bymonthday and bymonthday.isdigit() else None) if bymonthday else \
            (local.day if local else None)
        if day is None or day > calendar.monthrange(2024, month)[1]:
            return None
        return _yearly(month, day, None, n)
    return None  # HOURLY is said with its start


def _until(value: str, tz: tzinfo | None) -> tuple[str, str | None]:
    """UNTIL as (date words, time or None when it is the end of a day)."""
    from babel.dates import format_skeleton

    if len(value) == 8:
        moment, whole_day = datetime.strptime(value, "%Y%m%d"), True
    else:
        moment = datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
        if value.endswith("Z") and tz is not None:
            from datetime import timezone

            moment = moment.replace(tzinfo=timezone.utc).astimezone(tz).replace(tzinfo=None)
        whole_day = moment.strftime("%H%M") == "2359"  # (midnight is said: that day's posts are not included)
    words = format_skeleton("yMMMd", moment, locale=babel_locale())  # 31 Mar 2027 / 31. mar. 2027
    return words, None if whole_day else l10n.clock(moment)


def _frequency(freq: str, n: int) -> str:
    """'monthly' / 'every 2 weeks': a rule's frequency alone, for the generic sentence."""
    if n == 1:
        return {
            "HOURLY": pgettext("repeat frequency", "hourly"),
            "DAILY": pgettext("repeat frequency", "daily"),
            "WEEKLY": pgettext("repeat frequency", "weekly"),
            "MONTHLY": pgettext("repeat frequency", "monthly"),
            "YEARLY": pgettext("repeat frequency", "yearly"),
        }[freq]
    number = _number(n)
    return {
        "HOURLY": lambda: ngettext("every {n} hour", "every {n} hours", n),
        "DAILY": lambda: ngettext("every {n} day", "every {n} days", n),
        "WEEKLY": lambda: ngettext("every {n} week", "every {n} weeks", n),
        "MONTHLY": lambda: ngettext("every {n} month", "every {n} months", n),
        "YEARLY": lambda: ngettext("every {n} year", "every {n} years", n),
    }[freq]().format(n=number)


def describe(rule: str, start: datetime | None, tz: tzinfo | None) -> str:
    """The rule in plain words, its time from the series' start (in tz) and its end.
    Raises InputError (from parse_rule) when the rule cannot be read."""
    canonical = parse_rule(rule)
    parts = dict(part.split("=", 1) for part in canonical.split(";"))
    local = start.astimezone(tz) if start is not None and tz is not None else start
    time = l10n.clock(local) if local is not None else None
    freq, n = parts["FREQ"], int(parts.get("INTERVAL", "1") or 1)
    body = _body(parts, local)
    plain_hourly = freq == "HOURLY" and not set(parts) - _ENDS
    if plain_hourly and time is not None:
        if n == 1:
            text = pgettext("repeat rule", "every hour from {time}").format(time=time)
        else:
            text = ngettext("every {n} hour from {time}", "every {n} hours from {time}", n).format(
                n=_number(n), time=time)
    elif body is not None:
        # i18n: {what} is the repeat in words ("every Tuesday"), {time} the hour of the posts
        text = pgettext("repeat rule", "{what} at {time}").format(what=body, time=time) if time else body
    else:
        rest = ";".join(f"{k}={v}" for k, v in parts.items() if k not in _ENDS)
        name = _frequency(freq, n)
        if not rest:  # (an hourly rule without a start)
            return _end(name, parts, tz)
        if time:
            # i18n: a rule whose parts are quoted as written ({parts}: "BYSETPOS=-1"); {freq} is "monthly"
            text = _("{freq} at {time}, as the rule says: {parts}").format(freq=name, time=time, parts=rest)
        else:
            text = _("{freq}, as the rule says: {parts}").format(freq=name, parts=rest)
    return _end(text, parts, tz)


def _end(text: str, parts: dict[str, str], tz: tzinfo | None) -> str:
    if "COUNT" in parts:
        count = int(parts["COUNT"])
        if count == 1:
            # i18n: {what} is the repeat in words: "every day at 10:00, once"
            return pgettext("repeat rule", "{what}, once").format(what=text)
        # i18n: {what} is the repeat in words: "every day at 10:00, 8 times"
        return ngettext("{what}, {count} time", "{what}, {count} times", count).format(
            what=text, count=_number(count))
    if "UNTIL" in parts:
        day, at = _until(parts["UNTIL"], tz)
        if at is None:
            # i18n: {what} is the repeat in words, {date} the last day: "every day until 31 Mar 2027"
            return pgettext("repeat rule", "{what} until {date}").format(what=text, date=day)
        return pgettext("repeat rule", "{what} until {date} {time}").format(what=text, date=day, time=at)
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
        (pgettext("repeat preset", "daily"), "FREQ=DAILY"),
        (pgettext("repeat preset", "weekdays (Monday to Friday)"), "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
        (pgettext("repeat preset", "weekly on {weekday}").format(weekday=_day_name(day)), f"FREQ=WEEKLY;BYDAY={day}"),
        (_monthly_nth(_nth(monthly) or monthly, 1), f"FREQ=MONTHLY;BYDAY={monthly}"),
        (pgettext("repeat preset", "does not repeat"), ""),
    ]
