"""The store: opening, refusing bad files, migrations, repositories."""

from __future__ import annotations

import os
import sqlite3

import pytest

from cmtui.errors import InputError, StoreError
from cmtui.store import InboxFilter, Store
from cmtui.store.db import migrate
from cmtui.store.migrations import LATEST


def test_new_file_gets_latest_schema_wal_and_pragmas(tmp_path):
    store = Store.open(tmp_path / "new.db")
    conn = store.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in ("accounts", "sync_cursors", "calendar_entries", "inbox_items", "threads", "people",
                  "saved_replies", "outbox", "moderation_rules", "moderation_flags", "moderation_log",
                  "follower_snapshots", "goals", "entry_transitions", "inbox_fts"):
        assert table in tables


def test_old_version_upgrades_in_place_with_its_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 0, 1)  # a file as version 1 of cmtui wrote it (no FTS triggers yet)
    conn.execute("INSERT INTO accounts (name, platform, instance, created_at) VALUES ('a', 'mastodon', 'x', 'now')")
    conn.execute(
        "INSERT INTO inbox_items (account_id, kind, remote_id, author, text, created_at, first_seen_at)"
        " VALUES (1, 'mention', '9', 'old@fedi.example', 'kept through the upgrade', '2026-01-01T00:00:00Z', 'x')"
    )
    conn.close()
    store = Store.open(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert store.inbox.count(InboxFilter()) == 1
    # The upgrade built the full-text index from rows already there, and keeps it in step.
    assert store.inbox.count(InboxFilter(search="upgra")) == 1
    store.inbox.insert(1, kind="reply", remote_id="10", author="new@fedi.example", text="fresh words",
                       created_at="2026-01-02T00:00:00Z")
    assert store.inbox.count(InboxFilter(search="fresh")) == 1
    assert (tmp_path / "old.db.v1.bak").exists()  # the old file is kept aside


def _snapshot(path):
    return path.read_bytes(), path.stat().st_mtime_ns


def test_newer_schema_is_refused_untouched(tmp_path):
    path = tmp_path / "future.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 5}")
    conn.commit()
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = _snapshot(path)
    with pytest.raises(StoreError, match="newer cmtui"):
        Store.open(path)
    assert _snapshot(path) == before


@pytest.mark.parametrize("content", [b"hello, I am a text file\n" * 10, b"\x00" * 4096, b"SQLite"])
def test_not_sqlite_is_refused_untouched(tmp_path, content):
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    with pytest.raises(StoreError):
        Store.open(path)
    assert path.read_bytes() == content
    assert not (tmp_path / "notes.txt-wal").exists()


