"""cmtui inbox reply | done: local decisions, stored before anything else happens; a reply
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
