"""Schema V13: platform-neutral names (issue 14). An old file upgrades in place with every
value found under its new name, and the metrics read the same from it as from a file that
was written with the new names from the start."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from cmtui.config import Credentials, Settings
from cmtui.metrics import panel_data
from cmtui.model import iso
from cmtui.store import Store
from cmtui.store.db import migrate
from cmtui.store.migrations import LATEST, MIGRATIONS, V13
from cmtui.sync import connectors
from cmtui.sync.connectors.base import (
    AccountInfo, Capability, Connector, Limits, OwnPost, PlatformProfile, Posted, PullPage, RemoteEvent,
)
from cmtui.sync.engine import SyncEngine

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


# -- the platform's own words, from its profile ------------------------------------------------------
class Plainnet(Connector):
    """A made-up platform that keeps the neutral words: one like, one share on our post."""

    platform = "plainnet"
    capabilities = Capability.PULL | Capability.STATS
    profile = PlatformProfile(label="Plainnet")

    def __init__(self, *args, **kwargs):
        self.requests = 0

    async def verify(self) -> AccountInfo:
        return AccountInfo(remote_id="1", acct="us@plain.example", display_name="Us", followers=10, following=1,
                           posts=3)

    async def limits(self) -> Limits:
        return Limits()

    async def pull(self, cursor, since):
        at = iso(NOW - timedelta(hours=1))
        yield PullPage(events=[RemoteEvent("like", "e1", "ana@plain.example", at, "p1"),
                               RemoteEvent("share", "e2", "bo@plain.example", at, "p1")], cursor="e2", final=True)

    async def thread(self, remote_id):
        return []

    async def publish(self, post):
        return Posted(remote_id="p2")

    async def own_posts(self, account_remote_id, since):
        return [OwnPost(remote_id="p1", created_at=iso(NOW - timedelta(days=1)), likes=4, shares=2, replies=1)]


@pytest.fixture
def plainnet(tmp_path, monkeypatch):
    monkeypatch.setitem(connectors.REGISTRY, "plainnet", Plainnet)
    store = Store.open(tmp_path / "plain.db")
    store.accounts.add("plain", "plainnet", "https://plain.example")
    credentials = Credentials(tmp_path / "config")
    credentials.set("plain", "token")
    yield store, credentials
    store.close()


def test_a_sync_stores_a_platform_s_likes_and_shares_and_names_them_its_way(plainnet):
    store, credentials = plainnet
    engine = SyncEngine(store, Settings(timezone="UTC"), credentials, connector_factory=Plainnet,
                        clock=lambda: NOW)
    [result] = asyncio.run(engine.run_once())
    assert result.summary() == "plain: 0 new items, 2 likes/shares/follows"  # Mastodon's: favourites/boosts
    events = store.conn.execute("SELECT kind, post_remote_id FROM account_events ORDER BY kind").fetchall()
    assert [tuple(e) for e in events] == [("like", "p1"), ("share", "p1")]
    assert store.conn.execute("SELECT likes, shares, replies FROM post_stats").fetchone()[:] == (4, 2, 1)
    assert store.conn.execute("SELECT posts FROM follower_snapshots").fetchone()[0] == 3


async def test_the_engagement_line_names_interactions_as_the_platforms_in_range_do(tmp_path, monkeypatch):
    from factory import build_store
    from tui_helpers import RecordingApp, wait_for

    monkeypatch.setitem(connectors.REGISTRY, "plainnet", Plainnet)
    store = build_store(tmp_path / "mixed.db", items=20)  # Mastodon accounts
    store.accounts.add("plain", "plainnet", "https://plain.example")
    for account in store.accounts.list():
        store.metrics.upsert_post_stats(account.id, "p1", iso(NOW - timedelta(days=1)), 4, 2, 1)
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    lines = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        screen = app.screen
        for _ in store.accounts.list() + [None]:  # every scope: each account, then all of them
            await pilot.press("a")
            assert await wait_for(pilot, lambda: not screen.counting)
            await pilot.pause()
            widget = screen.query_one("#section-engagement")
            text = widget.text(widget.content_size.width or 100).plain
            lines.append((screen.account, text.split(" interactions ")[1].split(")")[0] + ")"))
        names = {a.name: a.platform for a in store.accounts.list()}
    store.close()
    assert len(lines) == len(names) + 1
    assert dict(lines) == {**{name: "(favourites + boosts + replies)" for name, platform in names.items()
                              if platform != "plainnet"},
                           "plain": "(likes + shares + replies)", None: "(likes + shares + replies)"}
