"""Members to recognise: the most active and the most helpful in the range (store.members)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cmtui.store import Store

LIMIT = 5


def members(store: Store, win, limit: int = LIMIT) -> dict:
    """{most_active: [{author, items}], most_helpful: [{author, threads_helped}]} over the range
    (every account: the members tables are not kept per account)."""
    return {"most_active": store.members.most_active(win.start, win.end, limit),
            "most_helpful": store.members.most_helpful(win.start, win.end, limit)}
