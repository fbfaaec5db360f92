"""The live feed when the stream misbehaves: cut mid-event, malformed, repeated, racing a
pull, switched off, cut by a proxy, refused, rate limited, flooded. Nothing is lost or doubled,
and a server that will not stream is polled, said once. Against mastodon_mock on loopback,
with tests/stream_proxy.py in front where the peer cannot misbehave by itself."""

from __future__ import annotations

import asyncio
import logging
import tracemalloc

import pytest

from cmtui.sync import live
from cmtui.sync.engine import SyncEngine
from cmtui.sync.live import POLL, PUSH, LiveStatus
from live_harness import count, feeding, post, pushing, running, until
from stream_proxy import STREAM, Cut, StreamProxy


@pytest.fixture(autouse=True)
def logs_reach_caplog(monkeypatch):
    """`cmtui sync` run in-process by another test stops cmtui's log at its own handler."""
    monkeypatch.setattr(logging.getLogger("cmtui"), "propagate", True)


@pytest.fixture
def fast(monkeypatch):
    monkeypatch.setattr(live, "reconnect_delay", lambda attempts: 0.05)


@pytest.fixture
def proxied(sync_env, peer):
    """(store, engine, proxy): ada's account on the peer through the proxy."""
    store, settings, credentials = sync_env
    proxy = StreamProxy(peer.base_url)
    store.conn.execute("UPDATE accounts SET server = ? WHERE name = 'ada'", (proxy.base_url,))
    store.conn.commit()
    try:
        yield store, SyncEngine(store, settings, credentials), proxy
    finally:
        proxy.close()


def watch_status(engine: SyncEngine) -> list:
    """The feed's statuses for ada as they change (on_change is called on each)."""
    seen = []

    def on_change(name):
        status = engine.live.status.get(name) if engine.live is not None else None
        if name == "ada" and status is not None and (not seen or seen[-1] != status):
            seen.append(status)

    engine.on_change = on_change
    return seen


def is_notification(event: bytes) -> bool:
    return event.startswith(b"event: notification")


