"""Calendar entries: the content plan, with its status lifecycle and approvals."""

from __future__ import annotations

from cmtui.store.base import Repo, now
from cmtui.store.db import transaction

_COLUMNS = "e.*, a.name AS account"
_FROM = "FROM calendar_entries e LEFT JOIN accounts a ON a.id = e.account_id"


def entry_json(row) -> dict:
    """The public JSON shape of a calendar entry (command-line contract)."""
    return {
        "id": row["id"],
        "account": row["account"],
        "text": row["text"],
        "status": row["status"],
        "scheduled_at": row["scheduled_at"],
        "published_at": row["published_at"],
        "remote_id": row["remote_id"],
        "url": row["url"],
        "language": row["language"],
        "visibility": row["visibility"],
        "content_warning": row["content_warning"],
        "campaign": row["campaign"],
        "notes": row["notes"],
        "rrule": row["rrule"],
        "last_error": row["last_error"],
    }


class CalendarRepo(Repo):
    def add(self, account_id: int | None, text: str, status: str = "draft", *, who: str = "",
            **fields) -> int:
        stamp = now()
        fields = {k: v for k, v in fields.items() if v is not None}
        columns = ["account_id", "text", "status", "created_by", "created_at", "updated_at", *fields]
        values = [account_id, text, status, who, stamp, stamp, *fields.values()]
        with transaction(self.conn):
            cur = self.conn.execute(
                f"INSERT INTO calendar_entries ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                values,
            )
            entry_id = cur.lastrowid
            self.record_transition(entry_id, None, status, who)
            return entry_id

    def record_transition(self, entry_id: int, from_status: str | None, to_status: str, who: str,
                          comment: str = "", at: str | None = None) -> None:
        self.conn.execute(
            "INSERT INTO entry_transitions (entry_id, at, who, from_status, to_status, comment)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (entry_id, at or now(), who, from_status, to_status, comment),
        )

    def get(self, entry_id: int):
        return self._one(f"SELECT {_COLUMNS} {_FROM} WHERE e.id = ?", (entry_id,))

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
            where = f"({where}) OR {when} IS NULL"
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

    def variants(self, entry_id: int) -> list[tuple[str, str]]:
        """(account name, text) of the entry's per-account wordings."""
        return [(r[0], r[1]) for r in self._all(
            "SELECT a.name, v.text FROM entry_variants v JOIN accounts a ON a.id = v.account_id"
            " WHERE v.entry_id = ? ORDER BY a.name", (entry_id,))]

    def transitions(self, entry_id: int) -> list:
        return self._all("SELECT * FROM entry_transitions WHERE entry_id = ? ORDER BY at, id", (entry_id,))

    def status_counts(self) -> dict[str, int]:
        return dict(self._all("SELECT status, count(*) FROM calendar_entries GROUP BY status"))

    def published_since(self, since: str, account_id: int | None = None) -> int:
        sql = "SELECT count(*) FROM calendar_entries WHERE status = 'published' AND published_at >= ?"
        params: list = [since]
        if account_id is not None:
            sql += " AND account_id = ?"
            params.append(account_id)
        return self._scalar(sql, params)
