"""Likes and shares (issue 17 B) through the outbox, against the real Mastodon-compatible peer
(mastodon_mock on loopback): what the server holds after each pass is the proof. Favourites
and boosts reach it exactly once (retries after a 503 or a time-out too); a like taken back
before it was sent sends nothing; `like_answers` makes a sent like the item's answer."""

from __future__ import annotations

import asyncio
import time

import pytest

from cmtui.errors import InputError
from cmtui.store.inbox import REACTED_COLUMN
from cmtui.sync.engine import SyncEngine
from cmtui.triage.likes import react, react_many, undo_last

FAVOURITE = r"^/api/v1/statuses/[^/]+/favourite$"


@pytest.fixture
def env(sync_env):
    return sync_env


def sync(env, timeout: float = 5.0):
    store, settings, credentials = env
    [result] = asyncio.run(SyncEngine(store, settings, credentials, timeout=timeout).run_once())
    return result


def make_due(store) -> None:
    store.conn.execute("UPDATE outbox SET next_attempt_at = NULL WHERE state = 'pending'")


def status(peer, status_id: str, token: str = "ada_token") -> dict:
    return peer.get(f"/api/v1/statuses/{status_id}", token)


def boosts_by_ada(peer, status_id: str) -> list[str]:
    return [a["acct"] for a in peer.get(f"/api/v1/statuses/{status_id}/reblogged_by")]


def mention(env, peer, text: str = "@ada love the new release!"):
    """grace mentions ada; a pass pulls it. Returns (status, inbox item id)."""
    store = env[0]
    posted = peer.post("grace_token", text)
    assert sync(env).ok
    row = store.conn.execute("SELECT id FROM inbox_items WHERE remote_id = ?", (posted["id"],)).fetchone()
    assert row is not None
    return posted, row[0]


def ops(store, item_id: int) -> list[tuple[str, str]]:
    return [(o["kind"], o["state"]) for o in store.outbox.for_item(item_id)]


def test_a_favourite_and_a_boost_reach_the_server_once_and_are_taken_back(env, peer):
    store = env[0]
    posted, item = mention(env, peer)
    assert react(store, item, "like", undo=False, who="ana") is not None
    assert react(store, item, "share", undo=False, who="ana") is not None
    row = store.inbox.get(item)
    assert row["liked_at"] and row["shared_at"]  # marked when queued
    result = sync(env)
    assert result.ok and result.sent == 2, result.summary()
    seen = status(peer, posted["id"])
    assert seen["favourited"] is True and seen["favourites_count"] == 1
    assert seen["reblogged"] is True and seen["reblogs_count"] == 1
    # Already so: nothing more is queued.
    assert react(store, item, "like", undo=False) is None
    assert sync(env).sent == 0

    assert react(store, item, "like", undo=True) is not None
    assert react(store, item, "share", undo=True) is not None
    assert store.inbox.get(item)["liked_at"] is None and store.inbox.get(item)["shared_at"] is None
    assert sync(env).sent == 2
    seen = status(peer, posted["id"])
    assert seen["favourites_count"] == 0 and seen["reblogs_count"] == 0 and not seen["favourited"]
    assert ops(store, item) == [("like", "done"), ("share", "done"), ("unlike", "done"), ("unshare", "done")]


def test_a_like_taken_back_before_it_was_sent_sends_nothing(env, peer):
    store = env[0]
    posted, item = mention(env, peer)
    react(store, item, "like", undo=False)
    taken = react(store, item, "like", undo=True)
    assert taken is not None and taken.withdrawn is not None and taken.op_id is None
    assert ops(store, item) == [] and store.inbox.get(item)["liked_at"] is None
    assert sync(env).sent == 0
    assert status(peer, posted["id"])["favourites_count"] == 0


SENT = {"like": ("favourite", "favourites_count"), "share": ("reblog", "reblogs_count")}


@pytest.mark.parametrize("what", list(SENT))
@pytest.mark.parametrize("effect", [{"type": "status", "status": 503}, {"type": "timeout"}], ids=["503", "timeout"])
def test_a_favourite_or_boost_retried_after_a_fault_counts_once(env, peer, effect, what):
    store = env[0]
    action, counter = SENT[what]
    posted, item = mention(env, peer)
    react(store, item, what, undo=False)
    peer.fault(effect, path_regex=rf"^/api/v1/statuses/[^/]+/{action}$", methods=["POST"], count=1)
    result = sync(env, timeout=1.0)
    assert result.sent == 0
    [op] = store.outbox.for_item(item)
    assert op["state"] == "pending" and op["attempts"] == 1 and op["last_error"]
    assert store.inbox.get(item)[REACTED_COLUMN[what]] is not None  # still on its way
    if effect["type"] == "timeout":
        # As if the server had done it and only the answer was lost: the retry must not count twice.
        peer.http.post(f"/api/v1/statuses/{posted['id']}/{action}",
                       headers={"Authorization": "Bearer ada_token"}).raise_for_status()
    make_due(store)
    assert sync(env).sent == 1
    assert store.outbox.for_item(item)[0]["state"] == "done"
    assert status(peer, posted["id"])[counter] == 1
    make_due(store)
    assert sync(env).sent == 0
    assert status(peer, posted["id"])[counter] == 1


