"""How the screens say where an item was said, on platforms with places (chat rooms): "mention
to fernleaf-chat in #support", "message in #support on fernleaf-chat" (every top-level message
of a support place is an item), "direct message to fernleaf-chat". Items without a place read
as before: "mention to tidewater"."""

from __future__ import annotations

from typing import TYPE_CHECKING

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
        return f"{kind} to {account}"
    if place.direct or kind == "direct":
        return f"direct message to {account}"
    if kind == "comment":
        return f"message in {place.shown} on {account}"
    return f"{kind} to {account} in {place.shown}"


def entry_where(store: Store, entry) -> str | None:
    """Where a calendar entry goes, on a platform that posts to places: "in #announcements",
    or that none is chosen yet; None for the others (they show their visibility)."""
    from cmtui.sync.connectors import profile_for

    account = store.accounts.by_id(entry["account_id"]) if entry["account_id"] is not None else None
    label = profile_for(account.platform).place_label if account is not None else ""
    if not label:
        return None
    if not entry["place"]:
        return f"no {label} chosen yet"
    place = account.place(entry["place"]) if account is not None else None
    return f"in {place.shown if place is not None else entry['place']}"
