"""Reading times the user types ("2026-12-01 09:30", "tomorrow 9:00", "fri 18:30",
"next monday", "in 3 days") in the settings' timezone.

English and ISO are always read; so are the chosen language's words: its weekday names (wide
and abbreviated) from Babel, and the other words (today, tomorrow, next, in N days ...) from
the catalog, where each translation lists the forms a person may type, separated by "|".
Accents are optional when typed ("manana", "proximo", "cez")."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo
from functools import lru_cache

from cmtui.errors import InputError
from cmtui.i18n import _, babel_locale, language, pgettext
from cmtui.model import WEEKDAYS


def localize(naive: datetime, tz: tzinfo) -> datetime:
    """Attach tz to a wall-clock time; a time skipped by a DST change moves forward."""
    from dateutil import tz as dtz

    aware = naive.replace(tzinfo=tz)
    if not dtz.datetime_exists(aware):
        aware = dtz.resolve_imaginary(aware)
    return aware


def fold(text: str) -> str:
    """Lower case, one space between words, no accents, one kind of apostrophe: what is
    compared ("Mañana" and "manana", "aujourd’hui" and "aujourd'hui" are one word)."""
    text = unicodedata.normalize("NFD", " ".join(text.lower().split()).replace("’", "'").replace("`", "'"))
    return "".join(char for char in text if not unicodedata.combining(char))


def _messages() -> dict[str, str]:
    """The time words, each message the "|"-separated forms a person may type (the English
    ones are the messages as written, always read)."""
    # i18n: the words a person may type for a time ("tomorrow 9:00", "in 3 days"). List every
    # form you accept, separated by "|" (several words are fine: "dentro de"); accents are
    # optional when typed. The English forms are always accepted as well.
    return {
        "today": pgettext("time words", "today"),
        "tomorrow": pgettext("time words", "tomorrow"),
        "yesterday": pgettext("time words", "yesterday"),
        "now": pgettext("time words", "now"),
        # i18n: before or after a weekday: "next monday" ("lundi prochain")
        "next": pgettext("time words", "next"),
        # i18n: before an amount of time: "in 3 days" ("dans 3 jours", "čez 3 dni")
        "in": pgettext("time words", "in"),
        # i18n: optional, between the day and the hour: "tomorrow at 9:00" ("mañana a las 9:00")
        "at": pgettext("time words", "at"),
        "minutes": pgettext("time words", "minute|minutes|min|mins"),
        "hours": pgettext("time words", "hour|hours|h|hr|hrs"),
        "days": pgettext("time words", "day|days|d"),
        "weeks": pgettext("time words", "week|weeks|w"),
    }


_ENGLISH = {  # the messages as written: English is read in every language
    "today": "today", "tomorrow": "tomorrow", "yesterday": "yesterday", "now": "now", "next": "next",
    "in": "in", "at": "at", "minutes": "minute|minutes|min|mins", "hours": "hour|hours|h|hr|hrs",
    "days": "day|days|d", "weeks": "week|weeks|w",
}


@dataclass(frozen=True)
class _Words:
    forms: dict[str, frozenset[str]]  # "tomorrow" -> {"tomorrow", "manana"}
    weekdays: dict[str, int]  # the language's weekday names, folded, without their dots
    relative: re.Pattern[str]  # "in 3 days" / "en 3 dias"


def _alternatives(*messages: str) -> frozenset[str]:
    return frozenset(form for message in messages for form in (fold(part) for part in message.split("|")) if form)


def _either(forms: frozenset[str]) -> str:
    return "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))


@lru_cache(maxsize=8)
def _words_for(lang: str, locale_name: str) -> _Words:
    translated = _messages()
    forms = {key: _alternatives(english, translated[key]) for key, english in _ENGLISH.items()}
    weekdays: dict[str, int] = {}
    if lang != "en":
        days = babel_locale().days
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for index, name in days[context][width].items():
                    weekdays.setdefault(fold(name).rstrip("."), index)
    units = "|".join(f"(?P<{unit}>{_either(forms[unit])})" for unit in ("minutes", "hours", "days", "weeks"))
    relative = re.compile(rf"^(?:{_either(forms['in'])})\s+(\d+)\s*(?:{units})$")
    return _Words(forms, weekdays, relative)


def _words() -> _Words:
    return _words_for(language(), str(babel_locale()))


_CLOCK = re.compile(r"(\d{1,2})(?:\s*[:.]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?|(\d{1,2})\s*h(?:\s*(\d{2}))?")


def _time_part(text: str) -> time | None:
    """9:00, 9.00, 9h, 9h30, 18 h 30, 5pm; None for no time; ValueError when unreadable."""
    if not text:
        return None
    match = _CLOCK.fullmatch(text)
    if not match:
        raise ValueError(text)
    if match.group(4):
        return time(int(match.group(4)), int(match.group(5) or 0))
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    half = (match.group(3) or "").replace(".", "")
    if half and not 1 <= hour <= 12:
        raise ValueError(text)
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    return time(hour, minute)


def _weekday(word: str, words: _Words) -> int | None:
    word = word.rstrip(".")
    if word in words.weekdays:
        return words.weekdays[word]
    for index, name in enumerate(WEEKDAYS):  # English: "fri", "friday", "fri."
        if word.startswith(name):
            return index
    return None


def _day_word(phrase: str, today: datetime, words: _Words) -> datetime | None:
    """The day a phrase names ("tomorrow", "fri", "next monday", "lundi prochain"), or None."""
    forms = words.forms
    for key, days in (("today", 0), ("tomorrow", 1), ("yesterday", -1)):
        if phrase in forms[key]:
            return today + timedelta(days=days)
    for next_word in sorted(forms["next"], key=len, reverse=True):
        if phrase.startswith(next_word + " "):
            phrase = phrase[len(next_word) + 1:]
            break
        if phrase.endswith(" " + next_word):
            phrase = phrase[: -len(next_word) - 1]
            break
    if " " in phrase:
        return None
    index = _weekday(phrase, words)
    if index is None:
        return None
    ahead = (index - today.weekday()) % 7 or 7
    return today + timedelta(days=ahead)


def _split_day(lowered: str, today: datetime, words: _Words) -> tuple[datetime, str, str] | None:
    """(the day, the words that named it, the rest) for the longest leading day phrase."""
    tokens = lowered.split(" ")
    for size in range(min(len(tokens), 3), 0, -1):
        phrase = " ".join(tokens[:size])
        day = _day_word(phrase, today, words)
        if day is not None:
            rest = " ".join(tokens[size:])
            for at in sorted(words.forms["at"], key=len, reverse=True):
                if rest.startswith(at + " "):
                    rest = rest[len(at) + 1:]
                    break
            return day, phrase, rest
    return None


def parse_when(text: str, tz: tzinfo, now: datetime | None = None) -> datetime:
    """Return an aware datetime for what the user typed; raise InputError if unreadable.
    A date without a time means the start of that day."""
    raw = text.strip()
    lowered = fold(raw)
    now = (now or datetime.now(tz)).astimezone(tz)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    if not lowered:
        raise InputError(_("empty date/time"))
    words = _words()
    if lowered in words.forms["now"]:
        return now
    match = words.relative.match(lowered)
    if match:
        unit = next(name for name in ("minutes", "hours", "days", "weeks") if match.group(name))
        return now + timedelta(**{unit: int(match.group(1))})
    found = _split_day(lowered, today, words)
    if found is not None:
        day, phrase, rest = found
        try:
            at = _time_part(rest) or time(0, 0)
        except ValueError:
            # i18n: {day} is the day as the person typed it ("tomorrow", "vendredi"): give
            # your language's usual way to write nine o'clock after it
            raise InputError(_("cannot read the time in '{text}' (try '{day} 9:00')").format(
                text=raw, day=" ".join(raw.split()[:len(phrase.split(" "))]))) from None
        return localize(datetime.combine(day.date(), at), tz)
    try:
        from dateutil import parser

        parsed = parser.parse(raw, default=datetime.combine(today.date(), time(0, 0)))
    except (ValueError, OverflowError):
        # i18n: the examples in quotes are what a person may type: write them in your language
        raise InputError(_(
            "cannot read '{text}' as a date/time (try 2026-12-01, '2026-12-01 09:30', 'tomorrow 9:00', 'fri 18:30')"
        ).format(text=raw)) from None
    if parsed.tzinfo is not None:
        return parsed.astimezone(tz)
    return localize(parsed, tz)
