"""What every platform connector offers the sync engine.

A connector turns one platform's API into these plain values and these errors; the engine
never sees HTTP. Each platform is one package (under connectors/, named in the registry) that
subclasses Connector and declares what it can do in `capabilities` and what its platform
is like in `profile` (a PlatformProfile: the composer, the moderation screen, the CLI and
the outbox read it instead of naming one platform's rules).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import AsyncIterator, Callable, Mapping

from cmtui.errors import InputError
from cmtui.i18n import _
from cmtui.model import Place  # (a value the store keeps too)
# What a platform is like (its own module), re-exported: a connector imports the contract from here.
from cmtui.sync.connectors.platform_profile import AccountOption as AccountOption
from cmtui.sync.connectors.platform_profile import Capability as Capability
from cmtui.sync.connectors.platform_profile import Choice as Choice
from cmtui.sync.connectors.platform_profile import PlatformProfile as PlatformProfile


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


class NoPush(PermanentError):
    """This server pushes nothing (its streaming is switched off, or a proxy cuts long
    answers): new items come by polling, which is not an error."""


# -- values ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Person:
    """Someone on a platform. `acct` is the platform's handle, complete enough to be unique
    there (user@server on the fediverse, a domain name, @user:server in federated chat)."""

    acct: str
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
    place: str | None = None  # the place (room, channel) it was said in, on platforms with places


@dataclass(frozen=True)
class RemoteEvent:
    """A like, share or follow (whatever the platform calls them): counted for metrics, not
    shown in the inbox."""

    kind: str  # like / share / follow
    remote_id: str
    actor: str
    created_at: str
    post_remote_id: str | None = None  # the post liked or shared


@dataclass
class PullPage:
    items: list[RemoteItem] = field(default_factory=list)
    events: list[RemoteEvent] = field(default_factory=list)
    cursor: str | None = None  # where the next pass starts once this page is stored
    final: bool = False  # the cursor may be saved (a backfill saves it only at its end)
    deleted: list[str] = field(default_factory=list)  # remote ids of items removed on the platform


@dataclass(frozen=True)
class AccountInfo:
    remote_id: str
    acct: str
    display_name: str
    followers: int
    following: int
    posts: int
    is_admin: bool = False


@dataclass(frozen=True)
class ServerRule:
    """One of the server's own rules (plain text, sanitised), shown beside the guidelines."""

    id: str
    text: str
    hint: str = ""


@dataclass(frozen=True)
class Limits:
    """What the server allows, stored with the account (to_json) for the profile to read."""

    max_chars: int = 500
    url_weight: int = 23
    rules: tuple[ServerRule, ...] = ()
    # Media, when the server says (None: the profile's defaults).
    max_media: int | None = None  # attachments per post
    media_types: tuple[str, ...] | None = None  # mime types it takes
    media_size: int | None = None  # bytes per image

    def to_json(self) -> dict:
        media = {"max_media": self.max_media, "media_types": None if self.media_types is None else list(self.media_types),
                 "media_size": self.media_size}
        return {"max_chars": self.max_chars, "url_weight": self.url_weight,
                "rules": [{"id": r.id, "text": r.text, "hint": r.hint} for r in self.rules]} | {
                    k: v for k, v in media.items() if v is not None}


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
    likes: int  # the platform's own word: PlatformProfile.like_name
    shares: int  # PlatformProfile.share_name
    replies: int
    in_reply_to_remote_id: str | None = None
    language: str | None = None
    text: str = ""
    url: str | None = None


@dataclass(frozen=True)
class MediaFile:
    """A file to attach to a post: the connector uploads it when it publishes (the path is
    the copy kept beside the database, see model.Attachment), with its alt text."""

    path: str
    alt: str = ""
    mime: str = ""

    @property
    def name(self) -> str:
        return Path(self.path).name

    def content(self) -> bytes:
        """The kept copy's bytes; PermanentError when it is gone (someone cleaned the data
        folder): retrying cannot help."""
        try:
            return Path(self.path).read_bytes()
        except OSError as exc:
            raise PermanentError(_("the image {name} is missing from the media folder ({reason})").format(
                name=self.name, reason=exc.strerror)) from None


@dataclass(frozen=True)
class PostRequest:
    text: str
    idempotency_key: str
    in_reply_to_remote_id: str | None = None
    visibility: str | None = None  # None: the platform's default (or it has none)
    language: str | None = None
    spoiler_text: str | None = None
    scheduled_at: str | None = None  # ISO UTC; the server publishes it then
    place: str | None = None  # where it goes, on platforms that post to places (a reply: its item's)
    media: tuple[MediaFile, ...] = ()  # uploaded by the connector before the post, in this order


@dataclass(frozen=True)
class ScheduledPost:
    """A post the server holds to publish later."""

    scheduled_id: str
    scheduled_at: str | None = None  # ISO UTC


