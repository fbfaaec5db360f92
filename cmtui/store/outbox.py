"""The outbox: operations that must reach a platform, queued with the local decision."""

from __future__ import annotations

import builtins  # the repo's own list() method shadows the builtin in its annotations
import uuid
from dataclasses import dataclass

from cmtui.i18n import N_
from cmtui.store.base import Repo, dumps, inserted_id, loads, marks as _in, now
from cmtui.store.db import transaction


# Operations the platform cannot de-duplicate (a report carries no idempotency key on the
# platforms so far): an attempt whose fate is unknown (no answer in time, or a process that died while
# sending) is not repeated, it fails and asks the user to check. Mute and block are safe to
# repeat; posts and replies carry an idempotency key.
AT_MOST_ONCE = ("report",)
# (stored as the operation's error, in English; N_: a screen may show it translated with _())
UNCERTAIN = N_("no answer from the server: the report may have been filed; check on the instance,"
               " then retry it only if it is not there")

@dataclass(frozen=True)
class FailedReply:
    """An item's last reply, refused by the platform: offered for editing and sending again."""

    op_id: int
    text: str
    last_error: str | None


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
                entry_id: int | None = None, not_before: str | None = None, who: str | None = None) -> int:
        """Queue an operation. Call inside the transaction that stores the local decision, so
        both are kept or neither. The idempotency key is fixed here, before any attempt.
        not_before: it is not taken before then (a post the server cannot hold for us).
        who: the person who queued it (a teammate is told "answered by …")."""
        stamp = now()
        cur = self.conn.execute(
            "INSERT INTO outbox (account_id, kind, payload, idempotency_key, item_id, entry_id,"
            " next_attempt_at, created_at, updated_at, who) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (account_id, kind, dumps(payload), uuid.uuid4().hex, item_id, entry_id, not_before or stamp, stamp, stamp,
             who),
        )
        return inserted_id(cur)

    def waiting_same(self, account_id: int, kind: str, acct: str, status_ids: list[str] | None = None) -> int | None:
        """The id of the same platform action on the same author (and statuses) still waiting."""
        sql = ("SELECT id FROM outbox WHERE account_id = ? AND kind = ? AND state IN ('pending', 'sending')"
               " AND json_extract(payload, '$.acct') = ?")
        params: list = [account_id, kind, acct]
        if status_ids is not None:
            sql += " AND json_extract(payload, '$.status_ids') = json(?)"
            params.append(dumps(status_ids))
        return self._scalar(sql + " ORDER BY id LIMIT 1", params)

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

    def waiting(self, account_id: int) -> int:
        """An account's operations not sent yet (pending or being sent)."""
        return self._scalar("SELECT count(*) FROM outbox WHERE account_id = ? AND state IN ('pending', 'sending')",
                            (account_id,))

    def for_item(self, item_id: int) -> builtins.list:
        return self._all("SELECT * FROM outbox WHERE item_id = ? ORDER BY id", (item_id,))

    # -- the sync engine's side ---------------------------------------------------------
    def _uncertain(self, where: str, params: tuple) -> int:
        """At-most-once operations whose attempt may have reached the platform: failed with
        a message asking the user to look, never sent again by themselves."""
        marks = ", ".join("?" for _ in AT_MOST_ONCE)
        return self.conn.execute(
            f"UPDATE outbox SET state = 'failed', last_error = ?, claimed_by = NULL, updated_at = ?"
            f" WHERE state = 'sending' AND kind IN ({marks}) AND {where}",
            (UNCERTAIN, now(), *AT_MOST_ONCE, *params)).rowcount

    def claim(self, account_id: int, worker: str, now_text: str, stale_before: str):
        """Take the next operation due for an account, or None.

        Inside one BEGIN IMMEDIATE transaction, so two processes never take the same one. An
        operation left 'sending' by a claim older than stale_before (its process died) is
        taken again: its idempotency key keeps the platform from doing it twice. An entry's
        operations on one account go in order (no edit before its post, no post before the
        cancel of the copy it replaces); its variants on other accounts do not wait for them."""
        with transaction(self.conn):
            self._uncertain("account_id = ? AND claimed_at < ?", (account_id, stale_before))  # i18n: not shown (SQL)
            row = self.conn.execute(
                "SELECT o.* FROM outbox o WHERE o.account_id = ? AND ("
                " (o.state = 'pending' AND (o.next_attempt_at IS NULL OR o.next_attempt_at <= ?))"
                " OR (o.state = 'sending' AND o.claimed_at < ?))"
                " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.entry_id = o.entry_id AND p.id < o.id"
                "  AND p.account_id = o.account_id AND p.state IN ('pending', 'sending'))"
                " ORDER BY o.id LIMIT 1",
                (account_id, now_text, stale_before),
            ).fetchone()
            if row is None:
                return None
            self.conn.execute(
                "UPDATE outbox SET state = 'sending', claimed_by = ?, claimed_at = ?, attempts = attempts + 1,"
                " updated_at = ? WHERE id = ?", (worker, now_text, now_text, row["id"]))
            return self.conn.execute("SELECT * FROM outbox WHERE id = ?", (row["id"],)).fetchone()

    def release_dead(self, host: str, alive) -> int:
        """Put back operations that a process on this host claimed and died holding."""
        released = 0
        with transaction(self.conn):
            for row in self.conn.execute(
                    "SELECT id, claimed_by FROM outbox WHERE state = 'sending' AND claimed_by LIKE ?",
                    (f"{host}:%",)).fetchall():
                try:
                    pid = int(row["claimed_by"].split(":")[1])
                except (IndexError, ValueError):
                    continue
                if not alive(pid):
                    if not self._uncertain("id = ?", (row["id"],)):
                        self.conn.execute("UPDATE outbox SET state = 'pending', claimed_by = NULL WHERE id = ?",
                                          (row["id"],))
                    released += 1
        return released

    def done(self, op_id: int, result: dict) -> None:
        """Mark sent. Call inside the transaction that applies the result locally."""
        self.conn.execute(
            "UPDATE outbox SET state = 'done', result = ?, last_error = NULL, claimed_by = NULL, updated_at = ?"
            " WHERE id = ?", (dumps(result), now(), op_id))

    def retry_later(self, op_id: int, error: str, at: str) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE outbox SET state = 'pending', last_error = ?, next_attempt_at = ?, claimed_by = NULL,"
                " updated_at = ? WHERE id = ?", (error, at, now(), op_id))

    def give_back(self, op_id: int) -> None:
        """Not this operation's fault (the account's token, say): pending again, attempt not counted."""
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE outbox SET state = 'pending', attempts = max(0, attempts - 1), claimed_by = NULL,"
                " updated_at = ? WHERE id = ?", (now(), op_id))

    def fail(self, op_id: int, error: str) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "UPDATE outbox SET state = 'failed', last_error = ?, claimed_by = NULL, updated_at = ? WHERE id = ?",
                (error, now(), op_id))

    def retry(self, op_id: int, payload: dict, who: str | None = None) -> bool:
        """A failed operation, edited, goes out again: pending, attempts from zero, and a new
        idempotency key (the old one named a request the server refused). Only a failed
        operation can be retried, so nothing already sent is sent twice. Call inside the
        caller's transaction. who: the person sending it again (else who queued it stays)."""
        return self.conn.execute(
            "UPDATE outbox SET state = 'pending', payload = ?, idempotency_key = ?, attempts = 0,"
            " last_error = NULL, next_attempt_at = ?, claimed_by = NULL, updated_at = ?, who = coalesce(?, who)"
            " WHERE id = ? AND state = 'failed'",
            (dumps(payload), uuid.uuid4().hex, now(), now(), who, op_id)).rowcount == 1

    def answers(self, item_id: int) -> builtins.list:
        """The item's replies that went out or will (pending, sending, done: not failed), oldest
        first, with who queued each and when."""
        return self._all("SELECT id, who, state, created_at FROM outbox WHERE item_id = ? AND kind = 'reply'"
                         " AND state IN ('pending', 'sending', 'done') ORDER BY id", (item_id,))

    def failed_reply(self, item_id: int) -> FailedReply | None:
        """The item's last reply, when it failed (the composer offers to edit and retry it)."""
        row = self._one("SELECT * FROM outbox WHERE item_id = ? AND kind = 'reply' ORDER BY id DESC LIMIT 1",
                        (item_id,))
        if row is None or row["state"] != "failed":
            return None
        return FailedReply(row["id"], loads(row["payload"], {}).get("text", ""), row["last_error"])

    def get(self, op_id: int):
        return self._one("SELECT o.*, a.name AS account FROM outbox o JOIN accounts a ON a.id = o.account_id"
                         " WHERE o.id = ?", (op_id,))

    # -- a calendar entry's operations --------------------------------------------------------------
    def for_entry(self, entry_id: int) -> builtins.list:
        return self._all("SELECT * FROM outbox WHERE entry_id = ? ORDER BY id", (entry_id,))

    def rewrite_unsent(self, op_id: int, payload_json: str, not_before: str | None = None) -> bool:
        """Change an operation that never left (pending, no attempt yet), due from not_before
        (None: now)."""
        stamp = now()
        return self.conn.execute(
            "UPDATE outbox SET payload = ?, next_attempt_at = ?, updated_at = ? WHERE id = ? AND state = 'pending'"
            " AND attempts = 0", (payload_json, not_before or stamp, stamp, op_id)).rowcount == 1

    def withdraw(self, op_id: int) -> bool:
        """Withdraw an operation that never left (pending, no attempt yet)."""
        return self.conn.execute("DELETE FROM outbox WHERE id = ? AND state = 'pending' AND attempts = 0",
                                 (op_id,)).rowcount == 1

    def requeue(self, op: dict, entry_id: int) -> int:
        """An operation withdrawn with a deleted entry (it never left), queued again."""
        op = {k: v for k, v in op.items() if k != "id"} | {"entry_id": entry_id, "updated_at": now()}
        cur = self.conn.execute(f"INSERT INTO outbox ({', '.join(op)}) VALUES ({_in(op)})", list(op.values()))
        return inserted_id(cur)

    def row(self, op_id: int):
        """The operation's row as stored (no joined columns: it can be inserted back)."""
        return self._one("SELECT * FROM outbox WHERE id = ?", (op_id,))

    def link_entry(self, op_id: int, entry_id: int) -> None:
        self.conn.execute("UPDATE outbox SET entry_id = ? WHERE id = ?", (entry_id, op_id))

    # -- likes and shares of an item (cmtui.triage.likes) ------------------------------------------
    def latest_for_item(self, item_id: int, kinds: tuple[str, ...]):
        """The item's latest operation of these kinds (a like and its undo), or None."""
        return self._one(f"SELECT * FROM outbox WHERE item_id = ? AND kind IN ({_in(kinds)})"
                         " ORDER BY id DESC LIMIT 1", (item_id, *kinds))

    def unsettled_before(self, op, kinds: tuple[str, ...]) -> int | None:
        """An earlier operation of these kinds on the same item not sent yet (its id), which
        this one must wait for: an undo sent before what it undoes would be undone by it."""
        return self._scalar(f"SELECT id FROM outbox WHERE item_id = ? AND id < ? AND kind IN ({_in(kinds)})"
                            " AND state IN ('pending', 'sending') ORDER BY id LIMIT 1",
                            (op["item_id"], op["id"], *kinds))

    def note_result(self, op_id: int, fields: dict) -> None:
        """Add fields to a finished operation's result (what applying it changed locally)."""
        self.conn.execute("UPDATE outbox SET result = json_patch(coalesce(result, '{}'), ?) WHERE id = ?",
                          (dumps(fields), op_id))
