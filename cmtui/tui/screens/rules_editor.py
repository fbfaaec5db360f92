"""The rules editor (from Moderation mode): the rules in the order they run, each edited as
TOML, tried on the stored history (dry-run) before it may be switched on, moved, deleted,
and the whole set exported to or imported from a TOML file."""

from __future__ import annotations

import sqlite3
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, ProgressBar, Static
from textual.worker import get_current_worker

from cmtui import l10n
from cmtui.errors import CmtuiError
from cmtui.i18n import N_, _, ngettext, pgettext
from cmtui.moderation.describe import describe_actions, describe_conditions, dry_run_status
from cmtui.moderation.engine import delete_rule, dry_run, enable_rule, reorder_rules
from cmtui.text import one_line
from cmtui.tui.fitting import Column, cut_text, plan_columns, set_columns
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets.key_lists import KeyTable

if TYPE_CHECKING:
    from cmtui.store import Store

SAMPLES = 50  # caught items listed after a dry-run
# The rules list's columns by priority: the conditions (what a rule does) keep at least 30
# cells (a long one is cut: the detail shows it whole); then "auto" and the actions go, the
# dry-run state and the name shrink; the number, name and on/off stay.
RULE_COLUMNS = (Column("#", 3, 100), Column("rule", 22, 95, least=14), Column("on", 3, 90),
                Column("auto", 4, 40), Column("dry-run", 18, 60, least=12), Column("actions", 20, 50, least=12))
RULES_PAD = 2 + 2  # the conditions' padding + a scrollbar


def rule_headings() -> dict[str, str]:
    """The rules list's column headings, by the columns' ids ("on" and "auto": 3 and 4 cells)."""
    return {"#": "#", "rule": _("rule"),
            # i18n: a 3-cell column heading: whether the rule is switched on
            "on": pgettext("rules column", "on"),
            # i18n: a 4-cell column heading: whether the rule acts by itself
            "auto": pgettext("rules column", "auto"),
            "dry-run": _("dry-run"), "actions": _("actions"), "conditions": _("conditions")}


def rules_columns(width: int) -> dict[str, int]:
    room = width - RULES_PAD
    plan = plan_columns(RULE_COLUMNS, room, keep=30)
    plan["conditions"] = max(12, room - sum(w + 2 for w in plan.values()))
    return plan


def dry_run_state(store: Store, rule: dict) -> Text:
    status = dry_run_status(store, rule)
    if status.state == "none":
        return Text(_("not run"), style="dim")
    if status.state == "stale":  # its conditions changed since
        return Text(_("stale"), style="yellow")
    return Text("✓ " + _("{matched} of {total}").format(matched=l10n.number(status.matched),
                                                          total=l10n.number(status.total)), style="green")


class _Cancelled(Exception):
    """Raised from the progress callback to stop a dry-run (esc)."""


class _StampedOnMain:
    """The worker's read-only rules repository, except that the dry-run's stamp is written
    through the screen's own store, on the UI thread (the reader cannot write)."""

    def __init__(self, reader_rules, write_stamp):
        self._reader_rules = reader_rules
        self._write_stamp = write_stamp

    def __getattr__(self, name):
        return getattr(self._reader_rules, name)

    def set_stamp(self, name: str, value: dict) -> None:
        self._write_stamp(name, value)


