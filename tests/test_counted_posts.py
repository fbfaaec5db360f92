"""Platforms that do not say their posts' counters (PlatformProfile.counts_from_events) have
them counted from what the store keeps; moderation in places (remove, kick, ban, unban) goes
out through the outbox with the payload the moderation screen queues."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from cmtui.config import Credentials, Settings
from cmtui.model import iso
from cmtui.store import Store
from cmtui.sync import connectors
from cmtui.sync.connectors.base import (
    AccountInfo, AccountRef, Connector, Limits, OwnPost, Person, PermanentError, PlatformProfile, Posted, PullPage,
    RemoteEvent, RemoteItem,
)
from cmtui.sync.engine import SyncEngine
from cmtui.sync.outbox_ops import execute

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
AT = iso(NOW - timedelta(hours=1))


class Countnet(Connector):
    """Says nothing of its counters: each pass brings what `pages` holds and our posts seen."""

    platform = "countnet"
    profile = PlatformProfile(label="Countnet", counts_from_events=True)
    pages: list = []
    seen: list = []
    calls: list = []

    def __init__(self, *args, **kwargs):
        self.requests = 0

    async def verify(self):
        return AccountInfo(remote_id="me", acct="me", display_name="Me", followers=1, following=0, posts=1)

    async def limits(self):
        return Limits()

    async def pull(self, cursor, since):
        yield Countnet.pages.pop(0)

    async def thread(self, remote_id):
        return []

    async def publish(self, post):
        return Posted(remote_id="p9")

    async def own_posts(self, account_remote_id, since):
        return list(Countnet.seen)

    async def lookup(self, handle):
        Countnet.calls.append(("lookup", handle))
        return AccountRef("id-of-" + handle, handle)

    async def remove(self, remote_id, reason=""):
        Countnet.calls.append(("remove", remote_id, reason))

    async def kick(self, account_remote_id, place, reason=""):
        Countnet.calls.append(("kick", account_remote_id, place, reason))

    async def ban(self, account_remote_id, place, reason=""):
        Countnet.calls.append(("ban", account_remote_id, place, reason))

    async def unban(self, account_remote_id, place):
        Countnet.calls.append(("unban", account_remote_id, place))


def reply(n: int, to: str) -> RemoteItem:
    return RemoteItem(f"r{n}", "reply", Person("ana"), f"answer {n}", AT, in_reply_to_remote_id=to)


@pytest.fixture
def countnet(tmp_path, monkeypatch):
    monkeypatch.setitem(connectors.REGISTRY, "countnet", Countnet)
    monkeypatch.setattr(Countnet, "calls", [])
    store = Store.open(tmp_path / "count.db")
    store.accounts.add("c", "countnet", "https://count.example")
    credentials = Credentials(tmp_path / "config")
    credentials.set("c", "token")
    yield store, SyncEngine(store, Settings(timezone="UTC"), credentials, connector_factory=Countnet,
                            clock=lambda: NOW)
    store.close()


def counters(store) -> dict:
    return {r[0]: (r[1], r[2], r[3]) for r in store.conn.execute(
        "SELECT remote_id, likes, shares, replies FROM post_stats ORDER BY remote_id")}


def test_likes_and_replies_are_counted_from_stored_events_and_items(countnet, monkeypatch):
    store, engine = countnet
    post = OwnPost("p1", AT, likes=0, shares=0, replies=0, text="our news")
    monkeypatch.setattr(Countnet, "seen", [post, replace(post, remote_id="p2")])
    monkeypatch.setattr(Countnet, "pages", [
        PullPage(items=[reply(1, "p1"), reply(2, "p1"), reply(3, "elsewhere")],
                 events=[RemoteEvent("like", "l1", "ana", AT, "p1"), RemoteEvent("like", "l2", "bo", AT, "p1"),
                         RemoteEvent("follow", "f1", "cy", AT)], cursor="1", final=True),
        PullPage(events=[RemoteEvent("like", "l3", "cy", AT, "p1"), RemoteEvent("like", "l4", "cy", AT, "p2")],
                 deleted=["r2", "l1"], cursor="2", final=True),
    ])
    [result] = asyncio.run(engine.run_once())
    assert result.ok, result.error
    assert counters(store) == {"p1": (2, 0, 2), "p2": (0, 0, 0)}
    # The next pass does not see the posts again (nothing new of ours): their counters still move.
    monkeypatch.setattr(Countnet, "seen", [])
    asyncio.run(engine.run_once())
    # A removed reply and a like taken back (a removed reaction) no longer count.
    assert counters(store) == {"p1": (2, 0, 1), "p2": (1, 0, 0)}


def test_a_platform_that_says_its_counters_keeps_them(countnet, monkeypatch):
    store, engine = countnet
    monkeypatch.setattr(Countnet, "profile", PlatformProfile(label="Countnet"))
    monkeypatch.setattr(Countnet, "seen", [OwnPost("p1", AT, likes=7, shares=1, replies=4)])
    monkeypatch.setattr(Countnet, "pages", [PullPage(items=[reply(1, "p1")],
                                                     events=[RemoteEvent("like", "l1", "ana", AT, "p1")])])
    asyncio.run(engine.run_once())
    assert counters(store) == {"p1": (7, 1, 4)}


@pytest.mark.parametrize("kind, payload, call, result", [
    ("remove", {"remote_id": "!r/$e", "reason": "spam"}, ("remove", "!r/$e", "spam"), {}),
    ("kick", {"account_remote_id": "@x:s", "place": "!r", "reason": "rude"}, ("kick", "@x:s", "!r", "rude"),
     {"account_remote_id": "@x:s"}),
    ("ban", {"acct": "@x:s", "place": "!r", "reason": "abuse"}, ("ban", "id-of-@x:s", "!r", "abuse"),
     {"account_remote_id": "id-of-@x:s"}),
    ("unban", {"account_remote_id": "@x:s", "place": "!r", "reason": ""}, ("unban", "@x:s", "!r"),
     {"account_remote_id": "@x:s"}),
])
def test_moderation_in_places_goes_through_the_connector(countnet, kind, payload, call, result):
    store, _ = countnet
    account = store.accounts.get("c")
    with store.transaction():
        op_id = store.outbox.enqueue(account.id, kind, payload)
    assert asyncio.run(execute(Countnet(), store.outbox.get(op_id), store, NOW)) == result
    assert Countnet.calls[-1] == call


def test_an_operation_without_its_place_fails_for_good(countnet):
    store, _ = countnet
    account = store.accounts.get("c")
    with store.transaction():
        op_id = store.outbox.enqueue(account.id, "kick", {"account_remote_id": "@x:s"})
    with pytest.raises(PermanentError, match=r"\(kick\) lacks 'place'"):
        asyncio.run(execute(Countnet(), store.outbox.get(op_id), store, NOW))
    assert Countnet.calls == []