def test_foreign_sqlite_database_is_refused_untouched(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a cmtui"):
        Store.open(path)
    assert path.read_bytes() == before


def test_directory_and_missing_folder_are_refused(tmp_path):
    with pytest.raises(StoreError, match="directory"):
        Store.open(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        Store.open(tmp_path / "nope" / "x.db")


def test_truncated_file_is_refused_untouched(tmp_path, store):
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    path = tmp_path / "community.db"
    data = path.read_bytes()
    cut = tmp_path / "cut.db"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="damaged"):
        Store.open(cut)
    assert cut.read_bytes() == data[: len(data) // 2]


def test_read_only_file_is_refused(tmp_path, store):
    store.close()
    path = tmp_path / "community.db"
    os.chmod(path, 0o444)
    if os.access(path, os.W_OK):  # root ignores permissions
        pytest.skip("running as root: the file stays writable")
    with pytest.raises(StoreError, match="read-only"):
        Store.open(path)


def test_accounts_repository(tmp_path):
    store = Store.open(tmp_path / "a.db")
    account = store.accounts.add("main", "mastodon", "https://fedi.example", handle="me@fedi.example")
    assert store.accounts.get("main") == account
    with pytest.raises(InputError, match="already exists"):
        store.accounts.add("main", "mastodon", "https://fedi.example")
    with pytest.raises(InputError, match="unknown account 'nope'"):
        store.accounts.require("nope")
    with store.transaction():
        store.accounts.set_cursor(account.id, "notifications", "123")
    assert store.accounts.cursor(account.id, "notifications") == "123"
    store.accounts.set_sync_state(account.id, "error", "401 Unauthorized", synced=False)
    assert store.accounts.get("main").sync_state == "error"
    store.accounts.remove("main")
    assert store.accounts.list() == []


def test_inbox_filters_paging_and_search(store):
    assert store.inbox.count() == 150  # new and open by default
    assert store.inbox.count(InboxFilter(states=("done",))) == 100
    first = store.inbox.page(InboxFilter(), 0, 10)
    assert len(first) == 10
    assert [r["created_at"] for r in first] == sorted((r["created_at"] for r in first), reverse=True)
    oldest = store.inbox.page(InboxFilter(sort="oldest"), 0, 1)[0]
    newest_last = store.inbox.page(InboxFilter(), 149, 1)[0]
    assert oldest["id"] == newest_last["id"]
    assert store.inbox.count(InboxFilter(states=("new", "open", "snoozed", "done"), search="sincronizo")) == 63
    assert store.inbox.count(InboxFilter(search="sincro")) > 0  # prefix match as the user types
    assert store.inbox.count(InboxFilter(search='"; DROP TABLE x; --')) == 0  # FTS syntax is never passed on
    assert store.inbox.count(InboxFilter(states=("new", "open", "snoozed", "done"), label="sync")) == 36
    assert store.inbox.count(InboxFilter(assignee="ana")) > 0
    assert store.inbox.count(InboxFilter(language="sl", states=("new", "open", "snoozed", "done"))) == 62


def test_inbox_require_gives_clear_errors(store):
    with pytest.raises(InputError, match="not an inbox item id"):
        store.inbox.require("abc")
    with pytest.raises(InputError, match="no inbox item with id 99999"):
        store.inbox.require(99999)
    assert store.inbox.require("1")["id"] == 1


def test_outbox_enqueue_in_the_same_transaction(store):
    account = store.accounts.get("tidewater")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.inbox.set_state(1, "done")
            store.outbox.enqueue(account.id, "reply", {"text": "hi"}, item_id=1)
            raise RuntimeError("crash before commit")
    assert store.outbox.counts()["pending"] == 0
    assert store.inbox.get(1)["state"] != "done"
    with store.transaction():
        op = store.outbox.enqueue(account.id, "reply", {"text": "hi"}, item_id=1)
    row = store.outbox.list()[0]
    assert row["id"] == op and row["state"] == "pending" and len(row["idempotency_key"]) == 32


def test_calendar_between_and_transitions(store, now):
    from cmtui.model import iso
    from datetime import timedelta

    rows = store.entries.between(iso(now), iso(now + timedelta(days=10)))
    assert rows and all(iso(now) <= (r["scheduled_at"] or r["published_at"]) for r in rows)
    undated = [r for r in store.entries.between(iso(now), None, include_undated=True) if r["scheduled_at"] is None]
    assert {r["status"] for r in undated} == {"idea"}
    assert store.entries.transitions(rows[0]["id"])[0]["to_status"] == rows[0]["status"]


def test_moderation_queue_and_metrics(store, now):
    queue = store.moderation.queue()
    assert [r["rule"] for r in queue] == ["Flood", "Vulgarity", "Spam links"]  # oldest flag first
    assert queue[0]["author"] and queue[0]["text"]
    latest = store.metrics.latest_followers()
    assert sorted(latest.values()) == [1050, 4150]
    assert len(store.metrics.daily_followers(store.accounts.get("tidewater").id, "2026-11-01T00:00:00Z")) == 20


def test_state_counts_are_kept_in_step_by_triggers(store):
    assert store.inbox.state_counts() == {"new": 120, "open": 30, "snoozed": 0, "done": 100}
    store.inbox.set_state(1, "done")
    with store.transaction():
        store.conn.execute("UPDATE inbox_items SET hidden = 1 WHERE id = 2")
        store.conn.execute("DELETE FROM inbox_items WHERE id = 200")
    counts = store.inbox.state_counts()
    truth = dict(store.conn.execute("SELECT state, count(*) FROM inbox_items WHERE hidden = 0 GROUP BY state").fetchall())
    assert counts == {"new": 0, "open": 0, "snoozed": 0, "done": 0} | truth
    assert store.inbox.count() == truth.get("new", 0) + truth.get("open", 0)


def test_default_view_reads_the_partial_index(store):
    from cmtui.store.inbox import _COLUMNS, _source, _where

    where, params = _where(InboxFilter())
    plan = " ".join(r[3] for r in store.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT {_COLUMNS} FROM {_source(InboxFilter())} JOIN accounts a ON a.id = i.account_id"
        f" WHERE {where} ORDER BY i.created_at DESC, i.id DESC LIMIT 100", params))
    assert "inbox_active" in plan and "TEMP B-TREE" not in plan
    with pytest.raises(InputError, match="unknown state"):
        store.inbox.page(InboxFilter(states=("new", "sleeping")), 0, 10)


def test_one_insert_trigger_keeps_index_counts_and_day_totals_in_step(tmp_path):
    """Schema V9: the full-text, counts and day-total insert triggers are one, skipped only while
    the bulk writer's flag is set; a plain insert still updates all three."""
    store = Store.open(tmp_path / "v9.db")
    conn = store.conn
    triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'"
                                           " AND sql LIKE '%AFTER INSERT ON inbox_items%'")}
    assert triggers == {"inbox_items_insert"}
    account = store.accounts.add("a", "mastodon", "https://x.example")
    store.inbox.insert(account.id, kind="mention", remote_id="1", author="p@x.example", text="plain trigger words",
                       created_at="2026-01-02T10:00:00Z")
    store.inbox.insert(account.id, kind="reply", remote_id="2", author="q@x.example", text="hidden one",
                       created_at="2026-01-02T11:00:00Z", hidden=1)
    assert store.inbox.count(InboxFilter(search="trigger")) == 1
    truth = dict(conn.execute("SELECT state, count(*) FROM inbox_items WHERE hidden = 0 GROUP BY state").fetchall())
    assert {k: v for k, v in store.inbox.state_counts().items() if v} == truth
    assert conn.execute("SELECT day, arrived, mentions FROM metrics_daily").fetchall()[0][:] == ("2026-01-02", 2, 1)
    # While the flag is set (inside the bulk writer's transaction) nothing is added per row.
    counts = store.inbox.state_counts()
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO meta (key, value) VALUES ('bulk_insert', '1')")
    conn.execute("INSERT INTO inbox_items (account_id, kind, remote_id, author, text, created_at, first_seen_at)"
                 " VALUES (?, 'mention', '3', 'r@x.example', 'skipped words', '2026-01-03T00:00:00Z', 'x')",
                 (account.id,))
    assert conn.execute("SELECT count(*) FROM inbox_fts WHERE inbox_fts MATCH 'skipped'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM metrics_daily WHERE day = '2026-01-03'").fetchone()[0] == 0
    assert store.inbox.state_counts() == counts
    conn.execute("ROLLBACK")
    store.close()


