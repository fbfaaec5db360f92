"""Metric snapshots, post statistics and goals: the raw series the metrics panel reads."""

from __future__ import annotations

from cmtui.store.base import Repo, inserted_id, now
from cmtui.store.db import transaction


class MetricsRepo(Repo):
    def add_snapshot(self, account_id: int, followers: int, following: int | None = None,
                     posts: int | None = None, taken_at: str | None = None) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO follower_snapshots (account_id, taken_at, followers, following, posts)"
                " VALUES (?, ?, ?, ?, ?)",
                (account_id, taken_at or now(), followers, following, posts),
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
            " WHERE created_at >= ? AND answered_at IS NOT NULL AND moderated = 0",
            (since,),
        )
        return [r[0] for r in rows]

    def arrived_since(self, since: str) -> int:
        """Items to answer that arrived since a time (moderated ones left out)."""
        return self._scalar("SELECT count(*) FROM inbox_items WHERE created_at >= ? AND moderated = 0", (since,))

    def overdue(self, before: str) -> int:
        """Active items that arrived before a time and are still unanswered (not moderated)."""
        return self._scalar(
            "SELECT count(*) FROM inbox_items WHERE state IN ('new', 'open') AND answered_at IS NULL"
            " AND hidden = 0 AND moderated = 0 AND created_at < ?",
            (before,),
        )

    def post_engagement(self, since: str) -> list:
        return self._all(
            "SELECT p.*, a.name AS account FROM post_stats p JOIN accounts a ON a.id = p.account_id"
            " WHERE p.posted_at >= ? ORDER BY p.posted_at",
            (since,),
        )

    def upsert_post_stats(self, account_id: int, remote_id: str, posted_at: str, likes: int,
                          shares: int, replies: int, entry_id: int | None = None,
                          language: str | None = None, campaign: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO post_stats (account_id, remote_id, entry_id, posted_at, language, campaign,"
            " likes, shares, replies, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (account_id, remote_id) DO UPDATE SET likes = excluded.likes,"
            " shares = excluded.shares, replies = excluded.replies, updated_at = excluded.updated_at",
            (account_id, remote_id, entry_id, posted_at, language, campaign, likes, shares, replies, now()),
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
            return inserted_id(cur)

    def update_goal(self, goal_id: int, fields: dict) -> None:
        names = ("name", "metric", "account_id", "target", "direction", "start_date", "due_date")
        changes = {k: v for k, v in fields.items() if k in names}
        if not changes:
            return
        with transaction(self.conn):
            self.conn.execute(f"UPDATE goals SET {', '.join(f'{k} = ?' for k in changes)} WHERE id = ?",
                              [*changes.values(), goal_id])

    def delete_goal(self, goal_id: int) -> bool:
        with transaction(self.conn):
            return self.conn.execute("DELETE FROM goals WHERE id = ?", (goal_id,)).rowcount > 0

    def goal(self, goal_id: int):
        return self._one("SELECT g.*, a.name AS account FROM goals g LEFT JOIN accounts a ON a.id = g.account_id"
                         " WHERE g.id = ?", (goal_id,))

    # -- day totals (schema V8): what the panel reads instead of the items ----------------------
    def daily_totals(self, start_day: str, end_day: str, account_id: int | None = None) -> list:
        """Per UTC day in [start_day, end_day]: arrived, mentions, negative, answered, done."""
        scope, params = ("AND account_id = ?", (start_day, end_day, account_id)) if account_id else ("", (start_day, end_day))
        return self._all(
            "SELECT day, sum(arrived) AS arrived, sum(mentions) AS mentions, sum(negative) AS negative,"
            " sum(answered) AS answered, sum(done) AS done FROM metrics_daily"
            f" WHERE day >= ? AND day <= ? {scope} GROUP BY day ORDER BY day", params)

    def totals_by_account(self, start_day: str, end_day: str) -> dict[int, tuple[int, int]]:
        """account id -> (arrived, answered) over [start_day, end_day], moderated items left
        out of both (schema V11): the response figures' share of items to answer."""
        rows = self._all("SELECT account_id, sum(arrived) - sum(moderated), sum(answered) FROM metrics_daily"
                         " WHERE day >= ? AND day <= ? GROUP BY account_id", (start_day, end_day))
        return {r[0]: (r[1], r[2]) for r in rows}

    def response_buckets(self, start_day: str, end_day: str) -> dict[int, dict[int, int]]:
        """account id -> {bucket: answered items} for items that arrived in [start_day, end_day]."""
        out: dict[int, dict[int, int]] = {}
        for account_id, bucket, n in self._all(
                "SELECT account_id, bucket, sum(n) FROM response_hist WHERE day >= ? AND day <= ?"
                " GROUP BY account_id, bucket HAVING sum(n) > 0", (start_day, end_day)):
            out.setdefault(account_id, {})[bucket] = n
        return out

    def response_times_by_account(self, since: str) -> list[tuple[int, float]]:
        """(account id, seconds to answer) for every answered item that arrived since a time."""
        return [(r[0], r[1]) for r in self._all(
            "SELECT account_id, (julianday(answered_at) - julianday(created_at)) * 86400 FROM inbox_items"
            " WHERE created_at >= ? AND answered_at IS NOT NULL AND moderated = 0", (since,))]

    def first_item_day(self) -> str | None:
        return self._scalar("SELECT min(day) FROM metrics_daily WHERE arrived > 0")

    def backlog_until(self, day: str, account_id: int | None = None) -> int:
        """Items that arrived up to the end of a UTC day minus those archived by then: the
        open backlog that evening (snoozed and hidden items count as open)."""
        scope, params = ("AND account_id = ?", (day, account_id)) if account_id else ("", (day,))
        return self._scalar(f"SELECT coalesce(sum(arrived) - sum(done), 0) FROM metrics_daily WHERE day <= ? {scope}",
                            params)

    def overdue_for_account(self, account_id: int, cutoff: str) -> int:
        return self._scalar(
            "SELECT count(*) FROM inbox_items INDEXED BY inbox_active WHERE state IN ('new', 'open') AND hidden = 0"
            " AND created_at < ? AND answered_at IS NULL AND moderated = 0 AND account_id = ?", (cutoff, account_id))

    def recent_counts(self, since: str, account_id: int | None = None) -> dict[str, int]:
        """Mentions and negative items that arrived since a time (a short range: the last day)."""
        scope, params = ("AND account_id = ?", (since, account_id)) if account_id else ("", (since,))
        row = self._one(
            "SELECT count(*) FILTER (WHERE kind = 'mention'), count(*) FILTER (WHERE instr(labels, '\"negative\"') > 0"
            " OR instr(labels, '\"complaint\"') > 0) FROM inbox_items INDEXED BY inbox_created"
            f" WHERE created_at >= ? {scope}", params)
        return {"mentions": row[0] or 0, "negative": row[1] or 0} if row else {"mentions": 0, "negative": 0}

    def flag_times(self, since: str, account_id: int | None = None) -> list[str]:
        """When each moderation flag (item or report) was raised since a time."""
        if account_id is None:
            return [r[0] for r in self._all("SELECT created_at FROM moderation_flags WHERE created_at >= ?", (since,))]
        return [r[0] for r in self._all(
            "SELECT f.created_at FROM moderation_flags f LEFT JOIN inbox_items i ON i.id = f.item_id"
            " LEFT JOIN platform_reports r ON r.id = f.report_id"
            " WHERE f.created_at >= ? AND coalesce(i.account_id, r.account_id) = ?", (since, account_id))]

    # -- our posts ---------------------------------------------------------------------------
    def posts(self, since: str, until: str, account_id: int | None = None) -> list:
        """Our posts published in [since, until) with their counters and text (the calendar's,
        else the server's for posts not made through cmtui)."""
        scope, params = ("AND p.account_id = ?", (since, until, account_id)) if account_id else ("", (since, until))
        return self._all(
            "SELECT p.account_id, a.name AS account, p.remote_id, p.posted_at, p.language, p.campaign, p.likes,"
            " p.shares, p.replies, coalesce(e.text, p.text) AS text FROM post_stats p JOIN accounts a ON a.id = p.account_id"
            " LEFT JOIN calendar_entries e ON e.id = p.entry_id"
            f" WHERE p.posted_at >= ? AND p.posted_at < ? {scope} ORDER BY p.posted_at", params)

    def followers_series(self, account_id: int, since: str) -> list[tuple[str, int]]:
        """Every snapshot since a time, oldest first (to look up followers at a post's time)."""
        return [(r[0], r[1]) for r in self._all(
            "SELECT taken_at, followers FROM follower_snapshots WHERE account_id = ? AND taken_at >= ?"
            " ORDER BY taken_at", (account_id, since))]

    def scheduled_times(self, account_id: int | None, start: str, end: str) -> list[str]:
        """Times already taken in the calendar in [start, end) (any account when None)."""
        scope, params = ("AND account_id = ?", (start, end, account_id)) if account_id else ("", (start, end))
        return [r[0] for r in self._all(
            "SELECT scheduled_at FROM calendar_entries WHERE scheduled_at >= ? AND scheduled_at < ?"
            f" AND status NOT IN ('cancelled', 'failed', 'idea') {scope}", params)]

    def published_between(self, start: str, end: str, account_id: int | None = None) -> int:
        """Calendar entries published in [start, end)."""
        scope, params = ("AND account_id = ?", (start, end, account_id)) if account_id else ("", (start, end))
        return self._scalar("SELECT count(*) FROM calendar_entries WHERE status = 'published'"
                            f" AND published_at >= ? AND published_at < ? {scope}", params)
