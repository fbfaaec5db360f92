"""Who is acting, and who is on the team. No Textual: the screens, the command line and the
planning code ask here.

The team is the person working (the `user` setting, else the login name), the `teammates`
and the `approvers` of the settings (a team database carries them for everyone on the file).
A name given for someone else (an assignee, `--as`, `--assigned`) must be one of them, so a
typo is one clear message instead of an item assigned to nobody."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cmtui.errors import InputError
from cmtui.i18n import _

if TYPE_CHECKING:
    from cmtui.config import Settings

ME = "me"  # i18n: not shown (the word `--assigned me` and `assigned:me` take for the person working)


def members(settings: Settings) -> list[str]:
    """The team's names: the person working first, then teammates and approvers, once each."""
    return list(dict.fromkeys(n for n in [settings.username, *settings.teammates, *settings.approvers] if n))


def resolve(settings: Settings, name: str) -> str:
    """A teammate's name as stored: "me" is the person working; the case of a known name is
    the team's own ("ana" for "Ana"). InputError for a name not on the team."""
    name = (name or "").strip()
    if name.lower() == ME:
        return settings.username
    for known in members(settings):
        if known.casefold() == name.casefold():
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
