"""The Matrix test harness itself: Synapse answers, and its helpers do what they say."""

from __future__ import annotations

import sys

import pytest


def test_a_registered_user_is_who_the_server_says(matrix_server):
    user = matrix_server.register("ada")

    assert user.user_id == f"@{user.localpart}:{matrix_server.server_name}"
    assert matrix_server.whoami(user.access_token)["user_id"] == user.user_id
    login = matrix_server.login(user.localpart)
    assert login["user_id"] == user.user_id and login["access_token"] != user.access_token


def test_a_message_sent_in_a_new_room_is_read_back(matrix_server):
    ada, grace = matrix_server.register("ada"), matrix_server.register("grace")
    room = matrix_server.create_room(ada.access_token, name="support", invite=[grace.user_id])
    assert matrix_server.join(grace.access_token, room) == room

    event_id = matrix_server.send_message(grace.access_token, room, "How do I <b>sync</b>?")

    [message] = matrix_server.messages(ada.access_token, room, event_type="m.room.message")
    assert message["event_id"] == event_id
    assert message["sender"] == grace.user_id
    assert message["content"]["body"] == "How do I <b>sync</b>?"


def test_the_same_transaction_id_sends_one_message(matrix_server):
    """What the connector's idempotent replies will rest on: Synapse deduplicates a txnId per device."""
    ada = matrix_server.register("ada")
    room = matrix_server.create_room(ada.access_token)

    first = matrix_server.send_message(ada.access_token, room, "once", txn_id="op-1")
    again = matrix_server.send(ada.access_token, room, {"msgtype": "m.text", "body": "once"}, txn_id="op-1")

    assert first == again
    assert len(matrix_server.messages(ada.access_token, room, event_type="m.room.message")) == 1


def test_test_users_are_not_throttled_but_a_lowered_user_is(matrix_server):
    """Synapse's default allows a burst of 10 messages: the harness raises it for every test
    user, and override_ratelimit brings one user's limit back down (for the rate-limit test)."""
    admin = matrix_server.register("admin", admin=True)
    ada, alan = matrix_server.register("ada"), matrix_server.register("alan")
    room = matrix_server.create_room(ada.access_token, preset="public_chat")
    matrix_server.join(alan.access_token, room)
    for n in range(25):
        matrix_server.send_message(ada.access_token, room, f"burst {n}")

    matrix_server.override_ratelimit(admin.access_token, alan.user_id, per_second=1, burst_count=1)
    with pytest.raises(AssertionError, match="M_LIMIT_EXCEEDED"):
        for n in range(5):
            matrix_server.send_message(alan.access_token, room, f"throttled {n}")


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG and /proc are Linux's")
def test_a_killed_test_process_leaves_no_server_behind(tmp_path):
    """The homeserver is started with _die_with_parent: here a `sleep` stands in for Synapse, its
    parent is SIGKILLed (as a CI time-out would), and the kernel ends the child too."""
    import os
    import signal
    import subprocess
    import time

    parent = subprocess.Popen([sys.executable, "-c", (
        "import subprocess, sys, time; from matrix_peer import _die_with_parent\n"
        "child = subprocess.Popen(['sleep', '60'], preexec_fn=_die_with_parent)\n"
        "print(child.pid, flush=True); time.sleep(60)")],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": os.path.dirname(__file__)})
    child = int(parent.stdout.readline())
    parent.send_signal(signal.SIGKILL)
    parent.wait()

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    """Running, and not a zombie waiting for init to reap it."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
