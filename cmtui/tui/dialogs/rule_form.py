"""A common rule as a form, no TOML (words, links, shouting, floods, new accounts, the watch
list; the accounts it watches; what it does), with its dry-run beside it, run again as the
form changes: after a pause in typing, in a worker on a read-only connection, the previous
run stopped. The form<->rule mapping is cmtui.moderation.rule_forms.

ctrl+s saves (a finished dry-run of exactly the saved conditions is recorded with it, so the
rule may be switched on at once); ctrl+t leaves for the TOML editor with the rule so far.
Dismisses with {"name", "left_off"} (saved), {"toml": rule} (to TOML), or None.
"""

from __future__ import annotations

import re
import sqlite3
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Select, SelectionList, Static
from textual.worker import get_current_worker

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.moderation.conditions import word_lists
from cmtui.moderation.describe import action_effects
from cmtui.moderation.engine import dry_run, dry_run_stamp, fingerprint, replace_rule, rule_actions, validate_rule
from cmtui.moderation.rule_forms import (FORM_KINDS, KIND_LABELS, LINK_MODE_LABELS, LINK_MODES, RuleForm, field_texts,
                                         form_to_rule, keep_order, new_rule_name, read_fields, rule_to_form)
from cmtui.text import cut, one_line
from cmtui.tui.dialogs.base import Dialog, styled

if TYPE_CHECKING:
    from cmtui.moderation.engine import DryRunResult
    from cmtui.store import Store

DEBOUNCE = 0.4  # seconds without a change before the dry-run runs again
SAMPLES = 4  # caught items shown beside the form
GROUP = "rule-form-dry-run"


def action_help(action: str) -> str:
    """What a rule's action does, as the form's list of actions says it."""
    helps = {"flag": _("flag for review"), "label": pgettext("rule action", "label"),
             "assign": pgettext("rule action", "assign to"), "done": _("mark done"),
             "hide": pgettext("rule action", "hide"), "mute": _("mute the author"), "block": _("block the author"),
             "report": _("report the author"), "stop": _("stop (no later rule runs)"),
             "kick": _("kick from the place"), "ban": _("ban from the place")}
    return helps.get(action, action)

INPUTS = {"name": "rf-name", "words": "rf-words", "link_min": "rf-link-min", "domains": "rf-domains",
          "caps_percent": "rf-caps-percent", "caps_min_letters": "rf-caps-min-letters",
          "flood_count": "rf-flood-count", "flood_minutes": "rf-flood-minutes", "new_days": "rf-new-days",
          "label": "rf-label", "assign_to": "rf-assign-to"}


class _Cancelled(Exception):
    """Raised from the progress callback to stop a dry-run the form has moved on from."""


def _row(*parts, id: str | None = None) -> Horizontal:
    return Horizontal(*parts, classes="row", id=id)


def _label(text: str) -> Static:
    return Static(Text(text), classes="label")


def _sentence(template: str, **inputs: Input) -> list:
    """A translated sentence with input boxes in it ("at least {count} links"): its words as
    labels around the boxes, in the order the translation puts them."""
    parts: list = []
    position = 0
    for match in re.finditer(r"\{(\w+)\}", template):
        if words := template[position:match.start()].strip():
            parts.append(_label(words))
        parts.append(inputs[match.group(1)])
        position = match.end()
    if words := template[position:].strip():
        parts.append(_label(words))
    return parts


class RuleFormDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("rule_form.tcss")  # read when first shown
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True, id="rule_form.save"),
        Binding("ctrl+t", "toml", N_("Edit as TOML"), priority=True, id="rule_form.toml"),
        Binding("escape", "cancel", N_("Cancel"), priority=True, id="rule_form.cancel"),
    ]

    def __init__(self, store: Store, rule: dict | None = None):
        """rule: the stored rule to edit (one the form can show: rule_forms.formable), or None."""
        super().__init__()
        self.store = store
        self.rule = rule
        names = [r["name"] for r in store.rules.list()]
        self.form = rule_to_form(rule) if rule is not None else RuleForm(name=new_rule_name(names))
        self._timer = None
        self._reader: Store | None = None
        self._wanted: str | None = None  # the fingerprint of the conditions being (or last) dry-run
        self.preview: tuple[str, DryRunResult, dict] | None = None  # (fingerprint, result, its stamp)
        self.running = False

    # -- the form --------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        form, texts = self.form, field_texts(self.form)

        def entry(key: str, placeholder: str = "") -> Input:
            return Input(texts[key], placeholder=placeholder, compact=True, id=INPUTS[key])

        accounts = [a.name for a in self.store.accounts.list()]
        accounts += [a for a in form.accounts if a not in accounts]  # (a rule naming one not here keeps it)
        offered = list(rule_actions(self.store)) + [a for a in form.actions if a not in rule_actions(self.store)]
        lists = sorted(word_lists(), key=lambda n: (":" in n, n))
        with Vertical():
            if self.rule is None:
                title = Text(_("New rule"), style="bold")
            else:  # a name from a file: literal
                title = styled(_("Edit rule {name}"), "bold", name=(one_line(self.rule["name"]), "bold cyan"))
            yield Static(title)
            with Horizontal(id="rf-body"):
                with VerticalScroll(id="rf-fields"):
                    yield _row(_label(pgettext("rule form field", "name")), entry("name"))
                    yield _row(_label(pgettext("rule form field", "kind")),
                               Select([(_(KIND_LABELS[k]), k) for k in FORM_KINDS], value=form.kind,
                                      allow_blank=False, compact=True, id="rf-kind"))
                    with Vertical(id="rf-kind-words", classes="kind"):
                        yield Static(Text(_("word lists (space ticks)")), classes="heading")
                        yield SelectionList(*[(name, name, name in form.lists) for name in lists], compact=True,
                                            id="rf-lists")
                        yield _row(_label(pgettext("rule form field", "words")),
                                   entry("words", _("typed, separated by commas")))
                    with Vertical(id="rf-kind-links", classes="kind"):
                        yield _row(_label(pgettext("rule form field", "catch")),
                                   Select([(_(LINK_MODE_LABELS[m]), m) for m in LINK_MODES],
                                          value=form.link_mode, allow_blank=False, compact=True, id="rf-link-mode"))
                        # i18n: {count} is a box where a number is typed: the words go around it.
                        yield _row(*_sentence(_("at least {count} links"), count=entry("link_min")),
                                   id="rf-link-min-row")
                        yield _row(_label(pgettext("rule form field", "domains")),
                                   entry("domains", "example.com, shop.example.org"), id="rf-domains-row")
                    with Vertical(id="rf-kind-shouting", classes="kind"):
                        # i18n: {percent} and {letters} are boxes where numbers are typed: the words go around them.
                        yield _row(*_sentence(_("capitals ≥ {percent} % of at least {letters} letters"),
                                              percent=entry("caps_percent"), letters=entry("caps_min_letters")))
                    with Vertical(id="rf-kind-flood", classes="kind"):
                        # i18n: {count} and {minutes} are boxes where numbers are typed: the words go around them.
                        yield _row(*_sentence(_("the same text {count} times within {minutes} minutes"),
                                              count=entry("flood_count"), minutes=entry("flood_minutes")))
                    with Vertical(id="rf-kind-new_account", classes="kind"):
                        # i18n: {days} is a box where a number is typed: the words go around it.
                        yield _row(*_sentence(_("author's account younger than {days} days"), days=entry("new_days")))
                        yield Checkbox(Text(_("and the item has a link")), form.new_with_link, compact=True,
                                       id="rf-new-with-link")
                    with Vertical(id="rf-kind-watched", classes="kind"):
                        yield Static(Text(_("Items by authors on the watch list (w on a member's page)."),
                                          style="dim"))
                    yield Static(Text(_("accounts (none ticked: every account)")), classes="heading")
                    yield SelectionList(*[(Text(a), a, a in form.accounts) for a in accounts], compact=True,
                                        id="rf-accounts")
                    yield Static(Text(_("what to do")), classes="heading")
                    yield SelectionList(*[(action_help(a), a, a in form.actions) for a in offered],
                                        compact=True, id="rf-actions")
                    yield _row(_label(pgettext("rule form field", "label")), entry("label", _("e.g. spam")),
                               _label(pgettext("rule form field", "assign to")), entry("assign_to", _("a teammate")))
                    yield Checkbox(Text(_("automatic: mute, block, report... without asking a moderator")),
                                   form.automatic, compact=True, id="rf-automatic")
                with Vertical(id="rf-preview"):
                    yield Static(Text(_("Dry-run over the stored items"), style="bold"))
                    yield Static(id="rf-dry-result")
                    yield Static(id="rf-dry-samples")
            yield Static(id="rf-error")
            yield Static(Text(_("ctrl+s save · ctrl+t edit as TOML · esc cancel · the dry-run follows the form"),
                              style="dim"))

    def on_mount(self) -> None:
        self._show_kind()
        self.query_one("#rf-name", Input).focus()
        self._refresh_preview()

    def _value(self, widget_id: str):
        return self.query_one(f"#{widget_id}").value

    def _values(self) -> dict:
        values: dict = {key: self._value(widget) for key, widget in INPUTS.items()}
        values |= {"kind": self._value("rf-kind"), "link_mode": self._value("rf-link-mode"),
                   "new_with_link": self._value("rf-new-with-link"), "automatic": self._value("rf-automatic"),
                   "lists": keep_order(self.query_one("#rf-lists", SelectionList).selected, self.form.lists),
                   "accounts": keep_order(self.query_one("#rf-accounts", SelectionList).selected, self.form.accounts),
                   "actions": keep_order(self.query_one("#rf-actions", SelectionList).selected, self.form.actions)}
        return values

    def rule_so_far(self) -> dict:
        """The rule the form says, checked by the engine (RuleError: what is missing or wrong)."""
        rule = form_to_rule(read_fields(self._values(), self.form), self.rule)
        validate_rule(rule, self.store.rules.account_ids(), rule_actions(self.store))
        return rule

    def _show_kind(self) -> None:
        kind = self._value("rf-kind")
        for name in FORM_KINDS:
            self.query_one(f"#rf-kind-{name}").display = name == kind
        mode = self._value("rf-link-mode")
        self.query_one("#rf-link-min-row").display = mode == "at_least"
        self.query_one("#rf-domains-row").display = mode in ("blocked", "allowed")

    # -- any change: the dry-run again, once typing pauses ----------------------------------------------
    def _changed(self) -> None:
        if not self.is_mounted:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._refresh_preview)

    def on_input_changed(self, _event: Input.Changed) -> None:
        self._changed()

    def on_select_changed(self, _event: Select.Changed) -> None:
        self._show_kind()
        self._changed()

    def on_selection_list_selected_changed(self, _event: SelectionList.SelectedChanged) -> None:
        self._changed()

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self._changed()

    def _refresh_preview(self) -> None:
        self._timer = None
        try:
            rule = self.rule_so_far()
        except CmtuiError as exc:
            self._show_error(str(exc))
            self._stop()
            self._wanted = self.preview = None
            self.query_one("#rf-dry-result", Static).update(Text(_("Waiting for a complete rule."), style="dim"))
            self.query_one("#rf-dry-samples", Static).update("")
            return
        old = self.rule["name"] if self.rule is not None else None
        taken = rule["name"] != old and self.store.rules.get(rule["name"]) is not None
        # (a name taken is said now and refused on saving; the dry-run goes on meanwhile)
        # i18n: {name} comes with its quotes.
        message = _("a rule named {name} already exists: pick another name").format(name=repr(rule["name"]))
        self._show_error(message if taken else "")
        wanted = fingerprint(rule)
        if wanted == self._wanted:  # the same conditions: only what the actions would do may differ
            if self.preview is not None:
                self._show_result(rule, self.preview[1])
            return
        self._start(rule, wanted)

    def _start(self, rule: dict, wanted: str) -> None:
        self._stop()
        self._wanted, self.preview, self.running = wanted, None, True
        self.query_one("#rf-dry-result", Static).update(Text(_("Trying it on the stored items…"), style="dim"))
        self.query_one("#rf-dry-samples", Static).update("")
        self._reader = self.store.reader()
        self.run_worker(partial(self._dry_run, rule, wanted, self._reader), thread=True, exclusive=True,
                        group=GROUP, exit_on_error=False)

    def _dry_run(self, rule: dict, wanted: str, reader: Store | None) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled

        try:
            result = dry_run(reader or self.store, rule, progress=progress, samples=SAMPLES, record=False)
        except (_Cancelled, sqlite3.OperationalError):  # the form moved on (the reader interrupted)
            if worker.is_cancelled:
                return
            raise
        except CmtuiError as exc:
            self.app.call_from_thread(self._failed, wanted, str(exc))
            return
        finally:
            if reader is not None:
                reader.close()
        if not worker.is_cancelled:
            self.app.call_from_thread(self._finished, wanted, rule, result)

    def _stop(self) -> None:
        self.workers.cancel_group(self, GROUP)
        if self._reader is not None:
            self._reader.interrupt()
            self._reader = None
        self.running = False

    def _failed(self, wanted: str, message: str) -> None:
        if wanted == self._wanted and self.is_attached:
            self.running = False
            self.query_one("#rf-dry-result", Static).update(Text(message, style="bold red"))

    def _finished(self, wanted: str, rule: dict, result: DryRunResult) -> None:
        if wanted != self._wanted or not self.is_attached:  # an older run, or the dialog is gone
            return
        self.running, self._reader = False, None
        self.preview = (wanted, result, dry_run_stamp(rule, result))
        try:
            rule = self.rule_so_far()  # (the actions may have changed while it ran)
        except CmtuiError:
            pass
        self._show_result(rule, result)

    def _show_result(self, rule: dict, result: DryRunResult) -> None:
        caught = ngettext("It would have caught {matched} of {n} item", "It would have caught {matched} of {n} items",
                          result.total).format(matched=l10n.number(result.matched), n=l10n.number(result.total))
        summary = Text(caught, style="bold yellow" if result.matched else "bold green")
        for effect in action_effects(self.store, rule, result):
            # i18n: an action of the rule and how many items it would act on.
            summary.append("\n  " + _("{action}: {n}").format(action=one_line(effect.action), n=l10n.number(effect.items)))
            if effect.flagged:
                flagged = ngettext("({n} flagged to confirm)", "({n} flagged to confirm)", effect.flagged)
                summary.append(" " + flagged.format(n=l10n.number(effect.flagged)), style="dim")
        self.query_one("#rf-dry-result", Static).update(summary)
        samples = Text()
        width = max(20, self.query_one("#rf-preview").size.width - 2)
        for item_id in result.sample_ids:
            item = self.store.inbox.get(item_id)
            if item is None:
                continue
            samples.append(cut(one_line(item["author"] or ""), width) + "\n", style="cyan")
            samples.append("  " + cut(one_line(item["text"] or ""), width - 2) + "\n")  # remote text: literal
        if result.matched > len(result.sample_ids):
            more = result.matched - len(result.sample_ids)
            samples.append(ngettext("… and {n} more", "… and {n} more", more).format(n=l10n.number(more)), style="dim")
        self.query_one("#rf-dry-samples", Static).update(samples)

    def _show_error(self, message: str) -> None:
        self.query_one("#rf-error", Static).update(Text(message, style="bold red"))

    # -- leaving -----------------------------------------------------------------------------------------
    def action_save(self) -> None:
        try:
            rule = self.rule_so_far()
            stamp = self.preview[2] if self.preview is not None else None
            result = replace_rule(self.store, rule, self.rule, stamp, who=self.app.settings.username,
                                  settings=self.app.settings)
        except CmtuiError as exc:
            self._show_error(str(exc))  # nothing stored; the form stays as typed
            return
        self._stop()
        self.dismiss(result)

    def action_toml(self) -> None:
        """The TOML editor, with the rule as far as the form has it (or as it was, when the
        form cannot say it yet)."""
        try:
            draft = form_to_rule(read_fields(self._values(), self.form), self.rule)
        except CmtuiError:
            draft = self.rule or form_to_rule(RuleForm(name=self._value("rf-name") or self.form.name,
                                                       kind="words", words=("example",)))
        self._stop()
        self.dismiss({"toml": draft})

    def action_cancel(self) -> None:
        self._stop()
        self.dismiss(None)

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._stop()
