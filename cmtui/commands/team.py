"""cmtui team list | set: the team on one database, and the settings everyone on it shares.

On a shared host each person runs their own cmtui on one file, so who is on the team and who
approves must be the same for all of them: `team set` stores those settings in the database
(laid over each person's own settings file by every command and the TUI) and records who
changed them in the team's activity log. `user` stays each person's own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.commands.output import SWITCH, age, print_json, print_table, shown
from cmtui.errors import InputError
from cmtui.i18n import _, ngettext, pgettext

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store

TEAM_SETTINGS = ("teammates", "approvers", "approval", "act_for_others")  # i18n: not shown (setting names)
APPROVAL_WORDS = {"any": "any", "other": "other", "off": ""}  # i18n: not shown (what `team set approval` takes)
APPROVAL_SETTINGS = ("approvers", "approval", "act_for_others")  # i18n: not shown (setting names)
SWITCH_WORDS = {"on": True, "off": False}  # i18n: not shown (what `team set act_for_others` takes)
MAX_NAME = 64


def approval_rule(settings: Settings) -> str:
    """Who approves, as `team set approval` takes it: off, any or other."""
    if not settings.approval_required:
        return "off"  # i18n: not shown (a stored word)
    return settings.approval or "any"  # i18n: not shown (a stored word)


def _approval_meaning(rule: str) -> str:
    return {"off": _("posts go out without approval"),
            "any": _("an approver approves each post"),
            "other": _("an approver who is not the post's author approves it")}[rule]


def team_json(store: Store, settings: Settings) -> dict:
    from cmtui.team import is_approver, members, same_person

    items, flags = store.team.open_assigned(), store.team.open_flags_assigned()
    present = store.presence.active()
    people = []
    for name in members(settings):
        busy = [{"item_id": p["item_id"], "activity": p["activity"], "since": p["since"]}
                for p in present if same_person(p["who"], name)]
        people.append({"name": name, "me": same_person(name, settings.username),
                       "approver": is_approver(settings, name),
                       "open_items": _theirs(items, name), "open_flags": _theirs(flags, name), "active": busy})
    return {"user": settings.username, "approval": approval_rule(settings),
            "act_for_others": settings.act_for_others, "members": people,
            "database_settings": {k: v for k, v in store.database_settings().items() if k in TEAM_SETTINGS}}


def _theirs(counts: dict[str, int], name: str) -> int:
    """A person's count from counts per stored name ("ana" and "Ana" are one person)."""
    from cmtui.team import same_person

    return sum(n for stored, n in counts.items() if same_person(stored, name))


def _activity(busy: list[dict]) -> str:
    if not busy:
        return ""
    first = busy[0]
    # i18n: what a teammate is doing now, from the presence table; {since} is a short age (5m)
    text = _("replying to item {id} ({since})") if first["activity"] == "replying" else \
        _("busy with item {id} ({since})")
    text = text.format(id=first["item_id"], since=age(first["since"]))
    more = len(busy) - 1
    if more:
        text += " " + ngettext("and {n} more", "and {n} more", more).format(n=l10n.number(more))
    return text


def team_list(store: Store, settings: Settings, args) -> int:
    data = team_json(store, settings)
    if args.json:
        print_json(data)
        return 0
    print_table([_("NAME"), _("APPROVER"), _("OPEN ITEMS"), _("OPEN FLAGS"), _("NOW")],
                [[_("{name} (me)").format(name=p["name"]) if p["me"] else p["name"],
                  pgettext("approver", "yes") if p["approver"] else "-", l10n.number(p["open_items"]),
                  l10n.number(p["open_flags"]), _activity(p["active"])] for p in data["members"]],
                [32, None, None, None, 40])
    print()
    # i18n: {rule} is the setting's value as `cmtui team set approval` takes it (off, any, other): keep it
    print(_("approval: {rule} ({meaning})").format(rule=data["approval"], meaning=_approval_meaning(data["approval"])))
    print(_("acting for others (--as NAME): {switch}").format(
        switch=shown(SWITCH, "on" if data["act_for_others"] else "off")))
    if not data["database_settings"]:
        print(_("the team's settings come from each person's settings file; 'cmtui team set' stores them in the"
                " database for everyone on it"))
    return 0


