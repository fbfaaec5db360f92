"""What each kind of outbox operation sends, and what its result changes locally."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cmtui.i18n import _
from cmtui.model import iso, parse_iso
from cmtui.store.base import loads
from cmtui.sync.connectors.base import (
    Capability, Connector, MediaFile, PermanentError, PostRequest, TransientError,
)
from cmtui.triage.likes import KIND_OF, KINDS as REACTION_KINDS, pair

if TYPE_CHECKING:
    from cmtui.store import Store


def post_parts(payload: dict) -> list[str]:
    """The texts a post or reply publishes: a thread's parts (payload "parts", each replying to
    the one before), else its one text."""
    return list(payload.get("parts") or [payload["text"]])


def part_key(key: str, part: int) -> str:
    """The idempotency key of a thread's part: the operation's own for the first, so a post
    queued before threads existed keeps its key."""
    return key if part == 0 else f"{key}#{part}"


def media_files(payload: dict, part: int) -> tuple[MediaFile, ...]:
    """The files that go with one part (payload "media": model.Attachment dicts, each `file`
    the absolute path of its copy in the media folder, see cmtui.media.payload_media)."""
    found = []
    for item in payload.get("media") or ():
        if isinstance(item, dict) and item.get("file") and int(item.get("part") or 0) == part:
            found.append(MediaFile(path=str(item["file"]), alt=str(item.get("alt") or ""),
                                   mime=str(item.get("mime") or "")))
    return tuple(found)


def _post_request(connector: Connector, op, payload: dict, now: datetime, part: int = 0,
                  in_reply_to: str | None = None) -> PostRequest:
    scheduled_at = payload.get("scheduled_at")
    at, lead = parse_iso(scheduled_at), connector.profile.server_schedule_lead
    if (at is None or lead is None or Capability.SCHEDULE not in connector.capabilities or at - now < lead
            or len(post_parts(payload)) > 1):
        # due now, or late (we were offline), or the server cannot hold it (a thread's later
        # parts need the earlier ones' ids: it waited in the outbox for its time): publish at once
        scheduled_at = None
    return PostRequest(
        text=post_parts(payload)[part],
        idempotency_key=part_key(op["idempotency_key"], part),
        in_reply_to_remote_id=in_reply_to or payload.get("in_reply_to_id"),
        visibility=payload.get("visibility"),
        language=payload.get("language"),
        spoiler_text=payload.get("spoiler_text"),
        scheduled_at=scheduled_at,
        place=payload.get("place"),
        media=media_files(payload, part),
    )


async def _publish_parts(connector: Connector, op, payload: dict, now: datetime) -> dict:
    """Publish a post (or reply), or a thread part by part, each part replying to the one
    before. Each part has its own idempotency key, so a retry after a failure (or a killed
    process) runs the loop again and the platform answers the parts already out with the
    same post instead of a second one. The outcome is the first part's, plus every part's
    remote id ("parts") for a thread."""
    parts, previous = [], None
    for part in range(len(post_parts(payload))):
        posted = await connector.publish(_post_request(connector, op, payload, now, part, previous))
        parts.append(posted)
        previous = posted.remote_id
    outcome = {k: v for k, v in parts[0].__dict__.items() if v is not None}
    if len(parts) > 1:
        outcome["parts"] = [p.remote_id for p in parts]
    return outcome


async def _account_id(connector: Connector, payload: dict) -> str:
    if payload.get("account_remote_id"):
        return payload["account_remote_id"]
    return (await connector.lookup(payload["acct"])).remote_id


async def execute(connector: Connector, op, store: Store, now: datetime) -> dict:
    """Send one operation; return what the platform answered, as a JSON-able dict."""
    payload = loads(op["payload"], {})
    kind = op["kind"]
    try:
        if kind == "post" and op["entry_id"]:
            scheduled_id, remote_id = _entry_state(store, op)
            if remote_id:  # published by an earlier post of this entry: change it, never post it twice
                if len(post_parts(payload)) > 1:
                    raise PermanentError(_("this thread is already published; its parts are not edited from cmtui"))
                posted = await connector.edit(remote_id, payload["text"], payload.get("spoiler_text"))
                return {k: v for k, v in posted.__dict__.items() if v is not None} | {"edited": True}
            if scheduled_id:
                raise PermanentError(_("the server still holds scheduled post {id} of this entry; not posting it twice")
                                     .format(id=scheduled_id))
        if kind in ("post", "reply"):
            return await _publish_parts(connector, op, payload, now)
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
                    return {"skipped": "nothing scheduled on the server"}  # i18n: not shown (a stored result)
            if not scheduled_id:
                raise KeyError("scheduled_id")
            if kind == "cancel":
                await connector.cancel_scheduled(scheduled_id)
                return {"cancelled": scheduled_id}
            posted = await connector.reschedule(scheduled_id, payload["scheduled_at"])
            return {k: v for k, v in posted.__dict__.items() if v is not None}
        if kind in ("mute", "block"):
            target = await _account_id(connector, payload)
            await (connector.mute if kind == "mute" else connector.block)(target)
            return {"account_remote_id": target}
        if kind == "remove":  # someone else's item, taken off the platform (moderation)
            await connector.remove(payload["remote_id"], payload.get("reason", ""))
            return {}
        if kind in ("kick", "ban", "unban"):  # someone, in one place
            target = await _account_id(connector, payload)
            if kind == "unban":
                await connector.unban(target, payload["place"])
            else:
                await (connector.kick if kind == "kick" else connector.ban)(target, payload["place"],
                                                                            payload.get("reason", ""))
            return {"account_remote_id": target}
        if kind == "report":
            target = await _account_id(connector, payload)
            report_id = await connector.report(target, payload.get("status_ids") or [], payload.get("comment", ""),
                                               payload.get("category"), bool(payload.get("forward")))
            return {"report_id": report_id, "account_remote_id": target}
        if kind == "resolve_report":
            await connector.resolve_report(payload["report_id"])
            return {}
        if kind == "assign_report":
            await connector.assign_report(payload["report_id"])
            return {}
        if kind in REACTION_KINDS:
            return await _reaction(connector, op, payload, store)
        if kind == "account_action":
            await connector.account_action(payload["account_remote_id"], payload["action"], payload.get("text", ""),
                                           payload.get("report_id"))
            return {}
    except KeyError as exc:
        raise PermanentError(_("operation {id} ({kind}) lacks '{field}'").format(id=op["id"], kind=kind, field=exc.args[0])) \
            from None
    raise PermanentError(_("unknown operation kind '{kind}'").format(kind=kind))


def apply_result(store: Store, account, op, outcome: dict | None, now: datetime, error: str | None = None) -> None:
    """Record locally what a finished operation did (outcome) or why it failed (error).
    Runs inside the transaction that marks the operation done or failed."""
    from cmtui.planning.results import apply_to_entry  # (imported here: the top of this module is the sending's)

    kind = op["kind"]
    if kind == "reply" and op["item_id"] and outcome:
        store.inbox.record_reply(
            op["item_id"], remote_id=outcome.get("remote_id"), url=outcome.get("url"),
            answered_at=outcome.get("created_at") or iso(now), author=account.handle or account.name,
            author_name=account.display_name or "", text=loads(op["payload"], {}).get("text", ""))
    elif op["entry_id"] and kind in ("post", "reschedule", "cancel", "edit"):
        apply_to_entry(store, op, outcome, now, error)
    elif kind in REACTION_KINDS and op["item_id"]:
        _reaction_result(store, op, outcome, now)


def _entry_state(store: Store, op) -> tuple[str | None, str | None]:
    """(scheduled id, remote id) the platform holds for the operation's entry on its account,
    after the entry's operations that went before it."""
    from cmtui.planning.publishing import fold_done

    entry = store.entries.get(op["entry_id"])
    if entry is None:
        return None, None
    return fold_done(store.outbox.for_entry(entry["id"]), entry, op["account_id"], before_op=op["id"])


