"""What Bluesky is like, for the code outside this package: a post is at most 300 graphemes
(user-perceived characters, as Bluesky's apps count them with Intl.Segmenter) and 3,000
bytes of UTF-8; a reply notifies the author it answers, so it needs no mention; there are no
visibilities or content warnings; moderation is mute, block, report, and hiding a reply in our
own thread. Imports no HTTP client: the composer and the CLI read it at no start-up cost."""

from __future__ import annotations

from typing import Mapping

from cmtui.i18n import N_, _
from cmtui.sync.connectors.base import AccountOption, Capability, Choice, PlatformProfile

MAX_GRAPHEMES = 300  # app.bsky.feed.post: text maxGraphemes
MAX_BYTES = 3000  # app.bsky.feed.post: text maxLength (UTF-8 bytes)


def graphemes(text: str) -> int:
    """Extended grapheme clusters (UAX #29), as Intl.Segmenter counts them: an emoji with
    its modifiers, or a letter with its combining accents, is one."""
    import regex  # a well-kept Unicode-aware engine: \X is a grapheme cluster

    return len(regex.findall(r"\X", text))


class BlueskyProfile(PlatformProfile):
    def text_length(self, text: str, limits: Mapping) -> int:
        return graphemes(text)

    def length_note(self, limits: Mapping) -> str:
        # i18n: said after "the text is 301 characters, over the limit of 300": keep the leading space
        return _(" (counted in graphemes, as Bluesky counts them)")

    def length_problem(self, text: str, limits: Mapping) -> str | None:
        problem = super().length_problem(text, limits)
        if problem is None and len(text.encode("utf-8")) > MAX_BYTES:
            from cmtui import l10n

            return _("the text is {n} bytes, over Bluesky's limit of {limit}").format(
                n=l10n.number(len(text.encode("utf-8"))), limit=l10n.number(MAX_BYTES))
        return problem

    def hides_on_server(self, item: Mapping) -> bool:
        """Only a reply to us can be hidden on Bluesky (the hidden replies of our post's
        threadgate); a mention or a quote is hidden from our screens only."""
        return item["kind"] == "reply"


PROFILE = BlueskyProfile(
    label="Bluesky",  # i18n: not shown
    capabilities=(Capability.PULL | Capability.THREAD | Capability.PUBLISH | Capability.REPLY | Capability.MUTE
                  | Capability.BLOCK | Capability.REPORT | Capability.STATS | Capability.HIDE | Capability.LIKE
                  | Capability.SHARE | Capability.MEDIA),
    max_chars=MAX_GRAPHEMES,
    # app.bsky.embed.images: up to 4 images of about a megabyte each.
    max_media=4,
    media_size=1_000_000,
    moderation_actions=("hide", "mute", "block", "report"),
    # i18n: a report's reason as Bluesky files it: the word before the dash names Bluesky's reason
    report_categories=(Choice("spam", N_("spam — unwanted or repeated content")),
                       Choice("violation", N_("violation — breaks the service's rules")),
                       Choice("misleading", N_("misleading — impersonation or false information")),
                       Choice("sexual", N_("sexual — unwanted sexual content")),
                       Choice("rude", N_("rude — harassment or bullying")),
                       Choice("other", N_("other — say why in the comment"))),
    default_report_category="other",
    # i18n: Bluesky's words for its likes and reposts: use Bluesky's own translations
    like_name=N_("likes"),
    share_name=N_("reposts"),
    # i18n: a verb inside a sentence ("Bluesky accounts cannot repost from cmtui")
    share_verb=N_("repost"),
    share_past=N_("reposted"),
    unshare_verb=N_("undo the repost"),
    # i18n: a key's label in the key bar (Bluesky's "Repost" button)
    share_label=N_("Repost"),
    unshare_label=N_("Undo the repost"),
    options=(AccountOption("instance", "server", required=True), AccountOption("user", "user", required=True),
             AccountOption("token_env", "token_env", required=True)),
    server_label="PDS",  # a Bluesky server, by its name: not translated
    # i18n: said in "Hide this reply? (hidden under your post on Bluesky at the next sync)"
    server_hide_words=N_("hidden under your post on Bluesky"),
    server_hide_reason=False,  # a threadgate lists hidden replies, with no reason
)
