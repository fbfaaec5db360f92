"""`n` on a member page: the team's notes about a member, several lines. Dismisses with the
text (ctrl+s), or None (esc)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from cmtui.i18n import N_, _
from cmtui.tui.dialogs.base import Dialog


class NotesDialog(Dialog):
    CSS_PATH = Path(__file__).with_name("member_notes.tcss")  # read when first shown
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Cancel"), id="member_notes.cancel"),
        Binding("ctrl+s", "save", N_("Save"), priority=True, id="member_notes.save"),
    ]

    def __init__(self, acct: str, notes: str):
        super().__init__()
        self.acct, self.notes = acct, notes

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(_("Notes about {member}").format(member=self.acct), style="bold"))  # remote name: never markup
            yield TextArea(self.notes, id="notes-text", soft_wrap=True, show_line_numbers=False)
            yield Static(Text(_("ctrl+s saves · esc cancels · seen by the team only, never sent"), style="dim"))

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text.strip())
