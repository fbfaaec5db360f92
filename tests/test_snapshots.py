"""What each mode looks like, on the fixed test community (pytest-textual-snapshot).

Update after an intended change with: pytest tests/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.store import InboxFilter
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store


@pytest.fixture
def app(tmp_path):
    store = build_store(tmp_path / "snap.db")
    yield CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    store.close()


def test_inbox_mode(snap_compare, app):
    assert snap_compare(app, press=["j", "j"], terminal_size=(120, 36))


def test_calendar_mode(snap_compare, app):
    assert snap_compare(app, press=["1"], terminal_size=(120, 36))


def test_moderation_mode(snap_compare, app):
    assert snap_compare(app, press=["3"], terminal_size=(120, 36))


def test_metrics_mode(snap_compare, app):
    async def drawn(pilot):  # the figures come from worker threads: wait for them
        await pilot.press("4")
        for _ in range(100):
            await pilot.pause(0.05)
            if not pilot.app.screen.counting:
                break
        await pilot.pause()

    assert snap_compare(app, run_before=drawn, terminal_size=(120, 36))


def test_help(snap_compare, app):
    assert snap_compare(app, press=["question_mark"], terminal_size=(120, 36))


def test_snooze_dialog(snap_compare, app):
    assert snap_compare(app, press=["s"], terminal_size=(120, 36))


def test_reply_composer(snap_compare, app):
    assert snap_compare(app, press=["r", *"thanks, fixed in 4.2"], terminal_size=(120, 36))


def store_with_thread(path):
    """The test community with the third item in a conversation of three posts."""
    store = build_store(path)
    item = store.inbox.page(InboxFilter(), 2, 1)[0]
    with store.transaction():
        thread_id = store.conn.execute("INSERT INTO threads (account_id, root_remote_id) VALUES (?, 'root')"
                                       " RETURNING id", (item["account_id"],)).fetchone()[0]
        store.conn.executemany(
            "INSERT INTO thread_posts (thread_id, remote_id, in_reply_to_remote_id, author, author_name, text,"
            " created_at, ours) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(thread_id, "root", None, "tidewater@social.tidewater.example", "Tidewater Notes",
              "Version 4.2 is out: Markdown export, faster sync, and a [bold]new[/bold] theme.",
              "2026-11-20T08:00:00Z", 1),
             (thread_id, item["remote_id"], "root", item["author"], item["author_name"], item["text"],
              item["created_at"], 0),
             (thread_id, "later", item["remote_id"], "user7@fedi.example", "User 7", "Same question here!",
              "2026-11-20T11:58:00Z", 0)])
        store.conn.execute("UPDATE inbox_items SET thread_id = ? WHERE id = ?", (thread_id, item["id"]))
    return store


def test_thread_pane(snap_compare, tmp_path):
    store = store_with_thread(tmp_path / "thread.db")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["j", "j", "enter"], terminal_size=(120, 36))
    store.close()


def test_search_as_you_type(snap_compare, app):
    assert snap_compare(app, press=["slash", *"export lang:en"], terminal_size=(120, 36))


def test_filter_dialog(snap_compare, app):
    async def counted(pilot):
        await pilot.press("F")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(app, run_before=counted, terminal_size=(120, 50))


def test_calendar_week(snap_compare, app):
    assert snap_compare(app, press=["1", "v"], terminal_size=(120, 36))


def test_calendar_agenda(snap_compare, app):
    assert snap_compare(app, press=["1", "v", "v"], terminal_size=(120, 36))


def test_calendar_composer(snap_compare, app):
    assert snap_compare(app, press=["1", "l", "c", *"Weekend tips: export to Markdown"], terminal_size=(120, 44))


def test_first_run_welcome_at_80x24(snap_compare, tmp_path, monkeypatch):
    from cmtui.store import Store

    monkeypatch.chdir(tmp_path)  # the dialog names the file: a relative path keeps it stable
    store = Store.open("first.db")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, terminal_size=(80, 24))
    store.close()


def test_inbox_at_80x24(snap_compare, app):
    """The list keeps at least 10 rows above a shorter preview."""
    assert snap_compare(app, press=["j", "j"], terminal_size=(80, 24))


def test_reply_composer_at_80x24(snap_compare, tmp_path):
    """The text answered stays in sight above a compact composer."""
    store = store_with_thread(tmp_path / "thread.db")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["j", "j", "r", *"thanks, fixed in 4.2"], terminal_size=(80, 24))
    store.close()
