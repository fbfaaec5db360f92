"""What Matrix is like, for the code outside this package: messages go to rooms (the core's
places), a reply addresses its author through intentional mentions (no "@user" prefix), there
are no visibilities or content warnings, moderation is per room (redact, kick, ban) within the
account's power level, and a homeserver admin sees the server's event reports. Imports no
HTTP client: the composer and the CLI read it at no start-up cost."""

from __future__ import annotations

from cmtui.sync.connectors.base import AccountOption, Capability, Choice, PlatformProfile

# An event may be at most 65,536 bytes; 15,000 characters of up to 4 bytes each, with the
# event's envelope, stay within it.
MAX_CHARS = 15_000


class MatrixProfile(PlatformProfile):
    def mentions(self, text: str, author: str) -> bool:
        return True  # the reply's m.mentions names the author: the text need not


PROFILE = MatrixProfile(
    label="Matrix",
    capabilities=(Capability.PULL | Capability.THREAD | Capability.PUBLISH | Capability.EDIT | Capability.REPLY
                  | Capability.MUTE | Capability.REPORT | Capability.ADMIN_REPORTS | Capability.ADMIN_ACTIONS
                  | Capability.STATS | Capability.HIDE | Capability.KICK | Capability.BAN | Capability.LIKE
                  | Capability.MEDIA),
    max_chars=MAX_CHARS,
    moderation_actions=("hide", "mute", "report", "kick", "ban", "unban"),
    report_categories=(Choice("other", "other — say why in the comment"),),
    default_report_category="other",
    account_actions=(Choice("redact", "redact — remove the reported message"),
                     Choice("deactivate", "deactivate — close the sender's account on this server")),
    like_name="reactions",
    share_name="shares",
    # A like is a 👍 reaction (connector.LIKE_KEY); rooms have no sharing.
    like_verb="react 👍", like_past="reacted 👍", unlike_verb="remove the 👍",
    options=(AccountOption("instance", "server", required=True), AccountOption("user", "user"),
             AccountOption("token_env", "token_env"), AccountOption("rooms", "places"),
             AccountOption("support_rooms", "support_places")),
    place_label="room",
    server_label="homeserver",
    counts_from_events=True,
)
