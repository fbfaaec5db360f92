"""The community's guidelines (from Moderation mode): a numbered list to add to, edit, delete
and reorder — a warning cites a guideline by its number — and beside it each instance's own
published rules, as the last sync found them."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cmtui import l10n
from cmtui.i18n import N_, _
from cmtui.text import one_line
from cmtui.tui.fitting import hanging
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.base import ModeScreen
from cmtui.tui.widgets.key_lists import KeyOptionList


class GuidelinesScreen(ModeScreen):
    CSS_PATH = Path(__file__).with_name("guidelines.tcss")  # read when first shown
    TITLE_SUFFIX = N_("Moderation · guidelines")

    BINDINGS = [
        Binding("e", "edit", N_("Edit"), id="guidelines.edit"),
        Binding("n", "new", N_("New"), id="guidelines.new"),
        Binding("d", "delete", N_("Delete"), id="guidelines.delete"),
        Binding("shift+up,K", "move(-1)", N_("Move up"), id="guidelines.move_up"),
        Binding("shift+down,J", "move(1)", N_("Move down"), id="guidelines.move_down"),
        Binding("escape", "back", N_("Back"), id="guidelines.back"),
        Binding("q", "back", N_("Back"), show=False, id="guidelines.back_q"),
    ]

    def __init__(self):
        super().__init__()
        self.rows: list = []

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="guidelines-columns"):
            with Vertical(id="guidelines-pane"):
                yield Static(id="guidelines-title", classes="pane-title")
                yield KeyOptionList(id="guidelines")
            with VerticalScroll(id="instance-pane"):
                yield Static(Text(_("The instances' own rules")), classes="pane-title")
                yield Static(id="instance-rules")

    def on_mount(self) -> None:
        super().on_mount()
        self.load()
        self.query_one("#instance-rules", Static).update(self.instance_rules())
        self.query_one("#guidelines", OptionList).focus()

    def load(self, select: int | None = None) -> None:
        """select: the number (position) to highlight; by default the highlight stays on the
        guideline acted on, or its nearest neighbour once it is gone."""
        options = self.query_one("#guidelines", KeyOptionList)
        self.rows = self.store.members.guidelines()
        key = next((str(row["id"]) for row in self.rows if row["position"] == select), None)
        options.refill([self._option(row) for row in self.rows], key)
        count = len(self.rows)
        title = Text(_("Community guidelines ({n})").format(n=l10n.number(count)) if count
                     else _("Community guidelines"))
        title.append("  " + _("a warning cites one by its number"), style="dim not bold")
        self.query_one("#guidelines-title", Static).update(title)
        if not self.rows:
            options.add_option(Option(Text(_("No guidelines yet: n writes the first."), style="dim"), disabled=True))

    @staticmethod
    def _option(row) -> Option:
        body = Text(one_line(row["title"]), style="bold")
        if row["body"]:
            body.append("\n" + row["body"], style="dim")  # Text: literal; wrapped under the title
        return Option(hanging(Text(f"{row['position']:>2}. ", style="bold"), body), id=str(row["id"]))

    def instance_rules(self) -> Text | Group:
        rules = self.store.members.server_rules()
        if not rules:
            return Text(_("The instance has no published rules (or no sync has fetched them yet)."), style="dim")
        parts: list = []
        for n, (account, account_rules) in enumerate(rules.items()):
            parts.append(Text(("\n" if n else "") + account, style="bold cyan"))
            for number, rule in enumerate(account_rules, 1):
                # Remote text, cleaned at sync: still appended as plain Text, never markup.
                body = Text(one_line(str(rule.get("text", ""))))
                if rule.get("hint"):
                    body.append(f"\n{one_line(str(rule['hint']))}", style="dim italic")
                parts.append(hanging(Text(f"{number:>2}. ", style="dim"), body))
        return Group(*parts)

    def current(self):
        index = self.query_one("#guidelines", OptionList).highlighted
        if index is None or not 0 <= index < len(self.rows):
            return None
        return self.rows[index]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # enter (or a click) edits
        self.action_edit()

    # -- actions ----------------------------------------------------------------------------------
    def action_new(self) -> None:
        from cmtui.tui.dialogs.guideline_editor import GuidelineEditor

        self.app.push_screen(GuidelineEditor(self.store), self._edited)

    def action_edit(self) -> None:
        row = self.current()
        if row is None:
            return self.action_new()
        from cmtui.tui.dialogs.guideline_editor import GuidelineEditor

        self.app.push_screen(GuidelineEditor(self.store, row), self._edited)

    def _edited(self, number: int | None) -> None:
        if number is not None:
            self.load(select=number)
            self.notify(_("Guideline {n} saved.").format(n=number), timeout=3)

    def action_delete(self) -> None:
        row = self.current()
        if row is None:
            return
        from cmtui.tui.dialogs.ask import ConfirmDialog

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.store.members.remove_guideline(row["position"], who=self.app.settings.username)
                self.load()
                self.notify(_("Guideline {n} deleted; the ones after it moved up.").format(n=row["position"]),
                            timeout=4)

        self.app.push_screen(ConfirmDialog(_("Delete guideline {n}, “{title}”?").format(
            n=row["position"], title=one_line(row["title"]))), confirmed)

    def action_move(self, step: int) -> None:
        row = self.current()
        if row is None:
            return
        to = row["position"] + step
        if not 1 <= to <= len(self.rows):
            return
        self.store.members.move_guideline(row["position"], to, who=self.app.settings.username)
        self.load(select=to)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_data_changed(self, _message: DataChanged) -> None:
        # A sync may have fetched the instances' rules.
        self.query_one("#instance-rules", Static).update(self.instance_rules())
