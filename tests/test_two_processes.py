"""The TUI and `cmtui sync` on one database file at once, against mastodon_mock.

The TUI (a Pilot app with its own store and its own engine, woken by ctrl+r now and then)
triages while a `cmtui sync` subprocess passes every second. Neither may report "database
is locked", nothing may be sent twice, and each sees the other's writes within a few
seconds. CMTUI_SOAK_SECONDS runs it longer (the default keeps the suite fast).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

from cmtui.config import Credentials, Settings
from cmtui.store import Store
from cmtui.sync.engine import SyncEngine
from cmtui.tui.dialogs.snooze import SnoozeDialog
from cmtui.tui.widgets.composer_pane import ComposerPane
from cmtui.tui.widgets.inbox_list import InboxList
from tui_helpers import RecordingApp, wait_for

SECONDS = float(os.environ.get("CMTUI_SOAK_SECONDS") or 10)
USERS = ("grace_token", "alan_token", "katherine_token")


class PassCountingApp(RecordingApp):
    """Counts its own engine's passes: a change seen between two of them came from the
    other process."""

    passes = 0

    def _after_pass(self, results) -> None:
        self.passes += 1
        super()._after_pass(results)


def stored(db, remote_id: str) -> bool:
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute("SELECT 1 FROM inbox_items WHERE remote_id = ?", (remote_id,)).fetchone() is not None
    finally:
        conn.close()


async def test_tui_and_cli_sync_share_one_database(tmp_path, peer):
    value = int(os.environ.get("CMTUI_SOAK_SEED") or random.randrange(1 << 30))
    print(f"two-process seed: {value}")
    rng = random.Random(value)
    db = tmp_path / "shared.db"
    config = tmp_path / "config"
    credentials = Credentials(config)
    credentials.set("ada", "ada_token")
    (config / "settings.toml").write_text('sync_interval_seconds = 1\nhttp_timeout_seconds = 10\ntimezone = "UTC"\n')
    store = Store.open(db)
    store.accounts.add("ada", "mastodon", peer.base_url, handle=f"ada@{peer.base_url.split('//')[1]}",
                       remote_account_id=peer.me("ada_token")["id"])
    mentions = [peer.post(USERS[i % 3], f"@ada before we start {i}")["id"] for i in range(6)]

    errlog = open(tmp_path / "sync.err", "w+")  # a file, not a pipe: a long run would fill a pipe
    proc = subprocess.Popen([sys.executable, "-m", "cmtui", "sync", "--db", str(db)],
                            env={**os.environ, "CMTUI_CONFIG_DIR": str(config)},
                            stdout=subprocess.DEVNULL, stderr=errlog, text=True)
    settings = Settings(timezone="UTC", sync_interval_seconds=3600)  # the TUI's engine: only on ctrl+r
    engine = SyncEngine(store, settings, credentials, timeout=10)
    app = PassCountingApp(store, settings, engine=engine)
    replies: list[str] = []
    decisions = {"done": 0, "snooze": 0}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            inbox = app.screen.query_one(InboxList)
            assert await wait_for(pilot, lambda: inbox.total == 6 and app.passes == 1, tries=200)

            # The subprocess ingests a new item: the TUI shows it within seconds, unprompted.
            late = peer.post("grace_token", "@ada did the other process see me?")["id"]
            mentions.append(late)
            assert await wait_for(pilot, lambda: stored(db, late), tries=200)
            seen_at = time.monotonic()
            assert await wait_for(pilot, lambda: inbox.total == 7, tries=60)
            assert time.monotonic() - seen_at < 3.0 and app.passes == 1

            # A reply queued in the TUI is sent by the subprocess (the TUI's engine sleeps).
            await pilot.press("r")
            assert await wait_for(pilot, lambda: bool(app.screen.query(ComposerPane)))
            replies.append("first answer from the TUI.")
            await pilot.press(*replies[-1], "ctrl+s")
            assert await wait_for(pilot, lambda: not app.screen.query(ComposerPane))
            assert await wait_for(pilot, lambda: {r["state"] for r in store.outbox.list()} == {"done"}, tries=120)
            assert app.passes == 1

            deadline = time.monotonic() + SECONDS
            last_wake = time.monotonic()
            n = 0
            acted = lambda: decisions["done"] + decisions["snooze"] + len(replies)  # noqa: E731
            # The time, or (on a loaded machine) until a few actions were taken, within a cap.
            while time.monotonic() < deadline or (acted() <= 5 and time.monotonic() < deadline + 2 * SECONDS):
                n += 1
                mentions.append(peer.post(rng.choice(USERS), f"@ada while triaging {n}")["id"])
                if time.monotonic() - last_wake > 4:  # both engines at once now and then
                    await pilot.press("ctrl+r")
                    last_wake = time.monotonic()
                await pilot.pause(0.1)
                if app.screen.inbox.current_row is None:
                    continue
                action = rng.choice(("done", "snooze", "reply"))
                if action == "done":
                    await pilot.press("e")
                    decisions["done"] += 1
                elif action == "snooze":
                    await pilot.press("s")
                    assert await wait_for(pilot, lambda: isinstance(app.screen, SnoozeDialog))
                    await pilot.press("enter")
                    assert await wait_for(pilot, lambda: not isinstance(app.screen, SnoozeDialog))
                    decisions["snooze"] += 1
                else:
                    await pilot.press("r")
                    assert await wait_for(pilot, lambda: bool(app.screen.query(ComposerPane)))
                    replies.append(f"answer {n} from the TUI.")
                    await pilot.press(*replies[-1], "ctrl+s")
                    assert await wait_for(pilot, lambda: not app.screen.query(ComposerPane))
                    await pilot.press("escape")  # back from the thread to the list
            notes = [n["message"] for n in app.notes]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    errlog.seek(0)
    err = errlog.read()
    errlog.close()
    assert proc.returncode == 0, err
    assert "locked" not in err and "Traceback" not in err, err
    assert not [n for n in notes if "locked" in n], notes

    await engine.run_once()  # what was queued at the very end
    try:
        assert acted() > 5
        for action, count in decisions.items():  # every decision the user took is stored
            assert store.conn.execute("SELECT count(*) FROM triage_log WHERE action = ?",
                                      (action,)).fetchone()[0] == count, action
        ops = store.outbox.list()
        assert [r["state"] for r in ops] == ["done"] * len(replies)
        texts = [json.loads(r["payload"])["text"] for r in ops]
        sent = [s["content"] for s in peer.statuses("ada_token")]
        for reply in replies:  # each exactly once on the server
            assert sum(reply in t for t in texts) == 1
            assert sum(reply in s for s in sent) == 1, reply
        remote = [r[0] for r in store.conn.execute("SELECT remote_id FROM inbox_items")]
        assert len(remote) == len(set(remote)) and set(mentions) <= set(remote)
    finally:
        store.close()
