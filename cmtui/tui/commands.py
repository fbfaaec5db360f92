"""Command palette entries (ctrl+p): every mode, every app action, and every action of
every mode's screen (run on that screen, switching to it first)."""

from __future__ import annotations

from functools import partial
from importlib import import_module

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from cmtui.i18n import N_, _

MODES = (  # mode, its name, what it holds
    ("calendar", N_("Calendar"), N_("the content plan: agenda, entries and their status")),
    ("inbox", N_("Inbox"), N_("mentions, replies and direct messages to answer")),
    ("moderation", N_("Moderation"), N_("flagged items and reports to review")),
    ("metrics", N_("Metrics"), N_("followers, response times and goals")),
    ("accounts", N_("Accounts"), N_("each account's state; add, re-authorise or remove one")),
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
        for mode, name, help_text in MODES:
            yield _("Go to {place}").format(place=_(name)), partial(app.switch_mode, mode), _(help_text)
        yield _("Sync now"), app.action_sync_now, _("pull new items and send the outbox for every account")
        yield _("Show keys (help)"), app.action_help, _("every key binding of this screen")
        yield _("Quit cmtui"), app.action_quit, _("leave the app (everything is already saved)")
        for mode, name, _what in MODES:
            place = _(name)
            for description, action, key in screen_actions(mode):
                yield (_("{place}: {action}").format(place=place, action=_(description)),
                       partial(self._run, mode, action),
                       _("key {key} in {place}").format(key=app.get_key_display(Binding(key, "")), place=place))

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
