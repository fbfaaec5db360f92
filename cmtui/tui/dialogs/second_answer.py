"""A second answer to an item: asked before the reply is queued, No by default."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from cmtui.i18n import N_, _
from cmtui.triage.collisions import Collision, message
from cmtui.tui.dialogs.base import Dialog


class SecondAnswerDialog(Dialog, ModalScreen[bool]):
    """Dismisses with True only on y; n, enter and esc keep the draft (False)."""

    BINDINGS = [
        # The keys stay y and n in every language (only the words change).
        Binding("y", "dismiss(True)", N_("Send anyway"), id="second_answer.yes"),
        Binding("n,enter,escape", "dismiss(False)", N_("Keep the draft"), id="second_answer.no"),
    ]

    def __init__(self, found: Collision):
        super().__init__()
        self.found = found

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("⚠ " + message(self.found), style="bold"))  # teammates' names: never markup
            # i18n: asked before a second answer to an item is queued (a teammate is replying or answered)
            yield Static(Text(_("Queue your reply too?")))
            # i18n: y, n, enter and esc are the keys themselves: keep them as they are.
            yield Static(Text(_("y: queue it · n, enter or esc: no, keep the draft"), style="dim"))
