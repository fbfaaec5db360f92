"""The sync engine under faults, against a real Mastodon-compatible peer (mastodon_mock on loopback).

Every fault is injected by the peer itself (POST /api/v1/_mock/faults), so the requests, the
headers and the bodies the engine sees are the ones a real server sends. What these tests hold
the engine to: an operation is never lost and never sent twice, a pull never moves its cursor
past items it did not store, one account's trouble does not stop another, a killed process
leaves a database the next one can finish from, and the token never reaches the database.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from cmtui.compose import queue_reply
from cmtui.config import Credentials
from cmtui.model import iso, utcnow
from cmtui.store import InboxFilter, Store
from cmtui.sync.engine import SyncEngine

ALL = ("new", "open", "snoozed", "done")
STATUSES = "/api/v1/statuses"
NOTIFICATIONS = "/api/v1/notifications"
VERIFY = "/api/v1/accounts/verify_credentials"


# -- set-up -------------------------------------------------------------------------------
@pytest.fixture
def env(sync_env):
    """The shared sync set-up (conftest.sync_env)."""
    return sync_env


def host_of(peer) -> str:
    return peer.base_url.split("//")[1]


def engine_for(env, **kw) -> SyncEngine:
    store, settings, credentials = env
    return SyncEngine(store, settings, credentials, timeout=kw.pop("timeout", 5.0), **kw)


def run(engine, names=None):
    return asyncio.run(engine.run_once(names))


def one(results, name="ada"):
    [result] = [r for r in results if r.name == name]
    return result


def make_due(store) -> None:
    """Skip the backoff: every pending operation may go on the next pass."""
    store.conn.execute("UPDATE outbox SET next_attempt_at = NULL WHERE state = 'pending'")


def end_pause(store) -> None:
    """Skip a rate-limit pause the engine kept in the store."""
    store.conn.execute("UPDATE accounts SET limits = json_remove(limits, '$.paused_until')")


def replies_to(peer, status_id: str, token: str = "ada_token") -> list[dict]:
    return [s for s in peer.statuses(token) if s["in_reply_to_id"] == status_id]


def item_for(store, remote_id: str):
    row = store.conn.execute("SELECT id FROM inbox_items WHERE remote_id = ?", (remote_id,)).fetchone()
    assert row is not None, f"status {remote_id} was not pulled"
    return row[0]


def question_and_reply(env, peer, text="@ada is there a dark mode?", answer="yes: Settings → Appearance"):
    """grace asks, a clean pass pulls it, a reply is queued. Returns (question status, op id)."""
    store = env[0]
    question = peer.post("grace_token", text)
    assert one(run(engine_for(env))).ok
    op_id = queue_reply(store, item_for(store, question["id"]), answer)
    return question, op_id


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def assert_delivered_once(env, peer, question, op_id, *, min_attempts: int):
    store = env[0]
    op = store.outbox.get(op_id)
    assert op["state"] == "done", dict(op)
    assert op["attempts"] >= min_attempts
    assert op["last_error"] is None
    replies = replies_to(peer, question["id"])
    assert len(replies) == 1, [r["content"] for r in replies]
    assert replies[0]["in_reply_to_id"] == question["id"]
    assert "@grace" in replies[0]["content"] and "Appearance" in replies[0]["content"]
    assert store.outbox.get(op_id)["result"] is not None
    result = store.conn.execute("SELECT json_extract(result, '$.remote_id') FROM outbox WHERE id = ?",
                                (op_id,)).fetchone()[0]
    assert result == replies[0]["id"]
    # Nothing goes out again on a later pass.
    make_due(store)
    assert one(run(engine_for(env))).sent == 0
    assert len(replies_to(peer, question["id"])) == 1
    assert store.outbox.get(op_id)["attempts"] == op["attempts"]
    return replies[0]


# -- 1. faults on POST /api/v1/statuses ---------------------------------------------------
POST_FAULTS = {
    "503-three-times": ({"type": "status", "status": 503}, 3, "503 Service temporarily unavailable"),
    "malformed-truncated": ({"type": "malformed", "truncate": True}, 1, "malformed response"),
    "malformed-not-json": ({"type": "malformed", "truncate": False}, 1, "malformed response"),
}


@pytest.mark.parametrize("case", list(POST_FAULTS))
def test_reply_survives_send_faults_and_is_delivered_once(env, peer, case):
    store = env[0]
    effect, count, message = POST_FAULTS[case]
    question, op_id = question_and_reply(env, peer)
    key = store.outbox.get(op_id)["idempotency_key"]
    peer.fault(effect, path=STATUSES, methods=["POST"], count=count)

    for attempt in range(1, count + 1):
        before = iso(utcnow())
        result = one(run(engine_for(env)))
        # A failed send is the operation's problem, not the account's: the pass itself is fine.
        assert result.ok and result.sent == 0, result.summary()
        op = store.outbox.get(op_id)
        assert op["state"] == "pending" and op["attempts"] == attempt
        assert message in op["last_error"] and host_of(peer) in op["last_error"]
        assert op["next_attempt_at"] > before  # backed off, not retried at once
        assert op["idempotency_key"] == key
        assert replies_to(peer, question["id"]) == []
        # Before the backoff is over a pass leaves it alone.
        assert one(run(engine_for(env))).sent == 0
        assert store.outbox.get(op_id)["attempts"] == attempt
        make_due(store)

    result = one(run(engine_for(env)))
    assert result.ok and result.sent == 1
    assert_delivered_once(env, peer, question, op_id, min_attempts=count + 1)
    assert store.outbox.get(op_id)["attempts"] == count + 1
    assert store.inbox.get(item_for(store, question["id"]))["answered_at"] is not None
    assert one(run(engine_for(env))).sent == 0
    assert len(replies_to(peer, question["id"])) == 1


def _iso_ms(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# Each variant sends one way of saying "wait" (the other header blank so it says nothing). A
# reset is 3 s ahead: the first pass must end, and the paused one run, before it comes, even on
# a loaded machine.
RATELIMITS = {
    "retry-after-seconds": lambda: ({"Retry-After": "1", "X-RateLimit-Reset": ""}, None),
    "reset-iso8601": lambda: (lambda at: ({"Retry-After": "", "X-RateLimit-Reset": _iso_ms(at)}, at))(
        utcnow() + timedelta(seconds=3)),
    "reset-epoch-seconds": lambda: (lambda at: ({"Retry-After": "", "X-RateLimit-Reset": str(int(at.timestamp()))},
                                                at))(utcnow().replace(microsecond=0) + timedelta(seconds=3)),
}


@pytest.mark.parametrize("case", list(RATELIMITS))
def test_rate_limited_send_waits_for_the_reset_then_delivers_once(env, peer, case):
    store = env[0]
    question, op_id = question_and_reply(env, peer)
    headers, reset_at = RATELIMITS[case]()
    peer.fault({"type": "ratelimit", "headers": headers}, path=STATUSES, methods=["POST"], count=1)
    engine = engine_for(env)
    before = utcnow()
    result = one(run(engine))
    after = utcnow()
    assert not result.ok and result.state == "idle" and "slow down" in result.error
    account = store.accounts.get("ada")
    assert account.sync_state == "idle" and "slow down" in account.last_error
    op = store.outbox.get(op_id)
    assert op["state"] == "pending" and op["attempts"] == 1 and "slow down" in op["last_error"]
    retry_at = parse(op["next_attempt_at"])
    if reset_at is not None:
        assert op["next_attempt_at"] == iso(reset_at)
    else:  # Retry-After: 1
        assert (before + timedelta(seconds=1)).replace(microsecond=0) <= retry_at <= after + timedelta(seconds=1)
    assert replies_to(peer, question["id"]) == []

    # Until the reset the account is left alone: no request at all.
    paused = one(run(engine))
    assert not paused.ok and "rate limited until" in paused.error and paused.requests == 0
    assert store.outbox.get(op_id)["attempts"] == 1

    deadline = (reset_at or after + timedelta(seconds=1)) + timedelta(milliseconds=100)
    time.sleep(max(0.0, (deadline - utcnow()).total_seconds()))
    result = one(run(engine))
    assert result.ok and result.sent == 1, result.summary()
    assert_delivered_once(env, peer, question, op_id, min_attempts=2)
    assert store.accounts.get("ada").last_error is None


def test_rate_limit_with_the_servers_default_headers_pauses_the_account(env, peer):
    """mastodon_mock's own 429: Retry-After 300 and X-RateLimit-Reset in epoch seconds, 300 s ahead."""
    store = env[0]
    question, op_id = question_and_reply(env, peer)
    peer.fault({"type": "ratelimit"}, path=STATUSES, methods=["POST"], count=1)
    engine = engine_for(env)
    result = one(run(engine))
    now = utcnow()
    assert not result.ok and "slow down" in result.error
    op = store.outbox.get(op_id)
    assert op["state"] == "pending" and "slow down" in op["last_error"]
    assert now + timedelta(seconds=290) <= parse(op["next_attempt_at"]) <= now + timedelta(seconds=302)
    assert one(run(engine)).requests == 0  # paused
    # A new process (fresh engine, or `cmtui sync --once` from cron) honours the pause too:
    # it is kept in the store.
    fresh = one(run(engine_for(env)))
    assert not fresh.ok and fresh.requests == 0 and "rate limited until" in fresh.error
    assert replies_to(peer, question["id"]) == []
    end_pause(store)
    fresh = one(run(engine_for(env)))
    assert fresh.ok and fresh.sent == 0  # the operation itself still waits for its own time
    make_due(store)
    assert one(run(engine_for(env))).sent == 1
    assert_delivered_once(env, peer, question, op_id, min_attempts=2)