# -- team set ---------------------------------------------------------------------------------------
def _names(setting: str, value: str) -> list[str]:
    """A comma-separated list of names, each once (the first spelling kept); '' is none."""
    from cmtui.team import once

    names: list[str] = []
    for raw in value.split(","):
        name = raw.strip()
        if not name:
            if value.strip():
                raise InputError(_("{setting}: an empty name between commas in {value}").format(
                    setting=setting, value=repr(value)))
            continue
        if name.lower() == "me":
            raise InputError(_("{setting}: 'me' stands for the person working; give each teammate's own name").format(
                setting=setting))
        if len(name) > MAX_NAME or not name.isprintable():
            raise InputError(_("{setting}: {name} is not a name (printable characters, at most {most})").format(
                setting=setting, name=repr(name), most=MAX_NAME))
        names.append(name)
    return once(names)


def parse_team_setting(setting: str, value: str):
    """The stored value of a team setting given on the command line; InputError if the
    setting is not the team's or the value does not fit it."""
    if setting not in TEAM_SETTINGS:
        raise InputError(_("cannot set {name} for the team: the team's settings are {known} ('user' is each"
                           " person's own, in their settings file)").format(
            name=repr(setting), known=", ".join(TEAM_SETTINGS)))
    word = value.strip().lower()
    if setting == "approval":
        if word not in APPROVAL_WORDS:
            raise InputError(_("approval is any (any approver), other (an approver who is not the post's author)"
                               " or off, not {value}").format(value=repr(value)))
        return APPROVAL_WORDS[word]
    if setting == "act_for_others":
        if word not in SWITCH_WORDS:
            raise InputError(_("act_for_others is on or off, not {value}").format(value=repr(value)))
        return SWITCH_WORDS[word]
    return _names(setting, value)


def _as_team_spells(settings: Settings, setting: str, names: list[str]) -> list[str]:
    """Each name as the rest of the team spells it ("ana" given for approvers is the teammate
    "Ana"): one person, not two who differ in case."""
    from cmtui.team import team_spelling

    others = [settings.username, *(settings.approvers if setting == "teammates" else settings.teammates)]
    return [team_spelling(n, [o for o in others if o]) for n in names]


def _may_change(settings: Settings, setting: str) -> None:
    """Once approvers are named, the approval rules are theirs: someone else turning approval
    off, naming themselves an approver or allowing --as would undo the team's policy by
    mistake. (The database file's permissions are what really keeps people out.)"""
    from cmtui.team import is_approver

    if setting in APPROVAL_SETTINGS and settings.approvers and not is_approver(settings, settings.username):
        raise InputError(_("only an approver ({approvers}) may change {name}; ask one of them").format(
            approvers=", ".join(settings.approvers), name=setting))


def team_set(store: Store, settings: Settings, args) -> int:
    from cmtui import config

    value = parse_team_setting(args.name, args.value)
    _may_change(settings, args.name)
    if isinstance(value, list):
        value = _as_team_spells(settings, args.name, value)
    with store.transaction():  # read, merge and write under the write lock: no teammate's change is lost
        merged = {**store.database_settings(), args.name: value}
        config.with_database_settings(settings, merged, store.path)  # checked as every command will read it
        store.set_database_settings(merged)
        store.activity.record(settings.username, "team.set", args.name, value)  # i18n: not shown
    shown_value = (", ".join(value) or _("nobody")) if isinstance(value, list) else args.value.strip().lower()
    print(_("team setting {name} is now {value}, for everyone on this database").format(
        name=args.name, value=shown_value))
    return 0
