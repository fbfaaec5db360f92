"""Moderation's words in the interface's language, or in English for `--json` (a stable
interface): the action names, and the gettext calls describe.py makes, which follow
`in_english` (a context: a rule's words built for JSON stay English all the way down)."""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from cmtui import i18n

# English words whatever the interface's language: for `--json` output (a stable interface).
_ENGLISH: ContextVar[bool] = ContextVar("describe_in_english", default=False)


@contextmanager
def in_english(english: bool):
    token = _ENGLISH.set(english or _ENGLISH.get())
    try:
        yield
    finally:
        _ENGLISH.reset(token)


def _(message: str) -> str:
    return message if _ENGLISH.get() else i18n._(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    if _ENGLISH.get():
        return singular if n == 1 else plural
    return i18n.ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    return message if _ENGLISH.get() else i18n.pgettext(context, message)


def english_now() -> bool:
    return _ENGLISH.get()


def action_name(kind: str, *, english: bool = False) -> str:
    """A rule's or a moderator's action as shown ("flag", "mute"); an unknown one as written."""
    if english or _ENGLISH.get():
        return str(kind)
    names = {
        "flag": pgettext("rule action", "flag"),
        "label": pgettext("rule action", "label"),
        "assign": pgettext("rule action", "assign"),
        "done": pgettext("rule action", "done"),
        "hide": pgettext("rule action", "hide"),
        "mute": pgettext("rule action", "mute"),
        "block": pgettext("rule action", "block"),
        "report": pgettext("rule action", "report"),
        "stop": pgettext("rule action", "stop"),
        "kick": pgettext("rule action", "kick"),
        "ban": pgettext("rule action", "ban"),
        "unban": pgettext("rule action", "unban"),
        "approve": pgettext("rule action", "approve"),
        "warn": pgettext("rule action", "warn"),
    }
    return names.get(kind, str(kind))