def _replay(peer, op) -> dict:
    """What the server does when it processes the request and only the answer is lost:
    the same body, as ada, with the operation's Idempotency-Key."""
    import json

    payload = json.loads(op["payload"]) if isinstance(op["payload"], str) else op["payload"]
    body = {"status": payload["text"], "in_reply_to_id": payload["in_reply_to_id"],
            "visibility": payload["visibility"]}
    response = peer.http.post(STATUSES, json=body, headers={"Authorization": "Bearer ada_token",
                                                           "Idempotency-Key": op["idempotency_key"]})
    response.raise_for_status()
    return response.json()


@pytest.mark.parametrize("effect", [{"type": "latency", "delay_ms": 2500}, {"type": "timeout"}],
                         ids=["latency-2500ms", "timeout"])
def test_send_that_times_out_is_retried_with_the_same_idempotency_key(env, peer, effect):
    store = env[0]
    question, op_id = question_and_reply(env, peer)
    op = store.outbox.get(op_id)
    peer.fault(effect, path=STATUSES, methods=["POST"], count=1)
    started = time.monotonic()
    result = one(run(engine_for(env, timeout=1.0)))
    assert time.monotonic() - started < 2.4  # the client gave up; it did not wait for the server
    # One slow answer costs the operation an attempt, not the pass: it waits for its retry
    # with the reason shown, and the account stays usable.
    assert result.ok and result.sent == 0, result.summary()
    after = store.outbox.get(op_id)
    assert after["state"] == "pending" and after["idempotency_key"] == op["idempotency_key"]
    assert "did not answer within 1 s" in after["last_error"] and after["attempts"] == 1

    if effect["type"] == "latency":  # let the delayed request end on the server before looking
        time.sleep(max(0.0, 2.6 - (time.monotonic() - started)))
    replies = replies_to(peer, question["id"])
    assert len(replies) <= 1
    if not replies:
        # mastodon_mock drops a POST whose client has gone; a real server may well have
        # created the status. Make it so: the retry must then find it, not post it again.
        replies = [_replay(peer, op)]

    make_due(store)
    result = one(run(engine_for(env, timeout=1.0)))
    assert result.ok and result.sent == 1, result.summary()
    reply = assert_delivered_once(env, peer, question, op_id, min_attempts=1)
    assert reply["id"] == replies[0]["id"]
    assert store.accounts.get("ada").sync_state == "idle"


