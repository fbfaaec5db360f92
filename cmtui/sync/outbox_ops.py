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
        if kind == "post" and op["entry_id"]:
            scheduled_id, remote_id = _entry_state(store, op)
            if remote_id:  # published by an earlier post of this entry: change it, never post it twice
                posted = await connector.edit(remote_id, payload["text"], payload.get("spoiler_text"))
                return {k: v for k, v in posted.__dict__.items() if v is not None} | {"edited": True}
            if scheduled_id:
                raise PermanentError(f"the server still holds scheduled post {scheduled_id} of this entry; "
                                     "not posting it twice")
        if kind in ("post", "reply"):
            posted = await connector.publish(_post_request(op, payload, now))
            return {k: v for k, v in posted.__dict__.items() if v is not None}
        if kind == "edit":
            posted = await connector.edit(payload["remote_id"], payload["text"], payload.get("spoiler_text"))
            return {k: v for k, v in posted.__dict__.items() if v is not None}
        if kind == "delete":
            await connector.delete(payload["remote_id"])
            return {}
        if kind in ("reschedule", "cancel"):
            # Queued while the post was still on its way, an entry's operation finds the
            # scheduled id when its turn comes (the entry's operations run in order).
            scheduled_id = payload.get("scheduled_id")
            if not scheduled_id and op["entry_id"]:
                scheduled_id = _entry_state(store, op)[0]
                if scheduled_id is None:
                    return {"skipped": "nothing scheduled on the server"}
            if not scheduled_id:
                raise KeyError("scheduled_id")
            if kind == "cancel":
                await connector.cancel_scheduled(scheduled_id)
                return {"cancelled": scheduled_id}
            posted = await connector.reschedule(scheduled_id, payload["scheduled_at"])
            return {k: v for k, v in posted.__dict__.items() if v is not None}
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
        if kind == "assign_report":
            await connector.assign_report(payload["report_id"])
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
    elif op["entry_id"] and kind in ("post", "reschedule", "cancel", "edit"):
        _apply_to_entry(store, op, outcome, now, error)


LATE_AFTER = timedelta(minutes=5)  # published later than this after its time: marked late


def _entry_state(store, op) -> tuple[str | None, str | None]:
    """(scheduled id, remote id) the platform holds for the operation's entry on its account,
    after the entry's operations that went before it."""
    from cmtui.planning.publishing import fold_done

    entry = store.entries.get(op["entry_id"])
    if entry is None:
        return None, None
    return fold_done(store.entries.ops_for(entry["id"]), entry, op["account_id"], before_op=op["id"])


