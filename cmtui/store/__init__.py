"""The local SQLite store: one connection, one repository per aggregate.

Screens and commands go through these repositories; no SQL lives outside this package.
"""

from __future__ import annotations

import importlib
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar, overload

from cmtui.store.db import connect, connect_reader, transaction
from cmtui.store.inbox import InboxFilter

if TYPE_CHECKING:
    from cmtui.store.accounts import AccountRepo
    from cmtui.store.activity import ActivityRepo
    from cmtui.store.demo_data import DemoRepo
    from cmtui.store.drafts import DraftRepo
    from cmtui.store.entries import EntryRepo
    from cmtui.store.inbox import InboxRepo
    from cmtui.store.ingest import IngestRepo
    from cmtui.store.members import MemberRepo
    from cmtui.store.metrics import MetricsRepo
    from cmtui.store.moderation import ModerationRepo
    from cmtui.store.outbox import OutboxRepo
    from cmtui.store.presence import PresenceRepo
    from cmtui.store.replies import SavedReplyRepo
    from cmtui.store.reports import ReportRepo
    from cmtui.store.rules import RuleRepo
    from cmtui.store.team import TeamRepo
    from cmtui.store.triage import TriageRepo

__all__ = ["Store", "InboxFilter", "transaction"]  # i18n: not shown


Repo = TypeVar("Repo")  # i18n: not shown


class _Repo(Generic[Repo]):
    """A repository built on the store's connection when first used: start-up imports only
    the modules the first screen reads (the calendar's, moderation's and the sync's wait)."""

    def __init__(self, target: str):
        self.module, _, self.name = target.partition(":")

    def __set_name__(self, owner: type, attribute: str) -> None:
        self.attribute = attribute

    @overload
    def __get__(self, store: None, owner: type | None = None) -> _Repo[Repo]: ...

    @overload
    def __get__(self, store: Store, owner: type | None = None) -> Repo: ...

    def __get__(self, store, owner=None):
        if store is None:
            return self
        repo = getattr(importlib.import_module(self.module), self.name)(store.conn)
        store.__dict__[self.attribute] = repo  # (found there from now on: no second call)
        return repo


class Store:
    accounts: _Repo[AccountRepo] = _Repo("cmtui.store.accounts:AccountRepo")
    inbox: _Repo[InboxRepo] = _Repo("cmtui.store.inbox:InboxRepo")
    entries: _Repo[EntryRepo] = _Repo("cmtui.store.entries:EntryRepo")  # calendar_entries and its satellite tables
    outbox: _Repo[OutboxRepo] = _Repo("cmtui.store.outbox:OutboxRepo")
    moderation: _Repo[ModerationRepo] = _Repo("cmtui.store.moderation:ModerationRepo")
    rules: _Repo[RuleRepo] = _Repo("cmtui.store.rules:RuleRepo")
    members: _Repo[MemberRepo] = _Repo("cmtui.store.members:MemberRepo")  # the people table
    reports: _Repo[ReportRepo] = _Repo("cmtui.store.reports:ReportRepo")
    metrics: _Repo[MetricsRepo] = _Repo("cmtui.store.metrics:MetricsRepo")
    replies: _Repo[SavedReplyRepo] = _Repo("cmtui.store.replies:SavedReplyRepo")
    triage: _Repo[TriageRepo] = _Repo("cmtui.store.triage:TriageRepo")
    drafts: _Repo[DraftRepo] = _Repo("cmtui.store.drafts:DraftRepo")
    presence: _Repo[PresenceRepo] = _Repo("cmtui.store.presence:PresenceRepo")  # who is busy with an item now
    demo: _Repo[DemoRepo] = _Repo("cmtui.store.demo_data:DemoRepo")  # the demo's own writes (cmtui/demo*.py)
    activity: _Repo[ActivityRepo] = _Repo("cmtui.store.activity:ActivityRepo")  # decisions with no log of their own
    team: _Repo[TeamRepo] = _Repo("cmtui.store.team:TeamRepo")  # each teammate's open assignments, who is busy now
    # The sync path's writer (the rules it runs are cmtui.sync.ingest's).
    ingest: _Repo[IngestRepo] = _Repo("cmtui.store.ingest:IngestRepo")

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None):
        self.conn = conn
        self.path = path

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
