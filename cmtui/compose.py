"""A reply before it is sent: its text as the platform will count it, and queueing it in the
outbox with the decisions it carries (the item opened), stored before anything is sent."""

from __future__ import annotations

import re

from cmtui.errors import InputError

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_REMOTE_MENTION = re.compile(r"(?<![\w/])@(\w+)@[\w.-]+\w", re.UNICODE)


def status_length(text: str, url_weight: int = 23) -> int:
    """Characters as Mastodon counts them: every URL weighs url_weight, a remote mention
    @user@domain counts as @user."""
    text = _URL.sub("x" * url_weight, text)
    text = _REMOTE_MENTION.sub(lambda m: "@" + m.group(1), text)
    return len(text)


def reply_text(text: str, author: str) -> str:
    """The reply as it will be posted: it mentions the author (so they are notified) unless
    the text already does. The queued payload and the composer's counter both use this."""
    text = text.strip()
    if mentions(text, author):
        return text
    return f"@{author} {text}"


_MENTION = re.compile(r"(?<![\w@])@(\w+)(?:@([\w.:-]*\w))?", re.UNICODE)


def mentions(text: str, author: str) -> bool:
    """Whether text already mentions author, as @user or as @user@their-domain: the same
    user name on another server is someone else, and the author would not be notified."""
    user, _, domain = author.partition("@")
    for found in _MENTION.finditer(text):
        if found.group(1).lower() != user.lower():
            continue
        if found.group(2) is None or found.group(2).lower() == domain.lower():
            return True
    return False


def reply_length(text: str, author: str, limits: dict) -> tuple[int, int]:
    """(characters the reply will be as sent, the account's limit). An empty reply is 0:
    nothing is sent, so the mention that would be added does not count yet."""
    limit = int(limits.get("max_chars") or 500)
    if not text.strip():
        return 0, limit
    return status_length(reply_text(text, author), int(limits.get("url_weight") or 23)), limit


def length_problem(text: str, limits: dict) -> str | None:
    """None if text can be posted within the account's limits, else a message."""
    if not text.strip():
        return "the text is empty"
    limit = int(limits.get("max_chars") or 500)
    used = status_length(text, int(limits.get("url_weight") or 23))
    if used > limit:
        return f"the text is {used} characters, over the limit of {limit} (URLs count as {limits.get('url_weight', 23)})"
    return None


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
