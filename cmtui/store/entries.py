"""The SQL behind the calendar's planning logic (cmtui.planning): entry rows, variants,
skipped occurrences, materialized occurrences, the outbox operations of an entry, and the
snapshot that lets a deletion be undone. The rules live in cmtui.planning; this module only
reads and writes rows."""

from __future__ import annotations

from cmtui.errors import InputError
from cmtui.store.base import Repo, now

_COLUMNS = "e.*, a.name AS account"
_FROM = "FROM calendar_entries e LEFT JOIN accounts a ON a.id = e.account_id"
# Columns a child occurrence takes from its series.
_INHERITED = ("account_id", "text", "language", "visibility", "content_warning", "campaign", "campaign_color",
              "notes")


def _in(values) -> str:
    return ",".join("?" * len(values))


class EntryRepo(Repo):
    # -- rows -----------------------------------------------------------------------------
    def get(self, entry_id):
        return self._one(f"SELECT {_COLUMNS} {_FROM} WHERE e.id = ?", (entry_id,))

    def require(self, entry_id):
        try:
            key = int(str(entry_id).strip())
        except (TypeError, ValueError):
            raise InputError(f"'{entry_id}' is not a calendar entry id (a number)") from None
        row = self.get(key)
        if row is None:
            raise InputError(f"no calendar entry {key}")
        return row

    def insert(self, fields: dict) -> int:
        stamp = now()
        fields = {"created_at": stamp, "updated_at": stamp, **fields}
        cur = self.conn.execute(
            f"INSERT INTO calendar_entries ({', '.join(fields)}) VALUES ({_in(fields)})", list(fields.values()))
        return cur.lastrowid

    def update(self, entry_id: int, fields: dict) -> None:
        if not fields:
            return
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
        child_id = cur.lastrowid
        self.conn.execute("INSERT INTO entry_variants (entry_id, account_id, text)"
                          " SELECT ?, account_id, text FROM entry_variants WHERE entry_id = ?", (child_id, series["id"]))
        self.conn.execute("INSERT INTO entry_transitions (entry_id, at, who, from_status, to_status, comment)"
                          " VALUES (?, ?, ?, NULL, ?, ?)",
                          (child_id, stamp, who, status, f"occurrence of entry {series['id']}"))
        return child_id

    # -- variants --------------------------------------------------------------------------
    def variants(self, entry_id: int) -> list:
        return self._all("SELECT v.account_id, v.text, a.name AS account FROM entry_variants v"
                         " JOIN accounts a ON a.id = v.account_id WHERE v.entry_id = ? ORDER BY a.name", (entry_id,))

    def set_variants(self, entry_id: int, variants: dict[int, str]) -> None:
        self.conn.execute("DELETE FROM entry_variants WHERE entry_id = ?", (entry_id,))
        self.conn.executemany("INSERT INTO entry_variants (entry_id, account_id, text) VALUES (?, ?, ?)",
                              [(entry_id, account_id, text) for account_id, text in variants.items()])

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

    # -- the entry's outbox operations ------------------------------------------------------------
    def ops_for(self, entry_id: int) -> list:
        return self._all("SELECT * FROM outbox WHERE entry_id = ? ORDER BY id", (entry_id,))

    def rewrite_op(self, op_id: int, payload_json: str) -> bool:
        """Change an operation that never left (pending, no attempt yet)."""
        return self.conn.execute(
            "UPDATE outbox SET payload = ?, updated_at = ? WHERE id = ? AND state = 'pending' AND attempts = 0",
            (payload_json, now(), op_id)).rowcount == 1

    def drop_op(self, op_id: int) -> bool:
        """Withdraw an operation that never left (pending, no attempt yet)."""
        return self.conn.execute("DELETE FROM outbox WHERE id = ? AND state = 'pending' AND attempts = 0",
                                 (op_id,)).rowcount == 1

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
            mapping[old] = cur.lastrowid
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

    def reinsert_op(self, op: dict, entry_id: int) -> int:
        """An operation withdrawn with a deleted entry (it never left), queued again."""
        op = {k: v for k, v in op.items() if k != "id"} | {"entry_id": entry_id, "updated_at": now()}
        cur = self.conn.execute(f"INSERT INTO outbox ({', '.join(op)}) VALUES ({_in(op)})", list(op.values()))
        return cur.lastrowid

    def op(self, op_id: int):
        return self._one("SELECT * FROM outbox WHERE id = ?", (op_id,))

    def link_op(self, op_id: int, entry_id: int) -> None:
        self.conn.execute("UPDATE outbox SET entry_id = ? WHERE id = ?", (entry_id, op_id))
