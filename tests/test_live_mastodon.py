"""Mastodon's streaming API as the engine's live feed (cmtui/sync/live.py,
cmtui/sync/connectors/mastodon/streaming.py), against mastodon_mock on loopback: what grace
does reaches ada's store as it happens, through the pass's ingest, and the cursor stays the
pulls'."""

from __future__ import annotations

import asyncio
import json

import pytest

from cmtui.config import Credentials, Settings
from cmtui.store import Store
from cmtui.sync import live
from cmtui.sync.engine import SyncEngine
from cmtui.sync.live import CONNECTING, PUSH, LiveStatus
from live_harness import count, cursor_row, post, pushing, running, until

STREAM = "/api/v1/streaming/user/notification"


def engine_for(sync_env) -> SyncEngine:
    store, settings, credentials = sync_env
    return SyncEngine(store, settings, credentials)


async def test_a_mention_is_stored_within_two_seconds_and_the_rules_run_on_it(sync_env, peer):
    store = sync_env[0]
    store.rules.save({"name": "urgent words", "enabled": True, "match": "any",
                      "conditions": [{"type": "keywords", "words": ["urgent"]}],
                      "actions": [{"type": "flag"}, {"type": "label", "label": "hot"}]})
    engine = engine_for(sync_env)
    async with running(engine):
        assert await pushing(engine, "ada")
        assert engine.live.status["ada"] == LiveStatus(PUSH)
        await post(peer, "grace_token", "@ada this is urgent, streamed")
        assert await until(lambda: count(store, "urgent, streamed") == 1, 2.0)
        item = store.conn.execute("SELECT id, kind, labels, state FROM inbox_items WHERE text LIKE '%streamed%'"
                                  ).fetchone()
        assert item["kind"] == "mention" and item["state"] == "new"
        assert json.loads(item["labels"]) == ["hot"]
        flags = store.conn.execute("SELECT rule FROM moderation_flags WHERE item_id = ?", (item["id"],)).fetchall()
        assert [f["rule"] for f in flags] == ["urgent words"]


async def test_the_cursor_is_the_last_pulls_not_moved_by_the_stream(sync_env, peer):
    store = sync_env[0]
    engine = engine_for(sync_env)
    async with running(engine):
        assert await pushing(engine, "ada")
        before = cursor_row(store)
        assert before is not None and before[0]
        for n in range(3):
            await post(peer, "grace_token", f"@ada cursor check {n}")
        assert await until(lambda: count(store, "cursor check") == 3, 2.0)
        assert cursor_row(store) == before
    # the next pull fills from that cursor: the three come again and stay three
    await engine.run_once()
    assert count(store, "cursor check") == 3
    assert cursor_row(store)[0] != before[0]


async def test_a_direct_message_arrives_as_direct(sync_env, peer):
    store = sync_env[0]
    engine = engine_for(sync_env)
    async with running(engine):
        assert await pushing(engine, "ada")
        await post(peer, "grace_token", "@ada a private word", visibility="direct")
        assert await until(lambda: count(store, "a private word") == 1, 2.0)
    kind = store.conn.execute("SELECT kind FROM inbox_items WHERE text LIKE '%private word%'").fetchone()[0]
    assert kind == "direct"


async def test_favourites_and_boosts_arrive_as_events(sync_env, peer):
    store = sync_env[0]
    own = await post(peer, "ada_token", "a post of ada's to be liked")
    engine = engine_for(sync_env)
    async with running(engine):
        assert await pushing(engine, "ada")
        before = store.conn.execute("SELECT count(*) FROM account_events").fetchone()[0]
        auth = {"Authorization": "Bearer grace_token"}
        for action in ("favourite", "reblog"):
            response = await asyncio.to_thread(peer.http.post, f"/api/v1/statuses/{own['id']}/{action}",
                                               headers=auth)
            response.raise_for_status()
        assert await until(lambda: store.conn.execute(
            "SELECT count(*) FROM account_events WHERE post_remote_id = ?", (own["id"],)).fetchone()[0] == 2, 2.0)
        kinds = {r[0] for r in store.conn.execute("SELECT kind FROM account_events WHERE post_remote_id = ?",
                                                  (own["id"],))}
        assert len(kinds) == 2
        assert store.conn.execute("SELECT count(*) FROM account_events").fetchone()[0] == before + 2


