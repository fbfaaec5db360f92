"""Publishing a thread against a real Mastodon-compatible server (mastodon_mock on loopback):
each part a status replying to the one before, exactly once each, also when a part fails
and the operation is retried; a timed thread waits in the outbox and is published by the
sync at its time, never scheduled on the server."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from cmtui.config import Settings
from cmtui.model import utcnow
from cmtui.planning import entries as E
from cmtui.store.base import loads
from cmtui.sync.engine import SyncEngine

TOKEN = "ada_token"
PARTS = ["Release day! 1/3", "What is new: faster sync 2/3", "Thanks to everyone who helped 3/3"]


@pytest.fixture
def env(sync_env):
    store, _, credentials = sync_env
    return store, Settings(timezone="UTC", user="ana", backfill_days=30), credentials


def run(env, clock=utcnow):
    store, settings, credentials = env
    engine = SyncEngine(store, settings, credentials, timeout=5.0, clock=clock)
    [result] = asyncio.run(engine.run_once())
    return result


def thread_statuses(peer) -> list[dict]:
    """The thread's statuses on the server, oldest first."""
    return sorted((s for s in peer.statuses(TOKEN) if any(p in s["content"] for p in PARTS)),
                  key=lambda s: (s["created_at"], int(s["id"])))


def assert_one_chain(peer, entry) -> list[dict]:
    statuses = thread_statuses(peer)
    assert len(statuses) == 3
    for part, status in zip(PARTS, statuses):
        assert part in status["content"]
    assert statuses[0]["in_reply_to_id"] is None
    assert statuses[1]["in_reply_to_id"] == statuses[0]["id"]
    assert statuses[2]["in_reply_to_id"] == statuses[1]["id"]
    assert entry["status"] == "published" and entry["remote_id"] == statuses[0]["id"]
    assert entry["url"] == statuses[0]["url"]
    return statuses


def test_three_parts_make_three_statuses_each_replying_to_the_one_before(env, peer):
    store, settings, _ = env
    entry_id = E.create_entry(store, settings, text="\n---\n".join(PARTS), account="ada", status="scheduled",
                              thread=True, who="ana")
    result = run(env)
    assert result.ok and result.sent == 1 and result.failed == []
    statuses = assert_one_chain(peer, store.entries.get(entry_id))
    [op] = store.outbox.for_entry(entry_id)
    assert loads(op["result"], {})["parts"] == [s["id"] for s in statuses]
    run(env)
    assert len(thread_statuses(peer)) == 3  # never twice


def test_a_failed_second_part_then_a_retry_publishes_each_part_once(env, peer):
    store, settings, _ = env
    entry_id = E.create_entry(store, settings, text="\n---\n".join(PARTS), account="ada", status="scheduled",
                              thread=True, who="ana")
    # The first POST goes through untouched, the second (part 2) gets a 503.
    peer.fault({"type": "latency", "delay_ms": 0}, path="/api/v1/statuses", methods=["POST"], count=1)
    peer.fault({"type": "status", "status": 503}, path="/api/v1/statuses", methods=["POST"], count=1)
    result = run(env)
    assert result.sent == 0
    [op] = store.outbox.for_entry(entry_id)
    assert op["state"] == "pending" and op["attempts"] == 1 and op["last_error"]
    assert len(thread_statuses(peer)) == 1  # part 1 is out, the rest waits for the retry
    result = run(env, clock=lambda: utcnow() + timedelta(hours=1))  # after the back-off
    assert result.sent == 1
    assert_one_chain(peer, store.entries.get(entry_id))  # part 1 found again by its key, not posted twice


def test_a_timed_thread_is_published_by_the_sync_at_its_time(env, peer):
    store, settings, _ = env
    when = (utcnow() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    entry_id = E.create_entry(store, settings, text="\n---\n".join(PARTS), account="ada", when=when,
                              thread=True, who="ana", status="scheduled")
    result = run(env)
    assert result.sent == 0 and peer.scheduled(TOKEN) == [] and thread_statuses(peer) == []
    assert store.entries.get(entry_id)["status"] == "scheduled"
    result = run(env, clock=lambda: when + timedelta(seconds=30))
    assert result.sent == 1 and peer.scheduled(TOKEN) == []
    entry = store.entries.get(entry_id)
    assert_one_chain(peer, entry)
    assert entry["late"] == 0
