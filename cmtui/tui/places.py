"""How the screens say where an item was said, on platforms with places (chat rooms): "mention
to fernleaf-chat in #support", "message in #support on fernleaf-chat" (every top-level message
of a support place is an item), "direct message to fernleaf-chat". Items without a place read
as before: "mention to tidewater"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cmtui.i18n import _, pgettext
from cmtui.model import Place

if TYPE_CHECKING:
    from cmtui.store import Store


def item_place(store: Store, row) -> Place | None:
    """The place an inbox row was said in, as its account knows it (a place it has not
    reported yet: by its id)."""
    if not row["place"]:
        return None
    account = store.accounts.get(row["account"] or "")
    known = account.place(row["place"]) if account is not None else None
    return known or Place(row["place"])


def addressed(row, place: Place | None) -> str:
    """The item's kind, the account it is addressed to and where it was said."""
    kind, account = row["kind"], row["account"]
    if place is None:
        said = {"mention": pgettext("addressed", "mention to {account}"),
                "reply": pgettext("addressed", "reply to {account}"),
                "direct": pgettext("addressed", "direct to {account}"),
                "comment": pgettext("addressed", "comment to {account}")}
        return said[kind].format(account=account) if kind in said else f"{kind} → {account}"
    if place.direct or kind == "direct":
        return pgettext("addressed", "direct message to {account}").format(account=account)
    if kind == "comment":
        # i18n: a message in a chat room: "message in #support on fernleaf-chat"
        return pgettext("addressed", "message in {place} on {account}").format(place=place.shown, account=account)
    said = {"mention": pgettext("addressed", "mention to {account} in {place}"),
            "reply": pgettext("addressed", "reply to {account} in {place}")}
    if kind in said:
        return said[kind].format(account=account, place=place.shown)
    return f"{kind} → {account} · {place.shown}"


def entry_where(store: Store, entry) -> str | None:
    """Where a calendar entry goes, on a platform that posts to places: "in #announcements",
    or that none is chosen yet; None for the others (they show their visibility)."""
    from cmtui.sync.connectors import profile_for

    account = store.accounts.by_id(entry["account_id"]) if entry["account_id"] is not None else None
    label = profile_for(account.platform).place_label if account is not None else ""
    if not label:
        return None
    if not entry["place"]:
        # i18n: {place} is what the platform calls a place: "room", "channel"
        return _("no {place} chosen yet").format(place=_(label))
    place = account.place(entry["place"]) if account is not None else None
    # i18n: where a post goes: "in #announcements"
    return _("in {place}").format(place=place.shown if place is not None else entry["place"])
