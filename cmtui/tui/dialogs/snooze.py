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

from cmtui import l10n
from cmtui.errors import InputError
from cmtui.i18n import N_, _, ngettext
from cmtui.tui.dialogs.base import Dialog
from cmtui.triage.snooze import parse_snooze, presets


# The presets' labels (cmtui.triage.snooze), shown translated.
PRESET_LABELS = (N_("in 1 hour"), N_("this evening"), N_("tomorrow evening"), N_("tomorrow 9:00"),
                 N_("next Monday 9:00"))


class SnoozeDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("snooze.tcss")  # read when first shown
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="snooze.cancel")]

    def __init__(self, now: datetime, tz, count: int = 1):
        super().__init__()
        self.now = now
        self.tz = tz
        self.count = count
        self.choices = presets(now, tz)

    def compose(self) -> ComposeResult:
        with Vertical():
            title = (_("Snooze this item until…") if self.count == 1 else
                     ngettext("Snooze {n} item until…", "Snooze these {n} items until…", self.count)
                     .format(n=l10n.number(self.count)))
            yield Static(Text(title, style="bold"))
            yield OptionList(*(Option(Text.assemble((_(label), "bold"), "  ",
                                                    (l10n.day_time(when.astimezone(self.tz)), "dim")), id=str(n))
                               for n, (label, when) in enumerate(self.choices)), id="snooze-presets")
            yield Input(placeholder=_("or type a time: fri 14:00, in 3 days"), id="snooze-input")
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
