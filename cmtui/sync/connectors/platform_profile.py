"""What a platform is like, for code that must not know which platform it is: what its
connector can do (Capability) and its profile (PlatformProfile: length rule and limit,
visibilities, content warnings, moderation actions, report reasons, the words for likes and
shares, media limits, account options). Readable without a connector or a connection; each
platform's package declares its own, and cmtui.sync.connectors.base re-exports them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from enum import Flag, auto
from typing import Mapping

from cmtui.errors import InputError

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
    HIDE = auto()  # remove someone else's item on the server (with a reason)
    KICK = auto()  # remove someone from a place (they may come back)
    BAN = auto()  # ban someone from a place, and lift the ban
    LIKE = auto()  # like someone's item (PlatformProfile.like_verb), and take it back
    SHARE = auto()  # share it with our followers (PlatformProfile.share_verb), and take it back
    MEDIA = auto()  # images (with alt text) on posts and replies, uploaded by publish


# -- the platform profile ---------------------------------------------------------------
_LINK = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]'»]", re.IGNORECASE)  # (no closing punctuation)
_MENTION = re.compile(r"(?<![\w@/])@\w[\w.-]*(?:[@:]\w[\w.-]*)?(?<![.-])")  # @user, @user@server, @user:server
@dataclass(frozen=True)
class Choice:
    """One answer of a picker: the value sent to the platform, the words shown for it."""

    value: str
    label: str


@dataclass(frozen=True)
class AccountOption:
    """Something `cmtui account add PLATFORM` needs. role: server (a URL), user (a handle),
    token_env (a variable holding a token or app password; absent: the connector's own
    sign-in flow)."""

    dest: str  # the command line's attribute (--token-env -> token_env)
    role: str
    required: bool = False


@dataclass(frozen=True)
class PlatformProfile:
    """What a platform is like, for code that must not know which platform it is: the base
    counts characters plainly and addresses nobody; a platform's profile overrides that."""

    label: str  # the platform's name as people write it
    capabilities: Capability = Capability(0)  # what its connector can do (readable without the connector)
    max_chars: int = 500  # when the server did not say
    visibilities: tuple[str, ...] = ()  # none: every post is seen the same way
    default_visibility: str | None = None
    reply_content_warning: bool = False
    moderation_actions: tuple[str, ...] = ()  # of mute, block, report
    report_categories: tuple[Choice, ...] = ()
    default_report_category: str | None = None
    account_actions: tuple[Choice, ...] = ()  # what an admin can do to an account
    server_schedule_lead: timedelta | None = None  # schedules on the server at least this far ahead
    like_name: str = "likes"  # plural nouns, for the metrics
    share_name: str = "shares"
    # Our like and share of an item (Capability.LIKE, SHARE): verb, past, the verb taking it back.
    like_verb: str = "like"
    like_past: str = "liked"
    unlike_verb: str = "unlike"
    share_verb: str = "share"
    share_past: str = "shared"
    unshare_verb: str = "unshare"
    options: tuple[AccountOption, ...] = ()
    place_label: str = ""  # what a place is called ("room"); empty: posts go to no chosen place
    server_label: str = "instance"  # what the account's server is called ("homeserver")
    counts_from_events: bool = False  # post counters are counted from stored events, not read from the server
    # How a hide on the server is said (Capability.HIDE): the question's words, and whether
    # the platform takes a reason with it.
    server_hide_words: str = "removed on the server"
    server_hide_reason: bool = True
    # Media (Capability.MEDIA): what a post may carry when the server did not say.
    max_media: int = 4
    media_types: tuple[str, ...] = ("image/png", "image/jpeg", "image/gif", "image/webp")
    media_size: int = 8 * 1024 * 1024  # bytes per image
    alt_max: int = 1500  # characters of alt text per image (the fediverse's description limit)

    def hides_on_server(self, item: Mapping) -> bool:
        """Whether hiding this inbox item also takes it off the platform (else it is hidden
        from our screens only)."""
        return "hide" in self.moderation_actions and Capability.HIDE in self.capabilities

    # -- length ----------------------------------------------------------------------------
    def limit(self, limits: Mapping) -> int:
        return int(limits.get("max_chars") or self.max_chars)

    def text_length(self, text: str, limits: Mapping) -> int:
        return len(text)

    def length_note(self, limits: Mapping) -> str:
        """Said after "over the limit": how the platform counts, when it is not plain."""
        return ""

    def length_problem(self, text: str, limits: Mapping) -> str | None:
        """None if text can be posted within the account's limits, else a message."""
        if not text.strip():
            return "the text is empty"
        limit, used = self.limit(limits), self.text_length(text, limits)
        if used > limit:
            return f"the text is {used} characters, over the limit of {limit}{self.length_note(limits)}"
        return None

    # -- media -------------------------------------------------------------------------------
    def media_limits(self, limits: Mapping) -> tuple[int, tuple[str, ...], int]:
        """(attachments per post, mime types, bytes per image): the server's, else the profile's."""
        types = limits.get("media_types")
        return (int(limits.get("max_media") or self.max_media),
                tuple(str(t) for t in types) if isinstance(types, list) and types else self.media_types,
                int(limits.get("media_size") or self.media_size))

    def media_problem(self, attachments, limits: Mapping) -> str | None:
        """None if these attachments (model.Attachment) fit the account's limits, else a message."""
        if not attachments:
            return None
        if Capability.MEDIA not in self.capabilities:
            return f"{self.label} posts cannot carry media from cmtui"
        count, types, size = self.media_limits(limits)
        per_part: dict[int, int] = {}
        for item in attachments:
            per_part[item.part] = per_part.get(item.part, 0) + 1
        if max(per_part.values()) > count:
            return f"{max(per_part.values())} images, over the limit of {count} per post"
        for item in attachments:
            name = item.file.rsplit("/", 1)[-1]
            if item.mime not in types:
                return f"{name} is {item.mime or 'of an unknown type'}; {self.label} takes {', '.join(types)}"
            if item.size > size:
                return f"{name} is {item.size:,} bytes, over the limit of {size:,}"
            if len(item.alt) > self.alt_max:
                return f"the alt text of {name} is {len(item.alt):,} characters, over the limit of {self.alt_max:,}"
        return None

    # -- how a post is shown -------------------------------------------------------------------
    def highlights(self, text: str) -> list[tuple[int, int, str]]:
        """Where the platform shows a post's links and mentions: (start, end, "link" or
        "mention"), in order (the post preview marks them). The base: web links, @handles."""
        found = [(m.start(), m.end(), "link") for m in _LINK.finditer(text)]
        found += [(m.start(), m.end(), "mention") for m in _MENTION.finditer(text)
                  if not any(start <= m.start() < end for start, end, _ in found)]
        return sorted(found)

    # -- replies -----------------------------------------------------------------------------
    def mentions(self, text: str, author: str) -> bool:
        """Whether text already addresses author (a platform without mentions: always)."""
        return True

    def reply_prefix(self, author: str) -> str:
        """What a new reply starts with, to address the author."""
        return ""

    def mention_shown(self, author: str) -> str:
        """The author's mention as it counts, for the composer's "incl. …" note."""
        return ""

    def reply_text(self, text: str, author: str) -> str:
        """The reply as it will be posted: addressed to the author unless it already is."""
        text = text.strip()
        return text if self.mentions(text, author) else self.reply_prefix(author) + text

    def reply_length(self, text: str, author: str, limits: Mapping) -> tuple[int, int]:
        """(characters the reply will be as sent, the limit). Empty is 0: nothing is sent,
        so the mention that would be added does not count yet."""
        if not text.strip():
            return 0, self.limit(limits)
        return self.text_length(self.reply_text(text, author), limits), self.limit(limits)

    def reply_visibility(self, item: Mapping) -> str | None:
        """A reply is no more public than what it answers: a direct message gets a direct reply."""
        return item["visibility"] if item["visibility"] in self.visibilities else self.default_visibility

    def check_visibility(self, visibility: str | None) -> None:
        """InputError for a visibility the platform does not have (None: its default)."""
        if visibility is not None and visibility not in self.visibilities:
            raise InputError(f"unknown visibility '{visibility}' ({', '.join(self.visibilities)})" if self.visibilities
                             else f"{self.label} posts have no visibility to choose")

    def reply_payload(self, item: Mapping, text: str, limits: Mapping, *, visibility: str | None = None,
                      language: str | None = None, content_warning: str | None = None) -> dict:
        """The outbox payload of a reply to an inbox item (its thread, its author addressed).
        Needs no connection. InputError when the platform would refuse it."""
        self.check_visibility(visibility)
        if content_warning and not self.reply_content_warning:
            raise InputError(f"{self.label} replies cannot carry a content warning")
        body = self.reply_text(text, item["author"])
        problem = self.length_problem(body, limits)
        if problem:
            raise InputError(f"reply not queued: {problem}")
        payload = {"text": body, "in_reply_to_id": item["remote_id"]}
        chosen = visibility or self.reply_visibility(item)
        if chosen:
            payload["visibility"] = chosen
        payload["language"] = language or item["language"]
        if content_warning:
            payload["spoiler_text"] = content_warning
        return payload

    # -- what it can do ----------------------------------------------------------------------------
    def require(self, capability: Capability, what: str) -> None:
        """InputError (one sentence) when the platform cannot do `what`."""
        if capability not in self.capabilities:
            raise InputError(f"{self.label} accounts cannot {what} from cmtui")

    # -- moderation ----------------------------------------------------------------------------
    def report_category(self, category: str | None) -> str:
        """The category a report is filed under (None: the default). InputError if unknown."""
        category = category or self.default_report_category or ""
        known = [c.value for c in self.report_categories]
        if category not in known:
            raise InputError(f"unknown report category '{category}' ({', '.join(known) or 'none on ' + self.label})")
        return category
