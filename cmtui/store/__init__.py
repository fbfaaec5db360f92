"""The local SQLite store: one connection, one repository per aggregate.

Screens and commands go through these repositories; no SQL lives outside this package.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cmtui.store.accounts import AccountRepo
from cmtui.store.activity import ActivityRepo
from cmtui.store.db import connect, connect_reader, transaction
from cmtui.store.demo_data import DemoRepo
from cmtui.store.drafts import DraftRepo
from cmtui.store.entries import EntryRepo
from cmtui.store.inbox import InboxFilter, InboxRepo
from cmtui.store.ingest import IngestRepo
from cmtui.store.members import MemberRepo
from cmtui.store.metrics import MetricsRepo
from cmtui.store.moderation import ModerationRepo
from cmtui.store.outbox import OutboxRepo
from cmtui.store.presence import PresenceRepo
from cmtui.store.replies import SavedReplyRepo
from cmtui.store.rules import RuleRepo
from cmtui.store.team import TeamRepo
from cmtui.store.reports import ReportRepo
from cmtui.store.triage import TriageRepo

__all__ = ["Store", "InboxFilter", "transaction"]  # i18n: not shown


class Store:
    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.path = path
        self.accounts = AccountRepo(conn)
        self.inbox = InboxRepo(conn)
        self.entries = EntryRepo(conn)  # calendar_entries and its satellite tables
        self.outbox = OutboxRepo(conn)
        self.moderation = ModerationRepo(conn)
        self.rules = RuleRepo(conn)
        self.members = MemberRepo(conn)  # the people table
        self.reports = ReportRepo(conn)
        self.metrics = MetricsRepo(conn)
        self.replies = SavedReplyRepo(conn)
        self.triage = TriageRepo(conn)
        self.drafts = DraftRepo(conn)
        self.presence = PresenceRepo(conn)  # who is busy with an item now (a reply being written)
        self.demo = DemoRepo(conn)  # the demo's own writes (cmtui/demo*.py)
        self.activity = ActivityRepo(conn)  # the team's decisions that have no log of their own
        self.team = TeamRepo(conn)  # each teammate's open assignments, who is busy now
        self.ingest = IngestRepo(conn)  # the sync path's writer (the rules it runs are cmtui.sync.ingest's)

    @classmethod
    def open(cls, path: Path | str) -> "Store":  # i18n: not shown
        path = Path(path)
        return cls(connect(path), path)

    def media_dir(self) -> Path:
        """The folder of the images posts carry (cmtui.media), beside the database file."""
        if self.path is None:
            raise RuntimeError("an in-memory store keeps no media")  # i18n: not shown (a bug)
        return Path(self.path).expanduser().resolve().parent / "media"

    def reader(self) -> "Store | None":
        """A second, read-only store on the same file for a worker thread (None in memory)."""
        if self.path is None:
            return None
        return Store(connect_reader(self.path), self.path)

    def interrupt(self) -> None:
        """Stop the query running on this store's connection (from another thread)."""
        try:
            self.conn.interrupt()
        except sqlite3.ProgrammingError:  # already closed: nothing is running
            pass

    def transaction(self):
        return transaction(self.conn)

    # Settings a database carries with it (the demo's team, approvers and user), layered over
    # the user's settings file by cmtui.config.with_database_settings; the file is never written.
    SETTINGS_KEY = "settings"

    def database_settings(self) -> dict:
        from cmtui.store.base import loads

        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (self.SETTINGS_KEY,)).fetchone()
        value = loads(row[0], {}) if row else {}
        return value if isinstance(value, dict) else {}

    def set_database_settings(self, values: dict) -> None:
        from cmtui.store.base import dumps

        with transaction(self.conn):
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              (self.SETTINGS_KEY, dumps(values)))

    def is_empty(self) -> bool:
        """Nothing in it yet: no account, no inbox item, no calendar entry (a first run)."""
        return not self.conn.execute(
            "SELECT EXISTS (SELECT 1 FROM accounts) OR EXISTS (SELECT 1 FROM inbox_items)"
            " OR EXISTS (SELECT 1 FROM calendar_entries)").fetchone()[0]

    def quick_check(self) -> str:
        """SQLite's quick_check of this file: "ok", or the first problem it finds."""
        from cmtui.store.health import findings

        return findings(self.conn, full=False, limit=1)[0]

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the main file (before the file is moved or copied)."""
        from cmtui.store.health import checkpoint

        checkpoint(self.conn)

    def close(self) -> None:
        self.conn.close()

    def own_changes(self) -> int:
        """Rows changed through this connection so far (data_version says what others changed)."""
        return self.conn.total_changes

    def data_version(self) -> int:
        """SQLite's data_version: it changes when another connection commits (read without I/O)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]
