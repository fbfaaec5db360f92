"""The composer's warning line for a team: "⚠ Ana is replying", "⚠ answered by Luka 2 min ago".

While the line is mounted (the reply composer is open on an item) the person's presence on
the item is kept in the store: begun when it opens, refreshed every PRESENCE_TOUCH seconds
(the only timer, and only while composing), ended when it goes (sent, kept, another item,
quitting), so a teammate's TUI shows them replying. The warning itself is re-read when the
screen learns that another process committed (the inbox screen calls `recheck`) and at each
refresh of the presence."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from cmtui.triage.collisions import Collision, collision, message

if TYPE_CHECKING:
    from cmtui.store import Store

PRESENCE_TOUCH = 30.0  # seconds; a presence is stale after cmtui.store.presence.PRESENCE_FRESH (90 s)


class CollisionLine(Static):
    DEFAULT_CSS = """
    CollisionLine { height: auto; color: $warning; text-style: bold; }
    """

    def __init__(self, store: Store, item_id: int, *, id: str | None = None):
        super().__init__(id=id)
        self.store = store
        self.item_id = item_id
        self.collision: Collision | None = None
        self._present = False

    @property
    def who(self) -> str:
        return self.app.settings.username

    def on_mount(self) -> None:
        try:
            self.store.presence.begin(self.item_id, self.who, now=self.app.now())
            self._present = True
        except sqlite3.Error:  # a busy or read-only file: the reply itself is what matters
            pass
        self.set_interval(PRESENCE_TOUCH, self._touch)
        self.recheck()

    def _touch(self) -> None:
        try:
            self.store.presence.touch(self.item_id, self.who, now=self.app.now())
        except sqlite3.Error:
            pass
        self.recheck()  # "2 min ago" moves on

    def on_unmount(self) -> None:
        if self._present:
            try:
                self.store.presence.end(self.item_id, self.who)
            except sqlite3.Error:  # left behind, it goes stale by itself
                pass
            self._present = False

    def recheck(self) -> Collision | None:
        """Read who else is on the item now; show it (or nothing) and return it."""
        self.collision = collision(self.store, self.item_id, self.who, self.app.now())
        self.display = self.collision is not None
        if self.collision is not None:
            self.update(Text("⚠ " + message(self.collision)))  # names are teammates' words: never markup
        return self.collision
