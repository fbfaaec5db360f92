"""Inbox sorts, conversation grouping, overdue counting and filter-bar facets in the store."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmtui.errors import InputError
from cmtui.model import iso
from cmtui.store import InboxFilter
from factory import NOW

EVERY = ("new", "open", "snoozed", "done")


def ids(rows):
    return [r["id"] for r in rows]


def test_overdue_sort_lists_the_unanswered_oldest_first(store):
    store.conn.execute("UPDATE inbox_items SET answered_at = created_at WHERE id IN (1, 2, 148)")
    f = InboxFilter(sort="overdue")
    rows = store.inbox.page(f, 0, 500)
    assert len(rows) == 147 and not {1, 2, 148} & set(ids(rows))  # answered: not waiting any more
    assert [r["created_at"] for r in rows] == sorted(r["created_at"] for r in rows)
    assert store.inbox.count(f) == 147  # from the kept counts
    # Read backwards (the list pages a deep list from its far end) it is the exact reverse.
    back = store.inbox.page(InboxFilter(sort="overdue", backwards=True), 0, 500)
    assert ids(back) == ids(rows)[::-1]
    assert store.inbox.count(f.with_(language="en")) == sum(1 for r in rows if r["language"] == "en")


def test_oldest_and_newest_are_reverses(store):
    newest = ids(store.inbox.page(InboxFilter(), 0, 500))
    assert ids(store.inbox.page(InboxFilter(sort="oldest"), 0, 500)) == newest[::-1]
    assert len(newest) == store.inbox.count(InboxFilter(sort="oldest")) == 150


def test_unknown_sort_is_refused():
    with pytest.raises(InputError, match="unknown sort"):
        InboxFilter(sort="loudest")


def test_overdue_count_follows_the_target_and_answers(store):
    def overdue(hours):
        return store.inbox.overdue_count(iso(NOW - timedelta(hours=hours)))

    # Active items were created 5 + 37n minutes before NOW (n < 150): all unanswered.
    scan = lambda hours: store.conn.execute(  # noqa: E731 - the slow truth to compare with
        "SELECT count(*) FROM inbox_items WHERE state IN ('new','open') AND hidden = 0 AND moderated = 0"
        " AND answered_at IS NULL AND created_at < ?", (iso(NOW - timedelta(hours=hours)),)).fetchone()[0]
    # ids 1-4 are younger than two hours; 8 and 15 are flagged (moderated: not waiting for an answer)
    assert overdue(2) == scan(2) == 150 - 4 - 2
    assert overdue(24) == scan(24)
    store.conn.execute("UPDATE inbox_items SET answered_at = ? WHERE id IN (100, 101)", (iso(NOW),))
    assert overdue(2) == scan(2) == 142
    store.triage.done([120], "ana")
    assert overdue(2) == scan(2) == 141
    store.conn.execute("UPDATE inbox_items SET hidden = 1 WHERE id = 130")
    assert overdue(2) == scan(2) == 140
    store.conn.execute("UPDATE moderation_flags SET state = 'approved' WHERE item_id = 8")  # a false positive
    assert overdue(2) == scan(2) == 141


def _thread(store, account_id, root, item_ids):
    thread_id = store.conn.execute("INSERT INTO threads (account_id, root_remote_id) VALUES (?, ?)",
                                   (account_id, root)).lastrowid
    store.conn.execute(f"UPDATE inbox_items SET thread_id = ? WHERE id IN ({','.join(map(str, item_ids))})",
                       (thread_id,))


def test_grouping_shows_a_conversation_once_by_its_latest_item(store):
    account = store.inbox.get(2)["account_id"]
    _thread(store, account, "r1", [2, 5, 8])
    flat = ids(store.inbox.page(InboxFilter(), 0, 500))
    grouped = store.inbox.page(InboxFilter(grouped=True), 0, 500)
    assert ids(grouped) == [i for i in flat if i not in (5, 8)]
    assert {r["id"]: r["group_size"] for r in grouped}[2] == 3
    assert store.inbox.count(InboxFilter(grouped=True)) == 148
    assert store.inbox.group_members(2, InboxFilter(grouped=True)) == [2, 5, 8]
    # Done items leave the group: the next latest one stands for it.
    store.triage.done([2], "ana")
    grouped = store.inbox.page(InboxFilter(grouped=True), 0, 500)
    assert 5 in ids(grouped) and 8 not in ids(grouped)
    # A filter applies to the stand-in and to the rest of the group alike.
    es = store.inbox.page(InboxFilter(grouped=True, language=store.inbox.get(8)["language"]), 0, 500)
    assert 8 in ids(es) or store.inbox.get(5)["language"] == store.inbox.get(8)["language"]


def test_author_filter_goes_through_the_full_text_index(store):
    f = InboxFilter(states=EVERY, author="user12")
    rows = store.inbox.page(f, 0, 500)
    assert rows and {r["author"] for r in rows} == {"user12@fedi.example"}
    assert store.inbox.count(f) == len(rows) == sum(1 for n in range(250) if n % 40 == 12)
    plan = " ".join(r[3] for r in store.conn.execute("EXPLAIN QUERY PLAN SELECT 1 FROM inbox_fts JOIN inbox_items i"
                                                     " ON i.id = inbox_fts.rowid WHERE inbox_fts MATCH 'x'"))
    assert "VIRTUAL TABLE" in plan


def test_facet_counts_leave_their_own_facet_open(store):
    f = InboxFilter(language="es")
    by_language = store.inbox.facet_counts(f, "language")
    assert sum(by_language.values()) == 150 and set(by_language) == {"en", "es", "fr", "sl"}
    by_kind = store.inbox.facet_counts(f, "kind")
    assert sum(by_kind.values()) == store.inbox.count(f)
    labels = store.inbox.facet_counts(InboxFilter(), "label")
    assert labels == {"sync": sum(1 for n in range(150) if n % 7 == 0)}
    assert store.inbox.facet_counts(InboxFilter(), "state") == store.inbox.state_counts()
    narrowed = store.inbox.facet_counts(InboxFilter(kind="direct"), "state")
    assert sum(narrowed.values()) == sum(1 for n in range(250) if n % 3 == 2)
    assert store.inbox.facet_counts(InboxFilter(), "assignee")["ana"] == sum(1 for n in range(150) if n % 11 == 0)


def test_a_reader_counts_from_another_thread(store):
    import threading

    reader = store.reader()
    result = []
    thread = threading.Thread(target=lambda: result.append(reader.inbox.count(InboxFilter(language="fr"))))
    thread.start()
    thread.join()
    assert result == [store.inbox.count(InboxFilter(language="fr"))]
    with pytest.raises(Exception):  # read-only: a worker can never write by mistake
        reader.conn.execute("DELETE FROM inbox_items")
    reader.close()


def test_a_grouped_row_stands_for_the_conversation_items_the_filter_lists(store):
    account = store.inbox.get(2)["account_id"]
    _thread(store, account, "r2", [2, 5, 8])  # languages: 2 fr, 5 es, 8 en (n % 4)
    langs = {i: store.inbox.get(i)["language"] for i in (2, 5, 8)}
    f = InboxFilter(grouped=True, language=langs[5])
    rows = {r["id"]: r for r in store.inbox.page(f, 0, 500)}
    assert 5 in rows and rows[5]["group_size"] == 1  # the only item of the thread in that language
    assert store.inbox.group_members(5, f) == [5]  # so e on the row decides only that one
    assert store.inbox.group_members(2, InboxFilter(grouped=True)) == [2, 5, 8]
    # A search finds the conversation by an older item when the newest does not match.
    words = store.inbox.get(8)["text"].split()[0]
    found = ids(store.inbox.page(InboxFilter(grouped=True, search=words), 0, 500))
    flat = ids(store.inbox.page(InboxFilter(search=words), 0, 500))
    assert set(found) <= set(flat) and (8 in found) == (8 in flat)
