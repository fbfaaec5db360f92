"""The interface's language: gettext catalogs shipped in `cmtui/locale/<lang>/LC_MESSAGES/`,
chosen by the `language` setting, else the environment (LC_ALL, LC_MESSAGES, LANG, the first
one set decides, as POSIX says), else English, the language the messages are written in.

Code marks what the user reads: `_("Saved.")` where it is shown, `N_("Save")` where the text
is defined before a language is chosen (class attributes, module tables), translated with
`_()` where it is shown; `ngettext` for counts (each language has its own plural rules:
Slovenian four forms); `pgettext(context, text)` for a word that means two things. Messages
with values take named fields, filled after translation: `_("{n} replies to {name}").format(...)`,
so a translation may put them in its own order.

`python -m cmtui.locale_tools` keeps the catalogs in step with the code.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "cmtui"
SOURCE_LANGUAGE = "en"  # the msgids: English needs no catalog
ENVIRONMENT_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")

_translations: _gettext.NullTranslations = _gettext.NullTranslations()
_language = SOURCE_LANGUAGE
_territory: str | None = None


def available_languages() -> tuple[str, ...]:
    """English and every language with a compiled catalog (a new `.po`, compiled, is a new
    language: no code names them)."""
    found = sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return (SOURCE_LANGUAGE, *(code for code in found if code != SOURCE_LANGUAGE))


def _split(value: str) -> tuple[str, str | None]:
    """("es", "MX") from "es_MX.UTF-8@euro"; ("en", None) from "C" or "POSIX"."""
    base = value.split(".")[0].split("@")[0]
    if base in ("C", "POSIX", ""):
        return SOURCE_LANGUAGE, None
    language, _, territory = base.replace("-", "_").partition("_")
    return language.lower(), (territory.upper() or None)


def from_environment(environ: Mapping[str, str] | None = None) -> tuple[str, str | None]:
    """The language and territory the environment asks for (English when none is set)."""
    environ = os.environ if environ is None else environ
    for variable in ENVIRONMENT_VARIABLES:
        if environ.get(variable):
            return _split(environ[variable])
    return SOURCE_LANGUAGE, None


def choose(setting: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The language to use: the setting (already checked against available_languages), else
    the environment's when cmtui has it, else English. The environment's territory is kept for
    dates and numbers when it is of the chosen language (es_MX: Mexican formats)."""
    wanted, territory = from_environment(environ)
    if setting:
        language, own = _split(setting)
        territory = own or (territory if language == wanted else None)
    else:
        language = wanted
    if language not in available_languages():
        language, territory = SOURCE_LANGUAGE, None
    set_language(language, territory)
    return language


def set_language(language: str, territory: str | None = None) -> None:
    """Use language's catalog from now on (English: the messages as written)."""
    global _translations, _language, _territory
    if language == SOURCE_LANGUAGE:
        _translations = _gettext.NullTranslations()
    else:
        _translations = _gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
    _language, _territory = language, territory


def language() -> str:
    return _language


# English locales that write whole numbers as 1,234 and clock times as 14:05 (CLDR), where
# cmtui writes them without loading Babel (~30 ms of start-up for the inbox's counts).
_PLAIN_ENGLISH = (None, "US", "GB", "AU", "CA", "IE", "NZ", "001")


def plain_english() -> bool:
    return _language == "en" and _territory in _PLAIN_ENGLISH


def babel_locale() -> Locale:
    """The Babel locale for dates, times and numbers in the chosen language."""
    return _locale(_language, _territory)


@lru_cache(maxsize=16)
def _locale(language: str, territory: str | None) -> Locale:
    from babel import Locale, UnknownLocaleError

    if territory:
        try:
            return Locale(language, territory)
        except (UnknownLocaleError, ValueError):
            pass
    # English without a territory: CLDR's "world English" (day before month, 24-hour clock),
    # not the United States' defaults that plain "en" carries.
    return Locale.parse("en_001" if language == "en" else language)


def _(message: str) -> str:
    """message in the chosen language."""
    return _translations.gettext(message)


def N_(message: str) -> str:
    """Marks message for the catalogs where it is defined; it is translated with _() where shown."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message the language uses for n ("1 item", "2 items")."""
    return _translations.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """message in the chosen language, where context tells two uses of one English word apart."""
    return _translations.pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, n: int) -> str:
    return _translations.npgettext(context, singular, plural, n)
