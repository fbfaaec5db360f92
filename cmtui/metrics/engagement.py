"""Engagement of our own posts: per post, per week, and what kind of post does best.

Interactions = likes + shares + replies (the platform's counters at the last sync; what the
platform calls them: cmtui.metrics.vocabulary).
Engagement rate = interactions / the account's followers at the post's time (the last
snapshot before it, else the first after it); None when no snapshot exists.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import timedelta
from typing import TYPE_CHECKING

from cmtui.metrics.window import iso_week
from cmtui.model import iso, parse_iso

if TYPE_CHECKING:
    from cmtui.store import Store

MIN_GROUP = 3  # a group with fewer posts is listed but never called the best
TOP = 5


def _followers_lookup(store: Store, account_ids, since: str):
    series = {a: store.metrics.followers_series(a, since) for a in account_ids}
    before = {a: store.metrics.followers_at(a, since) for a in account_ids}

    def at(account_id: int, when: str) -> int | None:
        times = series[account_id]
        i = bisect_right(times, (when, float("inf")))
        if i:
            return times[i - 1][1]
        return before[account_id] if before[account_id] is not None else (times[0][1] if times else None)
    return at


def post_rows(store: Store, win, since: str | None = None) -> list[dict]:
    """Every post in the range (or since a time), oldest first, with interactions and rate."""
    since = since or win.start
    rows = store.metrics.posts(since, iso(win.now + timedelta(seconds=1)), win.account_id)
    at = _followers_lookup(store, {r["account_id"] for r in rows}, iso(parse_iso(since) - timedelta(days=400)))
    out = []
    for r in rows:
        total = r["likes"] + r["shares"] + r["replies"]
        followers = at(r["account_id"], r["posted_at"])
        out.append({"account": r["account"], "remote_id": r["remote_id"], "posted_at": r["posted_at"],
                    "text": r["text"], "language": r["language"], "campaign": r["campaign"],
                    # `metrics --json` keeps its first field names (a public interface)
                    "favourites": r["likes"], "reblogs": r["shares"], "replies": r["replies"],
                    "total": total, "followers": followers,
                    "rate": round(total / followers, 5) if followers else None})
    return out


def _groups(posts: list[dict], key) -> list[dict]:
    groups: dict = {}
    for post in posts:
        groups.setdefault(key(post), []).append(post["total"])
    rows = [{"group": k, "posts": len(v), "average": round(sum(v) / len(v), 2)} for k, v in groups.items()]
    rows.sort(key=lambda g: (-g["average"], str(g["group"])))
    best = next((g["group"] for g in rows if g["posts"] >= MIN_GROUP), None)
    return [g | {"best": g["group"] == best} for g in rows]


def engagement(store: Store, win, tz) -> dict:
    """{posts, weekly, top, by_language, by_campaign, by_hour, totals}. Groups carry their post
    count; `best` marks the highest average among groups of at least MIN_GROUP posts."""
    posts = post_rows(store, win)
    weeks: dict[str, list[dict]] = {}
    for post in posts:
        weeks.setdefault(iso_week(post["posted_at"]), []).append(post)
    weekly = []
    for week, group in weeks.items():
        rates = [p["rate"] for p in group if p["rate"] is not None]
        weekly.append({"week": week, "posts": len(group), "interactions": sum(p["total"] for p in group),
                       "average_rate": round(sum(rates) / len(rates), 5) if rates else None})
    top = sorted(posts, key=lambda p: (-p["total"], p["posted_at"]))[:TOP]
    total = sum(p["total"] for p in posts)
    return {
        "posts": posts,
        "weekly": weekly,
        "top": top,
        "by_language": _groups(posts, lambda p: p["language"] or "unknown"),
        "by_campaign": _groups(posts, lambda p: p["campaign"] or "none"),
        "by_hour": _groups(posts, lambda p: parse_iso(p["posted_at"]).astimezone(tz).hour),
        "totals": {"posts": len(posts), "interactions": total,
                   "average": round(total / len(posts), 2) if posts else None},
    }