def test_send_that_times_out_counts_as_an_attempt_and_does_not_block_the_queue(env, peer):
    store = env[0]
    question = peer.post("grace_token", "@ada is there a dark mode?")
    other = peer.post("alan_token", "@ada second question")
    assert one(run(engine_for(env))).ok
    op_id = queue_reply(store, item_for(store, question["id"]), "yes")
    second = queue_reply(store, item_for(store, other["id"]), "second answer")
    peer.fault({"type": "latency", "delay_ms": 1500}, path=STATUSES, methods=["POST"], count=1)
    before = iso(utcnow())
    run(engine_for(env, timeout=1.0))
    op = store.outbox.get(op_id)
    try:
        assert op["state"] == "pending"
        assert op["last_error"] and "did not answer" in op["last_error"]
        assert op["attempts"] == 1
        assert op["next_attempt_at"] > before
        assert store.outbox.get(second)["state"] == "done"
    finally:
        time.sleep(1.0)  # the delayed request ends before the next test resets the peer


# -- 2. faults on GET /api/v1/notifications (the pull) -------------------------------------
PULL_FAULTS = {
    "503": ({"type": "status", "status": 503}, "error", "503 Service temporarily unavailable"),
    "ratelimit": ({"type": "ratelimit"}, "idle", "slow down"),
    "ratelimit-iso": ({"type": "ratelimit", "headers": {"Retry-After": ""}}, "idle", None),  # reset set below
    "malformed-truncated": ({"type": "malformed", "truncate": True}, "error", "not JSON"),
    "malformed-not-json": ({"type": "malformed", "truncate": False}, "error", "not JSON"),
    "malformed-not-a-list": ({"type": "status", "status": 200, "body": {"oops": 1}}, "error", "expected list"),
    # (2 s, not 1: on a loaded machine an unfaulted page could take a second)
    "latency": ({"type": "latency", "delay_ms": 9000}, "offline", "did not answer within 6 s"),
}


