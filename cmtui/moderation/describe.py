"""Rules in words, for the rules editor and `cmtui moderation rules`: a rule's conditions and
actions in a few words, the state of its dry-run, and what a dry-run says the rule would have
done, action by action. (Names and words may come from an imported file: callers show the
strings literally, never as markup.)"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmtui import i18n, l10n
from cmtui.moderation.actions import PLATFORM_ACTIONS, offered_actions, platform_profile
from cmtui.moderation.engine import RULE_PLACE_ACTIONS, DryRunResult, dry_run_is_current

if TYPE_CHECKING:
    from cmtui.store import Store


# English words whatever the interface's language: for `--json` output (a stable interface).
_ENGLISH: ContextVar[bool] = ContextVar("describe_in_english", default=False)


@contextmanager
def _in_english(english: bool):
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


def _percent(ratio: float) -> str:
    return f"{round(100 * ratio)}%" if _ENGLISH.get() else l10n.percent(ratio)


def _words(values, limit: int = 3) -> str:
    values = [str(v) for v in values] if isinstance(values, list) else [str(values)]
    shown = ", ".join(_("“{word}”").format(word=v) for v in values[:limit])
    return shown + (f" +{_number(len(values) - limit)}" if len(values) > limit else "")


def _listed(spec: dict, key: str) -> list[str]:
    values = spec.get(key, spec.get("values", []))  # (the engine takes "values" for any of these)
    return [values] if isinstance(values, str) else [str(v) for v in values]


def _number(value) -> str:
    """A number from a rule (TOML may give a string or anything): the language's digits when it is one."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or _ENGLISH.get():
        return str(value)
    return l10n.number(value)


def _count(value) -> int:
    """The plural form's count for a number from a rule (a fraction or a non-number: many)."""
    return int(value) if isinstance(value, (int, float)) and value == int(value) else 5


def describe_condition(spec, *, english: bool = False) -> str:
    """One condition in a few words: "keywords en:spam", "≥ 4 links", "(a link + keywords spam)";
    in the interface's language, or in English (`english`: for --json)."""
    with _in_english(english):
        return _describe_condition(spec)


def _describe_condition(spec) -> str:
    if not isinstance(spec, dict):
        return str(spec)
    kind = spec.get("type")
    if kind in ("all", "any"):
        return "(" + describe_conditions(spec.get("conditions") or [], kind) + ")"
    if kind == "keywords":
        parts = []
        if spec.get("lists"):
            # i18n: a rule's condition: the named word lists (en:spam, fr:insults)
            parts.append(_("keywords {lists}").format(lists=", ".join(map(str, spec["lists"]))))
        if spec.get("words"):
            # i18n: a rule's condition: the words typed in it, quoted
            parts.append(_("words {words}").format(words=_words(spec["words"])))
        # i18n: a rule's condition with no list and no word
        return " + ".join(parts) or _("keywords")
    minimum, count, minutes, days = spec.get("min"), spec.get("count", 3), spec.get("minutes", 10), spec.get("days", 7)
    simple = {
        # i18n: a rule's condition: the text matches a regular expression
        "regex": lambda: _("regex /{pattern}/").format(pattern=spec.get("pattern", "")),
        # i18n: a rule's condition: the item has a link
        "link": lambda: _("a link"),
        "links": lambda: ngettext("≥ {n} link", "≥ {n} links", _count(minimum)).format(n=_number(minimum)),
        "only_mentions": lambda: _("only mentions"),
        "only_emojis": lambda: _("only emojis"),
        # i18n: a rule's condition: the share of capital letters, e.g. "shouting (70% caps)"
        "caps": lambda: _("shouting ({percent} caps)").format(percent=_percent(float(spec.get("ratio", 0.7)))),
        # i18n: a rule's condition: so many items by one author within so many minutes
        "flood": lambda: _("flood ({count} in {minutes} min)").format(count=_number(count), minutes=_number(minutes)),
        "new_account": lambda: ngettext("account < {n} day old", "account < {n} days old",
                                        _count(days)).format(n=_number(days)),
        # i18n: a rule's condition: the author is on the watch list
        "watched": lambda: _("watched author"),
        # i18n: a rule's condition: the kind of item (mention, dm...), ids as written in the rule
        "kind": lambda: _("kind {kinds}").format(kinds="/".join(_listed(spec, "kinds"))),
        # i18n: a rule's condition: the accounts it watches
        "account": lambda: _("account {accounts}").format(accounts=", ".join(_listed(spec, "accounts"))),
        # i18n: a rule's condition: the items' languages, as codes (en, es)
        "language": lambda: _("language {languages}").format(languages=", ".join(_listed(spec, "languages"))),
    }
    return simple[kind]() if kind in simple else str(kind)


def describe_conditions(conditions: list, match: str = "all", *, english: bool = False) -> str:
    with _in_english(english):
        # i18n: between a rule's conditions when any one of them is enough ("a link or only emojis")
        return (" + " if match == "all" else _(" or ")).join(describe_condition(c) for c in conditions)


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


def describe_action(action, *, english: bool = False) -> str:
    with _in_english(english):
        return _describe_action(action)


