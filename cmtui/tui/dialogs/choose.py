"""A small pick-one dialog (assign to a teammate, ...). Dismisses with the value, or None."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cmtui.i18n import N_
from cmtui.tui.dialogs.base import Dialog


class ChooseDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("choose.tcss")  # read when first shown
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="choose.cancel")]

    def __init__(self, title: str, choices: list[tuple[str, str]], highlight: int | None = None):
        """choices: (label, value); a value of "" means "none". highlight: the choice the
        highlight starts on (the one acted on last), else the first."""
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.highlight = highlight

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield OptionList(*(Option(Text(label), id=str(n)) for n, (label, _) in enumerate(self.choices)))

    def on_mount(self) -> None:
        if self.highlight is not None and 0 <= self.highlight < len(self.choices):
            self.query_one(OptionList).highlighted = self.highlight

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id)][1])
