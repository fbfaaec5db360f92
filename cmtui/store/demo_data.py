"""The writes only the demo community makes (cmtui/demo*.py).

The demo is built through the product's own repositories and actions where they exist; what
is left here is what no user action does: storing a conversation as the story tells it, and
moving what was done a moment ago to when the story says it happened.
"""

from __future__ import annotations

from cmtui.store.base import Repo


class DemoRepo(Repo):
    def add_thread(self, account_id: int, root_remote_id: str, fetched_at: str) -> int:
        return self._insert(
            "INSERT INTO threads (account_id, root_remote_id, fetched_at) VALUES (?, ?, ?)",
            (account_id, root_remote_id, fetched_at))

    def add_thread_post(self, thread_id: int, remote_id: str, in_reply_to_remote_id: str | None, author: str,
                        author_name: str, text: str, url: str, created_at: str, *, ours: bool = False) -> None:
        self.conn.execute(
            "INSERT INTO thread_posts (thread_id, remote_id, in_reply_to_remote_id, author, author_name,"
            " text, url, created_at, ours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (thread_id, remote_id, in_reply_to_remote_id, author, author_name, text, url, created_at, int(ours)))

    def mark(self, key: str, value: str) -> None:
        """A row in meta that says what built this database (the demo's own file)."""
        self.conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (key, value))

    def is_marked(self, key: str) -> bool:
        return self._one("SELECT 1 FROM meta WHERE key = ?", (key,)) is not None

    def date_creation(self, entry_id: int, at: str) -> None:
        """An entry just added (its one transition so far, the creation) was created at `at`."""
        self.conn.execute("UPDATE entry_transitions SET at = ? WHERE entry_id = ?", (at, entry_id))

    def date_entry(self, entry_id: int, status: str, created_at: str, updated_at: str) -> None:
        """An entry at the end of its story: its status and times."""
        self.conn.execute("UPDATE calendar_entries SET status = ?, created_at = ?, updated_at = ? WHERE id = ?",
                          (status, created_at, updated_at, entry_id))

    def date_flags(self, after_seconds: int) -> None:
        """Every flag raised as its item arrived: after_seconds after the item's own time."""
        self.conn.execute(
            "UPDATE moderation_flags SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ',"
            " (SELECT created_at FROM inbox_items i WHERE i.id = moderation_flags.item_id), ?)",
            (f"+{int(after_seconds)} seconds",))

    def open_flags_on_done_items(self) -> list[tuple[int, str | None]]:
        """(item id, assignee) of the items done with a flag still open, oldest item first."""
        return [(row[0], row[1]) for row in self._all(
            "SELECT DISTINCT f.item_id, i.assignee FROM moderation_flags f JOIN inbox_items i ON i.id = f.item_id"
            " WHERE f.state = 'open' AND i.state = 'done' ORDER BY f.item_id")]

    def date_decision(self, log_id: int, item_id: int, outbox_id: int | None, at: str) -> None:
        """A moderation decision taken now, moved to `at`; what it sent then went out."""
        self.conn.execute("UPDATE moderation_log SET at = ? WHERE id = ?", (at, log_id))
        self.conn.execute("UPDATE moderation_flags SET resolved_at = ? WHERE item_id = ? AND state != 'open'",
                          (at, item_id))
        if outbox_id is not None:
            self.conn.execute(
                "UPDATE outbox SET state = 'done', attempts = 1, result = '{}', created_at = ?, updated_at = ?,"
                " next_attempt_at = ? WHERE id = ?", (at, at, at, outbox_id))
