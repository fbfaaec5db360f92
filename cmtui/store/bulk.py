"""Loading a new database in bulk (cmtui generate: a million items in under a minute).

Rows are plain tuples in the column order of COLUMNS: at a million rows a value object per
row would cost more than the insert. The derived structures on inbox_items (full-text index,
counts, list-order indexes, the metrics' day totals) are dropped for the load and rebuilt
once at the end, word for word from the schema's own SQL, so the file is the same as one
built row by row.
"""

from __future__ import annotations

import sqlite3

from cmtui.store.health import checkpoint
from cmtui.store.migrations import METRICS_FILL_SQL
from cmtui.store.schema import RECOUNT_SQL

# table -> the columns a row gives, in order
COLUMNS: dict[str, tuple[str, ...]] = {
    "accounts": ("id", "name", "platform", "server", "handle", "display_name", "limits", "is_admin",
                 "created_at"),
    "people": ("id", "platform", "acct", "remote_id", "display_name", "url", "account_created_at", "bot",
               "first_seen_at", "last_seen_at"),
    "inbox_items": ("id", "account_id", "kind", "remote_id", "url", "person_id", "author", "author_name", "text",
                    "language", "visibility", "in_reply_to_remote_id", "thread_id", "is_question", "created_at",
                    "first_seen_at", "state", "snooze_until", "assignee", "labels", "answered_at", "done_at",
                    "hidden"),
    "threads": ("id", "account_id", "root_remote_id", "fetched_at"),
    "thread_posts": ("thread_id", "remote_id", "in_reply_to_remote_id", "author", "author_name", "text", "url",
                     "created_at"),
    "moderation_flags": ("item_id", "rule", "reason", "matched", "state", "created_at", "resolved_at"),
    "calendar_entries": ("id", "account_id", "text", "status", "scheduled_at", "published_at", "remote_id", "url",
                         "language", "campaign", "campaign_color", "late", "created_by", "created_at",
                         "updated_at", "rrule"),
    "entry_transitions": ("entry_id", "at", "who", "from_status", "to_status"),
    "post_stats": ("account_id", "remote_id", "entry_id", "posted_at", "language", "campaign", "likes",
                   "shares", "replies", "updated_at"),
    "follower_snapshots": ("account_id", "taken_at", "followers", "following", "posts"),
    "goals": ("name", "metric", "target", "direction", "start_date", "due_date", "created_at"),
    "saved_replies": ("name", "language", "body", "created_at", "updated_at"),
}
_INSERT = {table: f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
           for table, columns in COLUMNS.items()}

# Without journal, fsync, foreign key and CHECK evaluation (the values are the generator's
# own; checks alone cost ~30% of the load); threads: parallel CREATE INDEX sorts.
_LOAD_PRAGMAS = ("foreign_keys = OFF", "journal_mode = OFF", "synchronous = OFF", "cache_size = -262144",
                 "threads = 2", "ignore_check_constraints = ON")


class BulkWriter:
    """begin(), write() each table's rows (in batches if need be), finish(). On an error the
    file is half loaded with its checks off: the caller throws it away."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._derived: list[tuple[str, str, str]] = []

    def begin(self) -> None:
        # Every trigger and index on inbox_items, kept as SQL to be recreated after the load.
        self._derived = [tuple(row) for row in self.conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'inbox_items'"
            " AND type IN ('trigger', 'index') AND sql IS NOT NULL ORDER BY type DESC, name")]
        for pragma in _LOAD_PRAGMAS:
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("BEGIN")
        for kind, name, _ in self._derived:
            self.conn.execute(f"DROP {kind.upper()} {name}")

    def write(self, table: str, rows) -> None:
        self.conn.executemany(_INSERT[table], rows)

    def finish(self) -> None:
        conn = self.conn
        # A 64 MiB token hash (default 1 MiB) leaves fewer segments to merge: the rebuild takes
        # half the time. The setting is a row of inbox_fts_config; deleting it restores the default.
        conn.execute("INSERT INTO inbox_fts (inbox_fts, rank) VALUES ('hashsize', 67108864)")
        conn.execute("INSERT INTO inbox_fts (inbox_fts) VALUES ('rebuild')")
        conn.execute("DELETE FROM inbox_fts_config WHERE k = 'hashsize'")
        # The moderated marks and the metrics' day totals (schemas V8, V11), while no trigger on
        # inbox_items would redo the totals for each row the marking touches.
        for statement in filter(str.strip, METRICS_FILL_SQL.split(";")):
            conn.execute(statement)
        for _, _, sql in self._derived:
            conn.execute(sql)
        conn.execute(RECOUNT_SQL)
        conn.execute("COMMIT")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("ANALYZE")
        checkpoint(conn)
