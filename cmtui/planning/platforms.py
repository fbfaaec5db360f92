"""What an entry's accounts' platforms allow (their profiles), for the calendar's checks.

An entry with no account yet has no platform constraint: any visibility some platform has
is kept, and its length is not checked; both are checked when an account is set (an idea
is written before anyone knows where it goes, and a limit it does not have yet would only
get in the way).
"""

from __future__ import annotations

from cmtui.compose import length_problem
from cmtui.sync.connectors import REGISTRY, default_platform, profile_for
from cmtui.sync.connectors.base import Capability, PlatformProfile


def profile_of(account) -> PlatformProfile | None:
    return profile_for(account.platform) if account is not None else None


def known_visibilities() -> tuple[str, ...]:
    """Every visibility of every registered platform, in registry order."""
    found: dict[str, None] = {}
    for platform in REGISTRY:
        found.update(dict.fromkeys(profile_for(platform).visibilities))
    return tuple(found)


def default_visibility(account) -> str:
    """What an entry gets when no visibility is given: its platform's default (the stored
    column always holds one; a platform without visibilities never sends it)."""
    for profile in (profile_of(account), profile_for(default_platform())):
        if profile is not None and profile.default_visibility:
            return profile.default_visibility
    return "public"


def visibility_problem(value: str, account) -> str | None:
    """None if value is a visibility the account's platform has (no account: any platform's)."""
    profile = profile_of(account)
    allowed = known_visibilities() if profile is None else profile.visibilities
    if allowed and value not in allowed:
        return f"unknown visibility '{value}' ({', '.join(allowed)})"
    return None


def text_problem(text: str, account) -> str | None:
    """The account's platform's length rule; no account: none yet."""
    if account is None:
        return None if text.strip() else "the text is empty"
    return length_problem(text, account.limits, account.platform)


def can_publish(account) -> None:
    """InputError when the account's platform cannot take posts from cmtui."""
    profile_for(account.platform).require(Capability.PUBLISH, "publish posts")
