"""Bluesky live, against the AT Protocol's reference servers on loopback: its PDS pushes no
notifications, so while someone is at the TUI the engine polls them at a short interval
(live_poll_seconds), and not at all while no one is (the passes poll).

The AppView indexes what the PDS writes asynchronously; a mention's delay is measured from
the moment the AppView lists it (what any client can see at the earliest)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from cmtui.config import Credentials, Settings
from cmtui.store import Store
from cmtui.sync.connectors.bluesky.connector import BlueskyConnector
from cmtui.sync.engine import SyncEngine
from cmtui.sync.live import POLL, LiveStatus
from matrix_cli_helpers import Cli, credentials
from test_bluesky_connector import expired
from test_bluesky_sync import add

LIST = "app.bsky.notification.listNotifications"


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    return Cli(tmp_path / "bluesky.db", capsys, monkeypatch)


class Counting(httpx.AsyncBaseTransport):
    """Passes requests on to the PDS, noting each XRPC method called (one per connector: a
    connector closes its transport)."""

    def __init__(self, calls: list[str]):
        self.inner = httpx.AsyncHTTPTransport()
        self.calls = calls

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls.append(request.url.path.rsplit("/", 1)[-1])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
def team(cli, bluesky_server):
    """(me, ana): me added as the account "team" (`account add`, outside the test's loop)."""
    me, ana = bluesky_server.create_account("me"), bluesky_server.create_account("ana")
    code, _out, err = add(cli, bluesky_server, me)
    assert code == 0, err
    return me, ana


def engine(db, calls: list[str] | None = None, **settings) -> tuple[Store, SyncEngine]:
    store = Store.open(db)

    def factory(platform, server, token, **kw):
        return BlueskyConnector(server, token, transport=Counting(calls if calls is not None else []), **kw)

    return store, SyncEngine(store, Settings(timezone="UTC", **settings), Credentials(), timeout=20,
                             connector_factory=factory)


async def until(check, timeout: float, what: str) -> float:
    """Wait (polling every 20 ms) until check() is true; when it became so (monotonic)."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        await asyncio.sleep(0.02)
    return time.monotonic()


def stored(store: Store, remote_id: str) -> int:
    return store.conn.execute("SELECT count(*) FROM inbox_items WHERE remote_id = ?", (remote_id,)).fetchone()[0]


def listed_at(server, user, uri: str, timeout: float = 60) -> float:
    """When the AppView first lists the notification (polled every 50 ms)."""
    deadline = time.monotonic() + timeout
    while not any(n["uri"] == uri for n in server.notifications(user)):
        assert time.monotonic() < deadline, f"the AppView has not listed {uri} after {timeout} s"
        time.sleep(0.05)
    return time.monotonic()


class Running:
    """run_forever in the background, its passes' results kept, stopped at the end."""

    def __init__(self, sync: SyncEngine):
        self.sync, self.stop, self.wake, self.passes = sync, asyncio.Event(), asyncio.Event(), []

    async def __aenter__(self) -> Running:
        self.task = asyncio.create_task(self.sync.run_forever(self.stop, self.wake, on_pass=self.passes.append))
        return self

    async def __aexit__(self, *exc) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 30)

    def status(self) -> LiveStatus | None:
        return self.sync.live.status.get("team") if self.sync.live else None


async def test_a_mention_is_stored_within_two_seconds_while_someone_is_at_the_tui_and_counted_once(
        cli, bluesky_server, team):
    b, (me, ana) = bluesky_server, team
    store, sync = engine(cli.db, live_poll_seconds=1)
    sync.attention = lambda: 0.0  # someone is at the TUI, pressing keys
    try:
        async with Running(sync) as running:
            await until(lambda: running.status() == LiveStatus(POLL, 1), 30, "the short poll started")
            ref = await asyncio.to_thread(b.post, ana, f"@{me.handle} are you there?", mention=[me])
            posted = time.monotonic()
            appview = asyncio.create_task(asyncio.to_thread(listed_at, b, me, ref.uri))
            arrived = await until(lambda: stored(store, ref.uri) == 1, 60, "the mention stored")
            indexed = await appview
            print(f"posted -> listed by the AppView {indexed - posted:.2f} s, -> stored {arrived - posted:.2f} s")
            # ~2 s: one interval (1 s) and a request at most (a little room for a loaded machine)
            assert arrived - indexed <= 2.5
            assert len(running.passes) == 1  # it came between passes
            running.wake.set()  # a pass now: the same mention again is not new
            await until(lambda: len(running.passes) == 2, 30, "the next pass")
        [again] = running.passes[1]
        assert again.ok and again.new_items == 0
        assert stored(store, ref.uri) == 1
        assert store.conn.execute("SELECT sum(n) FROM inbox_counts").fetchone()[0] == 1  # counted once
    finally:
        store.close()


