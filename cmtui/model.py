"""Enums and small value types shared by every layer (no Textual, no I/O)."""

from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum
from typing import overload


class ItemState(StrEnum):
    NEW = "new"
    OPEN = "open"
    SNOOZED = "snoozed"
    DONE = "done"


class ItemKind(StrEnum):
    MENTION = "mention"
    REPLY = "reply"
    DIRECT = "direct"
    COMMENT = "comment"


# The one list of kinds: the filter dialog, the search syntax and the list's marks use it.
ITEM_KINDS: tuple[str, ...] = tuple(kind.value for kind in ItemKind)


class EntryStatus(StrEnum):
    IDEA = "idea"
    DRAFT = "draft"
    NEEDS_APPROVAL = "needs_approval"
    APPROVED = "approved"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    FAILED = "failed"
    CANCELLED = "cancelled"


class OpState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    DONE = "done"
    FAILED = "failed"


class SyncState(StrEnum):
    IDLE = "idle"
    SYNCING = "syncing"
    OFFLINE = "offline"
    ERROR = "error"


class FlagState(StrEnum):
    OPEN = "open"
    APPROVED = "approved"
    HIDDEN = "hidden"
    MUTED = "muted"
    BLOCKED = "blocked"
    REPORTED = "reported"
    RESOLVED = "resolved"


# Settings keys (posting_slots), goal metrics (..._mon) and, capitalised, what screens show.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = tuple(day.capitalize() for day in WEEKDAYS)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@overload
def iso(dt: datetime) -> str: ...
@overload
def iso(dt: None) -> None: ...
def iso(dt: datetime | None) -> str | None:
    """ISO 8601 in UTC with a trailing Z, second precision: the one format the store uses."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        raise ValueError("naive datetime given to iso()")
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# A str gives a datetime: the store writes NULL, never "", for no time ("" still reads as None).
@overload
def parse_iso(value: str) -> datetime: ...
@overload
def parse_iso(value: None) -> None: ...
@overload
def parse_iso(value: str | None) -> datetime | None: ...
def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
