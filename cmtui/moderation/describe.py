"""Rules in words, for the rules editor and `cmtui moderation rules`: a rule's conditions and
actions in a few words, the state of its dry-run, and what a dry-run says the rule would have
done, action by action. (Names and words may come from an imported file: callers show the
strings literally, never as markup.)"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from cmtui.moderation.actions import PLATFORM_ACTIONS, offered_actions, platform_profile
from cmtui.moderation.engine import RULE_PLACE_ACTIONS, DryRunResult, dry_run_is_current

if TYPE_CHECKING:
    from cmtui.store import Store


def _words(values, limit: int = 3) -> str:
    values = [str(v) for v in values] if isinstance(values, list) else [str(values)]
    shown = ", ".join(f"“{v}”" for v in values[:limit])
    return shown + (f" +{len(values) - limit}" if len(values) > limit else "")


def _listed(spec: dict, key: str) -> list[str]:
    values = spec.get(key, spec.get("values", []))  # (the engine takes "values" for any of these)
    return [values] if isinstance(values, str) else [str(v) for v in values]


def describe_condition(spec) -> str:
    """One condition in a few words: "keywords en:spam", "≥ 4 links", "(a link + keywords spam)"."""
    if not isinstance(spec, dict):
        return str(spec)
    kind = spec.get("type")
    if kind in ("all", "any"):
        return "(" + describe_conditions(spec.get("conditions") or [], kind) + ")"
    if kind == "keywords":
        parts = []
        if spec.get("lists"):
            parts.append("keywords " + ", ".join(map(str, spec["lists"])))
        if spec.get("words"):
            parts.append("words " + _words(spec["words"]))
        return " + ".join(parts) or "keywords"
    simple = {
        "regex": lambda: f"regex /{spec.get('pattern', '')}/",
        "link": lambda: "a link",
        "links": lambda: f"≥ {spec.get('min')} links",
        "only_mentions": lambda: "only mentions",
        "only_emojis": lambda: "only emojis",
        "caps": lambda: f"shouting ({round(100 * float(spec.get('ratio', 0.7)))}% caps)",
        "flood": lambda: f"flood ({spec.get('count', 3)} in {spec.get('minutes', 10)} min)",
        "new_account": lambda: f"account < {spec.get('days', 7)} days old",
        "watched": lambda: "watched author",
        "kind": lambda: "kind " + "/".join(_listed(spec, "kinds")),
        "account": lambda: "account " + ", ".join(_listed(spec, "accounts")),
        "language": lambda: "language " + ", ".join(_listed(spec, "languages")),
    }
    return simple[kind]() if kind in simple else str(kind)


def describe_conditions(conditions: list, match: str = "all") -> str:
    return (" + " if match == "all" else " or ").join(describe_condition(c) for c in conditions)


def describe_action(action) -> str:
    kind = action.get("type") if isinstance(action, dict) else action
    detail = action.get("label") or action.get("to") if isinstance(action, dict) else None
    return f"{kind} {detail}" if detail else str(kind)


def describe_actions(actions: list) -> str:
    return ", ".join(describe_action(a) for a in actions)


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

    action: str   # in words: "flag", "label spam"
    items: int    # done as written
    flagged: int = 0  # a platform action left to a moderator (a flag) instead

    def as_json(self) -> dict:
        return {"action": self.action, "items": self.items, "flagged_instead": self.flagged}


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
            effects.append(ActionEffect(describe_action(action), queued, result.matched - queued))
        else:
            effects.append(ActionEffect(describe_action(action), result.matched))
    return effects
