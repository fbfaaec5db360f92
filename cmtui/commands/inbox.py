"""cmtui inbox reply | done | like | boost: local decisions, stored before anything else happens; a reply
is queued in the outbox with them."""

from __future__ import annotations
from typing import TYPE_CHECKING

from cmtui.compose import queue_reply

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def inbox_reply(store: Store, args) -> int:
    op_id = queue_reply(store, args.item_id, args.text)
    print(f"reply queued as outbox operation {op_id}; the next sync sends it")
    return 0


def inbox_done(store: Store, settings: Settings, args) -> int:
    item = store.inbox.require(args.item_id)
    if item["state"] == "done":
        print(f"item {item['id']} was already done")
        return 0
    store.triage.done([item["id"]], settings.username)
    print(f"item {item['id']} marked done")
    return 0


def _react(store: Store, settings: Settings, args, what: str) -> int:
    """`inbox like|boost ITEM_ID [--undo]`: queued with the item's mark. Already so (or not
    liked, for --undo): a line saying so, exit 0, nothing queued (as `inbox done` does)."""
    from cmtui.sync.connectors import profile_for
    from cmtui.triage.likes import check, past, react

    item = check(store, args.item_id, what)
    profile = profile_for(item["platform"])
    reaction = react(store, item["id"], what, undo=args.undo, answers=settings.like_answers, who=settings.username)
    if reaction is None:
        state = "not " if args.undo else "already "
        print(f"item {item['id']} is {state}{past(profile, what)}; nothing queued")
        return 0
    print(reaction.message(profile))
    return 0


def inbox_like(store: Store, settings: Settings, args) -> int:
    return _react(store, settings, args, "like")


def inbox_boost(store: Store, settings: Settings, args) -> int:
    return _react(store, settings, args, "share")
