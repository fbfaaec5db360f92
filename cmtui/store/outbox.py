"""The outbox: operations that must reach a platform, queued with the local decision."""

from __future__ import annotations

import uuid

from cmtui.store.base import Repo, dumps, loads, now


def op_json(row) -> dict:
    return {
        "id": row["id"],
        "account": row["account"],
        "kind": row["kind"],
        "state": row["state"],
        "attempts": row["attempts"],
        "last_error": row["last_error"],
        "next_attempt_at": row["next_attempt_at"],
        "item_id": row["item_id"],
        "entry_id": row["entry_id"],
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
        "payload": loads(row["payload"], {}),
        "result": loads(row["result"], None),
    }


class OutboxRepo(Repo):
    def enqueue(self, account_id: int, kind: str, payload: dict, *, item_id: int | None = None,
                entry_id: int | None = None) -> int:
        """Queue an operation. Call inside the transaction that stores the local decision, so
        both are kept or neither. The idempotency key is fixed here, before any attempt."""
        stamp = now()
        cur = self.conn.execute(
            "INSERT INTO outbox (account_id, kind, payload, idempotency_key, item_id, entry_id,"
            " next_attempt_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account_id, kind, dumps(payload), uuid.uuid4().hex, item_id, entry_id, stamp, stamp, stamp),
        )
        return cur.lastrowid

    def list(self, states: tuple[str, ...] | None = None) -> list:
        sql = "SELECT o.*, a.name AS account FROM outbox o JOIN accounts a ON a.id = o.account_id"
        params: tuple = ()
        if states:
            sql += f" WHERE o.state IN ({','.join('?' * len(states))})"
            params = tuple(states)
        return self._all(sql + " ORDER BY o.id", params)

    def counts(self) -> dict[str, int]:
        counts = {"pending": 0, "sending": 0, "done": 0, "failed": 0}
        for state, n in self._all("SELECT state, count(*) FROM outbox GROUP BY state"):
            counts[state] = n
        return counts

    def for_item(self, item_id: int) -> list:
        return self._all("SELECT * FROM outbox WHERE item_id = ? ORDER BY id", (item_id,))
