"""Moderated items (spam and abuse hidden or flagged) leave the response figures: overdue
counts, response rate and times (schema V11), on a current file and on a migrated one."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta, timezone

from cmtui.config import Settings
from cmtui.metrics.response import response
from cmtui.metrics.window import Window
from cmtui.model import iso
from cmtui.moderation.actions import act
from cmtui.store import Store
from cmtui.store.db import migrate
from cmtui.store.migrations import LATEST, METRICS_FILL_SQL
from cli_helpers import run

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
CUTOFF = iso(NOW - timedelta(hours=2))
SETTINGS = Settings(timezone="UTC")


def _items(store, account_id):
    """Four old unanswered items (ids 1-4), two answered in an hour (5, 6)."""
    for n in range(6):
        created = NOW - timedelta(hours=10 + n)
        store.inbox.insert(account_id, kind="mention", remote_id=f"r{n}", author=f"u{n}@x.example", text="hi",
                           created_at=iso(created), answered_at=iso(created + timedelta(hours=1)) if n >= 4 else None)


def _figures(store):
    r = response(store, Window(7, NOW), target_minutes=120)
    return store.inbox.overdue_count(CUTOFF), store.metrics.overdue(CUTOFF), r["overdue"], r["arrived"], r["rate"]


def _consistent(store):
    """The kept day totals and histogram equal a rebuild from the items."""
    read = lambda: (sorted(tuple(r) for r in store.conn.execute(  # noqa: E731
        "SELECT day, account_id, arrived, answered, moderated FROM metrics_daily WHERE arrived OR answered")),
        sorted(tuple(r) for r in store.conn.execute("SELECT * FROM response_hist WHERE n != 0")))
    before = read()
    with store.transaction():
        for statement in filter(str.strip, METRICS_FILL_SQL.split(";")):
            store.conn.execute(statement)
    return before == read()


def test_flagged_and_hidden_spam_leave_overdue_and_the_response_rate(tmp_path):
    store = Store.open(tmp_path / "m.db")
    try:
        account = store.accounts.add("main", "mastodon", "https://a.example")
        _items(store, account.id)
        assert _figures(store) == (4, 4, 4, 6, round(2 / 6, 3))
        flag = store.moderation.add_flag(1, "link farm", "Spam links")  # flagged: out at once
        act(store, SETTINGS, [2], "hide", who="ana")  # hidden by hand
        store.moderation.add_flag(5, "insult", "Vulgarity")  # answered, then flagged: out of the times too
        assert _figures(store) == (2, 2, 2, 3, round(1 / 3, 3))
        assert _consistent(store)
        act(store, SETTINGS, [1], "approve", who="ana")  # a false positive counts again
        store.conn.execute("DELETE FROM moderation_flags WHERE item_id = 5")
        assert [r[0] for r in store.conn.execute("SELECT moderated FROM inbox_items WHERE id IN (1, 5)")] == [0, 0]
        assert _figures(store) == (3, 3, 3, 5, round(2 / 5, 3)) and flag
        assert _consistent(store)
    finally:
        store.close()


def test_a_v10_file_is_migrated_with_its_spam_left_out(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 0, 10)
    conn.execute("INSERT INTO accounts (id, name, platform, instance, created_at) VALUES (1, 'main', 'mastodon',"
                 " 'https://a.example', 'x')")
    for n in range(6):
        created = NOW - timedelta(hours=10 + n)
        conn.execute("INSERT INTO inbox_items (account_id, kind, remote_id, author, text, created_at, first_seen_at,"
                     " answered_at, hidden) VALUES (1, 'mention', ?, 'u', 't', ?, 'x', ?, ?)",
                     (f"r{n}", iso(created), iso(created + timedelta(hours=1)) if n >= 4 else None, int(n == 1)))
    conn.execute("INSERT INTO moderation_flags (item_id, rule, reason, state, created_at)"
                 " VALUES (1, 'Spam links', 'spam', 'open', 'x'), (5, 'Vulgarity', 'insult', 'hidden', 'x'),"
                 " (3, 'Flood', 'flood', 'approved', 'x')")
    conn.close()
    store = Store.open(path)
    try:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        assert [r[0] for r in store.conn.execute("SELECT id FROM inbox_items WHERE moderated ORDER BY id")] == [1, 2, 5]
        # Overdue: items 3 and 4 (1 flagged, 2 hidden); rate: item 6 of the 3 not moderated.
        assert _figures(store) == (2, 2, 2, 3, round(1 / 3, 3))
        assert _consistent(store)
    finally:
        store.close()


def test_metrics_cli_leaves_the_flagged_items_out(capsys, db):
    code, out, _ = run(capsys, "metrics", "--json", "--days", "30", "--db", db)
    before = json.loads(out)["response"]
    store = Store.open(db)
    try:
        for item_id in (3, 8, 15):  # the factory's flagged items, approved: they count again
            store.conn.execute("UPDATE moderation_flags SET state = 'approved' WHERE item_id = ?", (item_id,))
    finally:
        store.close()
    code, out, _ = run(capsys, "metrics", "--json", "--days", "30", "--db", db)
    after = json.loads(out)["response"]
    assert code == 0 and after["arrived"] == before["arrived"] + 3
