"""Metrics computations on small fixed data, with answers worked out by hand."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.metrics import add_goal, delete_goal, goal_progress, panel_data, suggest_times, update_goal
from cmtui.metrics import best_time
from cmtui.metrics.best_time import heatmap
from cmtui.metrics.crisis import crisis
from cmtui.metrics.engagement import engagement
from cmtui.metrics.goals import forecast
from cmtui.metrics.growth import growth
from cmtui.metrics.response import bucket_percentile, response
from cmtui.metrics.window import Window, parse_days
from cmtui.model import iso
from cmtui.store import Store
from cmtui.store.db import migrate
from cmtui.store.migrations import LATEST
from cmtui.store.migrations import METRICS_FILL_SQL

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)  # a Friday
UTC = timezone.utc


@pytest.fixture
def empty(tmp_path):
    s = Store.open(tmp_path / "m.db")
    s.accounts.add("main", "mastodon", "https://a.example")
    s.accounts.add("other", "mastodon", "https://a.example")
    yield s
    s.close()


def _acc(store, name="main"):
    return store.accounts.get(name).id


def _item(store, n, created, account="main", answered_after=None, kind="mention", labels=(), done=None):
    return store.inbox.insert(_acc(store, account), kind=kind, remote_id=f"r{n}", author=f"u{n % 3}@x.example",
                              text="hello", created_at=iso(created), labels=list(labels),
                              answered_at=None if answered_after is None else iso(created + answered_after),
                              done_at=None if done is None else iso(done), state="done" if done else "new")


def _totals(store):
    return sorted(tuple(r) for r in store.conn.execute(
        "SELECT day, account_id, arrived, mentions, negative, answered, done FROM metrics_daily"
        " WHERE arrived OR mentions OR negative OR answered OR done"))


def _recount(store):
    """What the aggregates should be, rebuilt from the items on a copy of the tables."""
    before = (_totals(store), sorted(tuple(r) for r in store.conn.execute(
        "SELECT * FROM response_hist WHERE n != 0")))
    with store.transaction():
        for statement in filter(str.strip, METRICS_FILL_SQL.split(";")):
            store.conn.execute(statement)
    after = (_totals(store), sorted(tuple(r) for r in store.conn.execute("SELECT * FROM response_hist")))
    return before, after


# -- range -------------------------------------------------------------------------------------
def test_days_accepts_whole_numbers_up_to_a_year():
    assert parse_days("7") == 7 and parse_days(365) == 365
    for bad in ("0", "-3", "366", "abc", "7.5", ""):
        with pytest.raises(InputError):
            parse_days(bad)


# -- response ----------------------------------------------------------------------------------
def test_response_rate_median_and_p90(empty):
    for n, delay in enumerate((60, 120, 300, None)):
        _item(empty, n, NOW - timedelta(hours=5), answered_after=None if delay is None else timedelta(seconds=delay))
    _item(empty, 9, NOW - timedelta(hours=5), account="other", answered_after=timedelta(seconds=600))
    _item(empty, 10, NOW - timedelta(days=40), answered_after=timedelta(seconds=5))  # before the range
    r = response(empty, Window(7, NOW), target_minutes=60)
    # all: 60, 120, 300, 600 -> median 210, p90 at rank 2.7: 300 + 0.7 * 300 = 510; 4 of 5 answered
    assert (r["median_seconds"], r["p90_seconds"], r["rate"], r["method"]) == (210, 510, 0.8, "exact")
    main = r["per_account"]["main"]
    # 60, 120, 300: median 120, p90 at rank 1.8: 120 + 0.8 * 180 = 264; 3 of 4
    assert (main["median_seconds"], main["p90_seconds"], main["rate"]) == (120, 264, 0.75)
    assert r["overdue"] == 1  # the unanswered one, 5 h old, target 1 h
    scoped = response(empty, Window(7, NOW, _acc(empty, "other")))
    assert (scoped["median_seconds"], scoped["rate"], list(scoped["per_account"])) == (600, 1.0, ["other"])


def test_response_from_the_histogram_is_close(empty):
    for n in range(50):
        _item(empty, n, NOW - timedelta(hours=3), answered_after=timedelta(seconds=60 * (n + 1)))
    exact = response(empty, Window(7, NOW))
    approx = response(empty, Window(7, NOW), exact_limit=0)
    assert approx["method"] == "histogram" and exact["method"] == "exact"
    assert abs(approx["median_seconds"] - exact["median_seconds"]) / exact["median_seconds"] < 0.05
    assert abs(approx["p90_seconds"] - exact["p90_seconds"]) / exact["p90_seconds"] < 0.05
    assert bucket_percentile({}, 0.5) is None


def test_nothing_arrived_is_none_not_zero(empty):
    r = response(empty, Window(30, NOW))
    assert (r["median_seconds"], r["p90_seconds"], r["rate"], r["per_account"]) == (None, None, None, {})


def test_triggers_keep_day_totals_in_step(empty):
    ids = [_item(empty, n, NOW - timedelta(days=n % 4, hours=1), kind=("mention", "reply")[n % 2],
                 answered_after=timedelta(minutes=n) if n % 3 else None) for n in range(12)]
    empty.conn.execute("UPDATE inbox_items SET answered_at = ? WHERE id = ?", (iso(NOW), ids[0]))
    empty.conn.execute("UPDATE inbox_items SET labels = '[\"complaint\"]', done_at = ? WHERE id = ?",
                       (iso(NOW), ids[1]))
    empty.conn.execute("DELETE FROM inbox_items WHERE id = ?", (ids[2],))
    before, after = _recount(empty)
    assert before == after
    assert sum(r[4] for r in after[0]) == 1 and sum(r[6] for r in after[0]) == 1  # the complaint, the done


def test_bulk_ingest_counts_its_rows(empty):
    from cmtui.sync.connectors.base import Person, RemoteItem
    from cmtui.sync.ingest import Ingest

    items = [RemoteItem(remote_id=str(n), kind=("mention", "reply")[n % 2], author=Person(acct=f"p{n}@x.example"),
                        text="hi", created_at=iso(NOW - timedelta(days=n))) for n in range(5)]
    assert Ingest(empty).items(_acc(empty), "mastodon", items) == 5
    before, after = _recount(empty)
    assert before == after and sum(r[2] for r in after[0]) == 5 and sum(r[3] for r in after[0]) == 3


def test_migration_v8_fills_the_totals_of_a_v7_file(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 0, 7)
    conn.execute("INSERT INTO accounts (id, name, platform, instance, created_at) VALUES (1, 'a', 'mastodon', 'x', 'x')")
    for n in range(6):
        conn.execute("INSERT INTO inbox_items (account_id, kind, remote_id, author, text, created_at, first_seen_at,"
                     " answered_at) VALUES (1, ?, ?, 'u', 't', ?, ?, ?)",
                     (("mention", "reply")[n % 2], str(n), f"2026-11-1{n}T10:00:00Z", "x",
                      f"2026-11-1{n}T11:00:00Z" if n < 4 else None))
    conn.close()
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert store.conn.execute("SELECT sum(arrived), sum(mentions), sum(answered) FROM metrics_daily"
                                  ).fetchone()[:] == (6, 3, 4)
        # 3600 s falls in bucket floor(ln 3600 / ln 1.1) = 85
        assert store.conn.execute("SELECT bucket, sum(n) FROM response_hist GROUP BY bucket").fetchall()[0][:] == (85, 4)
    finally:
        store.close()


# -- growth ------------------------------------------------------------------------------------
def test_followers_daily_series_and_weekly_net_change(empty):
    main = _acc(empty)
    empty.metrics.add_snapshot(main, 100, taken_at="2026-11-06T06:00:00Z")  # the day before the range
    for k in range(1, 15):  # 2026-11-07 .. 2026-11-20, +10 a day
        empty.metrics.add_snapshot(main, 100 + 10 * k, taken_at=iso(datetime(2026, 11, 6, 6, tzinfo=UTC)
                                                                    + timedelta(days=k)))
    g = growth(empty, Window(14, NOW))
    assert g["main"]["current"] == 240 and g["main"]["change"] == 140 and g["main"]["change_pct"] == 140.0
    assert len(g["main"]["daily"]) == 14
    # W45 ends Sun 11-08 at 120 (from 100), W46 ends Sun 11-15 at 190, W47 so far 11-20 at 240
    assert [(w["week"], w["net"]) for w in g["main"]["weekly"]] == [("2026-W45", 20), ("2026-W46", 70),
                                                                    ("2026-W47", 50)]
    assert g["other"] == {"current": None, "change": None, "change_pct": None, "daily": [], "weekly": []}


# -- engagement --------------------------------------------------------------------------------
def _post(store, n, when, fav, reb, rep, language="en", campaign=None, account="main"):
    store.metrics.upsert_post_stats(_acc(store, account), f"p{n}", iso(when), fav, reb, rep, language=language,
                                    campaign=campaign)


def test_engagement_rate_weeks_and_groups(empty):
    main = _acc(empty)
    empty.metrics.add_snapshot(main, 1000, taken_at="2026-11-01T00:00:00Z")
    empty.metrics.add_snapshot(main, 2000, taken_at="2026-11-18T00:00:00Z")
    _post(empty, 1, datetime(2026, 11, 10, 9, tzinfo=UTC), 10, 5, 5)  # 20 / 1000 followers
    _post(empty, 2, datetime(2026, 11, 19, 9, tzinfo=UTC), 30, 5, 5)  # 40 / 2000
    _post(empty, 3, datetime(2026, 11, 19, 17, tzinfo=UTC), 0, 0, 6)  # 6 / 2000
    _post(empty, 4, datetime(2026, 11, 19, 18, tzinfo=UTC), 500, 0, 0, language="fr")  # one post: not crowned
    e = engagement(empty, Window(30, NOW), UTC)
    rates = [p["rate"] for p in e["posts"]]
    assert rates == [0.02, 0.02, 0.003, 0.25]
    assert [(w["week"], w["posts"], w["interactions"]) for w in e["weekly"]] == [("2026-W46", 1, 20),
                                                                                 ("2026-W47", 3, 546)]
    assert e["top"][0]["total"] == 500
    langs = {g["group"]: g for g in e["by_language"]}
    assert langs["fr"]["average"] == 500 and not langs["fr"]["best"]
    assert langs["en"]["average"] == 22.0 and langs["en"]["posts"] == 3 and langs["en"]["best"]
    assert not any(g["best"] for g in e["by_hour"])  # no hour has 3 posts


# -- best time ---------------------------------------------------------------------------------
def test_best_time_weights_recent_weeks(empty, monkeypatch):
    monkeypatch.setattr(best_time, "MIN_POSTS", 3)
    now = datetime(2026, 11, 16, 9, tzinfo=UTC)  # a Monday
    _post(empty, 1, now, 30, 0, 0)  # Mon 09, weight 1
    _post(empty, 2, now - timedelta(weeks=4), 0, 0, 0)  # Mon 09 four weeks ago, weight 0.5
    _post(empty, 3, datetime(2026, 11, 11, 15, tzinfo=UTC), 10, 0, 0)  # Wed 15
    h = heatmap(empty, None, now, UTC)
    assert not h["fallback"] and h["posts"] == 3
    # Mon 09: (1 * 30 + 0.5 * 0) / 1.5 = 20, the best; Wed 15: 10 -> 0.5 (unweighted it would be 10/15)
    assert h["heatmap"][0][9] == 1.0 and h["heatmap"][2][15] == 0.5
    assert h["heatmap"][0][10] == 1.0  # the neighbour hour, half weight each: still 20
    assert h["heatmap"][4][12] is None  # nothing informs Friday noon
    # 08, 09 and 10 all hold 20 (the post informs its neighbours): ties go to the earlier hour
    assert [(b["weekday"], b["hour"], b["score"]) for b in h["best"][:4]] == [
        ("Mon", 8, 1.0), ("Mon", 9, 1.0), ("Mon", 10, 1.0), ("Wed", 14, 0.5)]


def test_best_time_falls_back_when_history_is_thin(empty):
    _post(empty, 1, NOW - timedelta(days=1), 3, 0, 0)
    h = heatmap(empty, None, NOW, UTC)
    assert h["fallback"] and "only 1 posts" in h["reason"]
    assert h["heatmap"] == best_time.DEFAULT_PATTERN


def test_suggest_times_skips_taken_hours(empty):
    monday = datetime(2026, 11, 16, 0, tzinfo=UTC)
    assert suggest_times(empty, _acc(empty), monday, 2) == [monday.replace(hour=9), monday.replace(hour=10)]
    empty.entries.add(_acc(empty), "taken", "scheduled", who="t", scheduled_at="2026-11-16T09:30:00Z")
    assert suggest_times(empty, _acc(empty), monday, 2) == [monday.replace(hour=10), monday.replace(hour=11)]


# -- crisis ------------------------------------------------------------------------------------
def test_crisis_needs_history(empty):
    for n in range(30):
        _item(empty, n, NOW - timedelta(hours=2))
    c = crisis(empty, Window(30, NOW))
    assert c["status"] == "not enough data yet" and not c["alert"] and c["series"] == []


def test_crisis_z_score_over_the_baseline(empty):
    # baseline: 2026-10-22 .. 2026-11-18 (28 days before the last 24 h), 2 and 4 mentions in turn
    n = 0
    for d in range(28):
        for _ in range(2 if d % 2 else 4):
            _item(empty, n, datetime(2026, 10, 22, 12, tzinfo=UTC) + timedelta(days=d))
            n += 1
    for _ in range(20):
        _item(empty, n, NOW - timedelta(hours=2))
        n += 1
    c = crisis(empty, Window(30, NOW))
    mentions = next(s for s in c["series"] if s["series"] == "mentions")
    # mean 3, sample stdev sqrt(28 / 27) = 1.0184, z = 17 / 1.0184 = 16.69
    assert (mentions["value"], mentions["baseline_mean"], mentions["baseline_stdev"], mentions["z"]) == \
        (20, 3.0, 1.02, 16.69)
    assert c["alert"] and c["alerts"] == ["mentions"]
    assert [s["series"] for s in c["series"]] == ["flagged", "mentions"]  # no negative labels in use
    quiet = crisis(empty, Window(30, NOW + timedelta(days=1, hours=1)))  # the spike is in the baseline now
    assert not quiet["alert"]


# -- goals -------------------------------------------------------------------------------------
def test_forecast_states():
    points = [(-14.0, 3.0), (-7.0, 4.0), (0.0, 5.0)]  # +1 a week
    assert forecast(5, points, 10, "up", 35) == ("on track", 10.0)
    assert forecast(5, points, 10, "up", 14) == ("at risk", 7.0)
    assert forecast(5, points[:2], 10, "up", 35) == ("not enough data yet", None)
    assert forecast(None, points, 10, "up", 35) == ("not enough data yet", None)
    assert forecast(12, points, 10, "up", 35)[0] == "achieved"
    assert forecast(5, points, 10, "up", -1) == ("missed", None)
    assert forecast(90, [(-14.0, 130.0), (-7.0, 110.0), (0.0, 90.0)], 60, "down", 14) == ("on track", 50.0)


def test_goal_progress_and_forecast_from_snapshots(empty):
    main = _acc(empty)
    for d in range(60, -1, -1):  # 1000 followers, +10 a day
        empty.metrics.add_snapshot(main, 1000 + 10 * (60 - d), taken_at=iso(NOW - timedelta(days=d, hours=1)))
    start = (NOW - timedelta(days=30)).date().isoformat()
    # from 1300 at the start: 1600 now = +23.1%; +0.77 points a day
    add_goal(empty, "Grow", "followers_growth_pct", 50, (NOW + timedelta(days=60)).date(), account="main",
             start=start, now=NOW)
    add_goal(empty, "Grow fast", "followers_growth_pct", 100, (NOW + timedelta(days=20)).date(), "main", start,
             now=NOW)
    add_goal(empty, "Answer", "median_response_minutes", 60, (NOW + timedelta(days=20)).date(), now=NOW)
    g = {x.name: x for x in goal_progress(empty, NOW)}
    assert round(g["Grow"].current, 2) == 23.08 and g["Grow"].forecast == "on track"
    assert g["Grow fast"].forecast == "at risk" and round(g["Grow fast"].progress, 3) == 0.231
    assert g["Answer"].current is None and g["Answer"].forecast == "not enough data yet"


def test_goal_validation_stores_nothing(empty):
    due = (NOW + timedelta(days=30)).date().isoformat()
    bad = [dict(metric="followers_growth_pct", target="ten", due=due),
           dict(metric="karma", target=5, due=due),
           dict(metric="posts_per_week", target=3, due="2026-01-01"),
           dict(metric="posts_per_week", target=3, due="next week"),
           dict(metric="posts_per_week", target=3, due=due, start=(NOW + timedelta(days=40)).date().isoformat()),
           dict(metric="response_rate_pct", target=120, due=due),
           dict(metric="posts_per_week", target=float("nan"), due=due),
           dict(metric="posts_per_week", target=3, due=due, account="nobody")]
    for case in bad:
        with pytest.raises(InputError):
            add_goal(empty, "g", now=NOW, **case)
    assert empty.metrics.goals() == []
    goal_id = add_goal(empty, "Inbox zero", "inbox_zero_fri", 0, due, now=NOW)
    update_goal(empty, goal_id, target="5", now=NOW)
    assert empty.metrics.goal(goal_id)["target"] == 5 and empty.metrics.goal(goal_id)["direction"] == "down"
    with pytest.raises(InputError):
        update_goal(empty, goal_id, target="x", now=NOW)
    delete_goal(empty, str(goal_id))
    with pytest.raises(InputError):
        delete_goal(empty, goal_id)


def test_inbox_zero_reads_the_backlog_of_last_friday(empty):
    friday = datetime(2026, 11, 13, 10, tzinfo=UTC)
    _item(empty, 1, friday - timedelta(days=1), done=friday)  # done on Friday: not in the backlog
    _item(empty, 2, friday)  # still open
    _item(empty, 3, friday - timedelta(days=2), done=friday + timedelta(days=2))  # done after Friday
    _item(empty, 4, NOW)  # arrived after Friday
    add_goal(empty, "Zero", "inbox_zero_fri", 0, (NOW + timedelta(days=30)).date(), now=NOW)
    [g] = goal_progress(empty, NOW)
    assert g.current == 2


# -- the whole panel -----------------------------------------------------------------------------
def test_panel_data_has_every_part_and_calm(store, now):
    data = panel_data(store, Settings(timezone="UTC", calm_mode=True), 30, now=now)
    assert data["calm"] is True
    for key in ("followers", "response", "engagement", "best_times", "members", "crisis", "goals", "timings_ms"):
        assert key in data
    assert data["followers"]["tidewater"]["current"] == 4150
    assert data["response"]["method"] == "exact" and data["response"]["rate"] is not None
    assert len(data["best_times"]["heatmap"]) == 7 and all(len(r) == 24 for r in data["best_times"]["heatmap"])
    with pytest.raises(InputError):
        panel_data(store, Settings(), 30, account="nobody", now=now)
