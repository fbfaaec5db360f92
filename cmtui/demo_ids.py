"""Remote ids and post addresses for the demo's made-up posts, shared by the demo's builders
(inbox, calendar) so that neither imports the other."""

from __future__ import annotations

from datetime import datetime

SORTABLE = "234567abcdefghijklmnopqrstuvwxyz"  # base32 whose character order is its value order


def remote_id(at: datetime, n: int) -> str:
    # Ids that sort by time, as platforms make them: milliseconds shifted left 16 bits, plus a sequence.
    return str((int(at.timestamp() * 1000) << 16) + n)


def sortable_key(at: datetime, n: int) -> str:
    """A 13-character key that sorts by time: microseconds then a 10-bit sequence, in
    sortable base32 (how some platforms name a record)."""
    value = ((int(at.timestamp() * 1_000_000) + n) << 10) | (n % 1024)
    return "".join(SORTABLE[(value >> shift) & 31] for shift in range(60, -1, -5))


def status_url(acct: str, remote_id: str) -> str:
    user, _, host = acct.partition("@")
    return f"https://{host}/@{user}/{remote_id}"


def item_address(links: dict | None, acct: str, at: datetime, n: int, place: str | None,
                 author_id: str | None = None) -> tuple[str, str]:
    """(remote id, address) of a made-up item or post by acct (whose remote id is author_id),
    as the account's platform names those (its `links` in data/demo/community.json, with the
    fields place, n, key, acct, author_id), else a status."""
    rid = remote_id(at, n)
    if links:
        fields = dict(place=place, n=rid, key=sortable_key(at, n), acct=acct, author_id=author_id)
        rid = links["item_id"].format(**fields)
        return rid, links["item_url"].format(remote_id=rid, **fields)
    return rid, status_url(acct, rid)