async def test_a_stream_cut_mid_event_reconnects_and_the_item_arrives_once(proxied, peer, fast):
    store, engine, proxy = proxied
    cuts = []

    def rewrite(event, index):
        if is_notification(event) and not cuts:
            cuts.append(index)
            raise Cut(event[:len(event) // 2])  # half the notification, then the connection is gone
        return [event]

    proxy.rewrite = rewrite
    async with running(engine):
        assert await pushing(engine, "ada")
        await post(peer, "grace_token", "@ada cut in half")
        assert await until(lambda: count(store, "cut in half") == 1 and proxy.connects == 2, 5.0)
        assert cuts
        assert engine.live.status["ada"] == LiveStatus(PUSH)
        await post(peer, "grace_token", "@ada after the cut")
        assert await until(lambda: count(store, "after the cut") == 1, 2.0)
        await asyncio.sleep(0.3)
    assert count(store, "cut in half") == 1


async def test_a_malformed_event_is_skipped_with_a_warning_and_the_next_pull_brings_it(proxied, peer, caplog):
    store, engine, proxy = proxied
    broken = iter([b"event: notification\ndata: {not json\n\n", b"event: notification\ndata: [1, 2]\n\n"])

    def rewrite(event, index):
        return [next(broken, event)] if is_notification(event) else [event]

    proxy.rewrite = rewrite
    with caplog.at_level(logging.WARNING, "cmtui.sync"):
        async with running(engine):
            assert await pushing(engine, "ada")
            await post(peer, "grace_token", "@ada first, spoiled")
            await post(peer, "grace_token", "@ada second, spoiled")
            await post(peer, "grace_token", "@ada third, whole")
            assert await until(lambda: count(store, "third, whole") == 1, 2.0)
            assert count(store, "spoiled") == 0
            assert engine.live.status["ada"] == LiveStatus(PUSH)  # the stream goes on
            results = await engine.run_once()
    assert [r.new_items for r in results] == [2]
    assert count(store, "spoiled") == 2 and count(store, "third, whole") == 1
    said = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    assert len(said) == 2 and "1 more" in said[1]  # the first at once, the rest counted when it ends


async def test_a_flood_of_malformed_events_is_said_once_and_counted(proxied, peer, caplog):
    store, engine, proxy = proxied

    def rewrite(event, index):
        if is_notification(event):
            return [b"event: notification\ndata: {not json\n\n"] * 200 + [event]
        return [event]

    proxy.rewrite = rewrite
    with caplog.at_level(logging.WARNING, "cmtui.sync"):
        async with running(engine):
            assert await pushing(engine, "ada")
            await post(peer, "grace_token", "@ada behind a flood")
            assert await until(lambda: count(store, "behind a flood") == 1, 3.0)
            said = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
            assert len(said) == 1  # not 200 lines
    said = [r.getMessage() for r in caplog.records if "malformed" in r.getMessage()]
    assert len(said) == 2 and "199 more" in said[1], said


async def test_a_stream_that_opens_and_never_sends_a_byte_counts_as_cut(proxied, monkeypatch, fast):
    """A proxy buffering the answer: 200 text/event-stream, then nothing (no ":connected", no
    heartbeat) until the read times out. Even with the read time-out as long as SHORT_LIVED
    (as in production), it is a cut, and after CUTS_BEFORE_POLLING the feed polls."""
    from cmtui.sync.connectors.mastodon import streaming

    store, engine, proxy = proxied
    monkeypatch.setattr(streaming, "READ_TIMEOUT", 0.3)
    monkeypatch.setattr(live, "SHORT_LIVED", 0.2)
    proxy.rewrite = lambda event, index: []
    changes = watch_status(engine)
    async with running(engine):
        assert await until(lambda: engine.live is not None and engine.live.status.get("ada") == LiveStatus(
            POLL, engine.settings.sync_interval_seconds), 10.0)
        assert proxy.connects == live.CUTS_BEFORE_POLLING
    assert LiveStatus(PUSH) not in changes  # never said live


async def test_reconnects_do_not_ask_the_instance_for_its_streaming_address_again(proxied, peer, fast):
    store, engine, proxy = proxied

    def rewrite(event, index):
        if is_notification(event):
            raise Cut()
        return [event]

    proxy.rewrite = rewrite
    async with running(engine):
        assert await pushing(engine, "ada")
        asked = proxy.paths.count("/api/v2/instance")
        await post(peer, "grace_token", "@ada cuts the stream")
        assert await until(lambda: proxy.connects >= 2 and engine.live.status.get("ada") == LiveStatus(PUSH), 5.0)
        assert proxy.paths.count("/api/v2/instance") == asked


async def test_a_repeated_event_is_one_item_counted_once(proxied, peer):
    store, engine, proxy = proxied
    proxy.rewrite = lambda event, index: [event, event] if is_notification(event) else [event]
    returned = []
    real = engine.store_pushed

    def spy(account, page):
        n = real(account, page)
        if page.items:
            returned.append(n)
        return n

    engine.store_pushed = spy
    async with running(engine):
        assert await pushing(engine, "ada")
        for n in range(3):
            await post(peer, "grace_token", f"@ada twice over {n}")
        assert await until(lambda: count(store, "twice over") == 3 and len(returned) == 6, 2.0)
        results = await engine.run_once()
    assert sorted(returned) == [0, 0, 0, 1, 1, 1]
    assert results[0].new_items == 0  # the pull brings them again: already counted
    assert count(store, "twice over") == 3


async def test_the_stream_and_pulls_racing_store_every_mention_once(sync_env, peer):
    store = sync_env[0]
    engine = SyncEngine(*sync_env)
    async with running(engine):
        assert await pushing(engine, "ada")
        account = store.accounts.require("ada")

        async def pulls():
            for _ in range(8):
                await engine.pull_notifications(account)
                await asyncio.sleep(0.02)

        async def mentions():
            for n in range(25):
                await post(peer, "grace_token", f"@ada racing {n}")

        await asyncio.gather(pulls(), mentions())
        assert await until(lambda: count(store, "racing") == 25, 3.0)
        await asyncio.sleep(0.3)
    rows = store.conn.execute("SELECT text FROM inbox_items WHERE text LIKE '%racing%'").fetchall()
    assert sorted(int(r[0].rsplit(" ", 1)[1]) for r in rows) == list(range(25))
    kept = store.conn.execute("SELECT state, count(*), sum(answered_at IS NULL) FROM inbox_items"
                              " WHERE hidden = 0 GROUP BY state").fetchall()
    assert {r[0]: r[1] for r in kept} == {s: n for s, n in store.inbox.state_counts().items() if n}
    assert {r[0]: r[2] for r in kept} == {s: n for s, n in store.inbox.state_counts(unanswered=True).items() if n}


async def test_a_server_that_does_not_stream_is_polled_said_once_not_an_error(sync_env, peer, caplog):
    store, settings, credentials = sync_env
    settings.sync_interval_seconds = 60
    peer.fault({"type": "status", "status": 404}, path=STREAM, count=None)
    engine = SyncEngine(store, settings, credentials)
    changes = watch_status(engine)
    with caplog.at_level(logging.DEBUG, "cmtui.sync"):
        async with running(engine):
            assert await until(lambda: engine.live is not None and engine.live.status.get("ada") == LiveStatus(POLL, 60))
            await asyncio.sleep(0.5)
            assert engine.live.status.get("ada") == LiveStatus(POLL, 60)
    said = [r for r in caplog.records if "polling" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno < logging.WARNING, said  # the status says it (cmtui sync, the TUI)
    assert changes.count(LiveStatus(POLL, 60)) == 1
    account = store.accounts.require("ada")
    assert account.sync_state == "idle" and not account.last_error


async def test_a_proxy_that_cuts_every_stream_leads_to_polling(proxied, fast, caplog):
    store, engine, proxy = proxied
    proxy.cut_after = 5  # a few bytes of ":connected", then gone
    changes = watch_status(engine)
    with caplog.at_level(logging.DEBUG, "cmtui.sync"):
        async with running(engine):
            assert await until(lambda: engine.live is not None and engine.live.status.get("ada") == LiveStatus(
                POLL, engine.settings.sync_interval_seconds), 15.0)
            await asyncio.sleep(0.3)
            assert proxy.connects == live.CUTS_BEFORE_POLLING
    assert len([r for r in caplog.records if "polling" in r.getMessage()]) == 1
    assert [c.mode for c in changes].count(POLL) == 1


async def test_a_refused_token_on_the_stream_stops_the_feed_without_a_loop(proxied, peer, fast):
    store, engine, proxy = proxied
    async with running(engine):
        peer.fault({"type": "status", "status": 401}, path=STREAM, count=None)
        assert await feeding(engine)
        await asyncio.sleep(1.0)
        assert proxy.connects == 1
        assert "ada" not in engine.live.status  # stopped: the next pass says why


@pytest.mark.parametrize("effect", [{"type": "ratelimit"}, {"type": "status", "status": 429}])
async def test_a_rate_limited_stream_waits_without_hammering(proxied, peer, monkeypatch, effect):
    store, engine, proxy = proxied
    delays = []

    def delay(attempts):
        delays.append(attempts)
        return 0.1

    monkeypatch.setattr(live, "reconnect_delay", delay)
    peer.fault(effect, path=STREAM, count=None)
    async with running(engine):
        assert await feeding(engine)
        if effect["type"] == "ratelimit":
            await asyncio.sleep(1.0)
        else:
            await until(lambda: len(delays) >= 3, 5.0)
    if effect["type"] == "ratelimit":  # told to wait 300 s (Retry-After): it waits
        assert proxy.connects == 1
    else:  # not told: each refusal waits longer than the one before
        assert delays[:3] == [1, 2, 3], delays


async def test_a_huge_junk_event_is_dropped_and_the_next_arrives(proxied, peer):
    store, engine, proxy = proxied
    junk = b"event: notification\ndata: " + b"j" * (2 << 20) + b"\n\n"
    sent = []

    def rewrite(event, index):
        if is_notification(event) and not sent:
            sent.append(index)
            return [junk, event]
        return [event]

    proxy.rewrite = rewrite
    async with running(engine):
        assert await pushing(engine, "ada")
        tracemalloc.start()
        try:
            await post(peer, "grace_token", "@ada behind the junk")
            assert await until(lambda: count(store, "behind the junk") == 1, 3.0)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert sent and engine.live.status["ada"] == LiveStatus(PUSH)
    assert peak < 6 << 20, peak  # the 2 MB line was never held whole (nor copied over and over)


async def test_remote_markup_in_a_streamed_mention_is_stored_sanitised_like_a_pulled_one(sync_env, peer):
    store = sync_env[0]
    text = "@ada [bold red]x[/] <b>bold</b> &lt;script&gt; \x1b[31mred\x1b[0m \u202eevil \u0007 end"
    engine = SyncEngine(*sync_env)
    async with running(engine):
        assert await pushing(engine, "ada")
        streamed = await post(peer, "grace_token", text)
        assert await until(lambda: store.conn.execute(
            "SELECT count(*) FROM inbox_items WHERE remote_id = ?", (streamed["id"],)).fetchone()[0] == 1, 2.0)
    pulled = await post(peer, "grace_token", text)
    await engine.run_once()
    rows = {r[0]: r[1] for r in store.conn.execute(
        "SELECT remote_id, text FROM inbox_items WHERE remote_id IN (?, ?)", (streamed["id"], pulled["id"]))}
    assert rows[streamed["id"]] == rows[pulled["id"]]
    assert not any(c in rows[streamed["id"]] for c in "\x1b\u202e\u0007")
    assert "[bold red]x[/]" in rows[streamed["id"]]  # kept literally: the screens show it as text



async def test_a_gap_pull_that_fails_means_a_reconnect_and_nothing_lost(proxied, peer, fast):
    from cmtui.sync.connectors.base import TransientError

    store, engine, proxy = proxied
    real, calls = engine.pull_notifications, []

    async def failing_once(account):
        calls.append(1)
        if len(calls) == 1:
            await asyncio.to_thread(peer.post, "grace_token", "@ada during the failed gap pull")
            raise TransientError("the gap pull failed")
        return await real(account)

    engine.pull_notifications = failing_once
    async with running(engine):
        assert await until(lambda: engine.gap_pulls == 2 and engine.live.status.get("ada") == LiveStatus(PUSH), 10.0)
        assert proxy.connects == 2 and len(calls) == 2
        assert count(store, "during the failed gap pull") == 1  # the second gap pull brought it
        await post(peer, "grace_token", "@ada once reconnected")
        assert await until(lambda: count(store, "once reconnected") == 1, 2.0)
