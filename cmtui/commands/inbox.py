"""cmtui inbox reply | done: local decisions, stored before anything else happens; a reply
is queued in the outbox with them."""

from __future__ import annotations

import re

from cmtui.compose import length_problem
from cmtui.errors import InputError


def reply_text(text: str, author: str) -> str:
    """The reply as it will be posted: it mentions the author (so they are notified) unless
    the text already does."""
    user = author.split("@")[0]
    if re.search(rf"(?<![\w@])@{re.escape(user)}(@[\w.:-]+)?\b", text, re.IGNORECASE):
        return text
    return f"@{author} {text}"


def queue_reply(store, item_id, text: str) -> int:
    """Queue a reply to an inbox item; return the outbox operation id. Raises InputError."""
    item = store.inbox.require(item_id)
    if not text.strip():
        raise InputError("the reply is empty")
    if item["deleted_at"]:
        raise InputError(f"item {item['id']} was deleted on {item['platform']}; it cannot be answered")
    account = store.accounts.by_id(item["account_id"])
    body = reply_text(text.strip(), item["author"])
    problem = length_problem(body, account.limits)
    if problem:
        raise InputError(f"reply not queued: {problem}")
    payload = {"text": body, "in_reply_to_id": item["remote_id"],
               "visibility": item["visibility"] if item["visibility"] in ("direct", "private", "unlisted") else "public",
               "language": item["language"]}
    with store.transaction():
        op_id = store.outbox.enqueue(account.id, "reply", payload, item_id=item["id"])
        if item["state"] == "new":
            store.conn.execute("UPDATE inbox_items SET state = 'open' WHERE id = ?", (item["id"],))
    return op_id


def inbox_reply(store, args) -> int:
    op_id = queue_reply(store, args.item_id, args.text)
    print(f"reply queued as outbox operation {op_id}; the next sync sends it")
    return 0



def inbox_done(store, settings, args) -> int:
    item = store.inbox.require(args.item_id)
    if item["state"] == "done":
        print(f"item {item['id']} was already done")
        return 0
    store.triage.done([item["id"]], settings.username)
    print(f"item {item['id']} marked done")
    return 0