async def test_a_status_deleted_on_the_server_is_marked_deleted(sync_env, peer):
    store = sync_env[0]
    grace = peer.me("grace_token")
    # ada follows grace: the server streams grace's removals to ada's user channel
    peer.http.post(f"/api/v1/accounts/{grace['id']}/follow", headers={"Authorization": "Bearer ada_token"}
                   ).raise_for_status()
    engine = engine_for(sync_env)
    async with running(engine):
        assert await pushing(engine, "ada")
        status = await post(peer, "grace_token", "@ada soon gone")
        assert await until(lambda: count(store, "soon gone") == 1, 2.0)
        response = await asyncio.to_thread(peer.http.delete, f"/api/v1/statuses/{status['id']}",
                                           headers={"Authorization": "Bearer grace_token"})
        response.raise_for_status()
        assert await until(lambda: store.conn.execute(
            "SELECT deleted_at FROM inbox_items WHERE text LIKE '%soon gone%'").fetchone()[0] is not None, 2.0)


async def test_what_came_while_the_stream_was_down_is_filled_by_the_pull_after_the_reconnect(
        sync_env, peer, monkeypatch):
    monkeypatch.setattr(live, "reconnect_delay", lambda attempts: 0.2)
    monkeypatch.setattr(live, "CUTS_BEFORE_POLLING", 100)
    store = sync_env[0]
    peer.fault({"type": "status", "status": 503}, path=STREAM, count=None)  # the stream is down
    engine = engine_for(sync_env)
    async with running(engine):
        assert await until(lambda: engine.live is not None and engine.live.status.get("ada") == LiveStatus(CONNECTING))
        await asyncio.sleep(0.5)  # a refused connect or two
        await post(peer, "grace_token", "@ada while you were away")
        await asyncio.sleep(0.5)
        assert count(store, "while you were away") == 0  # no pass before a minute
        await asyncio.to_thread(peer.clear_faults)
        assert await until(lambda: count(store, "while you were away") == 1, 3.0)
        assert engine.live.status["ada"] == LiveStatus(PUSH)
        await post(peer, "grace_token", "@ada and now live")
        assert await until(lambda: count(store, "and now live") == 1, 2.0)
    assert count(store, "while you were away") == 1


async def test_three_accounts_stream_at_once(tmp_path, peer):
    store = Store.open(tmp_path / "three.db")
    credentials = Credentials(tmp_path / "config")
    host = peer.base_url.split("//")[1]
    for name in ("ada", "grace", "alan"):
        credentials.set(name, f"{name}_token")
        store.accounts.add(name, "mastodon", peer.base_url, handle=f"{name}@{host}",
                           remote_account_id=peer.me(f"{name}_token")["id"])
    engine = SyncEngine(store, Settings(timezone="UTC", backfill_days=30), credentials)
    try:
        async with running(engine):
            assert await pushing(engine, "ada", "grace", "alan")
            await post(peer, "katherine_token", "@ada @grace @alan all three of you")
            assert await until(lambda: all(count(store, "all three of you", n) == 1
                                           for n in ("ada", "grace", "alan")), 2.0)
            for name, other in (("ada", "grace"), ("grace", "alan"), ("alan", "ada")):
                await post(peer, f"{other}_token", f"@{name} just for {name}")
            assert await until(lambda: all(count(store, f"just for {n}", n) == 1
                                           for n in ("ada", "grace", "alan")), 2.0)
            assert count(store, "just for") == 3
    finally:
        store.close()


@pytest.mark.parametrize("live_setting", [False])
async def test_with_live_off_nothing_streams(sync_env, peer, live_setting):
    store, settings, credentials = sync_env
    settings.live = live_setting
    engine = SyncEngine(store, settings, credentials)
    async with running(engine):
        await asyncio.sleep(0.5)
        assert engine.live is None
        await post(peer, "grace_token", "@ada not live")
        await asyncio.sleep(0.5)
        assert count(store, "not live") == 0
