"""What Mastodon is like, for the code outside this package: how a status is counted, whom
a reply addresses, its visibilities, report categories and account actions, the server's
scheduling lead. Imports no HTTP client: the composer and the CLI read it at no start-up cost."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Mapping

from cmtui.i18n import N_, _
from cmtui.sync.connectors.platform_profile import AccountOption, Capability, Choice, PlatformProfile

_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
# A user name: word characters, with dots or dashes only inside (Mastodon's USERNAME_RE), so
# "@matej.k." is matej.k at the end of a sentence.
_USER = r"\w+(?:[.-]+\w+)*"
_REMOTE_MENTION = re.compile(rf"(?<![\w/])@({_USER})@[\w.-]+\w", re.UNICODE)
_MENTION = re.compile(rf"(?<![\w@])@({_USER})(?:@([\w.:-]*\w))?", re.UNICODE)
URL_WEIGHT = 23  # characters_reserved_per_url, when the server did not say


class MastodonProfile(PlatformProfile):
    def _url_weight(self, limits: Mapping) -> int:
        return int(limits.get("url_weight") or URL_WEIGHT)

    def text_length(self, text: str, limits: Mapping) -> int:
        """Characters as Mastodon counts them: every URL weighs url_weight, a remote mention
        @user@domain counts as @user."""
        text = _URL.sub("x" * self._url_weight(limits), text)
        text = _REMOTE_MENTION.sub(lambda m: "@" + m.group(1), text)
        return len(text)

    def length_note(self, limits: Mapping) -> str:
        from cmtui import l10n

        # i18n: said after "the text is 501 characters, over the limit of 500": keep the leading space
        return _(" (URLs count as {n})").format(n=l10n.number(limits.get("url_weight", URL_WEIGHT)))

    def mentions(self, text: str, author: str) -> bool:
        """Whether text already mentions author, as @user or as @user@their-domain: the same
        user name on another server is someone else, and the author would not be notified."""
        user, _at, domain = author.partition("@")
        for found in _MENTION.finditer(text):
            if found.group(1).lower() != user.lower():
                continue
            if found.group(2) is None or found.group(2).lower() == domain.lower():
                return True
        return False

    def reply_prefix(self, author: str) -> str:
        return f"@{author} "  # mentioned, so they are notified

    def mention_shown(self, author: str) -> str:
        return f"@{author.split('@')[0]}"  # a remote mention counts as @user


PROFILE = MastodonProfile(
    label="Mastodon",  # i18n: not shown
    capabilities=(Capability.PULL | Capability.PUSH | Capability.THREAD | Capability.PUBLISH | Capability.SCHEDULE | Capability.EDIT
                  | Capability.REPLY | Capability.MUTE | Capability.BLOCK | Capability.REPORT
                  | Capability.ADMIN_REPORTS | Capability.ADMIN_ACTIONS | Capability.STATS | Capability.LIKE
                  | Capability.SHARE | Capability.MEDIA),
    max_chars=500,
    media_size=16 * 1024 * 1024,  # the server's configuration.media_attachments says better (limits)
    visibilities=("public", "unlisted", "private", "direct"),
    default_visibility="public",
    reply_content_warning=True,
    moderation_actions=("mute", "block", "report"),
    # i18n: a report's category as Mastodon files it: the word before the dash is Mastodon's own
    report_categories=(Choice("spam", N_("spam")), Choice("legal", N_("legal — illegal content")),
                       Choice("violation", N_("violation — breaks the server's rules")),
                       Choice("other", N_("other"))),
    default_report_category="other",
    # i18n: what a Mastodon admin does to a reported account: the word before the dash is Mastodon's own
    account_actions=(Choice("none", N_("none — only resolve the report, with a warning text")),
                     Choice("sensitive", N_("sensitive — mark its media sensitive")),
                     Choice("disable", N_("disable — freeze its login")),
                     Choice("silence", N_("silence — limit who sees it")),
                     Choice("suspend", N_("suspend — remove the account"))),
    server_schedule_lead=timedelta(minutes=5),  # the server refuses a scheduled_at sooner than this
    # i18n: Mastodon's words for its favourites and boosts: use Mastodon's own translations
    like_name=N_("favourites"),
    share_name=N_("boosts"),
    # i18n: a verb inside a sentence ("Mastodon accounts cannot favourite from cmtui")
    like_verb=N_("favourite"),
    like_past=N_("favourited"),
    unlike_verb=N_("unfavourite"),
    # i18n: a verb inside a sentence ("Mastodon accounts cannot boost from cmtui")
    share_verb=N_("boost"),
    share_past=N_("boosted"),
    unshare_verb=N_("unboost"),
    # i18n: a key's label in the key bar (Mastodon's "Favourite" button)
    like_label=N_("Favourite"),
    unlike_label=N_("Unfavourite"),
    # i18n: a key's label in the key bar (Mastodon's "Boost" button)
    share_label=N_("Boost"),
    unshare_label=N_("Unboost"),
    options=(AccountOption("instance", "server", required=True), AccountOption("token_env", "token_env")),
)
