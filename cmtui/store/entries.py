"""Calendar entries, the one repository of calendar_entries and its satellite tables
(entry_transitions, entry_variants, entry_skips): entry rows, their status history, variants,
skipped and materialized occurrences, the snapshot that lets a deletion be undone (it names
the entry's operations and post counters too, to link them back), and whole records for
calendar files (export and import). An entry's operations are the outbox repository's.

The rules live in cmtui.planning; this module only reads and writes rows.

An entry's external identity in a calendar file is its uid: the one stored (it came from a
file) or, for an entry made here, cmtui-entry-<id>@<database id>. An occurrence of a series
(parent_id set) is identified by its parent's uid and its occurrence time instead.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

from cmtui.i18n import _
from cmtui.errors import InputError
from cmtui.store.base import Repo, inserted_id, loads, marks as _in, now
from cmtui.store.db import transaction

_COLUMNS = "e.*, a.name AS account"  # i18n: not shown (SQL)
_FROM = "FROM calendar_entries e LEFT JOIN accounts a ON a.id = e.account_id"
# Columns a child occurrence takes from its series.
_INHERITED = ("account_id", "text", "language", "visibility", "content_warning", "campaign", "campaign_color",
              "notes", "place", "media", "thread")


class EntryRepo(Repo):
    # -- rows -----------------------------------------------------------------------------
    def get(self, entry_id):
        return self._one(f"SELECT {_COLUMNS} {_FROM} WHERE e.id = ?", (entry_id,))

    def require(self, entry_id):
        try:
            key = int(str(entry_id).strip())
        except (TypeError, ValueError):
            raise InputError(_("'{id}' is not a calendar entry id (a number)").format(id=entry_id)) from None
        row = self.get(key)
        if row is None:
            raise InputError(_("no calendar entry {id}").format(id=key))
        return row

    def add(self, account_id: int | None, text: str, status: str = "draft", *, who: str = "",
            **fields) -> int:
        """A new entry with its first transition (from nothing to status); its own transaction."""
        fields = {k: v for k, v in fields.items() if v is not None}
        with transaction(self.conn):
            entry_id = self.insert({"account_id": account_id, "text": text, "status": status, "created_by": who,
                                    **fields})
            self.record_transition(entry_id, None, status, who)
            return entry_id

    def insert(self, fields: dict, entry_id: int | None = None) -> int:
        """Insert one entry from its column values (created_at and updated_at default to now),
        with this id if given; the caller holds the transaction."""
        stamp = now()
        fields = {"created_at": stamp, "updated_at": stamp, **fields}
        if entry_id is not None:
            fields = {"id": entry_id, **fields}
        cur = self.conn.execute(
            f"INSERT INTO calendar_entries ({', '.join(fields)}) VALUES ({_in(fields)})", list(fields.values()))
        return inserted_id(cur)

    def update(self, entry_id: int, fields: dict, *, touch: bool = True) -> None:
        """Set these columns; updated_at becomes now unless not `touch` (a record from a file
        keeps its own)."""
        if not fields:
            return
        if touch:
            fields = {**fields, "updated_at": now()}
        self.conn.execute(f"UPDATE calendar_entries SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
                          [*fields.values(), entry_id])

    def delete(self, entry_id: int) -> None:
        self.conn.execute("DELETE FROM calendar_entries WHERE id = ?", (entry_id,))

    def children(self, parent_id: int) -> list:
        return self._all(f"SELECT {_COLUMNS} {_FROM} WHERE e.parent_id = ? ORDER BY e.occurrence_at", (parent_id,))

    def child(self, parent_id: int, occurrence_at: str):
        return self._one(f"SELECT {_COLUMNS} {_FROM} WHERE e.parent_id = ? AND e.occurrence_at = ?",
                         (parent_id, occurrence_at))

    def add_child(self, series, occurrence_at: str, *, who: str, status: str = "scheduled") -> int | None:
        """A series' occurrence as a row of its own; None if it already exists."""
        stamp = now()
        values = [series[c] for c in _INHERITED]
        cur = self.conn.execute(
            f"INSERT OR IGNORE INTO calendar_entries ({', '.join(_INHERITED)}, status, scheduled_at, parent_id,"
            f" occurrence_at, created_by, created_at, updated_at) VALUES ({_in(_INHERITED)}, ?, ?, ?, ?, ?, ?, ?)",
            [*values, status, occurrence_at, series["id"], occurrence_at, who, stamp, stamp])
        if cur.rowcount != 1:
            return None
        child_id = inserted_id(cur)
        self.conn.execute("INSERT INTO entry_variants (entry_id, account_id, text)"
                          " SELECT ?, account_id, text FROM entry_variants WHERE entry_id = ?", (child_id, series["id"]))
        self.conn.execute("INSERT INTO entry_transitions (entry_id, at, who, from_status, to_status, comment)"
                          " VALUES (?, ?, ?, NULL, ?, ?)",
                          (child_id, stamp, who, status, f"occurrence of entry {series['id']}"))  # i18n: not shown (the log's stored note)
        return child_id

    # -- status history ------------------------------------------------------------------------
    def record_transition(self, entry_id: int, from_status: str | None, to_status: str, who: str,
                          comment: str = "", at: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO entry_transitions (entry_id, at, who, from_status, to_status, comment)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (entry_id, at or now(), who, from_status, to_status, comment),
        )

    def transitions(self, entry_id: int) -> list:
        return self._all("SELECT * FROM entry_transitions WHERE entry_id = ? ORDER BY at, id", (entry_id,))

    def approval_requests(self, entry_ids) -> dict[int, tuple[str, str]]:
        """Entry id -> (who, at) of its latest transition into needs_approval, for these entries."""
        ids = list(entry_ids)
        found: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):  # (SQLite's limit on bound values)
            chunk = ids[start:start + 500]
            for row in self._all(f"SELECT entry_id, who, at FROM entry_transitions WHERE to_status = 'needs_approval'"
                                 f" AND entry_id IN ({_in(chunk)}) ORDER BY at, id", chunk):
                found[row["entry_id"]] = (row["who"], row["at"])  # the latest wins
        return found

    def editors(self, entry_ids) -> dict[int, set[str]]:
        """Entry id -> who changed its content (the transitions an edit records, whose comment
        is cmtui.planning.lifecycle.EDITED), for these entries."""
        ids = list(entry_ids)
        found: dict[int, set[str]] = {}
        for start in range(0, len(ids), 500):  # (SQLite's limit on bound values)
            chunk = ids[start:start + 500]
            for row in self._all(f"SELECT DISTINCT entry_id, who FROM entry_transitions WHERE comment = 'edited'"
                                 f" AND entry_id IN ({_in(chunk)})", chunk):
                found.setdefault(row["entry_id"], set()).add(row["who"])
        return found

    # -- variants --------------------------------------------------------------------------
    @staticmethod
    def media(entry) -> list[dict]:
        """The images an entry row carries (model.Attachment dicts), in order."""
        found = loads(entry["media"], []) if "media" in entry.keys() else []
        return [a for a in found if isinstance(a, dict)] if isinstance(found, list) else []

    def variants(self, entry_id: int) -> list:
        return self._all("SELECT v.account_id, v.text, a.name AS account FROM entry_variants v"
                         " JOIN accounts a ON a.id = v.account_id WHERE v.entry_id = ? ORDER BY a.name", (entry_id,))

    def variant_texts(self, entry_id: int) -> dict[str, str]:
        """Account name -> the entry's wording for it."""
        return self._pairs(
            "SELECT a.name, v.text FROM entry_variants v JOIN accounts a ON a.id = v.account_id"
            " WHERE v.entry_id = ? ORDER BY a.name", (entry_id,))

    def set_variants(self, entry_id: int, variants: dict[int, str]) -> None:
        self.conn.execute("DELETE FROM entry_variants WHERE entry_id = ?", (entry_id,))
        self.conn.executemany("INSERT INTO entry_variants (entry_id, account_id, text) VALUES (?, ?, ?)",
                              [(entry_id, account_id, text) for account_id, text in variants.items()])

    def variant_accounts(self, ids) -> dict[int, list[str]]:
        """Entry id -> the names of the accounts its variants post to (calendar conflicts)."""
        ids = list(ids)
        out: dict[int, list[str]] = {}
        if ids:
            for entry_id, name in self._all(
                f"SELECT v.entry_id, a.name FROM entry_variants v JOIN accounts a ON a.id = v.account_id"
                f" WHERE v.entry_id IN ({_in(ids)}) ORDER BY a.name", ids):
                out.setdefault(entry_id, []).append(name)
        return out

    # -- skipped occurrences -----------------------------------------------------------------
    def skips(self, entry_id: int) -> list[str]:
        return [r[0] for r in self._all("SELECT occurrence_at FROM entry_skips WHERE entry_id = ?"
                                        " ORDER BY occurrence_at", (entry_id,))]

    def skips_of(self, ids, start: str | None, end: str | None) -> set[tuple[int, str]]:
        ids = list(ids)
        if not ids:
            return set()
        sql = f"SELECT entry_id, occurrence_at FROM entry_skips WHERE entry_id IN ({_in(ids)})"
        params = list(ids)
        if start:
            sql += " AND occurrence_at >= ?"
            params.append(start)
        if end:
            sql += " AND occurrence_at < ?"
            params.append(end)
        return {(r[0], r[1]) for r in self._all(sql, params)}

    def add_skip(self, entry_id: int, occurrence_at: str) -> None:
        self.conn.execute("INSERT OR IGNORE INTO entry_skips (entry_id, occurrence_at) VALUES (?, ?)",
                          (entry_id, occurrence_at))

    def remove_skip(self, entry_id: int, occurrence_at: str) -> bool:
        return self.conn.execute("DELETE FROM entry_skips WHERE entry_id = ? AND occurrence_at = ?",
                                 (entry_id, occurrence_at)).rowcount == 1

    def replace_skips(self, entry_id: int, skips: list[str]) -> None:
        self.conn.execute("DELETE FROM entry_skips WHERE entry_id = ?", (entry_id,))
        self.conn.executemany("INSERT OR IGNORE INTO entry_skips (entry_id, occurrence_at) VALUES (?, ?)",
                              [(entry_id, s) for s in skips])

    # -- what the calendar views read ----------------------------------------------------------
    def between(self, start: str | None, end: str | None, include_undated: bool = False) -> list:
        """Entries whose time (scheduled, else published) falls in [start, end), by time."""
        when = "coalesce(e.scheduled_at, e.published_at)"
        clauses, params = [], []
        if start:
            clauses.append(f"{when} >= ?")
            params.append(start)
        if end:
            clauses.append(f"{when} < ?")
            params.append(end)
        where = " AND ".join(clauses) or "1"
        if include_undated:
            where = f"({where}) OR {when} IS NULL"  # i18n: not shown (SQL)
        return self._all(
            f"SELECT {_COLUMNS} {_FROM} WHERE e.parent_id IS NULL AND ({where})"
            f" ORDER BY {when} IS NULL, {when}, e.id",
            params,
        )

    def undated(self) -> list:
        """Ideas and drafts without a time (the agenda's last section), newest first."""
        return self._all(f"SELECT {_COLUMNS} {_FROM} WHERE e.parent_id IS NULL AND e.scheduled_at IS NULL"
                         " AND e.published_at IS NULL AND e.status NOT IN ('cancelled')"
                         " ORDER BY e.updated_at DESC, e.id DESC")

    def awaiting_approval(self) -> list:
        """Entries waiting for approval, a series as one row (its occurrences waiting with it
        are left out), oldest request first: each with who asked and when (the latest
        transition into needs_approval) and its variants' account names, one per line."""
        asked = ("SELECT {} FROM entry_transitions t WHERE t.entry_id = e.id AND t.to_status = 'needs_approval'"
                 " ORDER BY t.at DESC, t.id DESC LIMIT 1")  # i18n: not shown (SQL)
        return self._all(
            f"SELECT {_COLUMNS}, ({asked.format('t.who')}) AS requested_by, ({asked.format('t.at')}) AS requested_at,"
            " (SELECT group_concat(va.name, char(10)) FROM entry_variants v JOIN accounts va ON va.id = v.account_id"
            f" WHERE v.entry_id = e.id) AS variant_accounts {_FROM} WHERE e.status = 'needs_approval'"
            " AND NOT EXISTS (SELECT 1 FROM calendar_entries p WHERE p.id = e.parent_id"
            " AND p.status = 'needs_approval') ORDER BY requested_at IS NULL, requested_at, e.id")

    def awaiting_count(self, not_by: str | None = None) -> int:
        """How many rows awaiting_approval() lists (a series once); with `not_by`, less those
        that person is an author of (created it, last asked or changed its words; for an
        occurrence, its series too: cmtui.planning.approval.authors): what they may decide
        under approval = "other". Reads only the waiting entries (the status index) and
        their transitions."""
        own = ""
        if not_by:
            mine = ("({0}.created_by = :who COLLATE NOCASE"  # i18n: not shown (SQL)
                    " OR (SELECT t.who FROM entry_transitions t WHERE t.entry_id = {0}.id"
                    " AND t.to_status = 'needs_approval' ORDER BY t.at DESC, t.id DESC LIMIT 1) = :who COLLATE NOCASE"
                    " OR EXISTS (SELECT 1 FROM entry_transitions t WHERE t.entry_id = {0}.id AND t.comment = 'edited'"
                    " AND t.who = :who COLLATE NOCASE))")
            own = (f" AND NOT ({mine.format('e')} OR EXISTS (SELECT 1 FROM calendar_entries s"  # i18n: not shown (SQL)
                   f" WHERE s.id = e.parent_id AND {mine.format('s')}))")
        return self._scalar(
            "SELECT count(*) FROM calendar_entries e WHERE e.status = 'needs_approval' AND NOT EXISTS"
            " (SELECT 1 FROM calendar_entries p WHERE p.id = e.parent_id AND p.status = 'needs_approval')" + own,
            {"who": not_by}) or 0

    def status_counts(self) -> dict[str, int]:
        return self._pairs("SELECT status, count(*) FROM calendar_entries GROUP BY status")

    def published_since(self, since: str, account_id: int | None = None) -> int:
        sql = "SELECT count(*) FROM calendar_entries WHERE status = 'published' AND published_at >= ?"
        params: list = [since]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        return self._scalar(sql, params)

    def singles_between(self, start: str, end: str) -> list:
        """Entries without a rule (single ones and materialized occurrences) whose time
        (scheduled, else published) is in [start, end). Two index ranges on scheduled_at."""
        rows = self._all(f"SELECT {_COLUMNS} {_FROM} WHERE e.scheduled_at >= ? AND e.scheduled_at < ?"
                         " AND e.rrule IS NULL", (start, end))
        rows += self._all(f"SELECT {_COLUMNS} {_FROM} WHERE e.scheduled_at IS NULL AND e.published_at >= ?"
                          " AND e.published_at < ? AND e.rrule IS NULL", (start, end))
        return rows

    def series_before(self, end: str) -> list:
        """Series (entries with a rule) that start before end."""
        return self._all(f"SELECT {_COLUMNS} {_FROM} WHERE e.rrule IS NOT NULL AND e.scheduled_at < ?"
                         " AND e.parent_id IS NULL", (end,))

    def children_at(self, ids, start: str, end: str) -> set[tuple[int, str]]:
        """(series id, occurrence_at) of the materialized occurrences in [start, end)."""
        ids = list(ids)
        if not ids:
            return set()
        return {(r[0], r[1]) for r in self._all(
            f"SELECT parent_id, occurrence_at FROM calendar_entries WHERE parent_id IS NOT NULL"
            f" AND parent_id IN ({_in(ids)}) AND occurrence_at >= ? AND occurrence_at < ?", [*ids, start, end])}

    def active_series(self) -> list:
        return self._all(f"SELECT {_COLUMNS} {_FROM} WHERE e.rrule IS NOT NULL AND e.status = 'scheduled'"
                         " AND e.account_id IS NOT NULL AND e.parent_id IS NULL AND e.scheduled_at IS NOT NULL")

    def scheduled_since(self, entry_id: int) -> str | None:
        """When the entry last became scheduled."""
        return self._scalar("SELECT max(at) FROM entry_transitions WHERE entry_id = ? AND to_status = 'scheduled'",
                            (entry_id,))

    def server_scheduled_due(self, account_id: int, now_text: str) -> list:
        """Entries the server holds as scheduled posts whose time has come."""
        return self._all("SELECT * FROM calendar_entries WHERE account_id = ? AND status = 'scheduled'"
                         " AND server_scheduled_id IS NOT NULL AND scheduled_at <= ?", (account_id, now_text))

    def remote_ids(self, account_id: int) -> set[str]:
        """The platform ids of the account's published entries."""
        return {r[0] for r in self._all("SELECT remote_id FROM calendar_entries WHERE account_id = ?"
                                        " AND remote_id IS NOT NULL", (account_id,))}

    def forget_server_scheduled(self, entry_id: int, scheduled_id: str, stamp: str) -> None:
        """The server no longer holds this scheduled post of the entry (if it is still the one
        the entry names: a newer one is kept)."""
        self.conn.execute("UPDATE calendar_entries SET server_scheduled_id = NULL, updated_at = ?"
                          " WHERE id = ? AND server_scheduled_id = ?", (stamp, entry_id, scheduled_id))

    # -- undoable deletion ---------------------------------------------------------------------------
    def snapshot(self, ids: list[int]) -> dict:
        """Everything a deletion of these entries removes or unlinks, as JSON-able data."""
        marks = _in(ids)

        def rows(sql):
            return [dict(r) for r in self._all(sql, ids)]

        return {
            "entries": rows(f"SELECT * FROM calendar_entries WHERE id IN ({marks}) ORDER BY parent_id IS NOT NULL, id"),
            "variants": rows(f"SELECT * FROM entry_variants WHERE entry_id IN ({marks})"),
            "skips": rows(f"SELECT * FROM entry_skips WHERE entry_id IN ({marks})"),
            "transitions": rows(f"SELECT * FROM entry_transitions WHERE entry_id IN ({marks}) ORDER BY id"),
            "linked_ops": [[r[0], r[1]] for r in self._all(
                f"SELECT id, entry_id FROM outbox WHERE entry_id IN ({marks})", ids)],
            "post_stats": [[r[0], r[1], r[2]] for r in self._all(
                f"SELECT account_id, remote_id, entry_id FROM post_stats WHERE entry_id IN ({marks})", ids)],
        }

    def restore(self, snap: dict) -> dict[int, int]:
        """Put back what snapshot() saw; returns old id -> new id (the same unless taken)."""
        mapping: dict[int, int] = {}
        for row in snap["entries"]:
            row = dict(row)
            old = row["id"]
            if row.get("parent_id") is not None:
                row["parent_id"] = mapping.get(row["parent_id"], row["parent_id"])
            if self._one("SELECT 1 FROM calendar_entries WHERE id = ?", (old,)) is not None:
                del row["id"]
            cur = self.conn.execute(f"INSERT INTO calendar_entries ({', '.join(row)}) VALUES ({_in(row)})",
                                    list(row.values()))
            mapping[old] = inserted_id(cur)
        self.conn.executemany("INSERT OR IGNORE INTO entry_variants (entry_id, account_id, text) VALUES (?, ?, ?)",
                              [(mapping[v["entry_id"]], v["account_id"], v["text"]) for v in snap["variants"]
                               if self._one("SELECT 1 FROM accounts WHERE id = ?", (v["account_id"],))])
        self.conn.executemany("INSERT OR IGNORE INTO entry_skips (entry_id, occurrence_at) VALUES (?, ?)",
                              [(mapping[s["entry_id"]], s["occurrence_at"]) for s in snap["skips"]])
        self.conn.executemany(
            "INSERT INTO entry_transitions (entry_id, at, who, from_status, to_status, comment)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [(mapping[t["entry_id"]], t["at"], t["who"], t["from_status"], t["to_status"], t["comment"])
             for t in snap["transitions"]])
        self.conn.executemany("UPDATE outbox SET entry_id = ? WHERE id = ? AND entry_id IS NULL",
                              [(mapping[entry], op) for op, entry in snap["linked_ops"]])
        self.conn.executemany("UPDATE post_stats SET entry_id = ? WHERE account_id = ? AND remote_id = ?"
                              " AND entry_id IS NULL",
                              [(mapping[entry], account, remote) for account, remote, entry in snap["post_stats"]])
        return mapping

    # -- whole records, for calendar files ---------------------------------------------------------
    @contextmanager
    def reading(self):
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
                raise RuntimeError("database has no database_id")  # i18n: not shown (a bug, for developers)
        return self._database_id

    def default_uid(self, entry_id: int) -> str:
        return f"cmtui-entry-{entry_id}@{self.database_id()}"

    def all_entries(self):
        """Every entry, occurrences included, by time (undated last), then id; with the
        account's name as `account`."""
        when = "coalesce(e.scheduled_at, e.published_at, e.occurrence_at)"
        return self.conn.execute(f"SELECT {_COLUMNS} {_FROM} ORDER BY {when} IS NULL, {when}, e.id")  # i18n: not shown (SQL)

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
