"""What an entry's accounts' platforms allow (their profiles), for the calendar's checks.

An entry with no account yet has no platform constraint: any visibility some platform has
is kept, and its length is not checked; both are checked when an account is set (an idea
is written before anyone knows where it goes, and a limit it does not have yet would only
get in the way).
"""

from __future__ import annotations

from cmtui.compose import length_problem
from cmtui.errors import InputError
from cmtui.i18n import N_, _
from cmtui.sync.connectors import REGISTRY, default_platform, profile_for
from cmtui.sync.connectors.base import Capability, PlatformProfile

# The platforms' names for the place a post goes to (their profiles' place_label), for the
# catalog: a message names it with _(label).
PLACE_LABELS = (N_("room"),)


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
        return _("unknown visibility '{value}' ({allowed})").format(value=value, allowed=", ".join(allowed))
    return None


def place_label(account) -> str:
    """What the account's platform calls the place a post goes to ("" when posts go to none)."""
    profile = profile_of(account)
    return profile.place_label if profile is not None else ""


def postable_places(account) -> tuple:
    """The account's places a post may go to, as its connector last reported them (a private
    conversation with one person is no place to announce in)."""
    return tuple(p for p in account.places if not p.direct) if account is not None else ()


def default_place(account) -> str | None:
    """Where a post goes when none is said: the account's only place that is neither a
    support place nor a private conversation (an announcements room), if it has just one."""
    found = [p for p in postable_places(account) if not p.support]
    return found[0].id if len(found) == 1 else None


def resolve_place(value, account) -> str | None:
    """The id of the place an entry goes to, from an id or a name (None: not chosen yet).
    InputError when the account's platform posts to no place, or has no such place."""
    value = (value or "").strip()
    if not value:
        return None
    profile = profile_of(account)
    if account is None or profile is None:
        raise InputError(_("choose the account first: a place is one of an account's"))
    if not profile.place_label:
        raise InputError(_("{platform} posts go to no place: leave it out").format(platform=profile.label))
    label = profile.place_label
    places = account.places
    found = next((p for p in places if value in (p.id, p.name)), None)
    if found is None:
        known = ", ".join(p.shown for p in postable_places(account)) or \
            _("none known yet: sync {account} first").format(account=account.name)
        # i18n: {place} is what the platform calls a place a post goes to ("room")
        raise InputError(_("{account} has no {place} '{value}' ({known})").format(
            account=account.name, place=_(label), value=value, known=known))
    return found.id


def missing_place(what: str, account, place: str | None) -> str | None:
    """Why an entry (what: "entry 7") cannot go out yet: its platform posts to a chosen place
    and none is chosen."""
    label = place_label(account)
    if label and not place:
        # i18n: {what} is "the entry" or "entry 7"; {place} is what the platform calls a place ("room")
        return _("{what} goes to {account}: choose a {place} for it").format(what=_(what), account=account.name,
                                                                             place=_(label))
    return None


def text_problem(text: str, account) -> str | None:
    """The account's platform's length rule; no account: none yet."""
    if account is None:
        return None if text.strip() else _("the text is empty")
    return length_problem(text, account.limits, account.platform)


def can_publish(account) -> None:
    """InputError when the account's platform cannot take posts from cmtui."""
    # i18n: completes "<platform> accounts cannot … from cmtui"
    profile_for(account.platform).require(Capability.PUBLISH, _("publish posts"))
