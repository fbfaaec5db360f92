"""Moderation flags, instance reports, the audit log and the community guidelines."""

from __future__ import annotations

from cmtui.store.base import Repo, dumps, inserted_id, loads, now
from cmtui.store.db import transaction


def flag_json(row) -> dict:
    return {
        "id": row["id"],
        "item_id": row["item_id"],
        "report_id": row["report_id"],
        "reason": row["reason"],
        "rule": row["rule"],
        "matched": loads(row["matched"], []),
        "author": row["author"],
        "text": row["text"],
        "account": row["account"],
        "state": row["state"],
        "created_at": row["created_at"],
    }


def log_json(row) -> dict:
    return {key: row[key] for key in ("id", "at", "who", "action", "item_id", "report_id", "comment")}


_QUEUE = (
    "SELECT f.*, coalesce(i.author, r.target_acct) AS author, coalesce(i.text, r.comment) AS text,"
    " a.name AS account, i.created_at AS item_created_at, i.place AS place"
    " FROM moderation_flags f"
    " LEFT JOIN inbox_items i ON i.id = f.item_id"
    " LEFT JOIN platform_reports r ON r.id = f.report_id"
    " LEFT JOIN accounts a ON a.id = coalesce(i.account_id, r.account_id)"
)


class ModerationRepo(Repo):
    def add_flag(self, item_id: int, reason: str, rule: str = "", matched: list[str] | None = None,
                 rule_id: int | None = None, created_at: str | None = None) -> int:
        with transaction(self.conn):
            cur = self.conn.execute(
                "INSERT INTO moderation_flags (item_id, rule_id, rule, reason, matched, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (item_id, rule_id, rule, reason, dumps(matched or []), created_at or now()),
            )
            return inserted_id(cur)

    # -- decisions (inside the caller's transaction) -----------------------------------------
    def log_action(self, who: str, action: str, *, item_id=None, report_id=None, person_id=None, rule_id=None,
                   comment: str = "", outbox_id=None) -> int:
        """One line of the audit log; returns its id."""
        return self._insert(
            "INSERT INTO moderation_log (at, who, action, item_id, report_id, person_id, rule_id, comment, outbox_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), who, action, item_id, report_id, person_id, rule_id, comment, outbox_id))

    def close_flags(self, item_id: int, state: str) -> int:
        """Close an item's open flags as decided (state); returns how many were open."""
        return self.conn.execute(
            "UPDATE moderation_flags SET state = ?, resolved_at = ? WHERE item_id = ? AND state = 'open'",
            (state, now(), item_id)).rowcount

    def resolve_report_flags(self, report_id: int) -> None:
        self.conn.execute("UPDATE moderation_flags SET state = 'resolved', resolved_at = ?"
                          " WHERE report_id = ? AND state = 'open'", (now(), report_id))

    def assign_flags(self, to: str, *, item_id: int | None = None, report_id: int | None = None) -> int:
        """Give an item's (or a report's) open flags an assignee; returns how many."""
        column, key = ("item_id", item_id) if item_id is not None else ("report_id", report_id)
        return self.conn.execute(f"UPDATE moderation_flags SET assignee = ? WHERE {column} = ? AND state = 'open'",  # i18n: not shown (SQL)
                                 (to, key)).rowcount

    def author_open_items(self, account_id: int, *, person_id: int | None, author: str) -> list[int]:
        """An author's items on an account still in the inbox (new or open, not hidden) or with
        an open flag, oldest first: by person when known (indexed), else by handle."""
        column, value = ("person_id", person_id) if person_id is not None else ("author", author)
        return [r[0] for r in self._all(
            f"SELECT i.id FROM inbox_items i WHERE i.{column} = ? AND i.account_id = ?"
            " AND ((i.state IN ('new', 'open') AND i.hidden = 0) OR EXISTS (SELECT 1 FROM moderation_flags f"
            " WHERE f.item_id = i.id AND f.state = 'open')) ORDER BY i.created_at, i.id", (value, account_id))]

    def waiting_place_op(self, account_id: int, kind: str, acct: str, place: str) -> int | None:
        """The id of the same kick, ban or unban (author and place) still waiting in the outbox."""
        return self._scalar(
            "SELECT id FROM outbox WHERE account_id = ? AND kind = ? AND state IN ('pending', 'sending')"
            " AND json_extract(payload, '$.acct') = ? AND json_extract(payload, '$.place') = ? ORDER BY id LIMIT 1",
            (account_id, kind, acct, place))

    # -- the queue ------------------------------------------------------------------------------
    def queue(self, limit: int = 500, offset: int = 0) -> list:
        """Open flags, oldest first: the moderation queue."""
        return self._all(f"{_QUEUE} WHERE f.state = 'open' ORDER BY f.created_at, f.id LIMIT ? OFFSET ?",
                         (limit, offset))

    def open_count(self) -> int:
        return self._scalar("SELECT count(*) FROM moderation_flags WHERE state = 'open'")

    def log(self, limit: int = 1000, person_id: int | None = None) -> list:
        """The audit log, newest first; only one member's entries when person_id is given."""
        if person_id is None:
            return self._all("SELECT * FROM moderation_log ORDER BY at DESC, id DESC LIMIT ?", (limit,))
        return self._all("SELECT * FROM moderation_log WHERE person_id = ? ORDER BY at DESC, id DESC LIMIT ?",
                         (person_id, limit))

    def member_flags(self, person_id: int, limit: int = 200) -> list:
        """Every flag (open or decided) on a member's items, newest first."""
        return self._all(f"{_QUEUE} WHERE i.person_id = ? ORDER BY f.created_at DESC, f.id DESC LIMIT ?",
                         (person_id, limit))

    def guidelines(self) -> list:
        return self._all("SELECT * FROM guidelines ORDER BY position")

    def matched(self, flag_id: int) -> list[str]:
        """The words that made a flag's rule fire, decoded (none when unknown or unreadable)."""
        return loads(self._scalar("SELECT matched FROM moderation_flags WHERE id = ?", (flag_id,)), [])
