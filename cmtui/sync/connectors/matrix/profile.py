"""What Matrix is like, for the code outside this package: messages go to rooms (the core's
places), a reply addresses its author through intentional mentions (no "@user" prefix), there
are no visibilities or content warnings, moderation is per room (redact, kick, ban) within the
account's power level, and a homeserver admin sees the server's event reports. Imports no
HTTP client: the composer and the CLI read it at no start-up cost."""

from __future__ import annotations

from cmtui.i18n import N_, ngettext
from cmtui.sync.connectors.base import AccountOption, Capability, Choice, PlatformProfile

# An event may be at most 65,536 bytes; 15,000 characters of up to 4 bytes each, with the
# event's envelope, stay within it.
MAX_CHARS = 15_000


class MatrixProfile(PlatformProfile):
    def mentions(self, text: str, author: str) -> bool:
        return True  # the reply's m.mentions names the author: the text need not

    def places_counted(self, n: int) -> str:
        from cmtui import l10n

        return ngettext("{n} room", "{n} rooms", n).format(n=l10n.number(n))


PROFILE = MatrixProfile(
    label="Matrix",  # i18n: not shown
    capabilities=(Capability.PULL | Capability.THREAD | Capability.PUBLISH | Capability.EDIT | Capability.REPLY
                  | Capability.MUTE | Capability.REPORT | Capability.ADMIN_REPORTS | Capability.ADMIN_ACTIONS
                  | Capability.STATS | Capability.HIDE | Capability.KICK | Capability.BAN | Capability.LIKE
                  | Capability.MEDIA | Capability.PUSH),
    max_chars=MAX_CHARS,
    moderation_actions=("hide", "mute", "report", "kick", "ban", "unban"),
    report_categories=(Choice("other", N_("other — say why in the comment")),),
    default_report_category="other",
    # i18n: what a homeserver admin does about a reported Matrix message
    account_actions=(Choice("redact", N_("redact — remove the reported message")),
                     Choice("deactivate", N_("deactivate — close the sender's account on this server"))),
    like_name=N_("reactions"),
    share_name=N_("shares"),
    # A like is a 👍 reaction (connector.LIKE_KEY); rooms have no sharing.
    # i18n: a verb inside a sentence ("Matrix accounts cannot react 👍 from cmtui")
    like_verb=N_("react 👍"),
    like_past=N_("reacted 👍"),
    unlike_verb=N_("remove the 👍"),
    # i18n: a key's label in the key bar (a 👍 reaction to a Matrix message)
    like_label=N_("React 👍"),
    unlike_label=N_("Remove the 👍"),
    options=(AccountOption("instance", "server", required=True), AccountOption("user", "user"),
             AccountOption("token_env", "token_env"), AccountOption("rooms", "places"),
             AccountOption("support_rooms", "support_places")),
    # i18n: a Matrix room, where messages are posted
    place_label=N_("room"),
    places_label=N_("rooms"),
    # i18n: the rooms where the community asks for help
    support_places_label=N_("support rooms"),
    # i18n: Matrix's word for the server an account is on
    server_label=N_("homeserver"),
    counts_from_events=True,
    own_posts_in_pull=True,
)
