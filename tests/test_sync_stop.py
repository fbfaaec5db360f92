"""`cmtui sync` stopped by SIGTERM (systemd's `systemctl stop`, a restart, a shutdown): it
exits 0 within a few seconds whatever it is doing, a pass cut short leaves nothing half-done
that the next start cannot finish, and an operation in flight is sent exactly once in the end.
Against mastodon_mock on loopback (conftest.peer), the command as a real subprocess."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from cmtui.commands.sync import STOP_GRACE_SECONDS
from cmtui.compose import queue_reply
from cmtui.config import Credentials
from cmtui.store import Store
from sync_process import start_sync, stop, wait_until

STATUSES = "/api/v1/statuses"
NOTIFICATIONS = "/api/v1/notifications"


def set_up(tmp_path, peer, *, timeout: int = 60):
    """A database with ada's account (her token in a config folder of its own) and a settings
    file that lets a request hang far longer than a stop may take."""
    db = tmp_path / "community.db"
    config = tmp_path / "service-config"
    Credentials(config).set("ada", "ada_token")
    (config / "settings.toml").write_text(
        f'timezone = "UTC"\nsync_interval_seconds = 60\nhttp_timeout_seconds = {timeout}\n')
    store = Store.open(db)
    store.accounts.add("ada", "mastodon", peer.base_url, handle=f"ada@{peer.base_url.split('//')[1]}",
                       remote_account_id=peer.me("ada_token")["id"])
    return db, config, store


def sync_state(store) -> str:
    return store.conn.execute("SELECT sync_state FROM accounts WHERE name = 'ada'").fetchone()[0]


def test_sigterm_between_passes_exits_at_once(tmp_path, peer):
    db, config, store = set_up(tmp_path, peer)
    try:
        proc, err = start_sync(db, config, tmp_path)
        assert wait_until(lambda: store.conn.execute(
            "SELECT last_sync_at FROM accounts WHERE name = 'ada'").fetchone()[0] is not None)
        time.sleep(0.3)  # in the minute's wait now
        code, took, text = stop(proc, err)
        assert code == 0, text
        assert took < 2.0, took
        assert "Traceback" not in text, text
        assert sync_state(store) == "idle"
    finally:
        store.close()


def test_sigterm_while_a_request_hangs_exits_within_seconds_and_leaves_the_account_idle(tmp_path, peer):
    db, config, store = set_up(tmp_path, peer)
    peer.fault({"type": "latency", "delay_ms": 20000}, path=NOTIFICATIONS, methods=["GET"], count=1)
    try:
        proc, err = start_sync(db, config, tmp_path)
        assert wait_until(lambda: sync_state(store) == "syncing")
        time.sleep(0.5)  # the notifications request is hanging (20 s; the time-out is 60)
        code, took, text = stop(proc, err)
        assert code == 0, text
        assert took < 8.0, took  # the grace for a pass to end by itself, then cut short
        assert "Traceback" not in text, text
        # The TUIs on the file do not show the account syncing while the service is stopped.
        assert sync_state(store) == "idle"
    finally:
        peer.clear_faults()
        store.close()


def test_a_reply_in_flight_at_sigterm_is_sent_exactly_once_by_the_next_start(tmp_path, peer):
    db, config, store = set_up(tmp_path, peer)
    question = peer.post("grace_token", "@ada is the service still running?")
    once = subprocess.run([sys.executable, "-m", "cmtui", "sync", "--once", "--db", str(db)],
                          env={**os.environ, "CMTUI_CONFIG_DIR": str(config)}, capture_output=True, text=True,
                          timeout=60)
    assert once.returncode == 0, once.stderr
    [item_id] = [r[0] for r in store.conn.execute("SELECT id FROM inbox_items WHERE remote_id = ?", (question["id"],))]
    op_id = queue_reply(store, item_id, "it is, and it stops cleanly.")
    peer.fault({"type": "latency", "delay_ms": 20000}, path=STATUSES, methods=["POST"], count=1)
    try:
        proc, err = start_sync(db, config, tmp_path)
        assert wait_until(lambda: store.outbox.get(op_id)["state"] == "sending")
        time.sleep(0.5)
        code, took, text = stop(proc, err)
        assert code == 0 and took < 8.0, (code, took, text)
        # Not done, not failed: back in the queue at once, for whoever syncs next (a TUI may).
        op = store.outbox.get(op_id)
        assert op["state"] == "pending" and op["claimed_by"] is None, dict(op)
        assert "1 operation(s) back in the queue" in text, text
    finally:
        peer.clear_faults()
    # The next start (systemd's restart) takes it back and sends it with the same key: once.
    again = subprocess.run([sys.executable, "-m", "cmtui", "sync", "--once", "--db", str(db)],
                           env={**os.environ, "CMTUI_CONFIG_DIR": str(config)}, capture_output=True, text=True,
                           timeout=60)
    try:
        assert again.returncode == 0, again.stderr
        op = store.outbox.get(op_id)
        assert op["state"] == "done", dict(op)
        replies = [s for s in peer.statuses("ada_token") if s["in_reply_to_id"] == question["id"]]
        assert len(replies) == 1 and "stops cleanly" in replies[0]["content"]
    finally:
        store.close()


def test_a_second_signal_cuts_the_pass_at_once(tmp_path, peer):
    db, config, store = set_up(tmp_path, peer)
    peer.fault({"type": "latency", "delay_ms": 20000}, path=NOTIFICATIONS, methods=["GET"], count=1)
    try:
        proc, err = start_sync(db, config, tmp_path)
        assert wait_until(lambda: sync_state(store) == "syncing")
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)  # ctrl+c in a terminal, then again: no five seconds' wait
        time.sleep(0.2)
        code, took, text = stop(proc, err)
        assert code == 0 and took < STOP_GRACE_SECONDS - 1, (code, took, text)
        assert sync_state(store) == "idle"
    finally:
        peer.clear_faults()
        store.close()