def test_an_undo_waits_for_the_like_it_undoes(env, peer):
    """A like in its backoff, then taken back: the undo is not sent before it (that order would
    leave the status favourited)."""
    store = env[0]
    posted, item = mention(env, peer)
    react(store, item, "like", undo=False)
    peer.fault({"type": "status", "status": 503}, path_regex=FAVOURITE, methods=["POST"], count=1)
    sync(env)
    react(store, item, "like", undo=True)  # the like was attempted: an undo of its own
    assert [k for k, _ in ops(store, item)] == ["like", "unlike"]
    store.conn.execute("UPDATE outbox SET next_attempt_at = NULL WHERE kind = 'unlike'")
    sync(env)
    assert ops(store, item) == [("like", "pending"), ("unlike", "pending")]
    assert "waiting for operation" in store.outbox.for_item(item)[1]["last_error"]
    make_due(store)
    sync(env)
    assert ops(store, item) == [("like", "done"), ("unlike", "done")]
    assert status(peer, posted["id"])["favourites_count"] == 0


def test_a_refused_like_unmarks_the_item(env, peer):
    store = env[0]
    posted, item = mention(env, peer)
    react(store, item, "like", undo=False)
    peer.fault({"type": "status", "status": 422, "body": {"error": "Validation failed"}}, path_regex=FAVOURITE,
               methods=["POST"], count=1)
    sync(env)
    assert ops(store, item) == [("like", "failed")]
    assert store.inbox.get(item)["liked_at"] is None


def test_like_answers_marks_the_item_answered_and_its_undo_takes_that_back(env, peer):
    store, settings, _ = env
    posted, item = mention(env, peer)
    react(store, item, "like", undo=False, answers=True)
    assert store.inbox.get(item)["answered_at"] is None  # answered once it reaches the platform
    sync(env)
    answered = store.inbox.get(item)["answered_at"]
    assert answered is not None
    react(store, item, "like", undo=True)
    assert store.inbox.get(item)["answered_at"] is None
    # u: the like again (nothing sent yet: the undo is withdrawn, and the answer comes back)
    assert undo_last(store, answers=True) == {"action": "unlike", "items": [item]}
    row = store.inbox.get(item)
    assert row["liked_at"] is not None and row["answered_at"] == answered
    assert ops(store, item) == [("like", "done")]


def test_a_reply_after_the_like_keeps_the_item_answered(env, peer):
    from cmtui.compose import queue_reply

    store = env[0]
    posted, item = mention(env, peer)
    react(store, item, "like", undo=False, answers=True)
    sync(env)
    answered = store.inbox.get(item)["answered_at"]
    queue_reply(store, item, "thank you!")
    sync(env)
    react(store, item, "like", undo=True)
    assert store.inbox.get(item)["answered_at"] == answered


def test_without_like_answers_a_like_is_not_an_answer(env, peer):
    store = env[0]
    posted, item = mention(env, peer)
    react(store, item, "like", undo=False)
    sync(env)
    assert store.inbox.get(item)["answered_at"] is None


def test_undo_takes_back_a_bulk_like_in_one_step(env, peer):
    store = env[0]
    _, first = mention(env, peer, "@ada one")
    _, second = mention(env, peer, "@ada two")
    react(store, first, "like", undo=False)
    undone, changed = react_many(store, [first, second], "like", answers=False, who="ana")
    assert not undone and [r.item_id for r in changed] == [second]  # only the one without
    undone, changed = react_many(store, [first, second], "like", answers=False, who="ana")
    assert undone and len(changed) == 2
    assert undo_last(store, answers=False) == {"action": "unlike", "items": [first, second]}
    assert all(store.inbox.get(i)["liked_at"] for i in (first, second))
    store.triage.done([first], "ana")
    assert undo_last(store, answers=False)["action"] == "done"  # the latest decision first


def test_bad_input_changes_nothing(env, peer):
    store = env[0]
    with pytest.raises(InputError, match="no inbox item with id 999"):
        react(store, 999, "like", undo=False)
    with pytest.raises(InputError, match="unknown action"):
        react(store, 1, "poke", undo=False)
    assert store.conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 0
