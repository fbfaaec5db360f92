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
from cmtui.i18n import N_, _, pgettext

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
    PUSH = auto()  # new notifications arrive as they happen (Connector.live: a stream or a long poll)


# -- the platform profile ---------------------------------------------------------------
_LINK = re.compile(r"https?://[^\s<>\"]*[^\s<>\".,;:!?)\]'»]", re.IGNORECASE)  # (no closing punctuation)
_MENTION = re.compile(r"(?<![\w@/])@\w[\w.-]*(?:[@:]\w[\w.-]*)?(?<![.-])")  # @user, @user@server, @user:server
@dataclass(frozen=True)
class Choice:
    """One answer of a picker: the value sent to the platform, the words shown for it (the
    English, marked N_() where the profile is built: `shown` is them in the chosen language)."""

    value: str
    label: str

    @property
    def shown(self) -> str:
        return _(self.label) if self.label else self.label


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
    # The platform's words, in English (N_() where a profile is built); shown through word(),
    # action_label(), verb(), past() and the other accessors below, which translate them.
    like_name: str = N_("likes")  # plural nouns, for the metrics
    share_name: str = N_("shares")
    # Our like and share of an item (Capability.LIKE, SHARE): verb, past, the verb taking it back.
    like_verb: str = N_("like")
    like_past: str = N_("liked")
    unlike_verb: str = N_("unlike")
    share_verb: str = N_("share")
    share_past: str = N_("shared")
    unshare_verb: str = N_("unshare")
    # The same as a key's or a button's label (the verb capitalised, in English).
    like_label: str = N_("Like")
    unlike_label: str = N_("Unlike")
    share_label: str = N_("Share")
    unshare_label: str = N_("Unshare")
    options: tuple[AccountOption, ...] = ()
    place_label: str = ""  # what a place is called ("room"); empty: posts go to no chosen place
    places_label: str = ""  # the same in the plural ("rooms")
    support_places_label: str = N_("support places")  # the places where people ask for help ("support rooms")
    server_label: str = N_("instance")  # what the account's server is called ("homeserver")
    counts_from_events: bool = False  # post counters are counted from stored events, not read from the server
    own_posts_in_pull: bool = False  # the pull itself reports our own posts (own_posts costs no request)
    # How a hide on the server is said (Capability.HIDE): the question's words, and whether
    # the platform takes a reason with it.
    server_hide_words: str = N_("removed on the server")
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

    # -- the platform's words, in the chosen language ---------------------------------------
    def word(self, name: str) -> str:
        """One of the profile's words (like_verb, like_past, like_name, share_label,
        place_label, places_label, server_label, server_hide_words...) in the chosen language;
        the attribute itself stays the English."""
        value = getattr(self, name)
        return _(value) if value else value

    def action_label(self, what: str, undo: bool = False) -> str:
        """The key's or button's label of our like or share (what: "like" or "share"), or of
        taking it back: "Favourite", "Unboost", "Me gusta"..."""
        return self.word(f"un{what}_label" if undo else f"{what}_label")

    def verb(self, what: str, undo: bool = False) -> str:
        """The verb of our like or share (or of taking it back) inside a sentence: "favourite",
        "impulsar"..."""
        return self.word(f"un{what}_verb" if undo else f"{what}_verb")

    def past(self, what: str) -> str:
        """"favourited", "impulsado"...: what an item carrying our like or share is."""
        return self.word(f"{what}_past")

    def interaction_names(self) -> tuple[str, str]:
        """(likes, shares): the plural nouns the metrics show, in the chosen language."""
        return self.word("like_name"), self.word("share_name")

    def visibility_label(self, value: str) -> str:
        """A visibility (as sent: public, unlisted, private, direct) as a picker shows it, in
        the chosen language (a value the platform does not name here: as it is)."""
        words = {"public": pgettext("visibility", "public"), "unlisted": pgettext("visibility", "unlisted"),
                 "private": pgettext("visibility", "private"), "direct": pgettext("visibility", "direct")}
        return words.get(value, value)

    def place_word(self, plural: bool = False) -> str:
        """What a place is called ("room", "rooms"), or the neutral "place"/"places" when the
        platform posts to no chosen place."""
        if plural:
            return self.word("places_label") or _("places")
        return self.word("place_label") or _("place")

    def option_label(self, role: str) -> str:
        """How an account option's role (AccountOption.role: server, user, token_env, places,
        support_places) is named in a form or a message, in the chosen language."""
        if role == "server":
            return self.word("server_label")
        if role == "user":
            return _("user")
        if role == "token_env":
            return _("token")
        if role == "places":
            return self.place_word(plural=True)
        if role == "support_places":
            return self.word("support_places_label")
        return role

    def places_counted(self, n: int) -> str:
        """"3 places" (a platform with rooms says "3 rooms"), the number in the language's digits."""
        from cmtui import l10n
        from cmtui.i18n import ngettext

        return ngettext("{n} place", "{n} places", n).format(n=l10n.number(n))

    # -- length ----------------------------------------------------------------------------
    def limit(self, limits: Mapping) -> int:
        return int(limits.get("max_chars") or self.max_chars)

    def text_length(self, text: str, limits: Mapping) -> int:
        return len(text)

    def length_note(self, limits: Mapping) -> str:
        """Said after "over the limit": how the platform counts, when it is not plain (a
        whole clause in the chosen language, starting with its space)."""
        return ""

    def over_limit(self, used: int, limit: int, limits: Mapping) -> str:
        """"the text is 512 characters, over the limit of 500" (and how the platform counts)."""
        from cmtui import l10n
        from cmtui.i18n import ngettext

        # i18n: {note} is empty or a clause of its own such as " (URLs count as 23)"
        said = ngettext("the text is {n} character, over the limit of {limit}{note}",
                        "the text is {n} characters, over the limit of {limit}{note}", used)
        return said.format(n=l10n.number(used), limit=l10n.number(limit), note=self.length_note(limits))

    def length_problem(self, text: str, limits: Mapping) -> str | None:
        """None if text can be posted within the account's limits, else a message."""
        if not text.strip():
            return _("the text is empty")
        limit, used = self.limit(limits), self.text_length(text, limits)
        if used > limit:
            return self.over_limit(used, limit, limits)
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
        from cmtui import l10n
        from cmtui.i18n import ngettext

        if Capability.MEDIA not in self.capabilities:
            return _("{platform} posts cannot carry media from cmtui").format(platform=self.label)
        count, types, size = self.media_limits(limits)
        per_part: dict[int, int] = {}
        for item in attachments:
            per_part[item.part] = per_part.get(item.part, 0) + 1
        if max(per_part.values()) > count:
            most = max(per_part.values())
            return ngettext("{n} image, over the limit of {limit} per post",
                            "{n} images, over the limit of {limit} per post", most).format(
                n=l10n.number(most), limit=l10n.number(count))
        for item in attachments:
            name = item.file.rsplit("/", 1)[-1]
            if item.mime not in types:
                if not item.mime:
                    return _("{name} is of an unknown type; {platform} takes {types}").format(
                        name=name, platform=self.label, types=", ".join(types))
                return _("{name} is {type}; {platform} takes {types}").format(
                    name=name, type=item.mime, platform=self.label, types=", ".join(types))
            if item.size > size:
                return ngettext("{name} is {n} byte, over the limit of {limit}",
                                "{name} is {n} bytes, over the limit of {limit}", item.size).format(
                    name=name, n=l10n.number(item.size), limit=l10n.number(size))
            if len(item.alt) > self.alt_max:
                return ngettext("the alt text of {name} is {n} character, over the limit of {limit}",
                                "the alt text of {name} is {n} characters, over the limit of {limit}",
                                len(item.alt)).format(name=name, n=l10n.number(len(item.alt)),
                                                      limit=l10n.number(self.alt_max))
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
            raise InputError(_("unknown visibility '{value}' ({known})").format(
                value=visibility, known=", ".join(self.visibilities)) if self.visibilities
                else _("{platform} posts have no visibility to choose").format(platform=self.label))

    def reply_payload(self, item: Mapping, text: str, limits: Mapping, *, visibility: str | None = None,
                      language: str | None = None, content_warning: str | None = None) -> dict:
        """The outbox payload of a reply to an inbox item (its thread, its author addressed).
        Needs no connection. InputError when the platform would refuse it."""
        self.check_visibility(visibility)
        if content_warning and not self.reply_content_warning:
            raise InputError(_("{platform} replies cannot carry a content warning").format(platform=self.label))
        body = self.reply_text(text, item["author"])
        problem = self.length_problem(body, limits)
        if problem:
            raise InputError(_("reply not queued: {problem}").format(problem=problem))
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
        """InputError (one sentence) when the platform cannot do `what` (a verb in the chosen
        language: the caller translates it)."""
        if capability not in self.capabilities:
            raise InputError(_("{platform} accounts cannot {what} from cmtui").format(platform=self.label, what=what))

    # -- moderation ----------------------------------------------------------------------------
    def report_category(self, category: str | None) -> str:
        """The category a report is filed under (None: the default). InputError if unknown."""
        category = category or self.default_report_category or ""
        known = [c.value for c in self.report_categories]
        if category not in known:
            raise InputError(_("unknown report category '{value}' ({known})").format(value=category, known=", ".join(known))
                             if known else _("unknown report category '{value}' (none on {platform})").format(
                                 value=category, platform=self.label))
        return category
