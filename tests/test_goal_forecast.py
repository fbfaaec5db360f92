"""A goal set a minute ago is "not enough data yet", not "at risk" at 0%, until it has run
long enough to be forecast (MIN_POINTS weekly values since its start), in the library, the
command line and the Metrics mode."""

from __future__ import annotations

import json
from datetime import timedelta

from cmtui.config import Settings
from cmtui.metrics import add_goal, goal_progress
from cmtui.metrics.goals import NOT_ENOUGH
from cmtui.store import Store
from factory import NOW
from cli_helpers import run
from tui_helpers import RecordingApp, wait_for

DUE = (NOW + timedelta(days=30)).date()


def _goals(store, started_days_ago: int) -> None:
    """The same goal twice: set just now, and set weeks ago (no posts published in either)."""
    add_goal(store, "Post more (new)", "posts_per_week", 5, DUE, now=NOW)
    add_goal(store, "Post more (old)", "posts_per_week", 5, DUE,
             start=(NOW - timedelta(days=started_days_ago)).date(), now=NOW)


def test_a_new_goal_is_not_enough_data_until_it_has_run_long_enough(store):
    store.conn.execute("UPDATE calendar_entries SET status = 'draft' WHERE status = 'published'")
    _goals(store, 28)
    g = {x.name: x for x in goal_progress(store, NOW)}
    assert g["Post more (new)"].current == 0 and g["Post more (new)"].forecast == NOT_ENOUGH
    assert g["Post more (old)"].forecast == "at risk"  # a month of nothing: that is a forecast
    # Two weeks after its start it has three weekly values of its own: forecast.
    later = {x.name: x for x in goal_progress(store, NOW + timedelta(days=14, hours=12))}
    assert later["Post more (new)"].forecast == "at risk"


def test_cli_metrics_says_not_enough_data_for_a_new_goal(capsys, db):
    store = Store.open(db)
    try:
        add_goal(store, "Post more", "posts_per_week", 50, DUE)
    finally:
        store.close()
    code, out, _ = run(capsys, "metrics", "--json", "--db", db)
    goal = next(g for g in json.loads(out)["goals"] if g["name"] == "Post more")
    assert code == 0 and goal["forecast"] == NOT_ENOUGH
    code, out, _ = run(capsys, "metrics", "--db", db)
    line = next(line for line in out.splitlines() if "Post more" in line)
    assert NOT_ENOUGH in line and "at risk" not in line


async def test_metrics_mode_says_not_enough_data_for_a_new_goal(store):
    add_goal(store, "Post more", "posts_per_week", 50, DUE, now=NOW)
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        screen = app.screen
        assert await wait_for(pilot, lambda: not screen.counting)
        await pilot.pause()
        goals = str(screen.query_one("#section-goals").render())
        line = next(line for line in goals.splitlines() if "Post more" in line)
        assert NOT_ENOUGH in goals and "at risk" not in line
