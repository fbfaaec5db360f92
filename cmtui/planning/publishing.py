"""The outbox operations a calendar decision implies, queued in the decision's transaction.

An entry goes to its account with its text and to each variant's account with the variant's
wording (one `post` per target account). Whatever the platform holds for an entry on an
account is read from the entry's operations, in order: the ones done (their results), then
the ones still queued. From that, a change of the entry becomes the fewest operations that
bring the platform in line, never sending anything twice:

- a `post` that never left (pending, no attempt) is rewritten in place, or withdrawn;
- a copy the server holds as a scheduled post is moved (`reschedule`) when only its time
  changed and stays far enough ahead for the server (its platform's lead), else cancelled (`cancel`) and posted again;
- a post being sent right now (its id not known yet) is followed by a `reschedule` or
  `cancel` that finds the id when its turn comes (an entry's operations run in order).

Published posts are not touched here (an edit of a published entry queues an `edit`).

A thread (the entry's `thread`, cmtui.planning.threads) carries its parts in the payload;
the server never holds it (a later part needs the id of the one before), so its post waits
in the outbox until its time (not_before) and the sync publishes the parts then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from cmtui.media import payload_media
from cmtui.model import iso, parse_iso
from cmtui.store.base import dumps, loads
from cmtui.store.entries import EntryRepo
from cmtui.sync.connectors import profile_for
from cmtui.planning.threads import split_parts
from cmtui.sync.connectors.base import Capability, PlatformProfile

if TYPE_CHECKING:
    from cmtui.store import Store

_CONTENT = ("text", "visibility", "language", "spoiler_text", "place", "media")


def targets(store: Store, entry) -> dict[int, str]:
    """account id -> the text it gets: the entry's account, then each variant's account."""
    found: dict[int, str] = {}
    if entry["account_id"] is not None:
        found[entry["account_id"]] = entry["text"]
    for variant in store.entries.variants(entry["id"]):
        found.setdefault(variant["account_id"], variant["text"])
    return found


def payload_for(entry, text: str, profile: PlatformProfile, *, with_time: bool = True,
                media_folder: Path | None = None) -> dict:
    payload: dict[str, object] = {"text": text}
    media = EntryRepo.media(entry)
    if media and media_folder is not None and Capability.MEDIA in profile.capabilities:
        payload["media"] = payload_media(media, media_folder)  # the copies' paths, for the connector
    if "thread" in entry.keys() and entry["thread"]:
        parts = split_parts(text)  # a variant of a thread is written in parts too
        if len(parts) > 1:
            payload["parts"] = parts
    if profile.visibilities:  # a platform without visibilities is sent none; a variant's, its default
        visibility = entry["visibility"]
        payload["visibility"] = visibility if visibility in profile.visibilities else profile.default_visibility
    if entry["language"]:
        payload["language"] = entry["language"]
    if entry["content_warning"]:
        payload["spoiler_text"] = entry["content_warning"]
    if profile.place_label and entry["place"]:  # the place (room) it goes to: PostRequest.place
        payload["place"] = entry["place"]
    if with_time and entry["scheduled_at"]:
        payload["scheduled_at"] = entry["scheduled_at"]
    return payload


@dataclass
class Remote:
    """What an account's platform holds (or will hold, once the queue has run) for an entry."""

    scheduled_id: str | None = None  # a scheduled copy on the server, not being cancelled
    pending_copy: bool = False  # a post that left (or is leaving) without a known result yet
    remote_id: str | None = None  # published there
    sent_payload: dict | None = None  # what the live copy holds
    unsent: list = field(default_factory=list)  # posts that never left
    unsent_reschedule: list = field(default_factory=list)

    @property
    def live(self) -> bool:
        return self.scheduled_id is not None or self.pending_copy


