"""Enums and small value types shared by every layer (no Textual, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import StrEnum
from typing import Mapping, overload


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


@dataclass(frozen=True)
class Place:
    """Where items are said and posts go, on platforms that have such places (a chat room, a
    channel). `refused` maps a moderation action (hide, kick, ban, unban) the account may not
    take there to the reason, one sentence; the connector works it out from the platform's
    permissions, so the core can refuse before anything is queued."""

    id: str
    name: str = ""
    members: int = 0
    direct: bool = False  # a private conversation with one person
    support: bool = False  # every top-level message in it is a question for the inbox
    refused: Mapping[str, str] = field(default_factory=dict)

    @property
    def shown(self) -> str:
        return self.name or self.id

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name, "members": self.members, "direct": self.direct,
                "support": self.support, "refused": dict(self.refused)}

    @classmethod
    def from_json(cls, data: Mapping) -> Place:
        refused = data.get("refused")
        return cls(id=str(data["id"]), name=str(data.get("name") or ""), members=int(data.get("members") or 0),
                   direct=bool(data.get("direct")), support=bool(data.get("support")),
                   refused={str(k): str(v) for k, v in refused.items()} if isinstance(refused, Mapping) else {})


@dataclass(frozen=True)
class Attachment:
    """An image (or other media) going with a post or reply. `file` names the copy kept in the
    media folder beside the database (so a moved original does not break a scheduled post);
    `part` is the thread part it goes with (0: the first, or the only one)."""

    file: str
    alt: str = ""
    mime: str = ""
    size: int = 0
    part: int = 0

    def to_json(self) -> dict:
        return {"file": self.file, "alt": self.alt, "mime": self.mime, "size": self.size, "part": self.part}

    @classmethod
    def from_json(cls, data: Mapping) -> Attachment:
        return cls(file=str(data["file"]), alt=str(data.get("alt") or ""), mime=str(data.get("mime") or ""),
                   size=int(data.get("size") or 0), part=int(data.get("part") or 0))


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


# Settings keys (posting_slots), goal metrics (..._mon) and --json values; English. A screen
# shows a weekday's name in the chosen language with cmtui.l10n.weekday_name.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = tuple(day.capitalize() for day in WEEKDAYS)


def status_name(status: str) -> str:
    """An entry's status (as stored: "needs_approval") as a person reads it, in the chosen
    language ("needs approval"); an unknown one as stored."""
    from cmtui.i18n import pgettext

    names = {
        "idea": pgettext("entry status", "idea"),
        "draft": pgettext("entry status", "draft"),
        "needs_approval": pgettext("entry status", "needs approval"),
        "approved": pgettext("entry status", "approved"),
        "scheduled": pgettext("entry status", "scheduled"),
        "published": pgettext("entry status", "published"),
        "failed": pgettext("entry status", "failed"),
        "cancelled": pgettext("entry status", "cancelled"),
    }
    return names.get(str(status), str(status))


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
        raise ValueError("naive datetime given to iso()")  # i18n: not shown (a bug)
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
