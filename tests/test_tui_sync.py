"""The TUI runs the sync engine as a worker: ctrl+r syncs now, the screens follow."""

from __future__ import annotations

import sqlite3

import pytest

from cmtui.config import Credentials, Settings
from cmtui.compose import queue_reply
from cmtui.store import InboxFilter, Store
from cmtui.sync.engine import SyncEngine
from tui_helpers import RecordingApp, wait_for
from cmtui.tui.widgets.inbox_list import InboxList
from cmtui.tui.widgets.status_line import StatusLine


@pytest.fixture
def app_env(tmp_path, peer):
    store = Store.open(tmp_path / "tui.db")
    credentials = Credentials(tmp_path / "config")
    credentials.set("ada", "ada_token")
    store.accounts.add("ada", "mastodon", peer.base_url)
    settings = Settings(timezone="UTC", sync_interval_seconds=3600)
    engine = SyncEngine(store, settings, credentials, timeout=5.0)
    yield store, settings, engine
    store.close()


async def test_ctrl_r_syncs_and_the_inbox_and_status_line_follow(app_env, peer):
    store, settings, engine = app_env
    app = RecordingApp(store, settings, engine=engine)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert await wait_for(pilot, lambda: store.accounts.get("ada").last_sync_at is not None)
        assert inbox.total == 0
        peer.post("grace_token", "@ada [b]not markup[/b] is the export broken?")
        await pilot.press("ctrl+r")
        assert await wait_for(pilot, lambda: inbox.total == 1)
        assert "[b]not markup[/b]" in str(app.screen.query_one("#inbox-preview").render())
        status = str(app.screen.query_one(StatusLine).render())
        # idle between passes, its new items pushed as they happen: said as "live"
        assert "● ada live" in status and "never" not in status


async def test_a_refused_operation_raises_a_notification(app_env, peer):
    store, settings, engine = app_env
    peer.post("grace_token", "@ada hello")
    await engine.run_once()
    item = store.inbox.page(InboxFilter(), 0, 1)[0]
    queue_reply(store, item["id"], "thanks!")
    peer.fault({"type": "status", "status": 422, "body": {"error": "Validation failed: Text [red]is[/] odd"}},
               path="/api/v1/statuses", methods=["POST"], count=1)
    app = RecordingApp(store, settings, engine=engine)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_for(pilot, lambda: any(n.get("severity") == "error" for n in app.notes))
        note = next(n for n in app.notes if n.get("severity") == "error")
        assert "Text [red]is[/] odd" in note["message"] and note["markup"] is False
    assert store.outbox.list()[0]["state"] == "failed"


async def test_ctrl_r_without_accounts_says_why(tmp_path):
    store = Store.open(tmp_path / "none.db")
    app = RecordingApp(store, Settings(timezone="UTC"))
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("escape")  # the first run's welcome
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert any("no account has a token" in n["message"] for n in app.notes)
    store.close()


async def test_enter_fetches_the_thread_from_the_platform(app_env, peer):
    store, settings, engine = app_env
    root = peer.post("ada_token", "Release notes for 4.2 are out")
    peer.post("grace_token", "@ada does 4.2 fix the sync bug?", in_reply_to_id=root["id"])
    await engine.run_once()
    app = RecordingApp(store, settings, engine=engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: app.screen.thread_pane is not None
                              and len(app.screen.thread_pane.posts) == 2)
        posts = app.screen.thread_pane.posts
        assert "Release notes" in posts[0]["text"] and posts[0]["ours"]
        assert "▶ " in str(app.screen.query_one("#thread-text").render())


async def test_a_store_failure_during_sync_is_said_once_and_the_app_stays(store):
    """A full disk while the sync loop writes: a notification naming the database, no
    traceback, the screen usable; the loop tries again later."""
    class FullDisk:
        passes = 0

        async def run_forever(self, stop, wake, on_pass=None):
            self.passes += 1
            error = sqlite3.OperationalError("database or disk is full")
            error.sqlite_errorcode = sqlite3.SQLITE_FULL
            raise error

    engine = FullDisk()
    app = RecordingApp(store, Settings(timezone="UTC"), engine=engine)
    async with app.run_test(size=(120, 40)) as pilot:
        assert await wait_for(pilot, lambda: app.notes)
        [note] = [n for n in app.notes if n.get("title") == "Sync stopped"]
        assert "the disk is full" in note["message"] and str(store.path) in note["message"]
        assert engine.passes == 1  # waiting before the next try, not spinning
        await pilot.press("j")
        assert app.is_running


async def test_a_full_disk_while_triaging_says_so_and_keeps_the_app(tmp_path):
    """SQLite's max_page_count caps the file (as ENOSPC would): `e` then fails with one
    notification, the decision is not half-written, and the app keeps running."""
    from factory import NOW, build_store

    store = build_store(tmp_path / "full.db")
    store.conn.execute("VACUUM")
    store.conn.execute(f"PRAGMA max_page_count = {store.conn.execute('PRAGMA page_count').fetchone()[0]}")
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(60):
            await pilot.press("e")
            if any(n.get("title") == "Not saved" for n in app.notes):
                break
        [note] = [n for n in app.notes if n.get("title") == "Not saved"]
        assert "the disk is full" in note["message"] and str(store.path) in note["message"]
        await pilot.press("j")
        assert app.is_running
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    store.close()