def fold_done(ops, entry, account_id: int, before_op: int | None = None) -> tuple[str | None, str | None]:
    """(scheduled id, remote id) on an account after the entry's operations that are done
    (up to before_op). Without any post on that account, the entry's own columns (a file
    import, an older database) say it."""
    scheduled_id = remote_id = None
    posted = False
    for op in ops:
        if op["account_id"] != account_id or op["state"] != "done" or (before_op and op["id"] >= before_op):
            continue
        result = loads(op["result"], {}) or {}
        if op["kind"] == "post":
            posted = True
        if op["kind"] in ("post", "reschedule"):
            if result.get("scheduled_id"):
                scheduled_id = str(result["scheduled_id"])
            elif result.get("remote_id"):
                remote_id, scheduled_id = str(result["remote_id"]), None
        elif op["kind"] == "cancel" and result.get("cancelled") and result["cancelled"] == scheduled_id:
            scheduled_id = None
    if not posted and entry is not None and account_id == entry["account_id"]:
        return entry["server_scheduled_id"], entry["remote_id"]
    if entry is not None and account_id == entry["account_id"]:
        # The sync learns about a server-side publication outside the outbox (reconcile).
        if entry["remote_id"]:
            return None, entry["remote_id"]
        if scheduled_id and entry["server_scheduled_id"] is None and entry["status"] in ("published", "failed"):
            scheduled_id = None
    return scheduled_id, remote_id


def remote(ops, entry, account_id: int) -> Remote:
    state = Remote()
    state.scheduled_id, state.remote_id = fold_done(ops, entry, account_id)
    for op in ops:
        if op["account_id"] != account_id or op["state"] == "failed":
            continue
        payload = loads(op["payload"], {}) or {}
        if op["state"] == "done":
            if op["kind"] == "post" and loads(op["result"], {}).get("scheduled_id"):
                state.sent_payload = payload
            elif op["kind"] == "reschedule" and state.sent_payload is not None:
                state.sent_payload = {**state.sent_payload, "scheduled_at": payload.get("scheduled_at")}
            continue
        unsent = op["state"] == "pending" and op["attempts"] == 0
        if op["kind"] == "post":
            if unsent:
                state.unsent.append(op)
            else:
                state.pending_copy, state.sent_payload = True, payload
        elif op["kind"] == "reschedule":
            if unsent:
                state.unsent_reschedule.append(op)
            elif state.sent_payload is not None:
                state.sent_payload = {**state.sent_payload, "scheduled_at": payload.get("scheduled_at")}
        elif op["kind"] == "cancel":
            state.scheduled_id, state.pending_copy, state.sent_payload = None, False, None
            state.unsent_reschedule = []
    if state.scheduled_id and state.sent_payload is None:
        state.sent_payload = {}
    return state


def _held(profile: PlatformProfile, ahead) -> bool:
    """Whether the server keeps holding a post this far ahead (as cmtui.sync.outbox_ops:
    nearer than the platform's lead publishes at once)."""
    return profile.server_schedule_lead is not None and ahead >= profile.server_schedule_lead


def _content(payload: dict | None) -> tuple:
    payload = payload or {}
    return tuple(payload.get(k) or None for k in _CONTENT)


