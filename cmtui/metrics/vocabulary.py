"""What likes and shares are called on the accounts shown: each platform's own words when
every account shown is on platforms that agree, else the neutral "likes" and "shares"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from cmtui.sync.connectors import profile_for
from cmtui.sync.connectors.base import PlatformProfile

if TYPE_CHECKING:
    from cmtui.store import Store

NEUTRAL = PlatformProfile(label="")  # its like_name and share_name: the neutral words


def interaction_words(platforms: Iterable[str]) -> dict[str, str]:
    """{"likes": ..., "shares": ...} for accounts on these platforms."""
    words = {(p.like_name, p.share_name) for p in map(profile_for, set(platforms))}
    like, share = words.pop() if len(words) == 1 else (NEUTRAL.like_name, NEUTRAL.share_name)
    return {"likes": like, "shares": share}


def shown_words(store: Store, account_id: int | None) -> dict[str, str]:
    """The words for one account (account_id), or for every account (None)."""
    accounts = [store.accounts.by_id(account_id)] if account_id is not None else store.accounts.list()
    return interaction_words(a.platform for a in accounts if a is not None)
