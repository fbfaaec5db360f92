"""Calendar entries as whole records, for export to and import from calendar files.

An entry's external identity is its uid: the one stored (it came from a file) or, for an
entry made here, cmtui-entry-<id>@<database id>. An occurrence of a series (parent_id set)
is identified by its parent's uid and its occurrence time instead.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from cmtui.store.base import Repo

# The columns a calendar file carries (besides the account, variants and skips).
FILE_COLUMNS = (
    "status", "scheduled_at", "published_at", "text", "language", "visibility", "content_warning",
    "campaign", "campaign_color", "notes", "rrule", "remote_id", "url", "last_error", "late",
    "created_by", "created_at", "updated_at",
)


class CalendarFileRepo(Repo):
    @contextmanager
    def snapshot(self):
        """Several reads that see one state of the file (a read transaction)."""
        if self.conn.in_transaction:
            yield
            return
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")

    def database_id(self) -> str:
        """A random name given to the database once (migration 6); it never changes."""
        if getattr(self, "_database_id", None) is None:
            self._database_id = self._scalar("SELECT value FROM meta WHERE key = 'database_id'")
            if self._database_id is None:  # only a database written without migration 6 lacks it
                raise RuntimeError("database has no database_id")
        return self._database_id

    def default_uid(self, entry_id: int) -> str:
        return f"cmtui-entry-{entry_id}@{self.database_id()}"

    def all_entries(self):
        """Every entry, occurrences included, by time (undated last), then id; with the
        account's name as `account`."""
        when = "coalesce(e.scheduled_at, e.published_at, e.occurrence_at)"
        return self.conn.execute(
            "SELECT e.*, a.name AS account FROM calendar_entries e"
            " LEFT JOIN accounts a ON a.id = e.account_id"
            f" ORDER BY {when} IS NULL, {when}, e.id"
        )

    def uids(self) -> dict[int, str]:
        """The uid of every series-level entry (stored, else the default one)."""
        dbid = self.database_id()
        return {row[0]: row[1] or f"cmtui-entry-{row[0]}@{dbid}"
                for row in self._all("SELECT id, uid FROM calendar_entries WHERE parent_id IS NULL")}

    def all_variants(self) -> dict[int, dict[str, str]]:
        out: dict[int, dict[str, str]] = {}
        for entry_id, name, text in self._all(
            "SELECT v.entry_id, a.name, v.text FROM entry_variants v JOIN accounts a ON a.id = v.account_id"
            " ORDER BY v.entry_id, a.name"
        ):
            out.setdefault(entry_id, {})[name] = text
        return out

    def all_skips(self) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        for entry_id, at in self._all("SELECT entry_id, occurrence_at FROM entry_skips ORDER BY entry_id, occurrence_at"):
            out.setdefault(entry_id, []).append(at)
        return out

    def entry(self, entry_id: int):
        return self._one(
            "SELECT e.*, a.name AS account FROM calendar_entries e LEFT JOIN accounts a ON a.id = e.account_id"
            " WHERE e.id = ?", (entry_id,))

    def variants(self, entry_id: int) -> dict[str, str]:
        return dict(self._all(
            "SELECT a.name, v.text FROM entry_variants v JOIN accounts a ON a.id = v.account_id"
            " WHERE v.entry_id = ? ORDER BY a.name", (entry_id,)))

    def skips(self, entry_id: int) -> list[str]:
        return [r[0] for r in self._all(
            "SELECT occurrence_at FROM entry_skips WHERE entry_id = ? ORDER BY occurrence_at", (entry_id,))]

    def find_uid(self, uid: str) -> int | None:
        """The series-level entry with this uid, stored or default."""
        found = self._scalar("SELECT id FROM calendar_entries WHERE uid = ? AND parent_id IS NULL", (uid,))
        if found is not None:
            return found
        match = re.fullmatch(r"cmtui-entry-(\d+)@([0-9a-f]+)", uid)
        if match and match.group(2) == self.database_id():
            return self._scalar("SELECT id FROM calendar_entries WHERE id = ? AND uid IS NULL AND parent_id IS NULL",
                                (int(match.group(1)),))
        return None

    def find_occurrence(self, parent_id: int, occurrence_at: str) -> int | None:
        return self._scalar("SELECT id FROM calendar_entries WHERE parent_id = ? AND occurrence_at = ?",
                            (parent_id, occurrence_at))

    def id_free(self, entry_id: int) -> bool:
        return self._scalar("SELECT 1 FROM calendar_entries WHERE id = ?", (entry_id,)) is None

    def insert(self, values: dict, entry_id: int | None = None) -> int:
        """Insert one entry from its column values; the caller holds the transaction."""
        columns = list(values)
        params = list(values.values())
        if entry_id is not None:
            columns.insert(0, "id")
            params.insert(0, entry_id)
        cur = self.conn.execute(
            f"INSERT INTO calendar_entries ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})", params)
        return cur.lastrowid

    def update(self, entry_id: int, values: dict) -> None:
        if values:
            self.conn.execute(f"UPDATE calendar_entries SET {', '.join(f'{k} = ?' for k in values)} WHERE id = ?",
                              [*values.values(), entry_id])

    def set_variants(self, entry_id: int, variants: dict[int, str]) -> None:
        self.conn.execute("DELETE FROM entry_variants WHERE entry_id = ?", (entry_id,))
        self.conn.executemany("INSERT INTO entry_variants (entry_id, account_id, text) VALUES (?, ?, ?)",
                              [(entry_id, account_id, text) for account_id, text in variants.items()])

    def set_skips(self, entry_id: int, skips: list[str]) -> None:
        self.conn.execute("DELETE FROM entry_skips WHERE entry_id = ?", (entry_id,))
        self.conn.executemany("INSERT INTO entry_skips (entry_id, occurrence_at) VALUES (?, ?)",
                              [(entry_id, at) for at in skips])
