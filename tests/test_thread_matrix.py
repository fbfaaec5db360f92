"""A thread posted to a Matrix room against a real Synapse on loopback: each part a message
replying to the one before (the reply relation), each once, the second sync sending nothing."""

from __future__ import annotations

import pytest

from matrix_cli_helpers import cli  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def ada(matrix_server):
    return matrix_server.register("ada")


def test_a_thread_in_a_room_is_a_chain_of_replies(cli, matrix_server, ada):
    m = matrix_server
    me = m.register("me")
    lounge = m.create_room(ada.access_token, name="Lounge", preset="public_chat")
    m.join(me.access_token, lounge)
    assert cli.add("team", m, me)[0] == 0
    assert cli("sync", "--once")[0] == 0  # the account's rooms are known from here on
    code, out, err = cli("post", "add", "Part one\n---\nPart two\n---\nPart three", "--account", "team",
                         "--place", "Lounge", "--thread")
    assert code == 0, err
    assert cli("sync", "--once")[0] == 0
    assert cli("sync", "--once")[0] == 0  # nothing sent again
    mine = {e["content"]["body"]: e for e in m.messages(me.access_token, lounge, event_type="m.room.message")
            if e["sender"] == me.user_id}
    assert sorted(mine) == ["Part one", "Part three", "Part two"]
    assert "m.relates_to" not in mine["Part one"]["content"]
    assert mine["Part two"]["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == mine["Part one"]["event_id"]
    assert mine["Part three"]["content"]["m.relates_to"]["m.in_reply_to"]["event_id"] == mine["Part two"]["event_id"]
    [entry] = [e for e in cli.json("calendar", "list") if e["thread"]]
    assert entry["status"] == "published" and entry["remote_id"].endswith(mine["Part one"]["event_id"])
