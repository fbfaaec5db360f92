"""Headline figures and goal progress, computed from the store (no Textual)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from cmtui.model import iso, parse_iso, utcnow

GOAL_METRICS = {
    "followers_growth_pct": "follower growth since the goal started, %",
    "median_response_minutes": "median response time over the last 30 days, minutes",
    "posts_per_week": "posts published in the last 7 days",
    "response_rate_pct": "share of items answered over the last 30 days, %",
}


@dataclass(frozen=True)
class GoalProgress:
    id: int
    name: str
    metric: str
    account: str | None
    target: float
    direction: str
    due_date: str
    current: float | None  # None: not enough data yet
    progress: float  # 0..1

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "metric": self.metric,
            "account": self.account,
            "target": self.target,
            "direction": self.direction,
            "due_date": self.due_date,
            "current": None if self.current is None else round(self.current, 2),
            "progress": round(self.progress, 3),
        }


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (0..1) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def response_summary(store, days: int, now: datetime | None = None) -> dict:
    since = iso((now or utcnow()) - timedelta(days=days))
    times = store.metrics.response_times(since)
    arrived = store.metrics.arrived_since(since)
    median = statistics.median(times) if times else None
    return {
        "median_seconds": None if median is None else round(median),
        "p90_seconds": None if not times else round(percentile(times, 0.9)),
        "rate": None if not arrived else round(len(times) / arrived, 3),
        "answered": len(times),
        "arrived": arrived,
    }


def followers_summary(store, days: int, now: datetime | None = None) -> dict[str, dict]:
    since = iso((now or utcnow()) - timedelta(days=days))
    latest = store.metrics.latest_followers()
    out = {}
    for account in store.accounts.list():
        current = latest.get(account.id)
        series = store.metrics.daily_followers(account.id, since)
        start = series[0][1] if series else None
        out[account.name] = {
            "current": current,
            "change": None if current is None or start is None else current - start,
            "daily": [{"date": day, "followers": value} for day, value in series],
        }
    return out


def _goal_current(store, goal, now: datetime) -> float | None:
    metric = goal["metric"]
    if metric == "followers_growth_pct":
        accounts = [goal["account_id"]] if goal["account_id"] else [a.id for a in store.accounts.list()]
        start = parse_iso(goal["start_date"] + "T23:59:59Z" if len(goal["start_date"]) == 10 else goal["start_date"])
        begin = [store.metrics.followers_at(a, iso(start)) for a in accounts]
        latest = store.metrics.latest_followers()
        end = [latest.get(a) for a in accounts]
        if any(v is None for v in begin + end) or not sum(begin):
            return None
        return (sum(end) - sum(begin)) / sum(begin) * 100
    if metric == "median_response_minutes":
        median = response_summary(store, 30, now)["median_seconds"]
        return None if median is None else median / 60
    if metric == "response_rate_pct":
        rate = response_summary(store, 30, now)["rate"]
        return None if rate is None else rate * 100
    if metric == "posts_per_week":
        since = iso(now - timedelta(days=7))
        return float(store.calendar.published_since(since, goal["account_id"]))
    return None


def goal_progress(store, now: datetime | None = None) -> list[GoalProgress]:
    now = now or utcnow()
    out = []
    for goal in store.metrics.goals():
        current = _goal_current(store, goal, now)
        target = goal["target"]
        if current is None:
            progress = 0.0
        elif goal["direction"] == "up":
            progress = 1.0 if target <= 0 else max(0.0, min(1.0, current / target))
        else:
            progress = 1.0 if current <= target else max(0.0, min(1.0, target / current))
        out.append(GoalProgress(goal["id"], goal["name"], goal["metric"], goal["account"], target,
                                goal["direction"], goal["due_date"], current, progress))
    return out
