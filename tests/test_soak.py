"""Soak: accelerated sync passes against mastodon_mock under random faults of every kind,
while remote items keep arriving and replies keep being queued. At the end, faults off and
passes until idle: every reply delivered exactly once, every remote item stored once,
nothing left 'sending'.

Faults: 5xx, 429 (the server's default five minutes, and a short reset), malformed bodies
(truncated JSON, not JSON), time-outs (the peer holds the request; on sends, an answer that
comes after the client gave up, so the server did act), and dropped connections (before
the request left, and after the server answered: the one fault the peer cannot make, so a
transport wrapper makes it). The engine's clock moves 20 minutes per pass, past every
backoff and pause, so no pass waits. Seeded: CMTUI_SOAK_SEED reproduces a run;
CMTUI_SOAK_SECONDS makes it longer.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sqlite3
import time
from datetime import timedelta

import httpx

from cmtui.compose import queue_reply
from cmtui.model import iso, utcnow
from cmtui.sync.connectors.mastodon import MastodonConnector
from cmtui.sync.engine import SyncEngine

SECONDS = float(os.environ.get("CMTUI_SOAK_SECONDS") or 15)
USERS = ("grace_token", "alan_token", "katherine_token")
SEND_PATHS = [("POST", "/api/v1/statuses")]
READ_PATHS = [("GET", "/api/v1/notifications"), ("GET", "/api/v1/accounts/verify_credentials"),
              ("GET", "/api/v1/accounts/*/statuses"), ("GET", "/api/v1/admin/reports"), ("GET", "/api/v2/instance")]
CLIENT_TIMEOUT = 1.0


class DroppingTransport(httpx.AsyncBaseTransport):
    """Drops the connection at random: before the request leaves (nothing reached the
    server) or after the answer came (the server acted; the client never hears of it)."""

    def __init__(self, rng: random.Random, switch: dict):
        self.inner = httpx.AsyncHTTPTransport()
        self.rng = rng
        self.switch = switch

    async def handle_async_request(self, request):
        if self.switch["on"] and self.rng.random() < 0.02:
            self.switch["dropped_before"] += 1
            raise httpx.ConnectError("connection dropped (test)", request=request)
        response = await self.inner.handle_async_request(request)
        if self.switch["on"] and self.rng.random() < (0.1 if request.method == "POST" else 0.02):
            await response.aread()
            await response.aclose()
            self.switch["dropped_after"] += 1
            raise httpx.RemoteProtocolError("connection dropped before the answer (test)", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def random_fault(rng: random.Random) -> tuple[dict, str, str]:
    """(effect, method, path) of one fault, any type on any path, fired once."""
    kind = rng.choices(("5xx", "429", "429-short", "malformed", "timeout"), weights=(3, 1, 2, 3, 2))[0]
    # Sends are where a double can happen: they get as many faults as every read together.
    method, path = rng.choice(SEND_PATHS) if rng.random() < 0.5 else rng.choice(READ_PATHS)
    if kind == "5xx":
        effect = {"type": "status", "status": rng.choice((500, 502, 503))}
    elif kind == "429":
        effect = {"type": "ratelimit"}  # the server's defaults: Retry-After 300 and a reset
    elif kind == "429-short":
        reset = utcnow() + timedelta(seconds=2)
        effect = {"type": "ratelimit", "headers": {"Retry-After": "2", "X-RateLimit-Reset": iso(reset)}}
    elif kind == "malformed":
        effect = {"type": "malformed", "truncate": rng.random() < 0.5}
    elif method == "GET":
        effect = {"type": "timeout"}  # held 30 s: the client gives up (a GET acted on late is harmless)
    else:
        # A send that the server carries out after the client gave up (held for 30 s it would
        # reach the next test's server after its reset).
        effect = {"type": "latency", "delay_ms": int(CLIENT_TIMEOUT * 1000) + 400}
    return effect, method, path


def post_mention(peer, token: str, text: str) -> str:
    """grace & co. write to ada (between passes, with no fault rules left)."""
    for _ in range(20):
        response = peer.http.post("/api/v1/statuses", headers={"Authorization": f"Bearer {token}"},
                                  json={"status": text})
        try:
            body = response.json()
        except ValueError:
            continue
        if response.status_code == 200 and isinstance(body, dict) and "id" in body:
            return body["id"]
    raise AssertionError("the peer refused 20 posts in a row")


def test_soak_under_random_faults_delivers_everything_once(sync_env, peer):
    value = int(os.environ.get("CMTUI_SOAK_SEED") or random.randrange(1 << 30))
    print(f"soak seed: {value} (CMTUI_SOAK_SEED={value} reproduces the fault sequence)")
    rng = random.Random(value)
    store, settings, credentials = sync_env
    switch = {"on": True, "dropped_before": 0, "dropped_after": 0}
    drop_rng = random.Random(value + 1)
    clock = {"now": utcnow()}

    def connector(platform, instance, token, *, timeout, account=None):
        return MastodonConnector(instance, token, timeout=timeout, account=account,
                                 transport=DroppingTransport(drop_rng, switch))

    engine = SyncEngine(store, settings, credentials, connector_factory=connector, clock=lambda: clock["now"],
                        timeout=CLIENT_TIMEOUT)

    def sync_pass():
        clock["now"] = max(clock["now"] + timedelta(minutes=20), utcnow())
        [result] = asyncio.run(engine.run_once())
        return result

    mentions: list[str] = []
    replies: dict[int, str] = {}
    faults: dict[str, int] = {}
    passes, failed_passes = 0, 0
    deadline = time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        for _ in range(rng.randrange(3)):
            mentions.append(post_mention(peer, rng.choice(USERS), f"@ada soak question {len(mentions)}"))
        items = [r[0] for r in store.conn.execute("SELECT id FROM inbox_items")]
        for _ in range(rng.randrange(3) if items else 0):
            text = f"soak answer {len(replies)}."
            replies[queue_reply(store, rng.choice(items), text)] = text
        for _ in range(rng.choice((0, 1, 1, 2))):  # some passes get through: replies reach the peer
            effect, method, path = random_fault(rng)
            key = effect["type"] + ("-send" if method == "POST" else "")
            faults[key] = faults.get(key, 0) + 1
            peer.fault(effect, path=path, methods=[method], count=1)
        result = sync_pass()
        peer.clear_faults()  # unfired rules would only hit grace & co.'s posts
        passes += 1
        failed_passes += not result.ok
        assert not result.failed, result.failed  # no fault here is a refusal: nothing fails for good
        error = result.error or ""
        assert "locked" not in error and not error.startswith("unexpected error"), error  # a bug, not a fault

    # Faults off; sends the peer still holds land first, then passes until nothing moves.
    peer.clear_faults()
    switch["on"] = False
    time.sleep(CLIENT_TIMEOUT + 0.6)
    for _ in range(30):
        result = sync_pass()
        assert result.ok, result.summary()
        waiting = store.conn.execute("SELECT count(*) FROM outbox WHERE state != 'done'").fetchone()[0]
        if waiting == 0 and result.new_items == 0 and result.sent == 0:
            break
    else:
        raise AssertionError("the outbox never drained")
    print(f"{passes} passes ({failed_passes} cut short), {len(mentions)} items, {len(replies)} replies, "
          f"faults {faults}, dropped {switch['dropped_before']} before / {switch['dropped_after']} after")
    assert passes >= 10 and failed_passes >= 1 and len(replies) >= 5  # the run did exercise something

    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ops = {r["id"]: r for r in store.outbox.list()}
    assert set(ops) == set(replies)
    assert {r["state"] for r in ops.values()} == {"done"}  # none failed, none stuck in 'sending'
    sent = [s for s in peer.statuses("ada_token") if "soak answer" in s["content"]]
    for op_id, text in replies.items():
        matching = [s for s in sent if f"{text}<" in s["content"] or s["content"].endswith(text)]
        assert len(matching) == 1, (text, len(matching))  # delivered exactly once
        assert json.loads(ops[op_id]["result"])["remote_id"] == matching[0]["id"]
    assert len(sent) == len(replies)
    conn = sqlite3.connect(store.path)
    try:
        doubles = conn.execute("SELECT remote_id, count(*) FROM inbox_items GROUP BY account_id, remote_id"
                               " HAVING count(*) > 1").fetchall()
        stored = {r[0] for r in conn.execute("SELECT remote_id FROM inbox_items")}
    finally:
        conn.close()
    assert doubles == []
    assert set(mentions) <= stored, f"{len(set(mentions) - stored)} remote items never stored"
