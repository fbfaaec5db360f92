"""The short poll of a platform without push (cmtui/sync/live.py), without a network: its
interval as the person idles, a key after idling (nudge), what keeps it from polling, and
its status. The engine is a stand-in that counts pulls; the feed's clock is a fake one, so
an interval is only ever reached by moving it or by a nudge (no test waits one out)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from cmtui.model import iso
from cmtui.sync.connectors.base import AuthError, RateLimited, TransientError
from cmtui.sync.live import IDLE_AFTER, POLL, LiveFeeds, LiveStatus, short_poll_seconds
from cmtui.sync import live

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("idle", "expected"), [
    (0.0, 15), (IDLE_AFTER - 0.1, 15),  # someone is at the TUI: the base interval
    (IDLE_AFTER, 30), (2 * IDLE_AFTER - 0.1, 30), (2 * IDLE_AFTER, 60),  # doubling every IDLE_AFTER idle
    (10 * 60.0, 60), (3 * 24 * 3600.0, 60), (1e12, 60),  # never beyond the passes' interval, nor overflowing
])
def test_the_interval_doubles_as_the_person_idles_up_to_the_passes_interval(idle, expected):
    assert short_poll_seconds(15, idle, 60) == expected


def test_the_interval_arithmetic_at_the_edges():
    assert short_poll_seconds(15, None, 60) is None  # no one at the TUI: the passes poll
    assert short_poll_seconds(1, 10 * 60.0, 60) == 32  # ten minutes idle: five doublings
    assert short_poll_seconds(1, 10 * 60.0, 600) == 32
    assert short_poll_seconds(120, 0.0, 60) == 60  # never slower than the passes themselves
    assert short_poll_seconds(15.0, 3 * 24 * 3600.0, 60.0) == 60.0  # a float base idle for days: no overflow


@dataclass
class Account:
    id: int = 1
    name: str = "team"
    platform: str = "bluesky"  # no PUSH: a short poll
    offline: bool = False
    sync_state: str = "idle"
    limits: dict = field(default_factory=dict)


class Engine:
    """What LiveFeeds asks of the engine; pull_notifications is counted (or raises `fail`)."""

    def __init__(self, base: float = 15, cap: int = 60):
        self.settings = SimpleNamespace(live_poll_seconds=base, sync_interval_seconds=cap)
        self.account = Account()
        self.listed = True  # the account is in the store
        self.store = SimpleNamespace(accounts=SimpleNamespace(
            by_id=lambda i: self.account, list=lambda: [self.account] if self.listed else []))
        self.idle: float | None = 0.0
        self.attention = lambda: self.idle
        self.clock = lambda: NOW
        self.pulls: list[float] = []
        self.changes: list[str] = []
        self.fail: Exception | None = None
        self.polled = asyncio.Event()
        self.feed_clock = lambda: 0.0

    def on_change(self, name: str) -> None:
        self.changes.append(name)

    async def pull_notifications(self, account) -> int:
        self.pulls.append(self.feed_clock())
        self.polled.set()
        if self.fail is not None:
            raise self.fail
        return 0


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def settle(times: int = 5) -> None:
    """Let the feed's task run what it can without time passing."""
    for _ in range(times):
        await asyncio.sleep(0)


@pytest.fixture
async def feed():
    """(engine, feeds, clock): one account's short poll started, stopped after the test."""
    engine, clock = Engine(), Clock()
    engine.feed_clock = clock
    feeds = LiveFeeds(engine, clock=clock)  # type: ignore[arg-type]
    feeds.start([engine.account])
    await settle()
    yield engine, feeds, clock
    await feeds.stop()


async def test_a_poll_comes_when_the_interval_has_passed_and_not_before(feed):
    engine, feeds, clock = feed
    assert feeds.status["team"] == LiveStatus(POLL, 15) and engine.changes == ["team"]
    clock.now += 14
    feeds.nudge()
    await settle()
    assert engine.pulls == []  # 14 s after the pass: not yet
    clock.now += 1
    feeds.nudge()  # (stands for the timer: the fake clock moved, the real one did not)
    await asyncio.wait_for(engine.polled.wait(), 2)
    assert engine.pulls == [1015.0]


async def test_a_key_after_idling_polls_at_once_when_the_last_poll_is_older_than_the_base_interval(feed):
    engine, feeds, clock = feed
    engine.idle = 10 * 60.0  # idle ten minutes: every 60 s
    clock.now += 20
    feeds.nudge()
    await settle()
    assert engine.pulls == [] and feeds.status["team"] == LiveStatus(POLL, 60)
    engine.idle = 0.0  # a key
    feeds.nudge()
    await asyncio.wait_for(engine.polled.wait(), 2)
    assert engine.pulls == [1020.0] and feeds.status["team"] == LiveStatus(POLL, 15)


