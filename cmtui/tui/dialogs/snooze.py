"""`s`: snooze until a preset or a typed time. Dismisses with the time, or None."""

from __future__ import annotations

from pathlib import Path

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from cmtui.errors import InputError
from cmtui.tui.dialogs.base import Dialog
from cmtui.triage.snooze import parse_snooze, presets


class SnoozeDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("snooze.tcss")  # read when first shown
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="snooze.cancel")]

    def __init__(self, now: datetime, tz, count: int = 1):
        super().__init__()
        self.now = now
        self.tz = tz
        self.count = count
        self.choices = presets(now, tz)

    def compose(self) -> ComposeResult:
        with Vertical():
            what = "this item" if self.count == 1 else f"these {self.count} items"
            yield Static(Text(f"Snooze {what} until…", style="bold"))
            yield OptionList(*(Option(Text.assemble((label, "bold"), "  ",
                                                    (when.strftime("%a %d %b %H:%M"), "dim")), id=str(n))
                               for n, (label, when) in enumerate(self.choices)), id="snooze-presets")
            yield Input(placeholder="or type a time: fri 14:00, in 3 days", id="snooze-input")
            yield Static(id="snooze-error")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[int(event.option.id)][1])

    def on_input_changed(self, _event: Input.Changed) -> None:
        # The refusal was about what was typed before: it goes as soon as the text changes.
        self.query_one("#snooze-error", Static).update("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        try:
            self.dismiss(parse_snooze(event.value, self.now, self.tz))
        except InputError as exc:
            self.query_one("#snooze-error", Static).update(Text(str(exc)))
