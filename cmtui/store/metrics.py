"""Metric snapshots, post statistics and goals: the raw series the metrics panel reads."""

from __future__ import annotations

from cmtui.store.base import Repo, now
from cmtui.store.db import transaction


class MetricsRepo(Repo):
    def add_snapshot(self, account_id: int, followers: int, following: int | None = None,
                     statuses: int | None = None, taken_at: str | None = None) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO follower_snapshots (account_id, taken_at, followers, following, statuses)"
                " VALUES (?, ?, ?, ?, ?)",
                (account_id, taken_at or now(), followers, following, statuses),
            )

    def latest_followers(self) -> dict[int, int]:
        rows = self._all(
            "SELECT s.account_id, s.followers FROM follower_snapshots s"
            " WHERE s.taken_at = (SELECT max(taken_at) FROM follower_snapshots WHERE account_id = s.account_id)"
        )
        return {r[0]: r[1] for r in rows}

    def followers_at(self, account_id: int, at: str) -> int | None:
        """The last snapshot at or before a time (None when history starts later)."""
        return self._scalar(
            "SELECT followers FROM follower_snapshots WHERE account_id = ? AND taken_at <= ?"
            " ORDER BY taken_at DESC LIMIT 1",
            (account_id, at),
        )

    def daily_followers(self, account_id: int, since: str) -> list[tuple[str, int]]:
        """One value per day (the day's last snapshot) since a time."""
        rows = self._all(
            "SELECT substr(taken_at, 1, 10) AS day, followers FROM follower_snapshots"
            " WHERE account_id = ? AND taken_at >= ? AND taken_at IN ("
            "  SELECT max(taken_at) FROM follower_snapshots WHERE account_id = ? AND taken_at >= ?"
            "  GROUP BY substr(taken_at, 1, 10)) ORDER BY day",
            (account_id, since, account_id, since),
        )
        return [(r[0], r[1]) for r in rows]

    def response_times(self, since: str) -> list[float]:
        """Seconds from arrival to answer for items that arrived since a time and were answered."""
        rows = self._all(
            "SELECT (julianday(answered_at) - julianday(created_at)) * 86400 FROM inbox_items"
            " WHERE created_at >= ? AND answered_at IS NOT NULL",
            (since,),
        )
        return [r[0] for r in rows]

    def arrived_since(self, since: str) -> int:
        return self._scalar("SELECT count(*) FROM inbox_items WHERE created_at >= ?", (since,))

    def overdue(self, before: str) -> int:
        """Active items that arrived before a time and are still unanswered."""
        return self._scalar(
            "SELECT count(*) FROM inbox_items WHERE state IN ('new', 'open') AND answered_at IS NULL"
            " AND hidden = 0 AND created_at < ?",
            (before,),
        )

    def post_engagement(self, since: str) -> list:
        return self._all(
            "SELECT p.*, a.name AS account FROM post_stats p JOIN accounts a ON a.id = p.account_id"
            " WHERE p.posted_at >= ? ORDER BY p.posted_at",
            (since,),
        )

    def upsert_post_stats(self, account_id: int, remote_id: str, posted_at: str, favourites: int,
                          reblogs: int, replies: int, entry_id: int | None = None,
                          language: str | None = None, campaign: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO post_stats (account_id, remote_id, entry_id, posted_at, language, campaign,"
            " favourites, reblogs, replies, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, remote_id) DO UPDATE SET favourites = excluded.favourites,"
            " reblogs = excluded.reblogs, replies = excluded.replies, updated_at = excluded.updated_at",
            (account_id, remote_id, entry_id, posted_at, language, campaign, favourites, reblogs, replies, now()),
        )

    def goals(self) -> list:
        return self._all(
            "SELECT g.*, a.name AS account FROM goals g LEFT JOIN accounts a ON a.id = g.account_id"
            " ORDER BY g.due_date, g.id"
        )

    def add_goal(self, name: str, metric: str, target: float, direction: str, start_date: str,
                 due_date: str, account_id: int | None = None, baseline: float | None = None) -> int:
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO goals (name, metric, account_id, target, direction, baseline, start_date,"
                " due_date, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, metric, account_id, target, direction, baseline, start_date, due_date, now()),
            )
            return cur.lastrowid