async def test_a_key_soon_after_a_poll_waits_for_the_base_interval(feed):
    engine, feeds, clock = feed
    engine.idle = 10 * 60.0
    clock.now += 10  # idle, and the last poll (the pass) 10 s ago
    feeds.nudge()
    await settle()
    engine.idle = 0.0
    feeds.nudge()
    await settle()
    assert engine.pulls == []  # within the base interval of the last poll: nothing yet
    clock.now += 5
    feeds.nudge()
    await asyncio.wait_for(engine.polled.wait(), 2)
    assert engine.pulls == [1015.0]


async def test_no_one_at_the_tui_means_no_short_poll_and_the_status_names_the_passes_interval(feed):
    engine, feeds, clock = feed
    engine.idle = None  # headless, or the terminal is in the background
    clock.now += 3600
    feeds.nudge()
    await settle()
    assert engine.pulls == [] and feeds.status["team"] == LiveStatus(POLL, 60)
    assert engine.changes == ["team", "team"]  # each change of status said once


async def test_status_follows_the_interval_as_the_idling_grows(feed):
    engine, feeds, clock = feed
    seen = []
    for idle in (0.0, IDLE_AFTER, 2 * IDLE_AFTER, 10 * 60.0, 0.0):
        engine.idle = idle
        feeds.nudge()
        await settle()
        seen.append(feeds.status["team"].every)
    assert seen == [15, 30, 60, 60, 15]
    assert feeds.status["team"].mode == POLL


@pytest.mark.parametrize("busy", ["syncing", "paused", "offline"])
async def test_no_poll_while_a_pass_reads_the_account_or_it_waits_out_a_rate_limit(feed, busy):
    engine, feeds, clock = feed
    if busy == "syncing":
        engine.account.sync_state = "syncing"
    elif busy == "paused":
        engine.account.limits["paused_until"] = iso(NOW + timedelta(minutes=5))
    else:
        engine.account.offline = True
    clock.now += 16
    feeds.nudge()
    await settle()
    assert engine.pulls == []
    engine.account = Account()  # the pass is over: one base interval later, a poll
    clock.now += 15
    feeds.nudge()
    await asyncio.wait_for(engine.polled.wait(), 2)
    assert len(engine.pulls) == 1


async def test_a_failed_poll_backs_off_and_a_refused_session_stops_the_feed(feed, monkeypatch):
    engine, feeds, clock = feed
    monkeypatch.setattr(live, "reconnect_delay", lambda attempts: 100.0 * attempts)
    engine.fail = TransientError("answered 502")
    clock.now += 15
    feeds.nudge()
    await asyncio.wait_for(engine.polled.wait(), 2)
    engine.polled.clear()
    clock.now += 99  # past the interval, not past the backoff
    feeds.nudge()
    await settle()
    assert len(engine.pulls) == 1
    clock.now += 1
    feeds.nudge()
    await asyncio.wait_for(engine.polled.wait(), 2)
    assert engine.pulls == [1015.0, 1115.0]
    engine.polled.clear()
    engine.fail = RateLimited("slow down", NOW + timedelta(seconds=300))
    clock.now += 200  # the second failure's backoff
    feeds.nudge()
    await asyncio.wait_for(engine.polled.wait(), 2)
    engine.polled.clear()
    clock.now += 299  # the server's own wait
    feeds.nudge()
    await settle()
    assert len(engine.pulls) == 3
    engine.fail = AuthError("refused the session")
    clock.now += 1
    feeds.nudge()
    await asyncio.wait_for(engine.polled.wait(), 2)
    await settle()
    task = feeds._tasks["team"]
    assert task.done() and task.exception() is None and "team" not in feeds.status


async def test_an_account_removed_meanwhile_ends_its_feed(feed):
    engine, feeds, clock = feed
    engine.store.accounts.by_id = lambda i: None
    clock.now += 15
    feeds.nudge()
    await settle()
    assert engine.pulls == [] and feeds._tasks["team"].done() and "team" not in feeds.status


async def test_the_next_start_stops_the_feed_of_a_removed_account_quietly(feed):
    engine, feeds, clock = feed
    task = feeds._tasks["team"]
    engine.listed, engine.changes[:] = False, []
    feeds.start([])  # after the next pass: the account is gone
    await settle()
    assert task.cancelled() and "team" not in feeds.status and "team" not in feeds._tasks
    assert engine.changes == ["team"]  # its status line goes
    clock.now += 60
    await settle()
    assert engine.pulls == []


async def test_polls_keep_to_the_interval_on_the_real_clock():
    """The timer itself (no nudge): polls come every interval, never sooner."""
    engine = Engine(base=0.05)
    engine.feed_clock = asyncio.get_running_loop().time
    feeds = LiveFeeds(engine, clock=engine.feed_clock)  # type: ignore[arg-type]
    feeds.start([engine.account])
    try:
        await asyncio.sleep(0.4)
    finally:
        await feeds.stop()
    gaps = [b - a for a, b in zip(engine.pulls, engine.pulls[1:])]
    assert len(engine.pulls) >= 3 and min(gaps) >= 0.05 - 1e-3, engine.pulls
