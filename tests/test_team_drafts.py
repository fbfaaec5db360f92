"""Drafts are each person's own on a shared file: two people writing a reply to one item (or a
new post) at once neither see nor overwrite each other's words, and a draft written before
drafts had a person is kept and taken over by whoever opens it next."""

from __future__ import annotations

import sqlite3

from cmtui.store import Store
from cmtui.store.db import migrate
from cmtui.store.migrations import LATEST


def test_two_peoples_drafts_for_one_item_stay_apart(store):
    store.drafts.save("reply:7", "Ana's words", "ana")
    store.drafts.save("reply:7", "Luka's words", "luka")
    assert store.drafts.get("reply:7", "ana") == "Ana's words"
    assert store.drafts.get("reply:7", "luka") == "Luka's words"
    assert store.drafts.get("reply:7", "mia") is None
    store.drafts.delete("reply:7", "ana")  # Ana sent hers: Luka's stays
    assert store.drafts.get("reply:7", "ana") is None
    assert store.drafts.get("reply:7", "luka") == "Luka's words"
    store.drafts.save("reply:7", "   ", "luka")  # emptied: gone
    assert store.drafts.get("reply:7", "luka") is None


def test_forms_are_each_persons_own_too(store):
    store.drafts.save_form("entry:new", {"text": "launch"}, "ana")
    assert store.drafts.get_form("entry:new", "ana") == {"text": "launch"}
    assert store.drafts.get_form("entry:new", "luka") is None


def test_a_draft_from_before_v16_is_kept_and_taken_over(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, 0, LATEST - 1)
    conn.execute("INSERT INTO drafts (context, text, updated_at) VALUES ('reply:3', 'typed last week', '2026-11-01')")
    conn.close()
    store = Store.open(path)  # brought up to date
    try:
        assert store.drafts.get("reply:3", "ana") == "typed last week"  # whoever opens it sees it
        store.drafts.save("reply:3", "typed last week, finished", "ana")  # and it becomes theirs
        assert store.drafts.get("reply:3", "luka") is None
        assert store.drafts.get("reply:3", "ana") == "typed last week, finished"
    finally:
        store.close()
