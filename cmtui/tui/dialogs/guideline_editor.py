"""One community guideline: a title and a body, written to the store on ctrl+s.

Dismisses with the guideline's number (its position, from 1), or None when cancelled."""

from __future__ import annotations

from pathlib import Path

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static, TextArea

from cmtui import l10n
from cmtui.errors import CmtuiError, InputError
from cmtui.i18n import N_, _
from cmtui.tui.dialogs.base import Dialog

if TYPE_CHECKING:
    from cmtui.store import Store


class GuidelineEditor(Dialog):
    CSS_PATH = Path(__file__).with_name("guideline_editor.tcss")  # read when first shown
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), priority=True, id="guideline_editor.save"),
        Binding("escape", "cancel", N_("Cancel"), priority=True, id="guideline_editor.cancel"),
    ]

    def __init__(self, store: Store, guideline=None):
        """guideline: the row to edit, or None for a new one (added last)."""
        super().__init__()
        self.store = store
        self.guideline = guideline

    def compose(self) -> ComposeResult:
        row = self.guideline
        with Vertical():
            title = _("New guideline") if row is None else _("Edit guideline {number}").format(
                number=l10n.number(row["position"]))
            yield Static(Text(title, style="bold"))
            yield Input(row["title"] if row is not None else "", placeholder=_("title, e.g. Be kind"),
                        id="guideline-title")
            yield TextArea(row["body"] if row is not None else "", id="guideline-body", soft_wrap=True)
            yield Static(Text(_("ctrl+s save · esc cancel"), style="dim"), id="guideline-status")

    def on_mount(self) -> None:
        self.query_one("#guideline-title", Input).focus()

    def action_save(self) -> None:
        title = self.query_one("#guideline-title", Input).value
        body = self.query_one("#guideline-body", TextArea).text
        members = self.store.members
        try:
            # edit_guideline keeps the old title when given an empty one: refuse it here instead.
            if not title.strip():
                raise InputError(_("a guideline needs a title"))
            if self.guideline is None:
                members.add_guideline(title, body, who=self.app.settings.username)
                number = len(members.guidelines())
            else:
                number = self.guideline["position"]
                members.edit_guideline(number, title, body, who=self.app.settings.username)
        except CmtuiError as exc:
            self.query_one("#guideline-status", Static).update(Text(str(exc), style="bold red"))
            return
        self.dismiss(number)

    def action_cancel(self) -> None:
        self.dismiss(None)