async def test_no_short_poll_without_someone_at_the_tui_and_a_key_after_idling_polls_at_once(
        cli, team):
    calls: list[str] = []
    store, sync = engine(cli.db, calls, live_poll_seconds=1)
    idle: list[float | None] = [None]  # headless, or the terminal in the background
    sync.attention = lambda: idle[0]
    try:
        async with Running(sync) as running:
            await until(lambda: running.status() == LiveStatus(POLL, 60), 30, "the feed started")
            await asyncio.sleep(1.5)  # (polls would be every second)
            assert calls.count(LIST) == 1  # the pass's own, nothing between passes
            idle[0] = 10 * 60.0  # back in front, but idle for ten minutes: 1 s doubled five times
            sync.live.nudge()
            await until(lambda: running.status() == LiveStatus(POLL, 32), 2, "the idle interval")
            await asyncio.sleep(0.5)
            assert calls.count(LIST) == 1  # the last poll (the pass's) is 2 s old, not 32
            idle[0] = 0.0  # a key: the last poll is older than a second, so one now
            sync.live.nudge()
            await until(lambda: calls.count(LIST) == 2, 2, "a poll after the key")
            assert running.status() == LiveStatus(POLL, 1) and len(running.passes) == 1
    finally:
        store.close()


async def test_a_poll_between_passes_needs_no_verify_renews_the_session_and_leaves_the_counters_to_the_pass(
        cli, bluesky_server, team):
    b, (me, ana) = bluesky_server, team
    ours = b.post(me, "Welcome")
    b.wait_for_post(ours, timeout=60)  # (the AppView notifies likes of posts it has indexed)
    mention = b.post(ana, f"hi @{me.handle}", mention=[me])
    b.like(ana, ours)
    b.wait_for_notifications(me, 2, timeout=60)
    kept = credentials()["team"]
    stale = expired(kept["token"])
    Credentials().set("team", stale, refresh=kept["refresh"])
    calls: list[str] = []
    store, sync = engine(cli.db, calls)
    try:
        account = store.accounts.get("team")
        assert await sync.pull_notifications(account) == 1  # no pass before it: no verify
        assert stored(store, mention.uri) == 1
        assert "app.bsky.feed.getAuthorFeed" not in calls  # counters are a pass's
        renewed = credentials()["team"]
        assert renewed["token"] != stale and renewed["refresh"] != kept["refresh"]  # renewed and stored
        [result] = await sync.run_once()  # the like the poll saw is owed to this pass
        assert result.ok and result.new_items == 0, result.error
        row = store.conn.execute("SELECT likes FROM post_stats WHERE remote_id = ?", (ours.uri,)).fetchone()
        assert row is not None and row["likes"] == 1
    finally:
        store.close()


async def test_a_pass_and_a_short_poll_racing_store_and_count_each_mention_once(cli, bluesky_server, team):
    b, (me, ana) = bluesky_server, team
    store, sync = engine(cli.db)
    try:
        [first] = await sync.run_once()
        assert first.ok, first.error
        refs = [b.post(ana, f"@{me.handle} question {n}", mention=[me]) for n in range(3)]
        await asyncio.to_thread(b.wait_for_notifications, me, 3, 60)
        account = store.accounts.get("team")
        [result], polled = await asyncio.gather(sync.run_once(), sync.pull_notifications(account))
        assert result.ok, result.error
        assert result.new_items + polled == 3  # each counted by whichever stored it first
        assert [stored(store, r.uri) for r in refs] == [1, 1, 1]
        assert store.conn.execute("SELECT sum(n) FROM inbox_counts").fetchone()[0] == 3
        assert store.conn.execute("SELECT sum(arrived) FROM metrics_daily").fetchone()[0] == 3
        [after] = await sync.run_once()
        assert after.ok and after.new_items == 0
    finally:
        store.close()
