"""The sync engine against a real Mastodon-compatible server (mastodon_mock on loopback)."""

from __future__ import annotations

import asyncio

from cmtui.compose import queue_reply
from cmtui.store import InboxFilter
from cmtui.sync.engine import SyncEngine

ALL = ("new", "open", "snoozed", "done")


def engine_for(env, **kw) -> SyncEngine:
    store, settings, credentials = env
    return SyncEngine(store, settings, credentials, timeout=kw.pop("timeout", 5.0), **kw)


def run(engine, names=None):
    return asyncio.run(engine.run_once(names))


def test_first_pass_pulls_mentions_replies_and_direct_messages(sync_env, peer):
    store = sync_env[0]
    ada = peer.me("ada_token")
    own = peer.post("ada_token", "Our release notes are out")
    peer.post("grace_token", "@ada how do I export my notes?")
    peer.post("alan_token", "@ada thanks, that fixed it", in_reply_to_id=own["id"])
    peer.post("katherine_token", "@ada private question about billing", visibility="direct")
    [result] = run(engine_for(sync_env))
    assert result.ok, result.error
    rows = store.inbox.page(InboxFilter(states=ALL), 0, 50)
    kinds = {r["author"].split("@")[0]: r["kind"] for r in rows}
    assert kinds == {"grace": "mention", "alan": "reply", "katherine": "direct"}
    grace = next(r for r in rows if r["author"].startswith("grace@"))
    assert grace["text"] == "@ada how do I export my notes?" and grace["is_question"] == 1
    assert grace["created_at"].endswith("Z") and grace["url"]
    assert store.accounts.cursor(store.accounts.get("ada").id, "notifications") is not None
    assert store.metrics.latest_followers()[store.accounts.get("ada").id] == ada["followers_count"]
    # The bulk ingest indexes and counts its rows without the per-row triggers: both in step.
    truth = dict(store.conn.execute("SELECT state, count(*) FROM inbox_items GROUP BY state").fetchall())
    assert {k: v for k, v in store.inbox.state_counts().items() if v} == truth
    assert store.inbox.count(InboxFilter(states=ALL, search="export")) == 1
    assert store.conn.execute("SELECT count(*) FROM meta WHERE key = 'bulk_insert'").fetchone()[0] == 0
    # A second pass with nothing new: no duplicates, one request per stream.
    [again] = run(engine_for(sync_env))
    assert again.ok and again.new_items == 0
    assert store.inbox.count(InboxFilter(states=ALL)) == 3


def test_reply_round_trip(sync_env, peer):
    store = sync_env[0]
    question = peer.post("grace_token", "@ada is there a dark mode?")
    run(engine_for(sync_env))
    item = store.inbox.page(InboxFilter(), 0, 1)[0]
    op_id = queue_reply(store, item["id"], "yes: Settings → Appearance")
    [result] = run(engine_for(sync_env))
    assert result.ok and result.sent == 1
    replies = [s for s in peer.statuses("ada_token") if s["in_reply_to_id"] == question["id"]]
    assert len(replies) == 1
    assert "Settings → Appearance" in replies[0]["content"] and "@grace" in replies[0]["content"]
    op = store.outbox.get(op_id)
    assert op["state"] == "done" and op["attempts"] == 1
    assert store.inbox.get(item["id"])["answered_at"] is not None
    # Nothing is sent twice on the next pass.
    run(engine_for(sync_env))
    assert len([s for s in peer.statuses("ada_token") if s["in_reply_to_id"] == question["id"]]) == 1
