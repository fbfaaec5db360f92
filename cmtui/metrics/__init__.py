"""Metrics computed from the store (no Textual): one small module per measure.

The panel calls panel_data() (cmtui.metrics.panel); the calendar calls suggest_times()
(cmtui.metrics.best_time). response_summary and followers_summary are the first screen's
exact figures over the last N*24 hours, kept for it.
"""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from cmtui.metrics.best_time import heatmap, suggest_times
from cmtui.metrics.goals import (
    GOAL_METRICS, GoalProgress, add_goal, delete_goal, goal_progress, update_goal, validate_goal,
)
from cmtui.metrics.panel import panel_data
from cmtui.metrics.response import percentile
from cmtui.model import iso, utcnow

if TYPE_CHECKING:
    from cmtui.store import Store

__all__ = ["GOAL_METRICS", "GoalProgress", "add_goal", "delete_goal", "followers_summary", "goal_progress",
           "heatmap", "panel_data", "percentile", "response_summary", "suggest_times", "update_goal",
           "validate_goal"]


def response_summary(store: Store, days: int, now: datetime | None = None) -> dict:
    since = iso((now or utcnow()) - timedelta(days=days))
    times = store.metrics.response_times(since)
    arrived = store.metrics.arrived_since(since)
    median = statistics.median(times) if times else None
    p90 = percentile(times, 0.9)
    return {
        "median_seconds": None if median is None else round(median),
        "p90_seconds": None if p90 is None else round(p90),
        "rate": None if not arrived else round(len(times) / arrived, 3),
        "answered": len(times),
        "arrived": arrived,
    }


def followers_summary(store: Store, days: int, now: datetime | None = None) -> dict[str, dict]:
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