# -- the screen ------------------------------------------------------------------------------------
class RulesEditorScreen(ModeScreen):
    CSS_PATH = Path(__file__).with_name("rules_editor.tcss")  # read when first shown
    TITLE_SUFFIX = N_("Moderation · rules")

    BINDINGS = [
        Binding("e", "edit", N_("Edit"), id="rules.edit"),
        Binding("E", "edit_toml", N_("Edit as TOML"), show=False, id="rules.edit_toml"),
        Binding("n", "new", N_("New"), id="rules.new"),
        Binding("d", "delete", N_("Delete"), id="rules.delete"),
        Binding("space", "toggle", N_("On/off"), id="rules.toggle"),
        Binding("t", "dry_run", N_("Dry-run"), id="rules.dry_run"),
        Binding("shift+up,K", "move(-1)", N_("Move up"), id="rules.move_up"),
        Binding("shift+down,J", "move(1)", N_("Move down"), id="rules.move_down"),
        Binding("x", "export", N_("Export"), id="rules.export"),
        Binding("i", "import", N_("Import"), id="rules.import"),
        Binding("escape", "back", N_("Back"), id="rules.back"),
        Binding("q", "leave", N_("Back to Moderation"), show=False, id="rules.leave"),
    ]

    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # app.tcss: a shorter detail under 30 lines

    def __init__(self):
        super().__init__()
        self._rules: list[dict] = []
        self._reader = None  # the running dry-run's read-only store (interrupted by esc)
        self.dry_run_rule: str | None = None  # the rule the dry-run pane is about
        self.dry_run_result = None  # its DryRunResult once finished
        self.running = False
        self._columns: dict[str, int] = {}  # the rules list's columns, planned for the width

    def compose_body(self) -> ComposeResult:
        yield Static(id="rules-summary")
        yield KeyTable(id="rules", cursor_type="row", zebra_stripes=True)
        yield Static(id="rule-detail")
        with Vertical(id="dry-run"):
            yield Static(id="dry-run-title")
            yield ProgressBar(id="dry-run-progress", show_eta=False)
            yield Static(id="dry-run-result")
            yield KeyTable(id="dry-run-samples", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#rules", DataTable)
        samples = self.query_one("#dry-run-samples", DataTable)
        samples.add_column(_("when"), width=16)
        samples.add_column(_("author"), width=28)
        samples.add_column(_("text"))
        samples.can_focus = False  # keys stay with the rules list
        self.load()
        table.focus()

    # -- the list ----------------------------------------------------------------------------------
    def load(self, select: str | None = None) -> None:
        """(Re)read the rules; the highlight goes to `select` (a name), else stays on the rule
        acted on, or its nearest neighbour once it is gone."""
        table = self.query_one("#rules", KeyTable)
        self._rules = self.store.rules.list()

        def fill() -> None:
            self._columns = set_columns(table, rules_columns(self.app.size.width), self._columns, rule_headings())
            for n, rule in enumerate(self._rules, 1):
                table.add_row(*self._cells(n, rule), key=rule["name"])

        table.refill(fill, select)
        enabled = sum(r["enabled"] for r in self._rules)
        count = len(self._rules)
        # i18n: {on} is how many of them are switched on
        summary = Text(" " + ngettext("{n} rule · {on} on", "{n} rules · {on} on", count).format(
            n=l10n.number(count), on=l10n.number(enabled)), style="bold")
        summary.append("  │ " + _("they run in this order on each new item; a rule is switched on after a dry-run"),
                       style="dim")
        self.query_one("#rules-summary", Static).update(summary)
        self.show_detail()

    # -- columns for the width -----------------------------------------------------------------------
    def on_resize(self) -> None:
        if self._columns and self._columns != rules_columns(self.app.size.width):  # ({}: not loaded yet)
            self.load()

    def _cells(self, n: int, rule: dict) -> list[Text]:
        """One rule's row in the planned columns. Names and conditions may come from an
        imported file: Text cells, never markup."""
        cells = {
            "#": lambda: Text(str(n), style="dim"),
            "rule": lambda: Text(one_line(rule["name"]), style="bold"),
            # i18n: a rule switched on / off, in a 3-cell column
            "on": lambda: (Text(pgettext("rule switched", "on"), style="bold green") if rule["enabled"]
                           else Text(pgettext("rule switched", "off"), style="dim")),
            # i18n: the rule acts by itself, in a 4-cell column
            "auto": lambda: Text(pgettext("rule acts by itself", "yes"), style="yellow") if rule["automatic"]
            else Text("–", style="dim"),
            "dry-run": lambda: dry_run_state(self.store, rule),
            "actions": lambda: Text(one_line(describe_actions(rule["actions"]))),
            "conditions": lambda: Text(one_line(describe_conditions(rule["conditions"], rule["match"]))),
        }
        return [cut_text(cells[name](), width) for name, width in self._columns.items()]

    def current(self) -> dict | None:
        table = self.query_one("#rules", DataTable)
        if not self._rules or table.cursor_row is None or not 0 <= table.cursor_row < len(self._rules):
            return None
        return self._rules[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "rules":
            self.show_detail()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "rules":  # enter (or a click) on a rule edits it
            event.stop()
            self.action_edit()

    def show_detail(self) -> None:
        from cmtui.tui.dialogs.rule_editor import rule_toml

        rule = self.current()
        detail = self.query_one("#rule-detail", Static)
        if rule is None:
            detail.update(Text(_("No rules: n writes one, i imports a file."), style="dim"))
            return
        text = Text(rule_toml(rule))  # the rule as its TOML: literal text
        text.append("\n" + _("enter edit (a form for the common rules) · E as TOML · t dry-run · space on/off"
                             " · K/J move"), style="dim")
        detail.update(text)

    # -- editing ---------------------------------------------------------------------------------------
    def action_edit(self) -> None:
        """The form for a rule it can show (rule_forms), else the TOML editor."""
        from cmtui.moderation.rule_forms import formable

        rule = self.current()
        if rule is None:
            return self.action_new()
        if formable(rule) is not None:
            return self.action_edit_toml()
        from cmtui.tui.dialogs.rule_form import RuleFormDialog

        self.app.push_screen(RuleFormDialog(self.store, rule), partial(self._from_form, rule))

    def action_edit_toml(self) -> None:
        from cmtui.tui.dialogs.rule_editor import RuleEditor

        self.app.push_screen(RuleEditor(self.store, self.current()), self._edited)

    def action_new(self) -> None:
        from cmtui.tui.dialogs.rule_form import RuleFormDialog

        self.app.push_screen(RuleFormDialog(self.store), partial(self._from_form, None))

    def _from_form(self, rule: dict | None, result: dict | None) -> None:
        """What the form gave: saved, or the rule so far to finish in TOML (ctrl+t)."""
        if result is not None and "toml" in result:
            from cmtui.tui.dialogs.rule_editor import RuleEditor

            self.app.push_screen(RuleEditor(self.store, rule, result["toml"]), self._edited)
            return
        self._edited(result)

    def _edited(self, result: dict | None) -> None:
        if result is None:
            return
        self.load(select=result["name"])
        if result["left_off"]:
            self.notify(_("Saved {name}, left off: run a dry-run (t) before switching it on.").format(
                name=result["name"]), severity="warning", markup=False)
        else:
            self.notify(_("Saved {name}.").format(name=result["name"]), timeout=3, markup=False)

    def action_delete(self) -> None:
        rule = self.current()
        if rule is None:
            return
        from cmtui.tui.dialogs.ask import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                delete_rule(self.store, rule["name"], who=self.app.settings.username)
                self.load()
                self.notify(_("Deleted rule {name}.").format(name=rule["name"]), timeout=3, markup=False)

        self.app.push_screen(ConfirmDialog(_("Delete the rule “{name}”?").format(name=rule["name"])), confirmed)

    def action_move(self, step: int) -> None:
        rule = self.current()
        if rule is None:
            return
        names = [r["name"] for r in self._rules]
        at = names.index(rule["name"])
        to = at + step
        if not 0 <= to < len(names):
            return
        names[at], names[to] = names[to], names[at]
        reorder_rules(self.store, names, who=self.app.settings.username)
        self.load(select=rule["name"])

    def action_toggle(self) -> None:
        rule = self.current()
        if rule is None:
            return
        try:
            enable_rule(self.store, rule["name"], not rule["enabled"], who=self.app.settings.username)
        except CmtuiError as exc:  # no current dry-run: the engine refuses, and says why
            self.notify(str(exc), title=_("Not switched on"), severity="error", markup=False)
            return
        self.load()
        message = (_("{name} is off.") if rule["enabled"] else _("{name} is on: it runs on every new item."))
        self.notify(message.format(name=rule["name"]), timeout=3, markup=False)

    # -- export and import -----------------------------------------------------------------------
    def action_export(self) -> None:
        from cmtui.tui.dialogs.ask import AskDialog

        self.app.push_screen(AskDialog(_("Export every rule to a TOML file"), _("path"), "cmtui-rules.toml"),
                             self._export)

    def _export(self, path: str | None) -> None:
        if not path:
            return
        from cmtui.moderation.toml_io import export_toml

        target = Path(path).expanduser()
        try:
            target.write_text(export_toml(self.store), encoding="utf-8")
        except OSError as exc:
            self.notify(_("Cannot write {path}: {error}").format(path=target, error=exc.strerror or exc),
                        severity="error", markup=False)
            return
        self.notify(ngettext("Exported {n} rule to {path}.", "Exported {n} rules to {path}.", len(self._rules)).format(
            n=l10n.number(len(self._rules)), path=target), timeout=4, markup=False)

    def action_import(self) -> None:
        from cmtui.tui.dialogs.ask import AskDialog

        self.app.push_screen(AskDialog(_("Import rules from a TOML file (they replace the rules here)"), _("path")),
                             self._import)

    def _import(self, path: str | None) -> None:
        if not path:
            return
        from cmtui.moderation.toml_io import import_toml, read_rules_file

        source = Path(path).expanduser()
        try:
            # No dry-runs here (they would block the screen): enabled rules without a current
            # one come in off, and the message names them.
            pending = import_toml(self.store, read_rules_file(source), dry_run_enabled=False,
                                  who=self.app.settings.username, settings=self.app.settings)
        except CmtuiError as exc:
            self.notify(_("{error}. Nothing changed.").format(error=exc), title=_("Not imported"), severity="error",
                        markup=False)
            return
        self.load()
        message = ngettext("Imported {n} rule from {path}.", "Imported {n} rules from {path}.", len(self._rules)).format(
            n=l10n.number(len(self._rules)), path=source)
        if pending:
            message += " " + _("Left off until a dry-run (t): {names}.").format(names=", ".join(pending))
        self.notify(message, timeout=6, markup=False)

    # -- dry-run ---------------------------------------------------------------------------------------
    def action_dry_run(self) -> None:
        rule = self.current()
        if rule is None:
            return
        if self.running:
            self.notify(_("A dry-run is running: esc stops it."), severity="warning")
            return
        self.running = True
        self.dry_run_rule, self.dry_run_result = rule["name"], None
        self.add_class("dry-run")
        head, _field, tail = _("Dry-run of {rule}").partition("{rule}")
        title = Text(head, style="bold")
        title.append(one_line(rule["name"]), style="bold cyan")
        title.append(tail, style="bold")
        title.append("  " + _("over every stored item; nothing is acted on (esc stops it)"), style="dim")
        self.query_one("#dry-run-title", Static).update(title)
        self.query_one("#dry-run-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#dry-run-result", Static).update("")
        samples = self.query_one("#dry-run-samples", DataTable)
        samples.clear()
        samples.display = False  # shown again when the run catches something
        # The scan reads through its own connection, so the screen (and sync) keep theirs.
        self._reader = self.store.reader()
        self._run_dry_run(rule["name"], self._reader)

    @work(thread=True, exclusive=True, group="dry-run", exit_on_error=False)
    def _run_dry_run(self, name: str, reader: Store) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            if worker.is_cancelled:
                raise _Cancelled
            self.app.call_from_thread(self._progress, done, total)

        if reader is None:  # an in-memory store (tests, small by nature): its own connection
            target = self.store
        else:
            target = SimpleNamespace(rules=_StampedOnMain(
                reader.rules, lambda rule, value: self.app.call_from_thread(self.store.rules.set_stamp, rule, value)))
        try:
            result = dry_run(target, name, progress=progress, samples=SAMPLES)
        except (_Cancelled, sqlite3.OperationalError):  # esc (the reader interrupted mid-query)
            if worker.is_cancelled:
                self.app.call_from_thread(self._stopped)
                return
            raise
        except CmtuiError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        finally:
            if reader is not None:
                reader.close()
        self.app.call_from_thread(self._finished, name, result)

    def _progress(self, done: int, total: int) -> None:
        if not self.is_attached:  # left while the worker was finishing
            return
        self.query_one("#dry-run-progress", ProgressBar).update(total=max(total, 1), progress=done)

    def _stopped(self) -> None:
        if not self.is_attached:  # left while the worker was finishing
            return
        self.running = False
        self._reader = None
        self.query_one("#dry-run-result", Static).update(Text(_("Stopped: nothing recorded."), style="yellow"))

    def _failed(self, message: str) -> None:
        if not self.is_attached:  # left while the worker was finishing
            return
        self.running = False
        self._reader = None
        self.query_one("#dry-run-result", Static).update(Text(message, style="bold red"))

    def _finished(self, name: str, result) -> None:
        if not self.is_attached:  # left while the worker was finishing
            return
        self.running = False
        self._reader = None
        self.dry_run_result = result
        if not result.total:  # nothing stored: no batch reported, the bar would stay empty
            self.query_one("#dry-run-progress", ProgressBar).update(total=1, progress=1)
        summary = Text()
        summary.append(ngettext("It would have caught {matched} of {n} item", "It would have caught {matched} of {n} items",
                                result.total).format(matched=l10n.number(result.matched), n=l10n.number(result.total)),
                       style="bold yellow" if result.matched else "bold green")
        rule = self.store.rules.get(name)
        if rule is not None and not rule["enabled"]:
            summary.append("  · " + _("space switches it on"), style="bold")
        if result.matched > len(result.sample_ids):
            listed = len(result.sample_ids)
            summary.append("  · " + ngettext("the first {n} listed", "the first {n} listed", listed).format(
                n=l10n.number(listed)), style="dim")
        self.query_one("#dry-run-result", Static).update(summary)
        samples = self.query_one("#dry-run-samples", DataTable)
        samples.clear()
        samples.display = bool(result.sample_ids)
        for item_id in result.sample_ids:
            item = self.store.inbox.get(item_id)
            if item is None:
                continue
            samples.add_row(Text(self.app.format_time(item["created_at"])), Text(one_line(item["author"] or "")),
                            Text(one_line(item["text"] or "")))  # remote text: Text cells only
        self.load(select=name)

    def close_dry_run(self) -> None:
        self.remove_class("dry-run")
        self.dry_run_rule = self.dry_run_result = None

    def _cancel_dry_run(self) -> None:
        self.workers.cancel_group(self, "dry-run")
        if self._reader is not None:
            self._reader.interrupt()

    def action_back(self) -> None:
        """esc: stop a running dry-run, else close its results, else back to Moderation."""
        if self.running:
            self._cancel_dry_run()
            return
        if self.has_class("dry-run"):
            self.close_dry_run()
            return
        self.app.pop_screen()

    def action_leave(self) -> None:
        if self.running:
            self._cancel_dry_run()
        self.app.pop_screen()

    def on_unmount(self) -> None:
        if self.running:
            self._cancel_dry_run()

    def on_data_changed(self, _message: DataChanged) -> None:
        self.load()
