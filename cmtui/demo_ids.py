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
