"""cmtui moderation rules list | test | enable | disable | export | import: the rules editor's
decisions from the command line, through the same engine calls (a dry-run here is the one
the TUI runs, and stamps the rule the same way)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from cmtui import l10n
from cmtui.commands.output import DRY_RUN, SWITCH, json_language, print_json, print_table, shown
from cmtui.errors import CmtuiError, RuleError
from cmtui.i18n import _, ngettext
from cmtui.moderation.describe import action_effects, describe_actions, describe_conditions, dry_run_status
from cmtui.moderation.engine import DryRunResult, dry_run, dry_run_is_current, enable_rule
from cmtui.text import sanitize

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def _clean(text: str) -> str:
    """A name or word from an imported file, or an item's text: one line, no escapes."""
    return sanitize(text or "", single_line=True)


def _rule(store: Store, name: str) -> dict:
    rule = store.rules.get(name)
    if rule is None:
        raise RuleError(_("no rule named {name} (cmtui moderation rules list shows them)").format(
            name=repr(_clean(name))))
    return rule


def rules_list(store: Store, args) -> int:
    entries = []
    with json_language(args.json):  # the rule in words
        for position, rule in enumerate(store.rules.list(), 1):
            entries.append({"position": position, "name": rule["name"], "enabled": rule["enabled"],
                            "automatic": rule["automatic"], "match": rule["match"], "conditions": rule["conditions"],
                            "actions": rule["actions"],
                            "summary": describe_conditions(rule["conditions"], rule["match"]),
                            "dry_run": dry_run_status(store, rule).as_json()})
    if args.json:
        print_json(entries)
        return 0

    def dry(state: dict) -> str:
        word = shown(DRY_RUN, state["state"])
        return word if state["state"] == "none" else f"{word} {state['matched']}/{state['total']}"

    print_table(["#", _("NAME"), _("ON"), _("DRY-RUN"), _("CONDITIONS"), _("ACTIONS")],
                [[str(e["position"]), _clean(e["name"]), shown(SWITCH, "on" if e["enabled"] else "off"),
                  dry(e["dry_run"]), _clean(e["summary"]), _clean(describe_actions(e["actions"]))] for e in entries],
                [None, 24, None, 18, 50, 30])
    return 0


def _test(store: Store, name: str, samples: int) -> tuple[dict, DryRunResult]:
    rule = _rule(store, name)
    progress = _progress() if sys.stderr.isatty() else None
    result = dry_run(store, name, progress=progress, samples=samples)
    if progress is not None:
        sys.stderr.write("\r\033[K")
    return rule, result


def _progress():
    def show(done: int, total: int) -> None:
        sys.stderr.write("\r" + ngettext("dry-run: {done} of {total} item", "dry-run: {done} of {total} items",
                                          total).format(done=l10n.number(done), total=l10n.number(total)))
        sys.stderr.flush()
    return show


def _report(store: Store, rule: dict, result: DryRunResult, as_json: bool) -> None:
    with json_language(as_json):  # each action in words
        effects = action_effects(store, rule, result)
    samples = []
    for item_id in result.sample_ids:
        item = store.inbox.get(item_id)
        if item is not None:
            samples.append({"item_id": item_id, "author": _clean(item["author"]), "text": _clean(item["text"]),
                            "created_at": item["created_at"]})
    if as_json:
        print_json({"rule": rule["name"], "total": result.total, "matched": result.matched,
                    "seconds": round(result.seconds, 3), "recorded": True,
                    "actions": [e.as_json() for e in effects], "samples": samples})
        return
    print(ngettext("rule {name} would have caught {matched} of {total} item (recorded as its current dry-run)",
                   "rule {name} would have caught {matched} of {total} items (recorded as its current dry-run)",
                   result.total).format(name=_clean(rule["name"]), matched=l10n.number(result.matched),
                                        total=l10n.number(result.total)))
    for effect in effects:
        if effect.flagged:
            print("  " + _("{action}: {n}  ({flagged} flagged for a moderator to confirm instead)").format(
                action=_clean(effect.action), n=l10n.number(effect.items), flagged=l10n.number(effect.flagged)))
        else:
            print(f"  {_clean(effect.action)}: {l10n.number(effect.items)}")
    if samples:
        print()
        print_table([_("ITEM"), _("AUTHOR"), _("TEXT")], [[str(s["item_id"]), s["author"], s["text"]] for s in samples],
                    [None, 24, 70])


def rules_test(store: Store, args) -> int:
    rule, result = _test(store, args.name, args.samples)
    _report(store, rule, result, args.json)
    return 0


def rules_enable(store: Store, settings: Settings, args) -> int:
    rule = _rule(store, args.name)
    name = _clean(rule["name"])
    if not dry_run_is_current(store, rule):
        if not args.after_dry_run:
            raise RuleError(_("rule {quoted} has no current dry-run: run 'cmtui moderation rules test {name}'"
                              " first, or pass --after-dry-run").format(quoted=repr(name), name=name))
        result = _test(store, args.name, 5)[1]
        print(ngettext("dry-run: rule {name} would have caught {matched} of {total} item",
                       "dry-run: rule {name} would have caught {matched} of {total} items",
                       result.total).format(name=name, matched=l10n.number(result.matched),
                                            total=l10n.number(result.total)))
    enable_rule(store, rule["name"], True, who=settings.username)
    print(_("rule {name} is on: it runs on every new item").format(name=name))
    return 0


def rules_disable(store: Store, settings: Settings, args) -> int:
    rule = _rule(store, args.name)
    enable_rule(store, rule["name"], False, who=settings.username)
    print(_("rule {name} is off").format(name=_clean(rule["name"])))
    return 0


def rules_export(store: Store, args) -> int:
    from cmtui.commands.calendar_files import emit
    from cmtui.moderation.toml_io import export_toml

    count = len(store.rules.list())
    return emit(export_toml(store), args.output, ngettext("exported {n} rule to {path}", "exported {n} rules to {path}",
                                                          count), count)


def rules_import(store: Store, settings: Settings, args) -> int:
    """As the rules editor imports: the file's rules replace the stored ones, all or nothing;
    a rule the file enables comes in off unless a current dry-run vouches for it."""
    from cmtui.moderation.toml_io import import_toml, read_rules_file

    try:
        pending = import_toml(store, read_rules_file(args.file.expanduser()), dry_run_enabled=False,
                              who=settings.username, settings=settings)
    except CmtuiError as exc:
        raise type(exc)(_("{problem}; nothing changed").format(problem=exc)) from None
    count = len(store.rules.list())
    print(ngettext("imported {n} rule from {path}", "imported {n} rules from {path}", count).format(
        n=l10n.number(count), path=args.file))
    if pending:
        names = ", ".join(_clean(n) for n in pending)
        print(_("left off until a dry-run ('cmtui moderation rules test NAME'): {names}").format(names=names))
    return 0
