"""What each kind of outbox operation sends, and what its result changes locally."""

from __future__ import annotations

from datetime import datetime, timedelta

from cmtui.model import iso, parse_iso
from cmtui.store.base import loads
from cmtui.sync.connectors.base import Connector, PermanentError, PostRequest


SERVER_SCHEDULE_MIN = timedelta(minutes=5)  # Mastodon refuses a scheduled_at sooner than this


def _post_request(op, payload: dict, now: datetime) -> PostRequest:
    scheduled_at = payload.get("scheduled_at")
    if scheduled_at and parse_iso(scheduled_at) - now < SERVER_SCHEDULE_MIN:
        scheduled_at = None  # due now, or late (we were offline): publish at once
    return PostRequest(
        text=payload["text"],
        idempotency_key=op["idempotency_key"],
        in_reply_to_remote_id=payload.get("in_reply_to_id"),
        visibility=payload.get("visibility") or "public",
        language=payload.get("language"),
        spoiler_text=payload.get("spoiler_text"),
        scheduled_at=scheduled_at,
    )


async def _account_id(connector: Connector, payload: dict) -> str:
    if payload.get("account_remote_id"):
        return payload["account_remote_id"]
    return await connector.lookup(payload["acct"])  # type: ignore[attr-defined]


async def execute(connector: Connector, op, store, now: datetime) -> dict:
    """Send one operation; return what the platform answered, as a JSON-able dict."""
    payload = loads(op["payload"], {})
    kind = op["kind"]
    try:
        if kind in ("post", "reply"):
            posted = await connector.publish(_post_request(op, payload, now))
            return {k: v for k, v in posted.__dict__.items() if v is not None}
        if kind == "edit":
            posted = await connector.edit(payload["remote_id"], payload["text"], payload.get("spoiler_text"))
            return {k: v for k, v in posted.__dict__.items() if v is not None}
        if kind == "delete":
            await connector.delete(payload["remote_id"])
            return {}
        if kind == "reschedule":
            posted = await connector.reschedule(payload["scheduled_id"], payload["scheduled_at"])
            return {k: v for k, v in posted.__dict__.items() if v is not None}
        if kind == "cancel":
            await connector.cancel_scheduled(payload["scheduled_id"])
            return {}
        if kind in ("mute", "block"):
            target = await _account_id(connector, payload)
            await getattr(connector, kind)(target)
            return {"account_remote_id": target}
        if kind == "report":
            target = await _account_id(connector, payload)
            report_id = await connector.report(target, payload.get("status_ids") or [], payload.get("comment", ""),
                                               payload.get("category", "other"), bool(payload.get("forward")))
            return {"report_id": report_id, "account_remote_id": target}
        if kind == "resolve_report":
            await connector.resolve_report(payload["report_id"])
            return {}
        if kind == "account_action":
            await connector.account_action(payload["account_remote_id"], payload["action"], payload.get("text", ""),
                                           payload.get("report_id"))
            return {}
    except KeyError as exc:
        raise PermanentError(f"operation {op['id']} ({kind}) lacks '{exc.args[0]}'") from None
    raise PermanentError(f"unknown operation kind '{kind}'")


def apply_result(store, account, op, outcome: dict | None, now: datetime, error: str | None = None) -> None:
    """Record locally what a finished operation did (outcome) or why it failed (error).
    Runs inside the transaction that marks the operation done or failed."""
    conn = store.conn
    kind = op["kind"]
    if kind == "reply" and op["item_id"] and outcome:
        item = conn.execute("SELECT remote_id, thread_id FROM inbox_items WHERE id = ?", (op["item_id"],)).fetchone()
        if item is None:
            return
        answered = outcome.get("created_at") or iso(now)
        conn.execute("UPDATE inbox_items SET answered_at = coalesce(answered_at, ?) WHERE id = ?",
                     (answered, op["item_id"]))
        thread_id = item["thread_id"] or conn.execute(
            "INSERT INTO threads (account_id, root_remote_id) VALUES (?, ?)"
            " ON CONFLICT (account_id, root_remote_id) DO UPDATE SET root_remote_id = excluded.root_remote_id"
            " RETURNING id", (account.id, item["remote_id"])).fetchone()[0]
        conn.execute("UPDATE inbox_items SET thread_id = ? WHERE id = ?", (thread_id, op["item_id"]))
        payload = loads(op["payload"], {})
        conn.execute(
            "INSERT OR IGNORE INTO thread_posts (thread_id, remote_id, in_reply_to_remote_id, author, author_name,"
            " text, url, created_at, ours) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
            (thread_id, outcome.get("remote_id"), item["remote_id"], account.handle or account.name,
             account.display_name or "", payload.get("text", ""), outcome.get("url"), answered))
    elif kind == "post" and op["entry_id"]:
        before = conn.execute("SELECT status FROM calendar_entries WHERE id = ?", (op["entry_id"],)).fetchone()
        after = ("scheduled" if outcome.get("scheduled_id") else "published") if outcome else "failed"
        if before is not None and before["status"] != after:
            store.calendar.record_transition(op["entry_id"], before["status"], after, "sync", error or "")
        if outcome and outcome.get("scheduled_id"):
            conn.execute(
                "UPDATE calendar_entries SET status = 'scheduled', server_scheduled_id = ?, last_error = NULL,"
                " updated_at = ? WHERE id = ?", (outcome["scheduled_id"], iso(now), op["entry_id"]))
        elif outcome:
            conn.execute(
                "UPDATE calendar_entries SET status = 'published', remote_id = ?, url = ?, published_at = ?,"
                " server_scheduled_id = NULL, last_error = NULL, updated_at = ? WHERE id = ?",
                (outcome.get("remote_id"), outcome.get("url"), outcome.get("created_at") or iso(now), iso(now),
                 op["entry_id"]))
        else:
            conn.execute("UPDATE calendar_entries SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
                         (error, iso(now), op["entry_id"]))
