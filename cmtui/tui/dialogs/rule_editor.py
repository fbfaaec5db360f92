"""One moderation rule edited as TOML text, in the format of the rules file (toml_io).

RuleEditor validates the text through the engine (every condition compiled, regexes
checked for catastrophic backtracking) and stores it; any error is shown in the dialog,
which stays open with nothing stored. It dismisses with {"name", "left_off"} — left_off
when the text asked for the rule to be enabled but no current dry-run allows it — or None.
"""

from __future__ import annotations

from pathlib import Path

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _
from cmtui.moderation.conditions import CONDITION_TYPES, RuleError
from cmtui.moderation.engine import RULE_KEYS, replace_rule, rule_actions
from cmtui.moderation.toml_io import parse_toml
from cmtui.text import one_line
from cmtui.tui.dialogs.base import Dialog, styled

if TYPE_CHECKING:
    from cmtui.store import Store

NEW_RULE = {"name": "new-rule", "enabled": False, "automatic": False, "match": "all",
            "conditions": [{"type": "keywords", "words": ["example"]}], "actions": [{"type": "flag"}]}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def _value(value) -> str:
    """A TOML value written inline (tables as { k = v }, arrays on one line)."""
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    import tomli_w

    return tomli_w.dumps({"v": value})[4:].rstrip("\n")  # tomli_w's escaping of one scalar


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _value(key)


def rule_toml(rule: dict) -> str:
    """One rule as a [[rule]] table, laid out like data/moderation/rules.toml: one condition a
    line when there are several, so a rule reads (and diffs) the way it is written by hand."""
    lines = ["[[rule]]"]
    for key in RULE_KEYS:
        value = rule.get(key)
        if key == "conditions" and isinstance(value, list) and len(value) > 1:
            lines.append("conditions = [")
            lines.extend(f"  {_value(c)}," for c in value)
            lines.append("]")
        elif value is not None:
            lines.append(f"{key} = {_value(value)}")
    return "\n".join(lines) + "\n"


def hint(actions: tuple[str, ...]) -> Text:
    """What a rule may say: its conditions, and the actions open on this database."""
    # i18n: the condition and action names that follow are the words a rule is written with: not translated.
    conditions = styled(_("conditions: {names}"), "dim", names=(", ".join(CONDITION_TYPES), "dim italic"))
    # i18n: the action names that follow are the words a rule is written with: not translated.
    done = styled(_("actions: {names}"), "dim", names=(", ".join(actions), "dim italic"))
    return Text("\n").join([Text(_("ctrl+s save · esc cancel"), style="dim"), conditions, done])


class RuleEditor(Dialog):
    CSS_PATH = Path(__file__).with_name("rule_editor.tcss")  # read when first shown
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True, id="rule_editor.save"),
        Binding("escape", "cancel", N_("Cancel"), priority=True, id="rule_editor.cancel"),
    ]

    def __init__(self, store: Store, rule: dict | None = None, draft: dict | None = None):
        """rule: the stored rule to edit, or None for a new one; draft: what to show instead
        of it (the rule as far as the form had it)."""
        super().__init__()
        self.store = store
        self.rule = rule
        self.draft = draft

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.rule is None:
                title = Text(_("New rule"), style="bold")
            else:  # a name from a file: literal
                title = styled(_("Edit rule {name}"), "bold", name=(one_line(self.rule["name"]), "bold cyan"))
            yield Static(title)
            yield TextArea(rule_toml(self.draft or self.rule or NEW_RULE), id="rule-toml", soft_wrap=True,
                           show_line_numbers=True, tab_behavior="indent")
            yield Static(hint(rule_actions(self.store)), id="rule-editor-status")

    def on_mount(self) -> None:
        self.query_one("#rule-toml", TextArea).focus()

    def show_error(self, message: str) -> None:
        self.query_one("#rule-editor-status", Static).update(Text(message, style="bold red"))

    def action_save(self) -> None:
        try:
            result = self._store(self.query_one("#rule-toml", TextArea).text)
        except CmtuiError as exc:
            self.show_error(str(exc))  # nothing stored; the text stays as typed
            return
        self.dismiss(result)

    def _store(self, text: str) -> dict:
        rules = parse_toml(text)
        if len(rules) != 1:
            raise RuleError(_("write exactly one [[rule]] table here (found {n})").format(n=len(rules)))
        return replace_rule(self.store, rules[0], self.rule, who=self.app.settings.username,
                            settings=self.app.settings)

    def action_cancel(self) -> None:
        self.dismiss(None)