def sync_server(store: Store, before, after, now: datetime, *, publish_now: bool = False,
                who: str | None = None) -> list[int]:
    """Queue what brings every target account in line with the entry as it now is (after):
    a scheduled entry is posted at its time, anything else is withdrawn. `before` is the row
    as it was (its account may have held a copy). Call inside the change's transaction.
    who: the person whose decision queues them (outbox.who; None: the sync on its own).
    Returns the ids of the operations queued or rewritten."""
    posting = after["status"] == "scheduled" and not after["rrule"] and after["account_id"] is not None
    wanted = targets(store, after) if posting else {}
    ops = store.outbox.for_entry(after["id"])
    accounts = set(wanted) | {op["account_id"] for op in ops}
    for row in (before, after):
        if row["account_id"] is not None:
            accounts.add(row["account_id"])
    touched: list[int] = []
    for account_id in sorted(accounts):
        state = remote(ops, before, account_id)
        if state.remote_id:
            continue  # published there already: a published post is edited, not posted
        if account_id not in wanted:
            for op in state.unsent + state.unsent_reschedule:
                store.outbox.withdraw(op["id"])
            if state.live:
                touched.append(_enqueue(store, account_id, "cancel", _cancel_payload(state), after["id"], who))
            continue
        # Publish-now stays publish-now through edits (no time to keep to, never "late").
        now_post = publish_now or (
            state.unsent and "scheduled_at" not in loads(state.unsent[0]["payload"], {})
            and before["scheduled_at"] == after["scheduled_at"])
        profile = profile_for(store.accounts.require_id(account_id).platform)
        payload = payload_for(after, wanted[account_id], profile, with_time=not now_post,
                              media_folder=store.media_dir() if store.path is not None else None)
        if state.unsent:
            first, *extra = state.unsent
            store.outbox.rewrite_unsent(first["id"], dumps(payload), not_before(payload))
            for op in extra:
                store.outbox.withdraw(op["id"])
            touched.append(first["id"])
            continue
        if state.live:
            at = parse_iso(payload.get("scheduled_at"))
            sent = state.sent_payload or {}
            if state.pending_copy and not sent.get("scheduled_at") and _content(sent) == _content(payload):
                continue  # it is being published right now, as it is
            if _content(sent) == _content(payload) and at is not None and _held(profile, at - now):
                move = {"scheduled_at": iso(at)} | ({"scheduled_id": state.scheduled_id} if state.scheduled_id else {})
                if state.unsent_reschedule:
                    store.outbox.rewrite_unsent(state.unsent_reschedule[0]["id"], dumps(move))
                    touched.append(state.unsent_reschedule[0]["id"])
                elif sent.get("scheduled_at") != iso(at):
                    touched.append(_enqueue(store, account_id, "reschedule", move, after["id"], who))
                continue
            for op in state.unsent_reschedule:
                store.outbox.withdraw(op["id"])
            touched.append(_enqueue(store, account_id, "cancel", _cancel_payload(state), after["id"], who))
        touched.append(_enqueue(store, account_id, "post", payload, after["id"], who))
    return touched


def queue_posts(store: Store, entry, now: datetime, *, publish_now: bool = False,
                who: str | None = None) -> list[int]:
    """The posts of an entry that has just become scheduled; who: the person who scheduled
    or published it (None: the sync, making a series' occurrence)."""
    return sync_server(store, entry, entry, now, publish_now=publish_now, who=who)


def cancel_for_deletion(store: Store, entry, *, who: str | None = None) -> list[int]:
    """Before an entry's row goes: withdraw what never left and cancel the server's copies.
    The cancels carry their scheduled ids (no entry row to look them up in later). Raises
    ValueError (with the operation id) if a post may be on its way right now."""
    ops = store.outbox.for_entry(entry["id"])
    queued = []
    for account_id in sorted({op["account_id"] for op in ops} | ({entry["account_id"]} - {None})):
        state = remote(ops, entry, account_id)
        if state.pending_copy:
            busy = next(op for op in ops if op["account_id"] == account_id and op["kind"] == "post"
                        and op["state"] in ("pending", "sending"))
            raise ValueError(busy["id"])
        for op in state.unsent + state.unsent_reschedule:
            store.outbox.withdraw(op["id"])
        if state.scheduled_id and not state.remote_id:
            queued.append(store.outbox.enqueue(account_id, "cancel", {"scheduled_id": state.scheduled_id}, who=who))
    return queued


def _cancel_payload(state: Remote) -> dict:
    return {"scheduled_id": state.scheduled_id} if state.scheduled_id else {}


def not_before(payload: dict) -> str | None:
    """When a post may leave: a thread's at its time (the server cannot hold it); else now."""
    return payload.get("scheduled_at") if payload.get("parts") else None


def _enqueue(store: Store, account_id: int, kind: str, payload: dict, entry_id: int, who: str | None) -> int:
    return store.outbox.enqueue(account_id, kind, payload, entry_id=entry_id,
                                not_before=not_before(payload) if kind == "post" else None, who=who)
