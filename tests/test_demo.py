"""The demo community built from data/: what it holds, and that it always looks current."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from cmtui.config import Settings
from cmtui.demo import build_demo, is_demo
from cmtui.model import iso, parse_iso
from cmtui.store import InboxFilter, Store
from cmtui.tui.app import CmtuiApp
from factory import NOW

ALL = ("new", "open", "snoozed", "done")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path, ZoneInfo("UTC"), now=NOW)
    store = Store.open(path)
    yield store
    store.close()


def test_demo_holds_a_believable_community(demo):
    assert len(demo.accounts.list()) == 2
    assert demo.inbox.count(InboxFilter(states=ALL)) >= 300
    langs = {r[0] for r in demo.conn.execute("SELECT DISTINCT language FROM inbox_items")}
    assert {"en", "es", "fr", "sl"} <= langs
    kinds = {r[0] for r in demo.conn.execute("SELECT DISTINCT kind FROM inbox_items")}
    assert {"mention", "reply", "direct"} <= kinds
    assert all(demo.inbox.state_counts()[s] > 0 for s in ALL)
    assert demo.moderation.open_count() >= 15  # spam and vulgarity for moderation to catch
    threads = demo.conn.execute("SELECT count(*) FROM threads t WHERE (SELECT count(*) FROM thread_posts p"
                                " WHERE p.thread_id = t.id) >= 3").fetchone()[0]
    assert threads >= 5
    statuses = demo.calendar.status_counts()
    assert sum(statuses.values()) >= 40
    assert set(statuses) == {"idea", "draft", "needs_approval", "approved", "scheduled", "published", "failed",
                             "cancelled"}
    for account in demo.accounts.list():
        days = demo.metrics.daily_followers(account.id, iso(NOW - timedelta(days=91)))
        assert len(days) >= 90
    assert len(demo.metrics.goals()) == 3
    assert {r["language"] for r in demo.replies.list()} == {"en", "es", "fr", "sl"}
    assert demo.conn.execute("SELECT count(*) FROM post_stats").fetchone()[0] >= 20


def test_demo_dates_are_shifted_to_now(demo):
    newest = demo.inbox.page(InboxFilter(states=ALL), 0, 1)[0]
    oldest = demo.inbox.page(InboxFilter(states=ALL, sort="oldest"), 0, 1)[0]
    assert NOW - timedelta(days=1) < parse_iso(newest["created_at"]) <= NOW
    assert NOW - timedelta(days=31) < parse_iso(oldest["created_at"])
    snoozed = demo.inbox.page(InboxFilter(states=("snoozed",)), 0, 100)
    assert snoozed and all(parse_iso(r["snooze_until"]) > NOW for r in snoozed)
    scheduled = demo.calendar.between(iso(NOW), None)
    assert any(r["status"] == "scheduled" for r in scheduled)
    answered = demo.conn.execute("SELECT count(*) FROM inbox_items WHERE answered_at > ?", (iso(NOW),)).fetchone()[0]
    assert answered == 0


def test_demo_is_marked_as_such(demo):
    assert is_demo(demo.path)


def test_demo_inbox(snap_compare, tmp_path):
    """The README's screenshot."""
    path = tmp_path / "demo.db"
    build_demo(path, ZoneInfo("UTC"), now=NOW)
    store = Store.open(path)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["j", "j", "j"], terminal_size=(120, 34))
    store.close()
