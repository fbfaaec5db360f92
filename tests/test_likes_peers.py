"""Likes and shares through the outbox against the other real peers: a 👍 reaction and its
redaction on Synapse, a like and a repost record and their deletion on the Bluesky network.
Each goes queue → execute → done as the engine does it (claim, outbox_ops.execute, done and
apply_result in one transaction), so the undo finds the receipt the like's result kept."""

from __future__ import annotations

import asyncio

import pytest

from cmtui.model import iso, utcnow
from cmtui.store import Store
from cmtui.sync.connectors.base import AccountContext, SignIn
from cmtui.sync.connectors.bluesky.connector import BlueskyConnector
from cmtui.sync.connectors.matrix.connector import MatrixConnector
from cmtui.sync.outbox_ops import apply_result, execute
from cmtui.triage.likes import react

LIKE_RECORD, REPOST_RECORD = "app.bsky.feed.like", "app.bsky.feed.repost"


def send_all(store: Store, connector, account_name: str) -> list[dict]:
    """Every due operation of the account, sent once; their outcomes."""
    account = store.accounts.get(account_name)
    outcomes = []

    async def drain():
        while (op := store.outbox.claim(account.id, "test:1", iso(utcnow()), iso(utcnow()))) is not None:
            outcome = await execute(connector, op, store, utcnow())
            with store.transaction():
                store.outbox.done(op["id"], outcome)
                apply_result(store, account, op, outcome, utcnow())
            outcomes.append(outcome)
        await connector.close()

    asyncio.run(drain())
    return outcomes


def item_of(store: Store, account_name: str, remote_id: str) -> int:
    account = store.accounts.get(account_name)
    return store.inbox.insert(account.id, kind="mention", remote_id=remote_id, author="someone", text="great",
                              created_at=iso(utcnow()))


# -- Matrix (Synapse) ---------------------------------------------------------------------------
@pytest.fixture
def matrix_scene(matrix_server, tmp_path):
    me, ada = matrix_server.register("me"), matrix_server.register("ada")
    room = matrix_server.create_room(ada.access_token, name="Lounge", preset="public_chat")
    matrix_server.join(me.access_token, room)
    message = matrix_server.send_message(ada.access_token, room, "we shipped it!")
    store = Store.open(tmp_path / "m.db")
    store.accounts.add("chat", "matrix", matrix_server.base_url, handle=me.user_id)
    item = item_of(store, "chat", f"{room}/{message}")
    yield store, me, room, message, item
    store.close()


def matrix_connector(server, me) -> MatrixConnector:
    return MatrixConnector(server.base_url, me.access_token, timeout=20,
                           account=AccountContext(remote_id=me.user_id, handle=me.user_id))


def reactions(server, me, room: str) -> list[dict]:
    return server.messages(me.access_token, room, event_type="m.reaction")


def test_a_like_is_one_thumbs_up_reaction_and_undo_redacts_it(matrix_server, matrix_scene):
    store, me, room, message, item = matrix_scene
    react(store, item, "like", undo=False)
    [outcome] = send_all(store, matrix_connector(matrix_server, me), "chat")
    [reaction] = reactions(matrix_server, me, room)
    assert reaction["sender"] == me.user_id
    assert reaction["content"]["m.relates_to"] == {"rel_type": "m.annotation", "event_id": message, "key": "👍"}
    assert outcome["receipt"] == f"{room}/{reaction['event_id']}"
    # The same operation sent again (a retry after a lost answer): the same event, not a second.
    [op] = store.outbox.for_item(item)
    again = asyncio.run(matrix_connector(matrix_server, me).like(f"{room}/{message}", op["idempotency_key"]))
    assert again == outcome["receipt"] and len(reactions(matrix_server, me, room)) == 1

    react(store, item, "like", undo=True)
    send_all(store, matrix_connector(matrix_server, me), "chat")
    [redacted] = reactions(matrix_server, me, room)
    assert redacted["content"] == {} and "redacted_because" in redacted["unsigned"]
    assert [(o["kind"], o["state"]) for o in store.outbox.for_item(item)] == [("like", "done"), ("unlike", "done")]


def test_matrix_has_no_shares(matrix_server, matrix_scene):
    from cmtui.errors import InputError

    store, *_, item = matrix_scene
    with pytest.raises(InputError, match="Matrix accounts cannot share from cmtui"):
        react(store, item, "share", undo=False)
    assert store.outbox.list() == []


# -- Bluesky (the AT Protocol reference network) -----------------------------------------------------
@pytest.fixture
def bluesky_scene(bluesky_server, tmp_path):
    me, bob = bluesky_server.create_account("me"), bluesky_server.create_account("bob")
    post = bluesky_server.post(bob, "we shipped it!")
    store = Store.open(tmp_path / "b.db")
    store.accounts.add("sky", "bluesky", bluesky_server.pds_url, handle=me.handle, remote_account_id=me.did)
    item = item_of(store, "sky", post.uri)
    yield store, me, post, item
    store.close()


def bluesky_connector(server, me) -> BlueskyConnector:
    connector = BlueskyConnector(server.pds_url, me.access_jwt, timeout=20,
                                 account=AccountContext(remote_id=me.did, handle=me.handle))
    connector.use_session(SignIn(me.access_jwt, refresh=me.refresh_jwt), lambda _: None)
    return connector


def test_a_like_and_a_repost_are_records_once_and_undo_deletes_them(bluesky_server, bluesky_scene):
    store, me, post, item = bluesky_scene
    react(store, item, "like", undo=False)
    react(store, item, "share", undo=False)
    liked, reposted = send_all(store, bluesky_connector(bluesky_server, me), "sky")
    [like] = bluesky_server.list_records(me, LIKE_RECORD)
    [repost] = bluesky_server.list_records(me, REPOST_RECORD)
    assert like["value"]["subject"] == post.strong and repost["value"]["subject"] == post.strong
    assert (liked["receipt"], reposted["receipt"]) == (like["uri"], repost["uri"])
    # Sent again with the same key (a retry): the record is found, not made twice.
    [op, _] = store.outbox.for_item(item)
    again = asyncio.run(bluesky_connector(bluesky_server, me).like(post.uri, op["idempotency_key"]))
    assert again == like["uri"] and len(bluesky_server.list_records(me, LIKE_RECORD)) == 1

    react(store, item, "like", undo=True)
    react(store, item, "share", undo=True)
    send_all(store, bluesky_connector(bluesky_server, me), "sky")
    assert bluesky_server.list_records(me, LIKE_RECORD) == []
    assert bluesky_server.list_records(me, REPOST_RECORD) == []
    assert [o["state"] for o in store.outbox.for_item(item)] == ["done"] * 4
