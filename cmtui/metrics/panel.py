"""Everything the Metrics panel shows, in one call: panel_data()."""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from cmtui.metrics.best_time import heatmap
from cmtui.metrics.crisis import crisis
from cmtui.metrics.engagement import engagement
from cmtui.metrics.goals import goal_progress
from cmtui.metrics.growth import growth
from cmtui.metrics.members import members
from cmtui.metrics.response import response
from cmtui.metrics.vocabulary import shown_words
from cmtui.metrics.window import window

if TYPE_CHECKING:
    from cmtui.config import Settings
    from cmtui.store import Store


def _timed(timings: dict, name: str, fn):
    started = time.perf_counter()
    try:
        return fn()
    finally:
        timings[name] = round((time.perf_counter() - started) * 1000, 1)


PARTS = ("followers", "response", "engagement", "best_times", "members", "crisis", "goals")


def panel_data(store: Store, settings: Settings, days: int = 30, account: str | None = None,
               now: datetime | None = None, parts=PARTS) -> dict:
    """The panel's data (a JSON-ready dict; `metrics --json` prints it as is):

    range {days, start, end, account}, calm (settings.calm_mode: the panel hides comparative
    numbers; the data stays complete), followers (growth per account), response, engagement,
    best_times (heatmap of the scoped account, or of all), members, crisis, goals, and
    timings_ms per part. Raises InputError for a bad range or an unknown account. `parts`
    picks a subset: members reads the items of the range (~100-500 ms on a million items),
    so the panel may ask for it apart, in a worker.
    """
    win = window(store, days, account, now)
    tz = settings.tzinfo()
    t: dict[str, float] = {}
    compute = {
        "followers": lambda: growth(store, win),
        "response": lambda: response(store, win, settings.response_target_minutes),
        "engagement": lambda: engagement(store, win, tz),
        "best_times": lambda: heatmap(store, win.account_id, win.now, tz),
        "members": lambda: members(store, win),
        "crisis": lambda: crisis(store, win),
        "goals": lambda: [g.to_json() for g in goal_progress(store, win.now, win.account_id)],
    }
    data = {"range": {"days": win.days, "start": win.start, "end": win.end, "account": win.account},
            "calm": bool(settings.calm_mode), "words": shown_words(store, win.account_id)}
    for part in parts:
        data[part] = _timed(t, part, compute[part])
    data["timings_ms"] = t
    return data
