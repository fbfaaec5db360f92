"""What every mode's screen shares: header, status line, footer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Header

from cmtui.i18n import _
from cmtui.tui.messages import DataChanged
from cmtui.tui.widgets.key_bar import KeyBar
from cmtui.tui.widgets.status_line import StatusLine


class ModeScreen(Screen):
    """A mode's base screen. Subclasses yield their body from compose_body()."""

    TITLE_SUFFIX = ""  # the mode's name, marked N_() by each screen: translated when shown

    def compose(self) -> ComposeResult:
        yield Header(show_clock=False, icon="≡")
        yield from self.compose_body()
        yield StatusLine(id="status-line")
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.sub_title = _(self.TITLE_SUFFIX) if self.TITLE_SUFFIX else ""

    def on_data_changed(self, _message: DataChanged) -> None:
        """The store changed: the status line re-reads it. (Textual calls this after the
        subclass's own handler, which re-reads what the screen shows.)"""
        self.query_one(StatusLine).refresh_status()

    @property
    def store(self):
        return self.app.store
