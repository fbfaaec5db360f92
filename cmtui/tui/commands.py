"""Command palette entries (ctrl+p): every mode and app action."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

MODES = (
    ("calendar", "Go to Calendar", "the content plan: agenda, entries and their status"),
    ("inbox", "Go to Inbox", "mentions, replies and direct messages to answer"),
    ("moderation", "Go to Moderation", "flagged items and reports to review"),
    ("metrics", "Go to Metrics", "followers, response times and goals"),
)


class CmtuiCommands(Provider):
    def _commands(self):
        app = self.app
        for mode, title, help_text in MODES:
            yield title, partial(app.switch_mode, mode), help_text
        yield "Sync now", app.action_sync_now, "pull new items and send the outbox for every account"
        yield "Show keys (help)", app.action_help, "every key binding of this screen"
        yield "Quit cmtui", app.action_quit, "leave the app (everything is already saved)"

    async def discover(self) -> Hits:
        for title, callback, help_text in self._commands():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