def post_mentions(peer, n: int, tag: str) -> list[str]:
    ids = []
    for i in range(n):
        token = ("grace_token", "alan_token", "katherine_token")[i % 3]
        ids.append(peer.post(token, f"@ada {tag} question number {i}?")["id"])
    return ids


def stored_remote_ids(store) -> list[str]:
    return [r[0] for r in store.conn.execute("SELECT remote_id FROM inbox_items")]


def mention_notifications(peer) -> list[dict]:
    """Every mention notification ada has on the server (paged to the end), newest first."""
    found, max_id = [], None
    while True:
        page = peer.get(NOTIFICATIONS, **({"max_id": max_id} if max_id else {}), limit=40)
        found += page
        if len(page) < 40:
            return [n for n in found if n["type"] == "mention"]
        max_id = page[-1]["id"]


def assert_cursor_covers_only_stored(store, peer) -> None:
    """Every mention at or below the cursor is stored: the cursor never skips an item."""
    account = store.accounts.get("ada")
    cursor = store.accounts.cursor(account.id, "notifications")
    stored = set(stored_remote_ids(store))
    if cursor is None:
        return
    below = [n for n in mention_notifications(peer) if int(n["id"]) <= int(cursor)]
    missing = [n["status"]["id"] for n in below if n["status"]["id"] not in stored]
    assert missing == [], f"cursor {cursor} moved past unstored items {missing}"


def fault_second_request(peer, effect, path=NOTIFICATIONS):
    """Let the next request on path through untouched, then fault the one after."""
    peer.fault({"type": "latency", "delay_ms": 0}, path=path, methods=["GET"], count=1)
    peer.fault(effect, path=path, methods=["GET"], count=1)


