"""Remote ids and post addresses for the demo's made-up posts, shared by the demo's builders
(inbox, calendar) so that neither imports the other."""

from __future__ import annotations

from datetime import datetime


def remote_id(at: datetime, n: int) -> str:
    # Ids that sort by time, as platforms make them: milliseconds shifted left 16 bits, plus a sequence.
    return str((int(at.timestamp() * 1000) << 16) + n)


def status_url(acct: str, remote_id: str) -> str:
    user, _, host = acct.partition("@")
    return f"https://{host}/@{user}/{remote_id}"


def item_address(links: dict | None, acct: str, at: datetime, n: int, place: str | None) -> tuple[str, str]:
    """(remote id, address) of a made-up item or post: said in a place, as the account's
    platform names those (its `links` in data/demo/community.json), else a status."""
    rid = remote_id(at, n)
    if links and place:
        rid = links["item_id"].format(place=place, n=rid)
        return rid, links["item_url"].format(remote_id=rid)
    return rid, status_url(acct, rid)
