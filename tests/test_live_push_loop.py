"""The push loop of cmtui/sync/live.py without a network: what it does around a connection
(the connector here is a stand-in that only yields or raises what a test says): a rate
limit waits with the connection already closed, a second cancellation during the close
still closes the client, and a first page that is a pull from the cursor is not pulled
again."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from cmtui.sync import live
from cmtui.sync.connectors.base import PullPage, RateLimited
from cmtui.sync.live import PUSH, LiveFeeds, LiveStatus

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


@dataclass
class Account:
    id: int = 1
    name: str = "team"
    platform: str = "mastodon"  # PUSH
    offline: bool = False
    sync_state: str = "idle"
    limits: dict = field(default_factory=dict)


class Connector:
    """live() runs `script` (an async generator function); close() is recorded."""

    def __init__(self, script):
        self.script = script
        self.closed = 0

    def live(self, cursor):
        return self.script()

    async def close(self) -> None:
        self.closed += 1


class Engine:
    def __init__(self, connector: Connector):
        self.account = Account()
        self.settings = SimpleNamespace(sync_interval_seconds=60, live_poll_seconds=15)
        self.store = SimpleNamespace(accounts=SimpleNamespace(
            require_id=lambda i: self.account, by_id=lambda i: self.account, list=lambda: [self.account],
            cursor=lambda i, stream: "saved"))
        self.clock = lambda: NOW
        self.attention = None
        self.connectors = [connector]
        self.pulls = 0
        self.stored: list[PullPage] = []

    def on_change(self, name: str) -> None:
        pass

    def connector(self, account) -> Connector:
        return self.connectors[0]

    async def pull_notifications(self, account) -> int:
        self.pulls += 1
        return 0

    def store_pushed(self, account, page: PullPage) -> int:
        self.stored.append(page)
        return 0


async def settle(times: int = 10) -> None:
    for _ in range(times):
        await asyncio.sleep(0)


async def test_a_rate_limit_is_waited_out_with_the_connection_closed():
    async def refused():
        raise RateLimited("slow down", NOW + timedelta(minutes=5))
        yield  # (an async generator)

    connector = Connector(refused)
    engine = Engine(connector)
    feeds = LiveFeeds(engine)  # type: ignore[arg-type]
    feeds.start([engine.account])
    await settle()
    task = feeds._tasks["team"]
    assert not task.done() and connector.closed == 1  # waiting the 5 minutes out, the client closed
    await feeds.stop()
    assert connector.closed == 1


async def test_a_second_cancellation_while_the_stream_closes_still_closes_the_client():
    closing = asyncio.Event()

    class Pages:
        def __aiter__(self):
            return self

        async def __anext__(self):
            await asyncio.Event().wait()  # a stream that waits for its next event

        async def aclose(self):
            closing.set()
            await asyncio.Event().wait()  # a close that hangs (a TLS goodbye never answered)

    connector = Connector(Pages)
    engine = Engine(connector)
    feeds = LiveFeeds(engine)  # type: ignore[arg-type]
    feeds.start([engine.account])
    await settle()
    task = feeds._tasks["team"]
    task.cancel()
    await asyncio.wait_for(closing.wait(), 1)
    task.cancel()  # again, during aclose()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled() and connector.closed == 1


async def test_a_first_page_from_the_cursor_is_the_gap_fill_and_an_empty_one_is_filled():
    for first, pulls in ((PullPage(cursor="next", final=True), 0), (PullPage(), 1)):
        async def pages(first=first):
            yield first
            await asyncio.Event().wait()

        engine = Engine(Connector(pages))
        feeds = LiveFeeds(engine)  # type: ignore[arg-type]
        feeds.start([engine.account])
        await settle()
        assert feeds.status["team"] == LiveStatus(PUSH)
        assert engine.pulls == pulls and engine.stored == [first]
        await feeds.stop()
