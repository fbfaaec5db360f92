"""Dates, times, numbers and relative times in the chosen language's conventions, through
Babel (CLDR's data): weekday and month names, day/month order, the first day of the week,
thousands separators and decimal commas. Babel is imported on first use: start-up that shows
no date does not pay for it.

Times are always on the 24-hour clock (a community manager's schedule, in every language);
the skeletons below ask CLDR for each language's own order and punctuation.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from cmtui.i18n import babel_locale, plain_english


def number(value: int | float) -> str:
    """1,234 / 1.234 / 1 234, as the language writes it."""
    if isinstance(value, int) and plain_english():  # (what Babel writes, without loading it)
        return f"{value:,}"
    from babel.numbers import format_decimal

    return format_decimal(value, locale=babel_locale())


def decimal(value: float, digits: int = 1) -> str:
    """value with exactly digits decimals: 2.5 / 2,5."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=babel_locale(), decimal_quantization=True)


def percent(ratio: float, digits: int = 0) -> str:
    """0.256 -> 26% / 26 % (the language's own pattern, with digits decimals)."""
    from babel.numbers import format_percent

    locale = babel_locale()
    pattern = str(locale.percent_formats[None].pattern)
    if digits:
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(ratio, format=pattern, locale=locale)


def _skeleton(skeleton: str, value: date | datetime | time) -> str:
    from babel.dates import format_skeleton

    return format_skeleton(skeleton, value, locale=babel_locale())


def clock(value: datetime | time) -> str:
    """09:30."""
    if plain_english():
        return f"{value:%H:%M}"
    return _skeleton("Hm", value)


def day(value: date | datetime) -> str:
    """Thu, 3 Dec / jue, 3 dic / jeu. 3 déc. / čet., 3. dec."""
    return _skeleton("MMMEd", value)


def day_year(value: date | datetime) -> str:
    """Thu, 3 Dec 2026."""
    return _skeleton("yMMMEd", value)


def day_month(value: date | datetime) -> str:
    """3 Dec / 3 dic / 3 déc. / 3. dec."""
    return _skeleton("MMMd", value)


def long_day(value: date | datetime) -> str:
    """Thursday, 3 December 2026 / jueves, 3 de diciembre de 2026."""
    from babel.dates import format_date

    return format_date(value, "full", locale=babel_locale())


def month_year(value: date | datetime) -> str:
    """December 2026 / diciembre de 2026."""
    return _skeleton("yMMMM", value)


def numeric_date(value: date | datetime) -> str:
    """03/12/2026 / 3. 12. 2026: the language's short numeric date."""
    from babel.dates import format_date

    return format_date(value, "short", locale=babel_locale())


def _with_time(day_text: str, value: datetime) -> str:
    pattern = babel_locale().datetime_formats["short"]
    return str(pattern).replace("{1}", day_text).replace("{0}", clock(value))


def day_time(value: datetime) -> str:
    """Thu, 3 Dec, 09:30: a moment this year (the caller puts it in the user's timezone)."""
    return _with_time(day(value), value)


def day_month_time(value: datetime, this_year: bool = True) -> str:
    """19 Nov, 21:00 / 19. nov., 21:00: short enough for a 16-cell column; a moment of another
    year (this_year False) with the language's numeric date: 19/11/2025, 21:00."""
    return _with_time(day_month(value) if this_year else numeric_date(value), value)


def day_year_time(value: datetime) -> str:
    """Thu, 3 Dec 2026, 09:30."""
    return _with_time(day_year(value), value)


def long_day_time(value: datetime) -> str:
    """Thursday, 3 December 2026, 09:30."""
    return _with_time(long_day(value), value)


def weekday_name(index: int, width: str = "wide") -> str:
    """Monday is 0. width: "wide" (Monday), "abbreviated" (Mon), "short" (Mo), "narrow" (M).
    Stand-alone forms: as a column heading or a label, not inside a date."""
    return babel_locale().days["stand-alone"][width][index]


def month_name(month: int, width: str = "wide") -> str:
    """January is 1; stand-alone forms (a heading: "diciembre", not "de diciembre")."""
    return babel_locale().months["stand-alone"][width][month]


def first_weekday() -> int:
    """The day a week starts on in the language's region (Monday is 0, Sunday 6)."""
    return babel_locale().first_week_day


def week_order() -> list[int]:
    """The weekday indexes (Monday 0) in the order a calendar row shows them."""
    first = first_weekday()
    return [(first + offset) % 7 for offset in range(7)]


def relative(delta: timedelta, *, compact: bool = False) -> str:
    """"in 3 hours" / "2 days ago" (compact: "in 3 hr" / "hace 2 d") for a moment delta from now."""
    from babel.dates import format_timedelta

    return format_timedelta(delta, add_direction=True, format="short" if compact else "long",
                            locale=babel_locale())


def duration(delta: timedelta, *, compact: bool = True) -> str:
    """"3 h" / "3 hours": a length of time, rounded to its largest unit."""
    from babel.dates import format_timedelta

    return format_timedelta(delta, format="narrow" if compact else "long", locale=babel_locale())