def _apply_to_entry(store, op, outcome: dict | None, now: datetime, error: str | None) -> None:
    """A calendar entry's post, reschedule, cancel or edit came back. The entry's own columns
    follow its account's post; a variant's post (another account) only reports a failure.
    The entry may have changed while the operation was on its way: a result never undoes a
    local decision (a cancelled entry stays cancelled, its cancel follows), except that what
    was published is recorded as published."""
    conn = store.conn
    entry = conn.execute("SELECT * FROM calendar_entries WHERE id = ?", (op["entry_id"],)).fetchone()
    if entry is None:
        return
    kind, stamp, entry_id = op["kind"], iso(now), entry["id"]
    main = op["account_id"] == entry["account_id"]
    if outcome is None:
        prefix = {"reschedule": "could not move it on the server: ", "cancel": "could not cancel it on the server: ",
                  "edit": "could not edit the published post: "}.get(kind, "")
        if not main:
            name = conn.execute("SELECT name FROM accounts WHERE id = ?", (op["account_id"],)).fetchone()
            prefix = f"{name[0] if name else 'another account'}: {prefix}"
        if kind == "post" and main and entry["status"] in ("scheduled", "approved"):
            store.entries.record_transition(entry_id, entry["status"], "failed", "sync", error or "")
            conn.execute("UPDATE calendar_entries SET status = 'failed', last_error = ?, updated_at = ? WHERE id = ?",
                         (prefix + (error or ""), stamp, entry_id))
        else:
            conn.execute("UPDATE calendar_entries SET last_error = ?, updated_at = ? WHERE id = ?",
                         (prefix + (error or ""), stamp, entry_id))
        return
    if kind == "cancel":
        if outcome.get("cancelled"):
            conn.execute("UPDATE calendar_entries SET server_scheduled_id = NULL, updated_at = ?"
                         " WHERE id = ? AND server_scheduled_id = ?", (stamp, entry_id, outcome["cancelled"]))
        return
    if not main or kind == "edit" or outcome.get("skipped"):
        return
    if outcome.get("scheduled_id"):
        status = "scheduled" if entry["status"] in ("approved", "failed", "scheduled") else entry["status"]
        if status != entry["status"]:
            store.entries.record_transition(entry_id, entry["status"], status, "sync", "")
        conn.execute("UPDATE calendar_entries SET status = ?, server_scheduled_id = ?, last_error = NULL,"
                     " updated_at = ? WHERE id = ?", (status, outcome["scheduled_id"], stamp, entry_id))
        return
    if not outcome.get("remote_id"):
        return
    published = outcome.get("created_at") or stamp
    planned = parse_iso(loads(op["payload"], {}).get("scheduled_at"))
    late = int(planned is not None and parse_iso(published) - planned > LATE_AFTER)
    if entry["status"] != "published":
        comment = {"cancelled": "published before the cancellation reached the server",
                   "needs_approval": "published before the change reached the server",
                   "draft": "published before the change reached the server"}.get(entry["status"], "")
        store.entries.record_transition(entry_id, entry["status"], "published", "sync", comment)
    conn.execute(
        "UPDATE calendar_entries SET status = 'published', remote_id = ?, url = ?, published_at = ?,"
        " scheduled_at = coalesce(scheduled_at, ?), server_scheduled_id = NULL, last_error = NULL,"
        " late = max(late, ?), updated_at = ? WHERE id = ?",
        (outcome.get("remote_id"), outcome.get("url"), published, published, late, stamp, entry_id))


def reconcile_scheduled(store, account_id: int, listed: set[str], posts, now: datetime) -> int:
    """Entries the server held as scheduled posts whose time has come and that it no longer
    lists: it published them (found among our posts by text and time: remote id, URL, time)
    or they were deleted there (failed, after an hour without a match). Returns how many
    entries changed."""
    from cmtui.text import sanitize

    def norm(text: str) -> str:
        return " ".join(sanitize(text or "").split())

    changed = 0
    with store.transaction():
        known = {r[0] for r in store.conn.execute(
            "SELECT remote_id FROM calendar_entries WHERE account_id = ? AND remote_id IS NOT NULL", (account_id,))}
        for entry in store.entries.server_scheduled_due(account_id, iso(now)):
            if entry["server_scheduled_id"] in listed or any(
                    op["state"] in ("pending", "sending") for op in store.entries.ops_for(entry["id"])):
                continue
            planned = parse_iso(entry["scheduled_at"])
            candidates = [p for p in posts if p.remote_id not in known and norm(p.text) == norm(entry["text"])
                          and parse_iso(p.created_at) >= planned - timedelta(minutes=10)]
            match = min(candidates, key=lambda p: abs(parse_iso(p.created_at) - planned), default=None)
            if match is not None:
                known.add(match.remote_id)
                store.entries.record_transition(entry["id"], "scheduled", "published", "sync",
                                                 "published by the server")
                store.conn.execute(
                    "UPDATE calendar_entries SET status = 'published', remote_id = ?, url = ?, published_at = ?,"
                    " server_scheduled_id = NULL, last_error = NULL,"
                    " late = max(late, ?), updated_at = ? WHERE id = ?",
                    (match.remote_id, match.url, match.created_at,
                     int(parse_iso(match.created_at) - planned > LATE_AFTER), iso(now), entry["id"]))
                changed += 1
            elif planned < now - timedelta(hours=1):
                message = "no longer scheduled on the server and not among the account's posts (deleted there?)"
                store.entries.record_transition(entry["id"], "scheduled", "failed", "sync", message)
                store.conn.execute("UPDATE calendar_entries SET status = 'failed', server_scheduled_id = NULL,"
                                   " last_error = ?, updated_at = ? WHERE id = ?", (message, iso(now), entry["id"]))
                changed += 1
    return changed
