"""Matrix accounts synced end to end against a real Synapse on loopback, through the command
line and the SyncEngine: what reaches the inbox, one request when nothing is new, replies sent
exactly once through a time-out and a SIGKILL, edits and redactions, a 429 that pauses."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta

import httpx
import pytest

from cmtui.config import Credentials, Settings
from cmtui.model import parse_iso, utcnow
from cmtui.store import Store
from cmtui.sync.connectors.matrix.connector import MatrixConnector
from cmtui.sync.engine import SyncEngine
from killing_proxy import KillingProxy
from matrix_cli_helpers import cli  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def people(matrix_server):
    return {"ada": matrix_server.register("ada"), "bob": matrix_server.register("bob"),
            "admin": matrix_server.register("admin", admin=True)}


@pytest.fixture
def scene(matrix_server, people):
    """A new account `me` in a lounge and a support room (ada's), and in a direct room with
    ada; me said something in the lounge. (me, room ids, event ids)"""
    m, ada, bob = matrix_server, people["ada"], people["bob"]
    me = m.register("me")
    rooms = {"support": m.create_room(ada.access_token, name="Support", preset="public_chat"),
             "lounge": m.create_room(ada.access_token, name="Lounge", preset="public_chat")}
    for room in rooms.values():
        m.join(me.access_token, room)
        m.join(bob.access_token, room)
    rooms["dm"] = m.create_room(ada.access_token, invite=[me.user_id], is_direct=True, preset="trusted_private_chat")
    m.join(me.access_token, rooms["dm"])
    events = {"ours": m.send_message(me.access_token, rooms["lounge"], "Welcome to the lounge")}
    return me, rooms, events


def talk(matrix_server, people, me, rooms, events) -> None:
    """One of each thing that is an item, and some that are not."""
    m, ada, bob = matrix_server, people["ada"], people["bob"]
    events["question"] = m.send_message(ada.access_token, rooms["support"], "How do I sync?")
    events["chatter"] = m.send_message(bob.access_token, rooms["lounge"], "nice weather")
    events["mention"] = m.send_message(bob.access_token, rooms["lounge"], "have a look",
                                       **{"m.mentions": {"user_ids": [me.user_id]}})
    events["reply"] = m.send_message(bob.access_token, rooms["lounge"], "thanks!",
                                     **{"m.relates_to": {"m.in_reply_to": {"event_id": events["ours"]}}})
    events["private"] = m.send_message(ada.access_token, rooms["dm"], "a private question")
    m.send(bob.access_token, rooms["lounge"], {"m.relates_to": {
        "rel_type": "m.annotation", "event_id": events["ours"], "key": "+1"}}, event_type="m.reaction")


def engine(db, **kwargs) -> tuple[Store, SyncEngine]:
    store = Store.open(db)
    return store, SyncEngine(store, Settings(timezone="UTC"), Credentials(), timeout=20, **kwargs)


def by_text(cli) -> dict[str, dict]:
    return {i["text"]: i for i in cli.inbox()}


def sent(matrix_server, me, room: str, text: str) -> list[dict]:
    return [e for e in matrix_server.messages(me.access_token, room, event_type="m.room.message")
            if e["sender"] == me.user_id and e["content"].get("body") == text]


def test_a_sync_brings_each_kind_of_item_and_a_quiet_pass_is_one_request(cli, matrix_server, people, scene):
    me, rooms, events = scene
    talk(matrix_server, people, me, rooms, events)
    assert cli.add("team", matrix_server, me, "--support-rooms", rooms["support"])[0] == 0

    code, out, err = cli("sync", "--once")
    assert code == 0, err
    assert out.startswith("team: 4 new items")
    items = by_text(cli)
    assert {t: i["kind"] for t, i in items.items()} == {
        "How do I sync?": "comment", "have a look": "mention", "thanks!": "reply", "a private question": "direct"}
    assert items["thanks!"]["remote_id"] == f"{rooms['lounge']}/{events['reply']}"
    assert items["have a look"]["author"] == people["bob"].user_id and items["have a look"]["platform"] == "matrix"

    store, sync = engine(cli.db)
    try:
        [quiet] = asyncio.run(sync.run_once())
        assert quiet.ok and quiet.new_items == 0 and quiet.requests == 1
        ours = f"{rooms['lounge']}/{events['ours']}"
        # the reaction and the reply on our message are its counters (Matrix does not say them)
        assert store.conn.execute("SELECT likes, replies FROM post_stats WHERE remote_id = ?",
                                  (ours,)).fetchone()[:] == (1, 1)
        support = store.accounts.get("team").place(rooms["support"])
        assert support is not None and support.support and support.name == "Support"
    finally:
        store.close()


def test_a_reply_from_the_inbox_arrives_once_with_its_relation(cli, matrix_server, people, scene):
    me, rooms, events = scene
    talk(matrix_server, people, me, rooms, events)
    assert cli.add("team", matrix_server, me, "--support-rooms", rooms["support"])[0] == 0
    assert cli("sync", "--once")[0] == 0
    question = by_text(cli)["How do I sync?"]
    code, out, err = cli("inbox", "reply", str(question["id"]), "Press s in the TUI.")
    assert code == 0, err
    assert cli("sync", "--once")[0] == 0
    assert cli("sync", "--once")[0] == 0  # nothing sent again

    [reply] = sent(matrix_server, me, rooms["support"], "Press s in the TUI.")
    assert reply["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == events["question"]
    assert by_text(cli)["How do I sync?"]["answered_at"]
    [op] = cli.json("outbox", "list")
    assert (op["state"], op["result"]["remote_id"]) == ("done", f"{rooms['support']}/{reply['event_id']}")


class ForwardThenTimeOut(httpx.AsyncBaseTransport):
    """Sends the first message to the homeserver, then says the answer never came."""

    def __init__(self):
        self.inner = httpx.AsyncHTTPTransport()
        self.cut = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        if request.method == "PUT" and "/send/m.room.message/" in request.url.path and not self.cut:
            await response.aread()
            self.cut += 1
            raise httpx.ReadTimeout("no answer in time", request=request)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def test_a_reply_whose_answer_timed_out_is_one_message_after_the_retry(cli, matrix_server, people, scene):
    me, rooms, events = scene
    talk(matrix_server, people, me, rooms, events)
    assert cli.add("team", matrix_server, me)[0] == 0
    assert cli("sync", "--once")[0] == 0
    assert cli("inbox", "reply", str(by_text(cli)["have a look"]["id"]), "Looking now.")[0] == 0
    transport = ForwardThenTimeOut()

    def factory(platform, server, token, **kw):
        return MatrixConnector(server, token, transport=transport, **kw)

    store, sync = engine(cli.db, connector_factory=factory)
    try:
        asyncio.run(sync.run_once())
        assert transport.cut == 1 and len(sent(matrix_server, me, rooms["lounge"], "Looking now.")) == 1
        [op] = store.outbox.list()
        assert (op["state"], op["attempts"]) == ("pending", 1)
        later = SyncEngine(store, Settings(timezone="UTC"), Credentials(), timeout=20, connector_factory=factory,
                           clock=lambda: utcnow() + timedelta(hours=1))  # past the backoff
        [result] = asyncio.run(later.run_once())
        assert result.ok and result.sent == 1, result.error
    finally:
        store.close()
    [message] = sent(matrix_server, me, rooms["lounge"], "Looking now.")
    [op] = cli.json("outbox", "list")
    assert (op["state"], op["attempts"], op["result"]["remote_id"]) == (
        "done", 2, f"{rooms['lounge']}/{message['event_id']}")


def test_a_reply_sent_when_the_process_was_killed_is_one_message(cli, matrix_server, people, scene):
    me, rooms, events = scene
    talk(matrix_server, people, me, rooms, events)
    proxy = KillingProxy(matrix_server.base_url, lambda method, path: method == "PUT" and "/send/m.room.message/" in path)
    try:
        code, _, err = cli("account", "add", "matrix", "team", "--instance", proxy.base_url, "--user", me.user_id,
                           "--token-env", "T", env={"T": me.access_token})
        assert code == 0, err
        assert cli("sync", "--once")[0] == 0
        assert cli("inbox", "reply", str(by_text(cli)["a private question"]["id"]), "Answered in private.")[0] == 0

        proc = subprocess.Popen([sys.executable, "-m", "cmtui", "sync", "--once", "--db", str(cli.db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        proxy.victim = proc.pid
        proc.communicate(timeout=120)
        assert proxy.killed.is_set() and proc.returncode == -signal.SIGKILL
        assert len(sent(matrix_server, me, rooms["dm"], "Answered in private.")) == 1  # it did arrive
        conn = sqlite3.connect(cli.db)
        assert conn.execute("SELECT state FROM outbox").fetchone()[0] == "sending"
        conn.close()

        code, out, err = cli("sync", "--once")  # takes back what the dead process was sending
        assert code == 0, err
        assert "1 sent" in out
    finally:
        proxy.close()
    [message] = sent(matrix_server, me, rooms["dm"], "Answered in private.")
    [op] = cli.json("outbox", "list")
    assert (op["state"], op["result"]["remote_id"]) == ("done", f"{rooms['dm']}/{message['event_id']}")


def test_edits_and_redactions_on_the_server_reach_the_stored_items(cli, matrix_server, people, scene):
    me, rooms, events = scene
    talk(matrix_server, people, me, rooms, events)
    assert cli.add("team", matrix_server, me, "--support-rooms", rooms["support"])[0] == 0
    assert cli("sync", "--once")[0] == 0
    ada, bob = people["ada"], people["bob"]
    matrix_server.send(bob.access_token, rooms["lounge"], {
        "msgtype": "m.text", "body": "* have a closer look",
        "m.new_content": {"msgtype": "m.text", "body": "have a closer look"},
        "m.relates_to": {"rel_type": "m.replace", "event_id": events["mention"]}})
    matrix_server._call("PUT", f"/_matrix/client/v3/rooms/{rooms['support']}/redact/{events['question']}/r1",
                        ada.access_token, json={"reason": "asked elsewhere"})

    code, out, err = cli("sync", "--once")
    assert code == 0, err
    conn = sqlite3.connect(cli.db)
    try:
        rows = {r[0]: r[1:] for r in conn.execute("SELECT remote_id, text, edited_at, deleted_at FROM inbox_items")}
    finally:
        conn.close()
    text, edited, deleted = rows[f"{rooms['lounge']}/{events['mention']}"]
    assert (text, bool(edited), deleted) == ("have a closer look", True, None)
    assert rows[f"{rooms['support']}/{events['question']}"][2] is not None  # deleted
    assert len(rows) == 4  # the edit is no item of its own


def test_a_429_pauses_the_account_and_the_replies_go_once_later(cli, matrix_server, people, scene):
    me, rooms, events = scene
    talk(matrix_server, people, me, rooms, events)
    assert cli.add("team", matrix_server, me, "--support-rooms", rooms["support"])[0] == 0
    assert cli("sync", "--once")[0] == 0
    items = by_text(cli)
    texts = [f"answer {n}" for n in range(3)]
    for text, item in zip(texts, ("How do I sync?", "have a look", "thanks!")):
        assert cli("inbox", "reply", str(items[item]["id"]), text)[0] == 0
    matrix_server.override_ratelimit(people["admin"].access_token, me.user_id, per_second=1, burst_count=1)

    store, sync = engine(cli.db)
    try:
        [limited] = asyncio.run(sync.run_once())
        assert not limited.ok and "slow down" in limited.error
        paused = parse_iso(store.accounts.get("team").limits["paused_until"])
        assert paused is not None and paused > utcnow() - timedelta(seconds=5)
        # Until then a pass (the headless one from cron too) sends nothing, asks nothing.
        [waiting] = asyncio.run(SyncEngine(store, Settings(timezone="UTC"), Credentials(),
                                           clock=lambda: paused - timedelta(seconds=1)).run_once())
        assert not waiting.ok and waiting.error.startswith("rate limited until") and waiting.requests == 0
        for _ in range(20):  # later passes send the rest, within the server's pace
            if all(op["state"] == "done" for op in store.outbox.list()):
                break
            time.sleep(1.2)
            asyncio.run(SyncEngine(store, Settings(timezone="UTC"), Credentials(),
                                   clock=lambda: utcnow() + timedelta(hours=1)).run_once())
    finally:
        store.close()
    for text, room in zip(texts, ("support", "lounge", "lounge")):
        assert len(sent(matrix_server, me, rooms[room], text)) == 1, text