@pytest.mark.parametrize("case", list(PULL_FAULTS))
def test_pull_fault_on_a_later_page_loses_and_duplicates_nothing(env, peer, case):
    store = env[0]
    effect, state, message = PULL_FAULTS[case]
    if case == "ratelimit-iso":  # Mastodon's own form: ISO 8601, a minute ahead
        reset = utcnow() + timedelta(seconds=60)
        effect = {**effect, "headers": {**effect["headers"], "X-RateLimit-Reset": _iso_ms(reset)}}
        message = f"until {iso(reset)}"
    # 6 s: the untouched first page must arrive in time even on a loaded machine (3 s was
    # not always enough with other test processes on both cores).
    timeout = 6.0 if effect["type"] == "latency" else 5.0
    early = post_mentions(peer, 2, "early")
    assert one(run(engine_for(env))).ok  # a cursor exists from here on
    account = store.accounts.get("ada")
    cursor_before = store.accounts.cursor(account.id, "notifications")
    assert cursor_before is not None and sorted(stored_remote_ids(store)) == sorted(early)

    later = post_mentions(peer, 45, "later")  # more than the server's 40 per page
    fault_second_request(peer, effect)
    result = one(run(engine_for(env, timeout=timeout)))
    assert not result.ok and result.state == state, result.summary()
    assert message in result.error and host_of(peer) in result.error
    account = store.accounts.get("ada")
    assert account.sync_state == state and message in account.last_error
    stored = stored_remote_ids(store)
    assert len(stored) == len(set(stored))
    # The first page (the 40 oldest above the cursor) is kept, and the cursor moved to it, no further.
    assert len(stored) == 2 + 40, len(stored)
    cursor = store.accounts.cursor(account.id, "notifications")
    assert int(cursor) > int(cursor_before)
    assert_cursor_covers_only_stored(store, peer)
    if effect["type"] == "latency":
        time.sleep(3.2)  # the delayed request ends on the server

    peer.clear_faults()
    end_pause(store)
    result = one(run(engine_for(env)))
    assert result.ok and result.new_items == 45 - 40, result.summary()
    stored = stored_remote_ids(store)
    assert sorted(stored) == sorted(early + later)  # every mention exactly once
    assert store.inbox.count(InboxFilter(states=ALL)) == 47
    assert_cursor_covers_only_stored(store, peer)
    again = one(run(engine_for(env)))
    assert again.ok and again.new_items == 0 and len(stored_remote_ids(store)) == 47
    assert store.accounts.get("ada").sync_state == "idle" and store.accounts.get("ada").last_error is None


@pytest.mark.parametrize("effect", [{"type": "status", "status": 503}, {"type": "malformed"}], ids=["503", "malformed"])
def test_interrupted_first_backfill_saves_no_cursor_and_is_redone(env, peer, effect):
    """No cursor yet: the backfill walks back from the newest; cut short, it keeps no cursor
    (a cursor at the newest would hide the older pages for good)."""
    store = env[0]
    mentions = post_mentions(peer, 45, "backlog")
    fault_second_request(peer, effect)
    result = one(run(engine_for(env)))
    assert not result.ok and result.state == "error"
    account = store.accounts.get("ada")
    assert store.accounts.cursor(account.id, "notifications") is None
    stored = stored_remote_ids(store)
    assert len(stored) == len(set(stored)) == 40  # the newest page was kept
    result = one(run(engine_for(env)))
    assert result.ok, result.summary()
    assert sorted(stored_remote_ids(store)) == sorted(mentions)
    assert store.accounts.cursor(account.id, "notifications") is not None
    assert_cursor_covers_only_stored(store, peer)


def test_pull_fault_on_the_first_page_leaves_the_cursor(env, peer):
    store = env[0]
    post_mentions(peer, 1, "first")
    assert one(run(engine_for(env))).ok
    account = store.accounts.get("ada")
    cursor = store.accounts.cursor(account.id, "notifications")
    later = post_mentions(peer, 3, "later")
    peer.fault({"type": "status", "status": 502}, path=NOTIFICATIONS, methods=["GET"], count=None)
    for _ in range(2):
        result = one(run(engine_for(env)))
        assert not result.ok and "502 Bad gateway" in result.error
        assert store.accounts.cursor(account.id, "notifications") == cursor
    assert len(stored_remote_ids(store)) == 1
    peer.clear_faults()
    assert one(run(engine_for(env))).new_items == 3
    assert set(later) <= set(stored_remote_ids(store)) and len(stored_remote_ids(store)) == 4


# -- 3. a refusal that retrying will not fix -------------------------------------------------
def test_validation_error_fails_the_operation_for_good(env, peer):
    store = env[0]
    question, op_id = question_and_reply(env, peer)
    peer.fault({"type": "status", "status": 422, "body": {"error": "Validation failed: Text is too long"}},
               path=STATUSES, methods=["POST"], count=1)
    result = one(run(engine_for(env)))
    assert result.ok and result.sent == 0  # the account is fine; the operation is not
    assert len(result.failed) == 1 and "Validation failed: Text is too long" in result.failed[0]
    op = store.outbox.get(op_id)
    assert op["state"] == "failed" and op["attempts"] == 1
    assert "422" in op["last_error"] and "Validation failed: Text is too long" in op["last_error"]
    assert replies_to(peer, question["id"]) == []
    assert store.inbox.get(item_for(store, question["id"]))["answered_at"] is None
    # No fault any more: a later pass still does not send it.
    make_due(store)
    for _ in range(2):
        result = one(run(engine_for(env)))
        assert result.ok and result.sent == 0 and result.failed == []
    assert store.outbox.get(op_id)["state"] == "failed" and store.outbox.get(op_id)["attempts"] == 1
    assert replies_to(peer, question["id"]) == []