def _describe_action(action) -> str:
    kind = action.get("type") if isinstance(action, dict) else action
    if isinstance(action, dict) and kind == "label" and action.get("label"):
        # i18n: a rule's action: put this label on the item
        return pgettext("rule action", "label {label}").format(label=action["label"])
    if isinstance(action, dict) and kind == "assign" and action.get("to"):
        # i18n: a rule's action: assign the item to this person
        return pgettext("rule action", "assign {to}").format(to=action["to"])
    detail = action.get("label") or action.get("to") if isinstance(action, dict) else None
    return f"{action_name(kind)} {detail}" if detail else action_name(kind)


def describe_actions(actions: list, *, english: bool = False) -> str:
    with _in_english(english):
        return ", ".join(describe_action(a) for a in actions)


def flag_state_label(state: str) -> str:
    """A flag's stored state (open, approved, hidden, muted...: what was decided) as shown."""
    labels = {
        "open": pgettext("flag state", "open"),
        "approved": pgettext("flag state", "approved"),
        "hidden": pgettext("flag state", "hidden"),
        "muted": pgettext("flag state", "muted"),
        "blocked": pgettext("flag state", "blocked"),
        "reported": pgettext("flag state", "reported"),
        "warned": pgettext("flag state", "warned"),
        "kicked": pgettext("flag state", "kicked"),
        "banned": pgettext("flag state", "banned"),
        "unbanned": pgettext("flag state", "unbanned"),
        "resolved": pgettext("flag state", "resolved"),
    }
    return labels.get(state, state)


_NO_PLACE = "said in no place"  # i18n: not shown (the engine's stored words, translated below)


def flag_reason(reason: str | None) -> str:
    """A flag's reason as stored by the rules engine ("rule: spam-links", "needs confirmation:
    mute", "kick not allowed here: ...") in the interface's language; any other reason (a
    person's, a platform's) as written."""
    reason = reason or ""
    if reason.startswith("rule: "):
        # i18n: why an item is flagged: the rule that caught it
        return _("rule: {name}").format(name=reason.removeprefix("rule: "))
    if reason.startswith("needs confirmation: "):
        kind = reason.removeprefix("needs confirmation: ")
        # i18n: why an item is flagged: an automatic action waits for a moderator's OK
        return _("needs confirmation: {action}").format(action=action_name(kind))
    kind, found, why = reason.partition(" not allowed here: ")
    if found and kind in ("kick", "ban"):
        # i18n: why an item is flagged: the rule may not kick/ban in this room; {why} is the platform's reason
        why = _(_NO_PLACE) if why == _NO_PLACE else why
        return _("{action} not allowed here: {why}").format(action=action_name(kind), why=why)
    return _(_NO_PLACE) if reason == _NO_PLACE else reason


# -- dry-runs -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DryRunStatus:
    """none: never dry-run; stale: its conditions changed since; current: it may be enabled."""

    state: str
    matched: int = 0
    total: int = 0
    at: str | None = None

    def as_json(self) -> dict:
        return {"state": self.state, "matched": self.matched, "total": self.total, "at": self.at}


def dry_run_status(store: Store, rule: dict) -> DryRunStatus:
    stamp = store.rules.stamp(rule["name"])
    if not stamp:
        return DryRunStatus("none")
    state = "current" if dry_run_is_current(store, rule) else "stale"
    return DryRunStatus(state, int(stamp.get("matched", 0)), int(stamp.get("total", 0)), stamp.get("at"))


@dataclass(frozen=True)
class ActionEffect:
    """What one of a rule's actions would have done to the items a dry-run caught."""

    action: str   # in words, in the interface's language: "flag", "label spam"
    items: int    # done as written
    flagged: int = 0  # a platform action left to a moderator (a flag) instead
    action_json: str = ""  # the same words in English, for --json (a stable interface)

    def as_json(self) -> dict:
        return {"action": self.action_json or self.action, "items": self.items, "flagged_instead": self.flagged}


def action_effects(store: Store, rule: dict, result: DryRunResult) -> list[ActionEffect]:
    """Each action's count: every caught item gets the local actions; a platform action (mute,
    a kick...) is queued only by an automatic rule on an account whose platform has it, and is
    a flag asking for a moderator's confirmation otherwise (as apply_matches decides). A kick
    or ban counted as queued may still be refused in a place where the account may not."""
    offered: dict[int, tuple[str, ...]] = {}
    for account_id in result.by_account:
        profile = platform_profile(store, account_id)
        offered[account_id] = tuple(profile.moderation_actions) + offered_actions(profile)
    effects = []
    for action in rule["actions"]:
        kind = action.get("type") if isinstance(action, dict) else action
        if kind in PLATFORM_ACTIONS or kind in RULE_PLACE_ACTIONS:
            queued = sum(n for account_id, n in result.by_account.items()
                         if rule.get("automatic") and kind in offered[account_id])
            effects.append(ActionEffect(describe_action(action), queued, result.matched - queued,
                                        describe_action(action, english=True)))
        else:
            effects.append(ActionEffect(describe_action(action), result.matched,
                                        action_json=describe_action(action, english=True)))
    return effects
