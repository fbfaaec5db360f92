"""Growth: followers per account over time, from the snapshots taken at each sync pass."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cmtui.metrics.window import iso_week

if TYPE_CHECKING:
    from cmtui.store import Store


def growth(store: Store, win) -> dict[str, dict]:
    """Per account name: current followers, change over the range, the daily series (the
    day's last snapshot) and the net change per ISO week. A week's net change is its last
    value minus the previous week's last value (the first week: minus the last value before
    the range, when there is one). None where there is no snapshot to compare."""
    latest = store.metrics.latest_followers()
    out = {}
    for account in store.accounts.list():
        if win.account_id is not None and account.id != win.account_id:
            continue
        series = store.metrics.daily_followers(account.id, win.start)
        before = store.metrics.followers_at(account.id, win.start)
        weeks: dict[str, int] = {}
        for day, value in series:
            weeks[iso_week(day)] = value  # ascending days: ends at the week's last value
        weekly, previous = [], before
        for week, last in weeks.items():
            weekly.append({"week": week, "followers": last, "net": None if previous is None else last - previous})
            previous = last
        current = latest.get(account.id)
        start = before if before is not None else (series[0][1] if series else None)
        out[account.name] = {
            "current": current,
            "change": None if current is None or start is None else current - start,
            "change_pct": None if current is None or not start else round((current - start) / start * 100, 2),
            "daily": [{"date": day, "followers": value} for day, value in series],
            "weekly": weekly,
        }
    return out