# -- 4. a refused token ------------------------------------------------------------------------
def test_refused_token_marks_the_account_and_keeps_its_operations(env, peer):
    store = env[0]
    question, op_id = question_and_reply(env, peer)
    peer.fault({"type": "status", "status": 401, "body": {"error": "The access token was revoked"}},
               path=VERIFY, methods=["GET"], count=None)
    for _ in range(2):
        result = one(run(engine_for(env)))
        assert not result.ok and result.state == "error"
        assert "refused the token" in result.error and "The access token was revoked" in result.error
        account = store.accounts.get("ada")
        assert account.sync_state == "error" and "refused the token" in account.last_error
        op = store.outbox.get(op_id)
        assert op["state"] == "pending" and op["attempts"] == 0 and op["last_error"] is None
    peer.clear_faults()
    assert replies_to(peer, question["id"]) == []
    assert one(run(engine_for(env))).sent == 1
    assert_delivered_once(env, peer, question, op_id, min_attempts=1)
    assert store.outbox.get(op_id)["attempts"] == 1


def test_token_refused_while_sending_gives_the_attempt_back(env, peer):
    store = env[0]
    question, op_id = question_and_reply(env, peer)
    peer.fault({"type": "status", "status": 401}, path=STATUSES, methods=["POST"], count=1)
    result = one(run(engine_for(env)))
    assert not result.ok and result.state == "error" and "refused the token (401" in result.error
    op = store.outbox.get(op_id)
    assert op["state"] == "pending" and op["attempts"] == 0 and op["claimed_by"] is None
    assert one(run(engine_for(env))).sent == 1
    assert_delivered_once(env, peer, question, op_id, min_attempts=1)
    assert store.outbox.get(op_id)["attempts"] == 1


def test_a_wrong_token_does_not_stop_another_account(env, peer):
    store, _, credentials = env
    grace = peer.me("grace_token")
    store.accounts.add("grace", "mastodon", peer.base_url, handle=f"grace@{host_of(peer)}",
                       remote_account_id=grace["id"])
    credentials.set("grace", "grace_token")
    ada_question = peer.post("grace_token", "@ada is there a dark mode?")
    to_grace = peer.post("alan_token", "@grace does the export keep tags?")
    assert [r.ok for r in run(engine_for(env))] == [True, True]
    ada_op = queue_reply(store, item_for(store, ada_question["id"]), "yes: Settings → Appearance")
    grace_op = queue_reply(store, item_for(store, to_grace["id"]), "it does")
    credentials.set("ada", "not-a-valid-token")  # revoked on the server, say

    results = run(engine_for(env))
    ada, grace_result = one(results, "ada"), one(results, "grace")
    assert not ada.ok and ada.state == "error" and "refused the token (401" in ada.error
    assert grace_result.ok and grace_result.sent == 1, grace_result.summary()
    assert store.accounts.get("ada").sync_state == "error"
    assert store.accounts.get("grace").sync_state == "idle"
    assert store.outbox.get(ada_op)["state"] == "pending" and store.outbox.get(ada_op)["attempts"] == 0
    assert store.outbox.get(grace_op)["state"] == "done"
    assert len(replies_to(peer, to_grace["id"], "grace_token")) == 1
    assert replies_to(peer, ada_question["id"]) == []

    credentials.set("ada", "ada_token")
    results = run(engine_for(env))
    assert all(r.ok for r in results) and one(results, "ada").sent == 1 and one(results, "grace").sent == 0
    assert_delivered_once(env, peer, ada_question, ada_op, min_attempts=1)
    assert len(replies_to(peer, to_grace["id"], "grace_token")) == 1


# -- 5. a process killed while sending -----------------------------------------------------------
def _cli_env(tmp_path, timeout: int = 30) -> dict:
    config = tmp_path / "cli-config"
    Credentials(config).set("ada", "ada_token")
    (config / "settings.toml").write_text(f'http_timeout_seconds = {timeout}\ntimezone = "UTC"\n')
    return {**os.environ, "CMTUI_CONFIG_DIR": str(config)}


