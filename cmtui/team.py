"""Who is acting, and who is on the team. No Textual: the screens, the command line and the
planning code ask here.

The team is the person working (the `user` setting, else the login name), the `teammates`
and the `approvers` of the settings (a team database carries them for everyone on the file).
A name given for someone else (an assignee, `--as`, `--assigned`) must be one of them, so a
typo is one clear message instead of an item assigned to nobody."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from cmtui.errors import InputError
from cmtui.i18n import _

ME = "me"  # i18n: not shown (the word `--assigned me` and `assigned:me` take for the person working)


class Settings(Protocol):
    """What the team is read from: cmtui.config.Settings (named by its fields here, so the
    settings can ask this module who is who without an import cycle)."""

    @property
    def username(self) -> str: ...

    teammates: list[str]
    approvers: list[str]
    act_for_others: bool


def same_person(a: str | None, b: str | None) -> bool:
    """Whether two names are one person: "ana" is "Ana" (every such comparison asks here)."""
    return a is not None and b is not None and a != "" and a.casefold() == b.casefold()


def team_spelling(name: str, names: Iterable[str]) -> str:
    """`name` as the first of `names` that is the same person spells it, else as given."""
    return next((known for known in names if same_person(known, name)), name)


def once(names: Iterable[str | None]) -> list[str]:
    """The names in order, each person once (the first spelling: "ana" after "Ana" is Ana)."""
    found: dict[str, str] = {}
    for name in names:
        if name:
            found.setdefault(name.casefold(), name)
    return list(found.values())


def members(settings: Settings) -> list[str]:
    """The team's names: the person working first, then teammates and approvers, once each
    (one person whose name two lists spell in different cases counts once)."""
    return once([settings.username, *settings.teammates, *settings.approvers])


def is_approver(settings: Settings, who: str) -> bool:
    return any(same_person(who, name) for name in settings.approvers)


def resolve(settings: Settings, name: str) -> str:
    """A teammate's name as stored: "me" is the person working; the case of a known name is
    the team's own ("ana" for "Ana"). InputError for a name not on the team."""
    name = (name or "").strip()
    if name.lower() == ME:
        return settings.username
    for known in members(settings):
        if same_person(known, name):
            return known
    raise InputError(_("{name} is not on the team (the team: {names}); teammates are named in the settings"
                       " (teammates = [...])").format(name=repr(name), names=", ".join(members(settings))))


def acting(settings: Settings, as_name: str | None) -> str:
    """Who a decision is recorded for: the person working, or with `--as NAME` a teammate,
    only when the settings allow acting for others (act_for_others = true)."""
    if not as_name:
        return settings.username
    if not settings.act_for_others:
        raise InputError(_("--as {name}: acting for a teammate is not allowed here (act_for_others = true in the"
                           " team's settings allows it)").format(name=as_name))
    return resolve(settings, as_name)
