"""Checks on text we are about to send: length as the platform counts it."""

from __future__ import annotations

import re

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