def _cli_sync(db: Path, environ: dict, **kw) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cmtui", "sync", "--once", "--db", str(db)], env=environ,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _states(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute("SELECT id, state, claimed_by FROM outbox ORDER BY id").fetchall()
    finally:
        conn.close()


def test_sigkill_while_sending_loses_nothing_and_sends_nothing_twice(env, peer, tmp_path):
    store = env[0]
    questions = [peer.post(("grace_token", "alan_token", "katherine_token")[i], f"@ada question {i}?")
                 for i in range(3)]
    assert one(run(engine_for(env))).ok
    ops = [queue_reply(store, item_for(store, q["id"]), f"answer {i}") for i, q in enumerate(questions)]
    db = store.path
    environ = _cli_env(tmp_path)

    peer.fault({"type": "latency", "delay_ms": 3000}, path=STATUSES, methods=["POST"], count=1)
    proc = _cli_sync(db, environ)
    deadline = time.monotonic() + 20
    try:
        while time.monotonic() < deadline:
            sending = [row for row in _states(db) if row[1] == "sending"]
            if sending:
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.02)
        else:
            pytest.fail("the sync process never started sending")
        killed_at = time.monotonic()
        time.sleep(0.3)  # well inside the 3 s the server holds the request
        assert proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    [(claimed, _, worker)] = sending
    assert claimed == ops[0] and worker.endswith(f":{proc.pid}")
    check = sqlite3.connect(db, timeout=10)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    check.close()
    time.sleep(max(0.0, 3.2 - (time.monotonic() - killed_at)))  # the held request ends on the server

    again = _cli_sync(db, environ)
    out, err = again.communicate(timeout=60)
    assert again.returncode == 0, err
    assert "3 sent" in out, out
    assert [row[1] for row in _states(db)] == ["done", "done", "done"]
    for question in questions:
        assert len(replies_to(peer, question["id"])) == 1
    ours = {q["id"] for q in questions}
    assert len([s for s in peer.statuses("ada_token") if s["in_reply_to_id"] in ours]) == 3
    attempts = [store.outbox.get(op)["attempts"] for op in ops]
    assert attempts == [2, 1, 1]


# -- 6. two engines on one database -------------------------------------------------------------------
def test_two_engines_at_once_send_each_reply_once(env, peer, tmp_path):
    store, settings, credentials = env
    questions = [peer.post(("grace_token", "alan_token")[i % 2], f"@ada question {i}?") for i in range(10)]
    assert one(run(engine_for(env))).ok
    ops = [queue_reply(store, item_for(store, q["id"]), f"answer {i}") for i, q in enumerate(questions)]
    more = post_mentions(peer, 5, "during")  # both engines pull these at the same time
    # Slow sends so that the two drains overlap.
    peer.fault({"type": "latency", "delay_ms": 120}, path=STATUSES, methods=["POST"], count=None)

    stores = [Store.open(store.path), Store.open(store.path)]
    results, errors = [], []
    barrier = threading.Barrier(2)

    def work(s):
        try:
            engine = SyncEngine(s, settings, credentials, timeout=5.0)
            barrier.wait()
            results.extend(asyncio.run(engine.run_once()))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for s in stores:
        s.close()
    assert errors == []
    assert len(results) == 2
    for r in results:
        assert r.ok, r.summary()
        assert "locked" not in (r.error or "")
    assert sum(r.sent for r in results) == 10
    assert all(r.sent >= 1 for r in results), [r.sent for r in results]  # both really drained
    for op in ops:
        row = store.outbox.get(op)
        assert row["state"] == "done" and row["attempts"] == 1 and row["last_error"] is None
    for question in questions:
        assert len(replies_to(peer, question["id"])) == 1
    ours = {q["id"] for q in questions}
    assert len([s for s in peer.statuses("ada_token") if s["in_reply_to_id"] in ours]) == 10
    assert set(more) <= set(stored_remote_ids(store))
    assert len(stored_remote_ids(store)) == 15