@dataclass(frozen=True)
class AccountContext:
    """What the store knows of an account, handed to its connector: its remote id and handle
    (known after `account add`, so a pass need not ask again), the options the user chose
    (`places`, `support_places`: ids) and the places the connector reported last time (its
    memory between passes: an incremental pull only says what changed)."""

    remote_id: str | None = None
    handle: str | None = None
    is_admin: bool = False
    options: Mapping = field(default_factory=dict)
    places: tuple[Place, ...] = ()


@dataclass(frozen=True)
class SignIn:
    """What a sign-in flow returns: the token, the device it was issued to (if any), and the
    token that renews it (platforms whose tokens expire: a session). All kept only in the
    credentials file."""

    token: str
    device_id: str | None = None
    refresh: str | None = None

    def __repr__(self) -> str:  # never print a token by accident (a log line, a test failure)
        return f"SignIn(token=<{len(self.token)} chars>, device_id={self.device_id!r}, refresh={'<set>' if self.refresh else None})"


@dataclass(frozen=True)
class AccountRef:
    """An account found by its handle."""

    remote_id: str
    handle: str


class Connector(ABC):
    platform: str = ""
    capabilities: Capability = Capability(0)  # the profile's, unless a subclass narrows them
    profile: PlatformProfile = PlatformProfile(label="")

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if "profile" in cls.__dict__ and "capabilities" not in cls.__dict__:
            cls.capabilities = cls.profile.capabilities
    requests: int = 0  # requests sent so far (the sync summary and the benchmarks count them)
    session: SignIn | None = None  # the stored sign-in, given by use_session

    def use_session(self, signed: SignIn, save: Callable[[SignIn], None]) -> None:
        """The stored sign-in, and how to store a renewed one. A connector whose tokens
        expire renews them with signed.refresh and calls save(new) at once, before using the
        new token, so a crash never loses the only valid refresh token."""
        self.session, self._save_session = signed, save

    def save_session(self, signed: SignIn) -> None:
        self.session = signed
        save = getattr(self, "_save_session", None)
        if save is not None:
            save(signed)

    # -- adding an account (no instance needed yet) -------------------------------------------
    @classmethod
    def normalize_server(cls, url: str) -> str:
        """The server's address as stored; InputError for one that cannot be used."""
        return url.strip().rstrip("/")

    @classmethod
    def authorize(cls, server: str, timeout: float, ask: Callable[[str], str]) -> str:
        """The platform's sign-in flow: ask(url) shows where to approve and returns the code
        the user pastes; returns a token. Platforms without one need a token variable."""
        raise InputError(_("{platform} has no sign-in flow here: give a token variable").format(platform=cls.profile.label))

    @classmethod
    def password_login(cls, server: str, user: str, password: str, timeout: float) -> SignIn:
        """Sign in with the user's password (may be a coroutine function): a token and the
        device it was issued to. Platforms without one: InputError (give a token variable)."""
        raise InputError(_("{platform} has no password sign-in here: give a token variable").format(
            platform=cls.profile.label))

    @classmethod
    def token_login(cls, server: str, user: str | None, secret: str, timeout: float) -> SignIn:
        """What `--token-env VAR` holds, made a sign-in (may be a coroutine function). Most
        platforms: the variable holds the token itself. Where it holds an app password
        (sessions with expiring tokens), the connector opens a session with it."""
        return SignIn(secret)

    @classmethod
    def sign_out(cls, server: str, signed: SignIn, timeout: float) -> None:
        """End a session this sign-in made, when the account is not kept after all (best
        effort: never raises). Token sign-ins made no session of ours: nothing to end."""

    @classmethod
    def has_password_login(cls) -> bool:
        """Whether the platform overrides password_login (then `account add` asks for one)."""
        return any("password_login" in vars(klass) for klass in cls.__mro__ if klass is not Connector)

    @classmethod
    def normalize_user(cls, user: str) -> str:
        """The account's own handle as the user gave it (--user), checked before any request;
        InputError for one that cannot be this platform's."""
        return user.strip()

    @classmethod
    def not_this_platform(cls, server: str, why: str) -> str:
        return _("{server} does not look like a {platform} server ({reason})").format(
            server=server, platform=cls.profile.label, reason=why)

    @abstractmethod
    async def verify(self) -> AccountInfo: ...

    @abstractmethod
    async def limits(self) -> Limits: ...

    @abstractmethod
    def pull(self, cursor: str | None, since: datetime) -> AsyncIterator[PullPage]:
        """Pages of items newer than cursor; with no cursor, a backfill back to `since`."""

    def live(self, cursor: str | None) -> AsyncIterator[PullPage]:
        """New notifications as they happen, for as long as the connection holds (platforms
        with Capability.PUSH: a stream or a long poll). Pages are stored like a pull's: one
        with a cursor and final=True moves the cursor (a long poll is a pull); a pushed page
        has none, so whatever the push missed while it was down comes with the next pull.
        The first page says the connection is open, and the engine then pulls once to fill
        what came before; unless that page carries a cursor with final=True: then it is that
        pull, from `cursor` (a long poll's first answer), and the engine stores it instead.
        A heartbeat-only wait yields nothing; the iterator ends or raises OfflineError /
        TimedOut / TransientError when the connection drops (the engine reconnects with
        backoff), NoPush when the server has no push (the engine polls)."""
        raise NoPush(_("{platform} pushes nothing: new items come with each pull").format(platform=self.profile.label))

    @abstractmethod
    async def thread(self, remote_id: str) -> list[RemoteItem]: ...

    @abstractmethod
    async def publish(self, post: PostRequest) -> Posted: ...

    @abstractmethod
    async def own_posts(self, account_remote_id: str, since: datetime) -> list[OwnPost]: ...

    async def edit(self, remote_id: str, text: str, spoiler_text: str | None = None) -> Posted:
        raise PermanentError(_("{platform} cannot edit posts").format(platform=self.platform))

    async def delete(self, remote_id: str) -> None:
        raise PermanentError(_("{platform} cannot delete posts").format(platform=self.platform))

    async def reschedule(self, scheduled_id: str, scheduled_at: str) -> Posted:
        raise PermanentError(_("{platform} cannot schedule posts").format(platform=self.platform))

    async def cancel_scheduled(self, scheduled_id: str) -> None:
        raise PermanentError(_("{platform} cannot schedule posts").format(platform=self.platform))

    async def scheduled(self) -> list[ScheduledPost]:
        """The posts the server holds to publish later."""
        raise PermanentError(_("{platform} cannot schedule posts").format(platform=self.platform))

    async def lookup(self, handle: str) -> AccountRef:
        """An account by its handle."""
        raise PermanentError(_("{platform} cannot look accounts up").format(platform=self.platform))

    async def mute(self, account_remote_id: str) -> None:
        raise PermanentError(_("{platform} cannot mute").format(platform=self.platform))

    async def block(self, account_remote_id: str) -> None:
        raise PermanentError(_("{platform} cannot block").format(platform=self.platform))

    async def report(self, account_remote_id: str, status_ids: list[str], comment: str = "",
                     category: str | None = None, forward: bool = False) -> str:
        """File a report; category None: the profile's default. Returns the report's id."""
        raise PermanentError(_("{platform} cannot report").format(platform=self.platform))

    async def admin_reports(self) -> AdminReports:
        raise PermanentError(_("{platform} has no instance reports").format(platform=self.platform))

    async def resolve_report(self, report_id: str) -> None:
        raise PermanentError(_("{platform} has no instance reports").format(platform=self.platform))

    async def assign_report(self, report_id: str) -> None:
        raise PermanentError(_("{platform} has no instance reports").format(platform=self.platform))

    async def account_action(self, account_remote_id: str, action: str, text: str = "",
                             report_id: str | None = None) -> None:
        raise PermanentError(_("{platform} has no account actions").format(platform=self.platform))

    async def remove(self, remote_id: str, reason: str = "") -> None:
        """Remove someone else's item on the platform (moderation), with a reason."""
        raise PermanentError(_("{platform} cannot remove others' posts").format(platform=self.platform))

    async def kick(self, account_remote_id: str, place: str, reason: str = "") -> None:
        raise PermanentError(_("{platform} cannot remove people from a place").format(platform=self.platform))

    async def ban(self, account_remote_id: str, place: str, reason: str = "") -> None:
        raise PermanentError(_("{platform} cannot ban").format(platform=self.platform))

    async def unban(self, account_remote_id: str, place: str) -> None:
        raise PermanentError(_("{platform} cannot ban").format(platform=self.platform))

    async def audience(self, info: AccountInfo) -> AccountInfo:
        """The account's figures after a pull (followers...): verify's, unless the pull taught
        the connector better (members of its places)."""
        return info

    async def resolve_place(self, name: str) -> str:
        """The id of a place the user named (its id, or a name the platform resolves), which
        the account is in: PermanentError (a sentence for the user) when it is not."""
        return name

    def places(self) -> list[Place]:
        """The account's places as this pass left them (no request); none: no places."""
        return []

    async def close(self) -> None:
        return None

    # -- likes and shares --
    # like/share: once however often retried with the same key; they return what taking them
    # back needs (the like's own id, where it is a thing of its own), else None.
    async def like(self, remote_id: str, key: str) -> str | None:
        raise PermanentError(_("{platform} cannot {what}").format(platform=self.platform,
                                                                     what=self.profile.verb("like")))

    async def unlike(self, remote_id: str, receipt: str | None = None) -> None:
        raise PermanentError(_("{platform} cannot {what}").format(platform=self.platform,
                                                                     what=self.profile.verb("like")))

    async def share(self, remote_id: str, key: str) -> str | None:
        raise PermanentError(_("{platform} cannot {what}").format(platform=self.platform,
                                                                     what=self.profile.verb("share")))

    async def unshare(self, remote_id: str, receipt: str | None = None) -> None:
        raise PermanentError(_("{platform} cannot {what}").format(platform=self.platform,
                                                                     what=self.profile.verb("share")))