"""Schema V13: platform-neutral names (issue 14). An old file upgrades in place with every
value found under its new name, and the metrics read the same from it as from a file that
was written with the new names from the start."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from cmtui.config import Settings
from cmtui.metrics import panel_data
from cmtui.model import iso
from cmtui.store import Store
from cmtui.store.db import migrate
from cmtui.store.migrations import LATEST, MIGRATIONS, V13

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
OLD = {"server": "instance", "likes": "favourites", "shares": "reblogs", "posts": "statuses",
       "post_remote_id": "status_remote_id", "like": "favourite", "share": "reblog",
       "platform_reports": "instance_reports"}
NEW = {name: name for name in OLD}


def _fill(conn: sqlite3.Connection, n: dict) -> None:
    """The same community written with one generation's names (n maps the new to those)."""
    conn.execute(f"INSERT INTO accounts (id, name, platform, {n['server']}, handle, created_at) VALUES"
                 " (1, 'main', 'mastodon', 'https://a.example', 'main@a.example', 'x'),"
                 " (2, 'other', 'mastodon', 'https://b.example/', 'other@b.example', 'x')")
    for day in range(40):
        for account in (1, 2):
            conn.execute(f"INSERT INTO follower_snapshots (account_id, taken_at, followers, following, {n['posts']})"
                         " VALUES (?, ?, ?, 5, ?)", (account, iso(NOW - timedelta(days=day)), 1000 * account - day,
                                                     300 - day))
    for k in range(30):  # enough posts in 16 weeks for a best-times map from data
        posted = NOW - timedelta(days=3 * k, hours=k % 7)
        conn.execute(f"INSERT INTO post_stats (account_id, remote_id, posted_at, language, campaign, {n['likes']},"
                     f" {n['shares']}, replies, updated_at, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'x', ?)",
                     (1 + k % 2, f"p{k}", iso(posted), ("en", "es")[k % 2], "launch" if k % 3 else None,
                      k * 3, k % 5, k % 4, f"post {k}"))
    for k in range(9):
        item = conn.execute("INSERT INTO inbox_items (account_id, kind, remote_id, author, text, created_at,"
                            " first_seen_at, answered_at) VALUES (1, ?, ?, 'u@a.example', 't', ?, 'x', ?)",
                            (("mention", "reply")[k % 2], f"i{k}", iso(NOW - timedelta(days=k, hours=2)),
                             iso(NOW - timedelta(days=k, hours=1)) if k % 3 else None)).lastrowid
    conn.execute(f"INSERT INTO account_events (account_id, kind, remote_id, actor, {n['post_remote_id']},"
                 " created_at) VALUES (1, ?, 'n1', 'ana@a.example', 'p1', 'x'), (1, ?, 'n2', 'bo@b.example',"
                 " 'p1', 'x'), (1, 'follow', 'n3', 'cy@c.example', NULL, 'x')", (n["like"], n["share"]))
    report = conn.execute(f"INSERT INTO {n['platform_reports']} (account_id, remote_id, target_acct, status_ids,"
                          " created_at) VALUES (1, 'r1', 'spam@b.example', '[\"p9\"]', ?)",
                          (iso(NOW - timedelta(days=1)),)).lastrowid
    conn.execute("INSERT INTO moderation_flags (report_id, rule, reason, created_at) VALUES (?, 'r', 'spam', ?)",
                 (report, iso(NOW - timedelta(days=1))))
    conn.execute("INSERT INTO moderation_log (at, who, action, report_id, item_id) VALUES ('x', 'ana', 'resolve',"
                 " ?, ?)", (report, item))


def _figures(store: Store) -> str:
    data = panel_data(store, Settings(timezone="UTC"), 30, now=NOW)
    data.pop("timings_ms")
    return json.dumps(data, sort_keys=True)


def test_an_old_file_upgrades_with_every_value_under_its_new_name(tmp_path):
    old_path = tmp_path / "old.db"
    conn = sqlite3.connect(old_path, isolation_level=None)
    migrate(conn, 0, MIGRATIONS.index(V13))  # the schema just before V13
    conn.execute("PRAGMA foreign_keys = ON")
    _fill(conn, OLD)
    counters = {r[0]: r[1:] for r in conn.execute("SELECT remote_id, favourites, reblogs, replies FROM post_stats")}
    totals = conn.execute("SELECT * FROM metrics_daily ORDER BY 1, 2").fetchall()
    conn.close()
    fresh = Store.open(tmp_path / "new.db")
    _fill(fresh.conn, NEW)
    store = Store.open(old_path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert [(a.name, a.server) for a in store.accounts.list()] == [("main", "https://a.example"),
                                                                       ("other", "https://b.example/")]
        assert store.accounts.get("main").to_json()["instance"] == "https://a.example"  # --json keeps its key
        assert store.conn.execute("SELECT sum(likes), sum(shares), sum(replies) FROM post_stats").fetchone()[:] == (
            sum(k * 3 for k in range(30)), sum(k % 5 for k in range(30)), sum(k % 4 for k in range(30)))
        assert store.conn.execute("SELECT sum(posts) FROM follower_snapshots").fetchone()[0] == 2 * sum(
            300 - d for d in range(40))
        events = store.conn.execute("SELECT kind, post_remote_id FROM account_events ORDER BY remote_id").fetchall()
        assert [tuple(e) for e in events] == [("like", "p1"), ("share", "p1"), ("follow", None)]
        [report] = store.reports.open()
        assert (report["target_acct"], store.reports.status_ids(report["id"])) == ("spam@b.example", ["p9"])
        assert [tuple(r) for r in store.conn.execute("SELECT * FROM metrics_daily ORDER BY 1, 2")] == totals
        # The figures: as before, and as a file written with the new names has them.
        figures = _figures(store)
        posts = json.loads(figures)["engagement"]["posts"]  # `metrics --json` keeps its field names
        assert len(posts) > 5 and all((p["favourites"], p["reblogs"], p["replies"]) == counters[p["remote_id"]]
                                      for p in posts)
        assert figures == _figures(fresh)
        # Foreign keys follow the renamed table: a report taken away takes its flag along.
        assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        store.conn.execute("DELETE FROM platform_reports")
        assert store.conn.execute("SELECT count(*) FROM moderation_flags").fetchone()[0] == 0
        assert store.conn.execute("SELECT report_id FROM moderation_log").fetchone()[0] is None
        old_names = ("instance_reports", "favourites", "reblogs", "status_remote_id", "statuses", " instance ")
        schema = " ".join(r[0] for r in store.conn.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL"))
        code = " ".join(line.split("--")[0] for line in schema.splitlines())  # comments may say the old names
        assert not [name for name in old_names if name in code]
    finally:
        store.close()
        fresh.close()
