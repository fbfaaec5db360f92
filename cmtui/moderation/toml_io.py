"""Rules as TOML, for version control: export, import (all or nothing), and the default set.

    [[rule]]
    name = "spam-links"
    enabled = true
    automatic = false
    match = "any"
    conditions = [{ type = "links", min = 3 }]
    actions = [{ type = "flag" }, { type = "label", label = "spam" }]

Exporting, importing and exporting again gives the same text.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

from cmtui.i18n import _
from cmtui.errors import InputError

from cmtui.moderation.engine import check_assignees, dry_run, dry_run_is_current, rule_actions, validate_rule
from cmtui.moderation.conditions import RuleError

if TYPE_CHECKING:
    from cmtui.store import Store

DEFAULTS = "moderation/rules.toml"


def export_toml(store: Store) -> str:
    import tomli_w

    rules = [{key: rule[key] for key in ("name", "enabled", "automatic", "match", "conditions", "actions")}
             for rule in store.rules.list()]
    return tomli_w.dumps({"rule": rules})


def read_rules_file(path: Path) -> str:
    """A rules file's text, or InputError naming why it cannot be read (for the TUI's and the
    command line's import alike)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else _("not a UTF-8 text file")
        raise InputError(_("cannot read {path}: {reason}").format(path=path, reason=reason)) from None


def parse_toml(text: str) -> list[dict]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RuleError(_("rules file is not valid TOML: {reason}").format(reason=exc)) from None
    # An import replaces every rule: a file that is not a rules file (a misspelt table, an
    # empty file) must not pass for one with no rules. An export of none says `rule = []`.
    others = sorted(key for key in data if key != "rule")
    if others:
        raise RuleError(_("rules file: unknown key(s) {keys}; rules are [[rule]] tables").format(keys=", ".join(others)))
    if "rule" not in data:
        raise RuleError(_("rules file: no [[rule]] tables"))
    rules = data["rule"]
    if not isinstance(rules, list):
        raise RuleError(_("rules file: expected [[rule]] tables"))
    return rules


def import_toml(store: Store, text: str, *, replace: bool = True, dry_run_enabled: bool = True,
                who: str | None = None, settings=None) -> list[str]:
    """Store the rules of a TOML file in its order; nothing is stored unless every rule is valid.
    A rule marked enabled is enabled only after a dry-run (run here when `dry_run_enabled` and
    no current one is recorded); returns the names of the rules left disabled for want of one."""
    accounts, actions = store.rules.account_ids(), rule_actions(store)
    rules = [validate_rule(rule, accounts, actions) for rule in parse_toml(text)]
    if settings is not None:  # an assign action names someone on the team
        rules = [check_assignees(rule, settings) for rule in rules]
    names = [r["name"] for r in rules]
    duplicate = {n for n in names if names.count(n) > 1}
    if duplicate:
        raise RuleError(_("rules file: rule name(s) used twice: {names}").format(names=", ".join(sorted(duplicate))))
    pending = []
    for rule in rules:
        if rule["enabled"] and not dry_run_is_current(store, rule):
            if dry_run_enabled:
                dry_run(store, rule)
            else:
                rule["enabled"] = False
                pending.append(rule["name"])
    with store.transaction():
        if replace:
            store.rules.delete_all()
        start = 0 if replace else len(store.rules.list())
        for position, rule in enumerate(rules, start + 1):
            store.rules.save(rule, position)
        store.activity.record(who, "rule.import", "rules", names)  # i18n: not shown
    return pending


def seed_rules(store: Store) -> int:
    """Load the default rules (data/moderation/rules.toml) into a database that has none."""
    from cmtui.resources import data_dir

    if store.rules.list():
        return 0
    path = data_dir() / DEFAULTS
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleError(_("cannot read {path}: {reason}").format(path=path, reason=exc)) from None
    import_toml(store, text)
    return len(store.rules.list())
