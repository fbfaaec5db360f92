"""Who is busy with an inbox item right now (writing a reply): the `presence` table (V16).

Each row is one person on one item, refreshed (`seen_at`) while they are at it. A row not
refreshed for PRESENCE_FRESH is stale: a TUI that died leaves one behind, and it stops
counting by itself; stale rows are swept when someone begins. Every write is one tiny
transaction of its own, so a teammate's screen sees it at its next data_version poll.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from cmtui.model import iso, utcnow
from cmtui.store.base import Repo, marks
from cmtui.store.db import transaction

PRESENCE_FRESH = timedelta(seconds=90)  # a presence not refreshed for longer is ignored
REPLYING = "replying"  # i18n: not shown (the stored activity)


def _stamp(now: datetime | None) -> str:
    return iso(now or utcnow())


def _fresh_after(now: datetime | None) -> str:
    return iso((now or utcnow()) - PRESENCE_FRESH)


class PresenceRepo(Repo):
    def begin(self, item_id: int, who: str, activity: str = REPLYING, *, now: datetime | None = None) -> None:
        """who starts on the item (since now); a fresh row of theirs keeps its start."""
        stamp, stale = _stamp(now), _fresh_after(now)
        with transaction(self.conn):
            self.conn.execute("DELETE FROM presence WHERE seen_at < ?", (stale,))  # the sweep: a few rows at most
            self.conn.execute(
                "INSERT INTO presence (item_id, who, activity, since, seen_at) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (item_id, who) DO UPDATE SET activity = excluded.activity, seen_at = excluded.seen_at",
                (item_id, who, activity, stamp, stamp))

    def touch(self, item_id: int, who: str, *, now: datetime | None = None) -> None:
        """Still at it: the row stays fresh."""
        with transaction(self.conn):
            self.conn.execute("UPDATE presence SET seen_at = ? WHERE item_id = ? AND who = ?",
                              (_stamp(now), item_id, who))

    def end(self, item_id: int, who: str) -> None:
        with transaction(self.conn):
            self.conn.execute("DELETE FROM presence WHERE item_id = ? AND who = ?", (item_id, who))

    def others(self, item_id: int, who: str, now: datetime | None = None) -> list[tuple[str, str]]:
        """(who, since) of everyone else freshly on the item, earliest first."""
        rows = self._all("SELECT who, since FROM presence WHERE item_id = ? AND who != ? COLLATE NOCASE"
                         " AND seen_at >= ? ORDER BY since, who", (item_id, who, _fresh_after(now)))
        return [(row["who"], row["since"]) for row in rows]

    def among(self, item_ids: list[int], who: str, now: datetime | None = None) -> dict[int, list[str]]:
        """For a window of items (one query): item id -> the others freshly on it."""
        if not item_ids:
            return {}
        found: dict[int, list[str]] = {}
        for row in self._all(f"SELECT item_id, who FROM presence WHERE item_id IN ({marks(item_ids)})"
                             " AND who != ? COLLATE NOCASE AND seen_at >= ? ORDER BY since, who",
                             (*item_ids, who, _fresh_after(now))):
            found.setdefault(row["item_id"], []).append(row["who"])
        return found

    def active(self, now: datetime | None = None) -> list:
        """Every fresh presence (item_id, who, activity, since; oldest first): who is busy now,
        for the inbox list's marks and `team list`."""
        return self._all("SELECT item_id, who, activity, since FROM presence WHERE seen_at >= ?"
                         " ORDER BY since, item_id", (_fresh_after(now),))
