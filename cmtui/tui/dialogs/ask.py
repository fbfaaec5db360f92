"""Two small questions: a line of text (a comment, a name), and yes or no."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from cmtui.i18n import N_, _
from cmtui.tui.dialogs.base import Dialog


class AskDialog(Dialog):
    """Dismisses with the text typed (possibly empty) on enter, None on esc. `required`: the
    message shown when enter is pressed on nothing; the dialog stays open (keys typed next
    are still the answer's, never the screen's commands)."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="ask.cancel")]

    def __init__(self, title: str, hint: str = "", value: str = "", *, required: str | None = None):
        super().__init__()
        self.title_text, self.hint, self.value, self.required = title, hint, value, required

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"))
            yield Input(self.value, placeholder=self.hint)
            # i18n: enter and esc are key names: keep them as they are.
            yield Static(Text(_("enter to confirm · esc to cancel"), style="dim"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.required and not event.value.strip():
            self.notify(self.required, severity="warning", markup=False)
            return
        self.dismiss(event.value.strip())


class ConfirmDialog(Dialog):
    """Dismisses with True (y or enter) or False (n or esc)."""

    BINDINGS = [
        # The keys stay y and n in every language (only the words change).
        Binding("y,enter", "dismiss(True)", N_("Yes"), id="confirm.yes"),
        Binding("n,escape", "dismiss(False)", N_("No"), id="confirm.no"),
    ]

    def __init__(self, question: str):
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question, style="bold"))  # may quote user text: never markup
            # i18n: y, n, enter and esc are the keys themselves: keep them as they are.
            keys = _("y or enter: yes · n or esc: no")
            yield Static(Text(keys, style="dim"))