def test_cli_and_in_process_engine_at_once(env, peer, tmp_path):
    store = env[0]
    questions = [peer.post("grace_token", f"@ada question {i}?") for i in range(10)]
    assert one(run(engine_for(env))).ok
    ops = [queue_reply(store, item_for(store, q["id"]), f"answer {i}") for i, q in enumerate(questions)]
    peer.fault({"type": "latency", "delay_ms": 150}, path=STATUSES, methods=["POST"], count=None)
    proc = _cli_sync(store.path, _cli_env(tmp_path))
    deadline = time.monotonic() + 20
    while not any(row[1] != "pending" for row in _states(store.path)) and time.monotonic() < deadline:
        time.sleep(0.01)
    result = one(run(engine_for(env)))
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "locked" not in err and result.ok, result.summary()
    cli_sent = int(out.split(" sent")[0].rsplit(" ", 1)[1]) if " sent" in out else 0
    assert result.sent >= 1 and cli_sent >= 1, (result.sent, out)
    assert result.sent + cli_sent == 10
    assert [store.outbox.get(op)["state"] for op in ops] == ["done"] * 10
    for question in questions:
        assert len(replies_to(peer, question["id"])) == 1


# -- 7. the token stays out of the database --------------------------------------------------------------
def test_token_never_reaches_the_database(env, peer):
    store = env[0]
    question, op_id = question_and_reply(env, peer)
    assert one(run(engine_for(env))).sent == 1
    # Failures of every kind, each of which writes an error message somewhere.
    queue_reply(store, item_for(store, question["id"]), "another answer")
    peer.fault({"type": "status", "status": 503}, path=STATUSES, methods=["POST"], count=1)
    assert one(run(engine_for(env))).sent == 0
    peer.fault({"type": "status", "status": 401}, path=VERIFY, methods=["GET"], count=1)
    assert not one(run(engine_for(env))).ok
    peer.fault({"type": "malformed"}, path=NOTIFICATIONS, methods=["GET"], count=1)
    assert not one(run(engine_for(env))).ok
    peer.fault({"type": "status", "status": 422}, path=STATUSES, methods=["POST"], count=1)
    make_due(store)
    assert one(run(engine_for(env))).failed
    errors = [r[0] for r in store.conn.execute(
        "SELECT last_error FROM outbox UNION ALL SELECT last_error FROM accounts") if r[0]]
    assert errors  # there is something to look at
    assert not any("ada_token" in e for e in errors)
    files = [Path(f"{store.path}{suffix}") for suffix in ("", "-wal", "-shm")]
    assert files[0].exists() and files[1].exists()
    for path in files:
        if path.exists():
            assert b"ada_token" not in path.read_bytes(), path
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"ada_token" not in files[0].read_bytes()


def test_a_list_of_junk_from_the_server_fails_one_account_cleanly(env, peer):
    store, _, credentials = env
    grace = peer.me("grace_token")
    store.accounts.add("grace", "mastodon", peer.base_url, handle=f"grace@{host_of(peer)}",
                       remote_account_id=grace["id"])
    credentials.set("grace", "grace_token")
    assert [r.ok for r in run(engine_for(env))] == [True, True]  # both have a cursor now
    post_mentions(peer, 2, "after")
    peer.fault({"type": "status", "status": 200, "body": [1, 2]}, path=NOTIFICATIONS, methods=["GET"], count=1)
    try:
        results = run(engine_for(env))
    finally:
        states = [a.sync_state for a in store.accounts.list()]
        assert "syncing" not in states, states
    [bad] = [r for r in results if not r.ok]
    [good] = [r for r in results if r.ok]
    assert bad.state == "error" and "malformed" in bad.error
    assert good.name != bad.name


def test_two_sends_timing_out_in_a_row_end_the_pass_offline(env, peer):
    store = env[0]
    first = peer.post("grace_token", "@ada one?")
    second = peer.post("alan_token", "@ada two?")
    assert one(run(engine_for(env))).ok
    ops = [queue_reply(store, item_for(store, s["id"]), "answer") for s in (first, second)]
    peer.fault({"type": "latency", "delay_ms": 1500}, path=STATUSES, methods=["POST"], count=2)
    result = one(run(engine_for(env, timeout=1.0)))
    assert not result.ok and result.state == "offline" and "did not answer" in result.error
    assert store.accounts.get("ada").sync_state == "offline"
    assert [store.outbox.get(o)["attempts"] for o in ops] == [1, 1]
    assert all(store.outbox.get(o)["state"] == "pending" for o in ops)
