"""CmtuiApp: four modes (Calendar, Inbox, Moderation, Metrics) over one store.

The store and settings are injected through the constructor; screens read and write
the store and never touch the network.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable

from textual.app import App
from textual.binding import Binding

from cmtui.model import parse_iso, utcnow
from cmtui.tui.commands import CmtuiCommands


def _inbox():
    from cmtui.tui.screens.inbox import InboxScreen

    return InboxScreen()


def _calendar():
    from cmtui.tui.screens.calendar import CalendarScreen

    return CalendarScreen()


def _moderation():
    from cmtui.tui.screens.moderation import ModerationScreen

    return ModerationScreen()


def _metrics():
    from cmtui.tui.screens.metrics import MetricsScreen

    return MetricsScreen()


class CmtuiApp(App):
    TITLE = "cmtui"
    CSS_PATH = "app.tcss"
    # Screens are imported when their mode is first opened, to keep start-up light.
    MODES = {"calendar": _calendar, "inbox": _inbox, "moderation": _moderation, "metrics": _metrics}
    DEFAULT_MODE = "inbox"
    COMMANDS = App.COMMANDS | {CmtuiCommands}

    BINDINGS = [
        Binding("1", "switch_mode('calendar')", "Calendar", id="app.calendar"),
        Binding("2", "switch_mode('inbox')", "Inbox", id="app.inbox"),
        Binding("3", "switch_mode('moderation')", "Moderation", id="app.moderation"),
        Binding("4", "switch_mode('metrics')", "Metrics", id="app.metrics"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
    ]

    def __init__(self, store, settings, *, clock: Callable[[], datetime] = utcnow):
        super().__init__()
        self.store = store
        self.settings = settings
        self._clock = clock
        self._tz = settings.tzinfo()
        if settings.keymap:
            self.set_keymap(settings.keymap)

    def now(self) -> datetime:
        return self._clock()

    def format_time(self, stamp: str | None) -> str:
        """A stored UTC time as local wall-clock time, short when it is today."""
        dt = parse_iso(stamp)
        if dt is None:
            return "–"
        local = dt.astimezone(self._tz)
        if local.date() == self.now().astimezone(self._tz).date():
            return local.strftime("today %H:%M")
        return local.strftime("%Y-%m-%d %H:%M")

    def action_help(self) -> None:
        from cmtui.tui.dialogs.help import HelpScreen, describe_bindings

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(describe_bindings(self.screen)))
