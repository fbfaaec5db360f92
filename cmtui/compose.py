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


def length_problem(text: str, limits: dict) -> str | None:
    """None if text can be posted within the account's limits, else a message."""
    if not text.strip():
        return "the text is empty"
    limit = int(limits.get("max_chars") or 500)
    used = status_length(text, int(limits.get("url_weight") or 23))
    if used > limit:
        return f"the text is {used} characters, over the limit of {limit} (URLs count as {limits.get('url_weight', 23)})"
    return None
