"""`l`: tick the labels the items should carry, or type a new one. Dismisses with
(added, removed) label sets, or None."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cmtui import l10n
from cmtui.i18n import N_, _, ngettext
from cmtui.text import sanitize
from cmtui.tui.dialogs.base import Dialog

TICKED, UNTICKED = "[✓] ", "[ ] "  # a mark, not a colour alone, tells them apart


class LabelList(OptionList):
    """The labels, one per line with its tick mark; space or enter ticks or unticks."""

    BINDINGS = [
        Binding("space", "toggle", N_("Tick"), id="labels.tick"),
        Binding("j", "cursor_down", N_("Down"), show=False, id="labels.down"),
        Binding("k", "cursor_up", N_("Up"), show=False, id="labels.up"),
    ]

    def __init__(self, labels: list[str], ticked: set[str]):
        self.ticked = set(ticked)
        super().__init__(*(Option(self._prompt(label), id=label) for label in labels), id="label-list")

    def _prompt(self, label: str) -> Text:
        if label in self.ticked:
            return Text.assemble((TICKED, "bold"), (label, "bold"))
        return Text.assemble((UNTICKED, "dim"), label)  # the label itself: user text, never markup

    def tick(self, label: str, ticked: bool) -> None:
        if label not in {option.id for option in self.options}:
            self.add_option(Option(self._prompt(label), id=label))
        self.ticked = self.ticked | {label} if ticked else self.ticked - {label}
        self.replace_option_prompt(label, self._prompt(label))

    def action_toggle(self) -> None:
        option = self.highlighted_option
        if option is not None:
            self.tick(option.id, option.id not in self.ticked)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle()


class LabelDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("labels.tcss")  # read when first shown
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="labels.cancel"),
        Binding("ctrl+s", "apply", N_("Apply"), priority=True, id="labels.apply"),
    ]

    def __init__(self, vocabulary: list[str], on_all: set[str], count: int):
        """on_all: the labels every target item already has (shown ticked)."""
        super().__init__()
        self.vocabulary = sorted(set(vocabulary) | on_all)
        self.on_all = on_all
        self.count = count

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.count == 1:
                title = _("Labels of this item")
            else:
                # i18n: several items (never one: "Labels of this item" is said then).
                title = ngettext("Labels of these {n} item", "Labels of these {n} items", self.count).format(
                    n=l10n.number(self.count))
            yield Static(Text(title, style="bold"))
            yield LabelList(self.vocabulary, self.on_all)
            yield Input(placeholder=_("new label, enter to add"), id="label-input")
            yield Static(Text(_("space or enter ticks · ctrl+s applies · esc cancels"), style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        label = sanitize(event.value, max_len=40, single_line=True).lstrip("#").strip()
        if not label:
            return
        self.query_one(LabelList).tick(label, True)
        event.input.value = ""

    def action_apply(self) -> None:
        ticked = self.query_one(LabelList).ticked
        self.dismiss((ticked - self.on_all, self.on_all - ticked))
