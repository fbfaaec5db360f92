"""Command palette entries (ctrl+p): every mode, every app action, and every action of
every mode's screen (run on that screen, switching to it first)."""

from __future__ import annotations

from functools import partial
from importlib import import_module

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

MODES = (
    ("calendar", "Go to Calendar", "the content plan: agenda, entries and their status"),
    ("inbox", "Go to Inbox", "mentions, replies and direct messages to answer"),
    ("moderation", "Go to Moderation", "flagged items and reports to review"),
    ("metrics", "Go to Metrics", "followers, response times and goals"),
    ("accounts", "Go to Accounts", "each account's state; add, re-authorise or remove one"),
)


SCREENS = {  # imported when the palette opens, not at start-up
    "calendar": ("cmtui.tui.screens.calendar", "CalendarScreen"),
    "inbox": ("cmtui.tui.screens.inbox", "InboxScreen"),
    "moderation": ("cmtui.tui.screens.moderation", "ModerationScreen"),
    "metrics": ("cmtui.tui.screens.metrics", "MetricsScreen"),
    "accounts": ("cmtui.tui.screens.accounts", "AccountsScreen"),
}


def screen_actions(mode: str):
    """(description, action, key) for each binding of a mode's screen."""
    module, name = SCREENS[mode]
    screen_class = getattr(import_module(module), name)
    for binding in screen_class.BINDINGS:
        if binding.description and binding.action != "back":
            yield binding.description, binding.action, binding.key.split(",")[0]


class CmtuiCommands(Provider):
    def _commands(self):
        app = self.app
        for mode, title, help_text in MODES:
            yield title, partial(app.switch_mode, mode), help_text
        yield "Sync now", app.action_sync_now, "pull new items and send the outbox for every account"
        yield "Show keys (help)", app.action_help, "every key binding of this screen"
        yield "Quit cmtui", app.action_quit, "leave the app (everything is already saved)"
        for mode, title, _ in MODES:
            place = title.removeprefix("Go to ")
            for description, action, key in screen_actions(mode):
                yield (f"{place}: {description}", partial(self._run, mode, action),
                       f"key {app.get_key_display(Binding(key, ''))} in {place}")

    async def _run(self, mode: str, action: str) -> None:
        """Run a screen's action, switching to its mode first when needed."""
        if self.app.current_mode != mode:
            await self.app.switch_mode(mode)
        await self.app.screen.run_action(action)

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