def test_ingest_hands_the_rules_the_rows_it_wrote(tmp_path):
    """A batch of new rows goes to the rules as written (ids counted from the max before); a
    batch with an edited row among them is read back. Both give what items_after reads."""
    from cmtui.sync import ingest
    from cmtui.sync.connectors.base import Person, RemoteItem

    store = Store.open(tmp_path / "rows.db")
    account = store.accounts.add("a", "mastodon", "https://x.example")
    store.rules.save({"name": "all", "enabled": True, "match": "any",
                      "conditions": [{"type": "keywords", "words": ["zz"]}], "actions": ["flag"]})
    seen: list[tuple[list | None, list]] = []
    real = ingest.run_on_new_items

    def spy(store, after_id, state=None, rows=None):
        seen.append((rows(), store.rules.items_after(after_id)))
        return real(store, after_id, state, rows)

    def item(n, text):
        return RemoteItem(remote_id=str(n), kind=("mention", "reply")[n % 2], text=text,
                          author=Person(acct=f"u{n % 2}@x.example", display_name="U"),
                          created_at=f"2026-01-0{n}T00:00:00Z", language="en")

    pages = ingest.Ingest(store)
    ingest.run_on_new_items = spy
    try:
        assert pages.items(account.id, "mastodon", [item(1, "zz one"), item(2, "two")]) == 2
        assert pages.items(account.id, "mastodon", [item(2, "two, edited zz"), item(3, "zz three"),
                                                    item(4, "four")]) == 2
    finally:
        ingest.run_on_new_items = real
    (given, truth), (fallback, truth2) = seen
    assert given == truth and [r.id for r in truth] == [1, 2]
    assert fallback is None and [r.id for r in truth2] == [3, 4]
    flagged = sorted(r[0] for r in store.conn.execute("SELECT item_id FROM moderation_flags"))
    assert flagged == [1, 3]
    store.close()
