"""cmtui inbox reply | done: local decisions, stored before anything else happens; a reply
is queued in the outbox with them."""

from __future__ import annotations

import re

from cmtui.compose import length_problem, reply_text
from cmtui.errors import InputError


VISIBILITIES = ("public", "unlisted", "private", "direct")


def default_visibility(item) -> str:
    """A reply is no more public than what it answers: a direct message gets a direct reply."""
    return item["visibility"] if item["visibility"] in VISIBILITIES else "public"


def queue_reply(store, item_id, text: str, *, language: str | None = None, visibility: str | None = None,
                retry_op: int | None = None) -> int:
    """Queue a reply to an inbox item; return the outbox operation id. Raises InputError.
    retry_op: a failed reply to this item, sent again with the (edited) text instead."""
    item = store.inbox.require(item_id)
    if visibility is not None and visibility not in VISIBILITIES:
        raise InputError(f"unknown visibility '{visibility}' ({', '.join(VISIBILITIES)})")
    if language is not None and not re.fullmatch(r"[a-z]{2,3}", language):
        raise InputError(f"'{language}' is not a language code (two or three letters, like en or sl)")
    if not text.strip():
        raise InputError("the reply is empty")
    if item["deleted_at"]:
        raise InputError(f"item {item['id']} was deleted on {item['platform']}; it cannot be answered")
    account = store.accounts.by_id(item["account_id"])
    body = reply_text(text, item["author"])
    problem = length_problem(body, account.limits)
    if problem:
        raise InputError(f"reply not queued: {problem}")
    payload = {"text": body, "in_reply_to_id": item["remote_id"],
               "visibility": visibility or default_visibility(item),
               "language": language or item["language"]}
    with store.transaction():
        if retry_op is not None:
            op = store.outbox.get(retry_op)
            if op is None or op["item_id"] != item["id"] or not store.outbox.retry(retry_op, payload):
                raise InputError(f"operation {retry_op} is not a failed reply to item {item['id']}")
            op_id = retry_op
        else:
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