# -- likes and shares of an inbox item (cmtui.triage.likes) -----------------------------------------
async def _reaction(connector: Connector, op, payload: dict, store: Store) -> dict:
    """A like, share or their undo. Each waits for the item's earlier one of its pair (an undo
    sent first would be undone by the like after it); an undo takes what its like's result
    kept (the like's own id, where the platform needs it)."""
    kind, what = op["kind"], KIND_OF[op["kind"]]
    waiting = store.outbox.unsettled_before(op, pair(what))
    if waiting is not None:
        raise TransientError(_("waiting for operation {id} on the same item to be sent first").format(id=waiting))
    remote_id = payload["remote_id"]
    if kind == what:
        receipt = await (connector.like if kind == "like" else connector.share)(remote_id, op["idempotency_key"])
        return {"receipt": receipt} if receipt else {}
    undone = store.outbox.row(payload["undoes"]) if payload.get("undoes") else None
    if undone is None or undone["state"] != "done" or undone["kind"] != what:
        return {"skipped": f"no {what} of ours was sent"}  # i18n: not shown (a stored result; it failed or never was queued)
    receipt = loads(undone["result"], {}).get("receipt")
    await (connector.unlike if kind == "unlike" else connector.unshare)(remote_id, receipt)
    return {}


def _reaction_result(store: Store, op, outcome: dict | None, now: datetime) -> None:
    """A like that answers marks the item answered once sent (the time kept in its result, so
    taking the like back can take the answer back too). One that failed leaves the item as
    it was before it, unless a later one of the pair was queued since."""
    what = KIND_OF[op["kind"]]
    if outcome is not None:
        if op["kind"] == "like" and loads(op["payload"], {}).get("answers"):
            at = iso(now)
            if store.inbox.answer_by_like(op["item_id"], at):
                store.outbox.note_result(op["id"], {"answered_at": at})
        return
    latest = store.outbox.latest_for_item(op["item_id"], pair(what))
    if latest is not None and latest["id"] == op["id"]:
        store.inbox.set_reacted(op["item_id"], what, None if op["kind"] == what else op["created_at"])
