"""What every platform connector offers the sync engine.

A connector turns one platform's API into these plain values and these errors; the engine
never sees HTTP. Matrix, Bluesky, WordPress or Discourse are each one more module that
subclasses Connector and declares what it can do in `capabilities`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from enum import Flag, auto
from typing import AsyncIterator


class Capability(Flag):
    PULL = auto()  # inbox items since a cursor
    THREAD = auto()  # fetch a conversation
    PUBLISH = auto()  # post now
    SCHEDULE = auto()  # server-side scheduling, reschedule, cancel
    EDIT = auto()  # edit or delete a published post
    REPLY = auto()
    MUTE = auto()
    BLOCK = auto()
    REPORT = auto()
    ADMIN_REPORTS = auto()  # list and resolve the instance's reports
    ADMIN_ACTIONS = auto()  # act on accounts (silence, suspend, ...)
    STATS = auto()  # account and per-post statistics


# -- errors -------------------------------------------------------------------------
class ConnectorError(Exception):
    """A failure talking to a platform. str() is a message fit for the user (no secrets)."""


class TransientError(ConnectorError):
    """Worth retrying later: network down, time-out, 5xx, a malformed body."""

    def __init__(self, message: str, retry_at: datetime | None = None):
        super().__init__(message)
        self.retry_at = retry_at


class RateLimited(TransientError):
    """The platform asked us to wait (429); retry_at says until when."""


class OfflineError(TransientError):
    """The platform could not be reached at all (DNS, refused, TLS, connect time-out)."""


class TimedOut(TransientError):
    """The request went out but no answer came in time: it may have reached the platform,
    so it counts as an attempt (retried with the same idempotency key)."""


class PermanentError(ConnectorError):
    """The platform refused this request (4xx other than auth): retrying will not help."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class AuthError(ConnectorError):
    """The token was refused (401/403): the account needs the user's attention."""


# -- values ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    acct: str  # user@instance
    display_name: str = ""
    remote_id: str | None = None
    url: str | None = None
    created_at: str | None = None  # ISO UTC
    bot: bool = False


@dataclass(frozen=True)
class RemoteReport:
    """An open report of the instance (admin tokens), for the moderation queue."""

    remote_id: str
    target: Person  # the reported account, its handle complete (user@instance)
    created_at: str  # ISO UTC, seconds, like every time in the store
    category: str = "other"
    comment: str = ""  # plain text, not yet sanitised
    assigned_to: str | None = None  # complete handle of the moderator it is assigned to
    status_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdminReports:
    """The instance's open reports as read. `unread` names the ones listed but too malformed
    to read: still open on the server, so they must not count as resolved there.
    `all_named` is False when some listed report had not even an id: then none can be."""

    reports: list[RemoteReport]
    unread: tuple[str, ...] = ()
    all_named: bool = True


@dataclass(frozen=True)
class RemoteItem:
    """Something addressed to us: a mention, a reply to our post, a direct message."""

    remote_id: str
    kind: str  # mention / reply / direct / comment
    author: Person
    text: str  # plain text, not yet sanitised
    created_at: str  # ISO UTC
    url: str | None = None
    language: str | None = None
    visibility: str | None = None
    in_reply_to_remote_id: str | None = None
    edited_at: str | None = None


@dataclass(frozen=True)
class RemoteEvent:
    """A favourite, boost or follow: counted for metrics, not shown in the inbox."""

    kind: str  # favourite / reblog / follow
    remote_id: str
    actor: str
    created_at: str
    status_remote_id: str | None = None


@dataclass
class PullPage:
    items: list[RemoteItem] = field(default_factory=list)
    events: list[RemoteEvent] = field(default_factory=list)
    cursor: str | None = None  # where the next pass starts once this page is stored
    final: bool = False  # the cursor may be saved (a backfill saves it only at its end)


@dataclass(frozen=True)
class AccountInfo:
    remote_id: str
    acct: str
    display_name: str
    followers: int
    following: int
    statuses: int
    is_admin: bool = False


@dataclass(frozen=True)
class Limits:
    max_chars: int = 500
    url_weight: int = 23
    rules: tuple = ()  # the instance's own rules: {"id", "text", "hint"}

    def to_json(self) -> dict:
        return {"max_chars": self.max_chars, "url_weight": self.url_weight, "rules": list(self.rules)}


@dataclass(frozen=True)
class Posted:
    """The result of a publish: a status, or a post the server will publish later."""

    remote_id: str | None = None
    url: str | None = None
    created_at: str | None = None
    scheduled_id: str | None = None
    scheduled_at: str | None = None


@dataclass(frozen=True)
class OwnPost:
    remote_id: str
    created_at: str
    favourites: int
    reblogs: int
    replies: int
    in_reply_to_remote_id: str | None = None
    language: str | None = None
    text: str = ""
    url: str | None = None


@dataclass(frozen=True)
class PostRequest:
    text: str
    idempotency_key: str
    in_reply_to_remote_id: str | None = None
    visibility: str = "public"
    language: str | None = None
    spoiler_text: str | None = None
    scheduled_at: str | None = None  # ISO UTC; the server publishes it then


class Connector(ABC):
    platform: str = ""
    capabilities: Capability = Capability(0)

    @abstractmethod
    async def verify(self) -> AccountInfo: ...

    @abstractmethod
    async def limits(self) -> Limits: ...

    @abstractmethod
    def pull(self, cursor: str | None, since: datetime) -> AsyncIterator[PullPage]:
        """Pages of items newer than cursor; with no cursor, a backfill back to `since`."""

    @abstractmethod
    async def thread(self, remote_id: str) -> list[RemoteItem]: ...

    @abstractmethod
    async def publish(self, post: PostRequest) -> Posted: ...

    @abstractmethod
    async def own_posts(self, account_remote_id: str, since: datetime) -> list[OwnPost]: ...

    async def edit(self, remote_id: str, text: str, spoiler_text: str | None = None) -> Posted:
        raise PermanentError(f"{self.platform} cannot edit posts")

    async def delete(self, remote_id: str) -> None:
        raise PermanentError(f"{self.platform} cannot delete posts")

    async def reschedule(self, scheduled_id: str, scheduled_at: str) -> Posted:
        raise PermanentError(f"{self.platform} cannot schedule posts")

    async def cancel_scheduled(self, scheduled_id: str) -> None:
        raise PermanentError(f"{self.platform} cannot schedule posts")

    async def mute(self, account_remote_id: str) -> None:
        raise PermanentError(f"{self.platform} cannot mute")

    async def block(self, account_remote_id: str) -> None:
        raise PermanentError(f"{self.platform} cannot block")

    async def report(self, account_remote_id: str, status_ids: list[str], comment: str = "",
                     category: str = "other", forward: bool = False) -> str:
        raise PermanentError(f"{self.platform} cannot report")

    async def admin_reports(self) -> AdminReports:
        raise PermanentError(f"{self.platform} has no instance reports")

    async def resolve_report(self, report_id: str) -> None:
        raise PermanentError(f"{self.platform} has no instance reports")

    async def assign_report(self, report_id: str) -> None:
        raise PermanentError(f"{self.platform} has no instance reports")

    async def account_action(self, account_remote_id: str, action: str, text: str = "",
                             report_id: str | None = None) -> None:
        raise PermanentError(f"{self.platform} has no account actions")

    async def close(self) -> None:
        return None
