"""Moderation and inbox rules (ordered, JSON conditions/actions), their dry-run stamps, and the
reads and writes the rules engine needs. The logic lives in cmtui.moderation.engine."""

from __future__ import annotations

import builtins  # the repo's own list() method shadows the builtin in its annotations
from typing import NamedTuple

from cmtui.store.base import Repo, dumps, loads, now
from cmtui.store.db import transaction


class RuleItem(NamedTuple):
    """An inbox item as the rules read it."""
    id: int
    account_id: int
    kind: str
    author: str
    text: str
    language: str | None
    created_at: str
    person_id: int | None


ITEM_COLUMNS = ", ".join(RuleItem._fields)


def _rule_item(cursor, row) -> RuleItem:
    return RuleItem._make(row)


def _chunks(values: list, size: int = 500):
    for start in range(0, len(values), size):
        yield values[start:start + size]


class RuleRepo(Repo):
    # -- the rules ---------------------------------------------------------------------------------
    def list(self, enabled_only: bool = False) -> list[dict]:
        where = " WHERE enabled = 1" if enabled_only else ""
        return [self._dict(r) for r in self._all(f"SELECT * FROM moderation_rules{where} ORDER BY position, id")]

    def get(self, name: str) -> dict | None:
        row = self._one("SELECT * FROM moderation_rules WHERE name = ?", (name,))
        return self._dict(row) if row else None

    @staticmethod
    def _dict(row) -> dict:
        return {"id": row["id"], "name": row["name"], "position": row["position"], "enabled": bool(row["enabled"]),
                "automatic": bool(row["automatic"]), "match": row["match"],
                "conditions": loads(row["conditions"], []), "actions": loads(row["actions"], [])}

    def version(self) -> str:
        """Changes whenever a rule is written: the engine recompiles only then."""
        return self._scalar("SELECT value FROM meta WHERE key = 'rules_version'") or "0"

    def _bump(self) -> None:
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES ('rules_version', '1') ON CONFLICT (key) DO UPDATE"
            " SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")

    def save(self, rule: dict, position: int | None = None) -> int:
        """Insert or update (by name) a validated rule; a new one goes last unless placed."""
        stamp = now()
        with transaction(self.conn):
            if position is None:
                existing = self._scalar("SELECT position FROM moderation_rules WHERE name = ?", (rule["name"],))
                position = existing if existing is not None else (
                    self._scalar("SELECT coalesce(max(position), 0) + 1 FROM moderation_rules"))
            row = self.conn.execute(
                "INSERT INTO moderation_rules (name, position, enabled, automatic, match, conditions, actions,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET position = excluded.position, enabled = excluded.enabled,"
                " automatic = excluded.automatic, match = excluded.match, conditions = excluded.conditions,"
                " actions = excluded.actions, updated_at = excluded.updated_at RETURNING id",
                (rule["name"], position, int(bool(rule.get("enabled"))), int(bool(rule.get("automatic"))),
                 rule.get("match", "all"), dumps(rule["conditions"]), dumps(rule["actions"]), stamp, stamp),
            ).fetchone()
            self._bump()
            return row[0]

    def delete(self, name: str) -> bool:
        with transaction(self.conn):
            gone = self.conn.execute("DELETE FROM moderation_rules WHERE name = ?", (name,)).rowcount
            self._bump()
        return bool(gone)

    def delete_all(self) -> None:
        with transaction(self.conn):
            self.conn.execute("DELETE FROM moderation_rules")
            self._bump()

    def set_enabled(self, name: str, enabled: bool) -> bool:
        with transaction(self.conn):
            n = self.conn.execute("UPDATE moderation_rules SET enabled = ?, updated_at = ? WHERE name = ?",
                                  (int(enabled), now(), name)).rowcount
            self._bump()
        return bool(n)

    def reorder(self, names: builtins.list[str]) -> None:
        """Give the rules these positions (1, 2, ...) in this order; others keep theirs, after."""
        with transaction(self.conn):
            for position, name in enumerate(names, 1):
                self.conn.execute("UPDATE moderation_rules SET position = ? WHERE name = ?", (position, name))
            self._bump()

    # -- dry-run stamps (meta 'rule_dry_run:<name>') ------------------------------------------------------
    def stamp(self, name: str) -> dict | None:
        return loads(self._scalar("SELECT value FROM meta WHERE key = ?", (f"rule_dry_run:{name}",)), None)

    def set_stamp(self, name: str, value: dict) -> None:
        with transaction(self.conn):
            self.conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)",
                              (f"rule_dry_run:{name}", dumps(value)))

    # -- what the engine reads ----------------------------------------------------------------------------
    def account_ids(self) -> dict[str, int]:
        return {r[0]: r[1] for r in self.conn.execute("SELECT name, id FROM accounts")}

    def items_after(self, before_id: int) -> builtins.list[RuleItem]:
        cur = self.conn.cursor()
        cur.row_factory = _rule_item
        return cur.execute(f"SELECT {ITEM_COLUMNS} FROM inbox_items WHERE id > ? ORDER BY id", (before_id,)).fetchall()

    def items_between(self, low: int, high: int) -> builtins.list[RuleItem]:
        """Items with low < id <= high, in id order (a rowid range: no sort, no index)."""
        cur = self.conn.cursor()
        cur.row_factory = _rule_item
        return cur.execute(f"SELECT {ITEM_COLUMNS} FROM inbox_items WHERE id > ? AND id <= ?",
                           (low, high)).fetchall()

    def id_bounds(self) -> tuple[int, int, int]:
        row = self.conn.execute("SELECT coalesce(min(id), 0), coalesce(max(id), 0), count(*) FROM inbox_items"
                                ).fetchone()
        return row[0], row[1], row[2]

    def people(self, ids) -> dict[int, tuple]:
        ids = [i for i in set(ids) if i is not None]
        out: dict[int, tuple] = {}
        for chunk in _chunks(ids):
            for row in self.conn.execute(
                    f"SELECT id, account_created_at, watch FROM people WHERE id IN ({','.join('?' * len(chunk))})",
                    chunk):
                out[row[0]] = (row[1], row[2])
        return out

    def recent_texts(self, person_ids, before_id: int, since: str, until: str) -> builtins.list[tuple]:
        """(person_id, text, created_at) of these people's items with id <= before_id created in
        [since, until], oldest first: what a flood condition compares new items with."""
        out: list[tuple] = []
        cur = self.conn.cursor()
        cur.row_factory = None
        for chunk in _chunks(list(person_ids)):
            out.extend(cur.execute(
                f"SELECT person_id, text, created_at FROM inbox_items WHERE person_id IN"  # i18n: not shown (SQL)
                f" ({','.join('?' * len(chunk))}) AND id <= ? AND created_at BETWEEN ? AND ? ORDER BY id",
                [*chunk, before_id, since, until]).fetchall())
        return out

    # -- what the engine writes ------------------------------------------------------------------------------
    def apply(self, flags: builtins.list[tuple], labels: builtins.list[tuple], assigns: builtins.list[tuple],
              done: builtins.list[int], hide: builtins.list[int]) -> None:
        """flags: (item_id, rule_id, rule, reason, matched list); labels: (item_id, label);
        assigns: (item_id, who). Joins the caller's transaction (ingest) if there is one."""
        stamp = now()
        with transaction(self.conn):
            if flags:
                self.conn.executemany(
                    "INSERT INTO moderation_flags (item_id, rule_id, rule, reason, matched, created_at)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    [(i, rid, rule, reason, dumps(list(matched)), stamp) for i, rid, rule, reason, matched in flags])
            if labels:
                self.conn.executemany(
                    "UPDATE inbox_items SET labels = json_insert(labels, '$[#]', ?2) WHERE id = ?1"
                    " AND NOT EXISTS (SELECT 1 FROM json_each(inbox_items.labels) WHERE value = ?2)", labels)
            if assigns:
                self.conn.executemany("UPDATE inbox_items SET assignee = ?2 WHERE id = ?1", assigns)
            if done:
                self.conn.executemany("UPDATE inbox_items SET state = 'done', done_at = ?2 WHERE id = ?1"
                                      " AND state != 'done'", [(i, stamp) for i in done])
            if hide:
                self.conn.executemany("UPDATE inbox_items SET hidden = 1 WHERE id = ?", [(i,) for i in hide])

    def item(self, item_id: int):
        return self._one("SELECT * FROM inbox_items WHERE id = ?", (item_id,))
