"""A team answering one inbox, the core: presence on an item (fresh and stale), the collision
check (who is replying, who answered and when), outbox.who, the warning's words, and undo of
one's own decisions only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cmtui.compose import queue_reply
from cmtui.config import Settings
from cmtui.model import iso
from cmtui.store import Store
from cmtui.store.presence import PRESENCE_FRESH
from cmtui.triage.collisions import Answer, Collision, Replying, collision, message, refusal, sentences
from cmtui.triage.likes import react, undo_last
from cmtui.triage.search import narrow, parse_query
from cmtui.store import InboxFilter
from factory import NOW

ITEM = 5  # a new item of the factory's inbox, not answered


def count_presence(store) -> int:
    return store.conn.execute("SELECT count(*) FROM presence").fetchone()[0]


# -- presence ---------------------------------------------------------------------------------------
def test_presence_begin_touch_end_and_others(store):
    store.presence.begin(ITEM, "ana", now=NOW)
    store.presence.begin(ITEM, "luka", now=NOW + timedelta(seconds=5))
    assert store.presence.others(ITEM, "luka", NOW + timedelta(seconds=10)) == [("ana", iso(NOW))]
    assert store.presence.others(ITEM, "LUKA", NOW + timedelta(seconds=10)) == [("ana", iso(NOW))]  # case
    assert [who for who, _ in store.presence.others(ITEM, "marie", NOW)] == ["ana", "luka"]
    assert store.presence.others(ITEM + 1, "marie", NOW) == []
    store.presence.end(ITEM, "ana")
    assert store.presence.others(ITEM, "luka", NOW) == []


def test_a_stale_presence_is_ignored_touch_keeps_it_and_begin_sweeps(store):
    store.presence.begin(ITEM, "ana", now=NOW)
    later = NOW + PRESENCE_FRESH + timedelta(seconds=1)
    assert store.presence.others(ITEM, "luka", later) == []  # ana's TUI died: not replying any more
    store.presence.touch(ITEM, "ana", now=NOW + timedelta(seconds=60))
    assert store.presence.others(ITEM, "luka", later) == [("ana", iso(NOW))]  # touched: still fresh, same start
    store.presence.begin(ITEM + 1, "marie", now=NOW + timedelta(minutes=10))  # sweeps ana's stale row
    assert count_presence(store) == 1
    store.presence.begin(ITEM, "ana", now=NOW + timedelta(minutes=11))
    assert store.presence.others(ITEM, "luka", NOW + timedelta(minutes=11)) == [
        ("ana", iso(NOW + timedelta(minutes=11)))]  # begun again: a new start


def test_presence_among_a_window_is_one_query(store):
    store.presence.begin(3, "ana", now=NOW)
    store.presence.begin(4, "luka", now=NOW)
    store.presence.begin(4, "marie", now=NOW)
    assert store.presence.among([3, 4, 5], "marie", NOW) == {3: ["ana"], 4: ["luka"]}
    assert store.presence.among([], "marie", NOW) == {}
    assert [row["who"] for row in store.presence.active(NOW)] == ["ana", "luka", "marie"]


def test_presence_goes_with_its_item(store):
    store.presence.begin(ITEM, "ana", now=NOW)
    store.conn.execute("PRAGMA foreign_keys = ON")
    with store.transaction():
        store.conn.execute("DELETE FROM outbox WHERE item_id = ?", (ITEM,))
        store.conn.execute("DELETE FROM moderation_flags WHERE item_id = ?", (ITEM,))
        store.conn.execute("DELETE FROM inbox_items WHERE id = ?", (ITEM,))
    assert count_presence(store) == 0


# -- outbox.who -------------------------------------------------------------------------------------
def test_queue_reply_keeps_who_and_a_retry_takes_the_new_person(store):
    op = queue_reply(store, ITEM, "thanks!", who="luka")
    assert store.outbox.row(op)["who"] == "luka"
    unnamed = queue_reply(store, ITEM + 1, "thanks!")
    assert store.outbox.row(unnamed)["who"] is None  # the keyword stays optional
    store.outbox.fail(op, "refused")
    assert queue_reply(store, ITEM, "thanks again", retry_op=op, who="ana") == op
    assert store.outbox.row(op)["who"] == "ana"
    store.outbox.fail(unnamed, "refused")
    queue_reply(store, ITEM + 1, "thanks again", retry_op=unnamed)
    assert store.outbox.row(unnamed)["who"] is None


def test_a_moderation_warning_is_queued_with_its_moderator(store):
    from cmtui.moderation.actions import act

    store.members.add_guideline("Be kind", "No insults or personal attacks.")
    [outcome] = act(store, Settings(timezone="UTC"), [8], "warn", who="marie", guideline=1)
    assert store.outbox.row(outcome.outbox_id)["who"] == "marie"


# -- the collision --------------------------------------------------------------------------------
def test_nobody_else_no_collision(store):
    assert collision(store, ITEM, "luka", NOW) is None
    store.presence.begin(ITEM, "luka", now=NOW)  # oneself replying
    queue_reply(store, ITEM, "my own answer", who="luka")  # one's own answer
    queue_reply(store, ITEM, "an answer from before V16")  # nobody named
    assert collision(store, ITEM, "luka", NOW) is None
    assert collision(store, ITEM, "Luka", NOW) is None


def test_a_teammate_replying_now(store):
    store.presence.begin(ITEM, "Ana", now=NOW - timedelta(seconds=20))
    found = collision(store, ITEM, "luka", NOW)
    assert found == Collision(ITEM, (Replying("Ana", NOW - timedelta(seconds=20)),), (), NOW)
    assert message(found) == "Ana is replying"
    assert found.names == ["Ana"]
    assert collision(store, ITEM, "luka", NOW + PRESENCE_FRESH + timedelta(seconds=30)) is None  # stale


def test_a_teammate_answered_with_its_age(store):
    op = queue_reply(store, ITEM, "done it", who="Luka")
    queued = store.outbox.row(op)["created_at"]
    from cmtui.model import parse_iso

    at = parse_iso(queued)
    found = collision(store, ITEM, "ana", at + timedelta(minutes=2))
    assert found is not None and found.answers == (Answer("Luka", at, "pending"),)
    assert message(found) == "answered by Luka 2 min ago"
    for state in ("sending", "done"):
        store.conn.execute("UPDATE outbox SET state = ? WHERE id = ?", (state, op))
        assert collision(store, ITEM, "ana", at + timedelta(minutes=2)).answers[0].state == state
    store.conn.execute("UPDATE outbox SET state = 'failed' WHERE id = ?", (op,))
    assert collision(store, ITEM, "ana", at + timedelta(minutes=2)) is None  # a reply that did not go out
    store.conn.execute("UPDATE outbox SET state = 'done' WHERE id = ?", (op,))
    # Within any time: a day later it is still answered.
    assert message(collision(store, ITEM, "ana", at + timedelta(days=1))) == "answered by Luka 1 day ago"


def test_each_teammate_once_latest_answer_and_both_kinds(store):
    from cmtui.model import parse_iso

    first = queue_reply(store, ITEM, "one", who="luka")
    second = queue_reply(store, ITEM, "two", who="luka")
    store.conn.execute("UPDATE outbox SET created_at = ? WHERE id = ?", (iso(NOW - timedelta(minutes=9)), first))
    store.conn.execute("UPDATE outbox SET created_at = ? WHERE id = ?", (iso(NOW - timedelta(minutes=2)), second))
    marie = queue_reply(store, ITEM, "three", who="marie")
    store.conn.execute("UPDATE outbox SET created_at = ? WHERE id = ?", (iso(NOW - timedelta(minutes=5)), marie))
    store.presence.begin(ITEM, "ana", now=NOW - timedelta(seconds=30))
    store.presence.begin(ITEM, "jure", now=NOW - timedelta(seconds=10))
    found = collision(store, ITEM, "nina", NOW)
    assert [(a.who, a.at) for a in found.answers] == [("marie", parse_iso(iso(NOW - timedelta(minutes=5)))),
                                                      ("luka", parse_iso(iso(NOW - timedelta(minutes=2))))]
    assert sentences(found) == ["ana, jure are replying", "answered by marie 5 min ago", "answered by luka 2 min ago"]
    assert message(found) == "ana, jure are replying · answered by marie 5 min ago · answered by luka 2 min ago"
    assert found.names == ["ana", "jure", "marie", "luka"]
    assert refusal(found) == f"item {ITEM} was answered by luka 2 min ago; add --again to send another answer"


def test_answered_elsewhere_counts_unless_a_reply_from_here_explains_it(store):
    store.conn.execute("UPDATE inbox_items SET answered_at = ? WHERE id = ?", (iso(NOW - timedelta(hours=3)), ITEM))
    found = collision(store, ITEM, "ana", NOW)
    assert found.answers == (Answer(None, NOW - timedelta(hours=3), "answered"),)
    assert message(found) == "answered 3 hr ago"
    assert refusal(found) == f"item {ITEM} was answered 3 hr ago; add --again to send another answer"
    op = queue_reply(store, ITEM, "from here", who="ana")
    store.conn.execute("UPDATE outbox SET state = 'done' WHERE id = ?", (op,))
    assert collision(store, ITEM, "ana", NOW) is None  # the answer seen was ana's own reply, sent


def test_replying_refusal_and_words_in_another_language(store, language):
    store.presence.begin(ITEM, "Ana", now=NOW)
    found = collision(store, ITEM, "luka", NOW)
    assert refusal(found) == f"Ana is replying to item {ITEM}; add --again to send your answer too"
    op = queue_reply(store, ITEM, "hecho", who="Luka")
    store.conn.execute("UPDATE outbox SET created_at = ? WHERE id = ?", (iso(NOW - timedelta(minutes=2)), op))
    language("es")
    said = message(collision(store, ITEM, "marie", NOW))
    assert "Ana" in said and "Luka" in said and "hace 2 min" in said and "replying" not in said


def test_the_clock_of_another_machine_a_second_ahead_is_never_in_the_future(store):
    op = queue_reply(store, ITEM, "x", who="luka")
    store.conn.execute("UPDATE outbox SET created_at = ? WHERE id = ?", (iso(NOW + timedelta(seconds=1)), op))
    assert "ago" in message(collision(store, ITEM, "ana", NOW))


# -- assigned:me ------------------------------------------------------------------------------------
def test_assigned_me_is_the_person_working():
    assert parse_query("assigned:me", me="luka").assignee == "luka"
    assert parse_query("assigned:ME", me="luka").assignee == "luka"
    assert parse_query("assigned:ana", me="luka").assignee == "ana"
    assert parse_query("assigned:me").assignee == "me"  # nobody given: a name like any other
    assert narrow(InboxFilter(), "bug assigned:me", me="ana").assignee == "ana"


def test_assigned_count_is_active_items_only(store):
    active = store.conn.execute("SELECT count(*) FROM inbox_items WHERE assignee = 'ana'"
                                " AND state IN ('new', 'open') AND hidden = 0").fetchone()[0]
    assert active and store.inbox.assigned_count("ana") == active
    assert store.inbox.assigned_count("nobody") == 0


# -- undo per person --------------------------------------------------------------------------------
def test_undo_is_the_persons_own_latest_decision(store):
    store.triage.done([1], "ana")
    store.triage.done([2], "luka")
    store.triage.apply([3], "assign", {"assignee": "luka"}, "ana")
    assert store.triage.latest("luka")["who"] == "luka"
    assert store.triage.undo("luka") == {"action": "done", "items": [2]}
    assert store.inbox.get(2)["state"] != "done" and store.inbox.get(1)["state"] == "done"
    assert store.triage.undo("luka") is None  # ana's decisions are not luka's to undo
    assert store.inbox.get(3)["assignee"] == "luka"
    assert store.triage.undo("Ana") == {"action": "assign", "items": [3]}  # case as the team spells it
    assert store.triage.undo("ana") == {"action": "done", "items": [1]}
    store.triage.done([4], "ana")
    assert store.triage.undo() == {"action": "done", "items": [4]}  # no person: the latest of all, as before


def test_undo_last_of_a_like_is_the_persons_own(store):
    react(store, 1, "like", undo=False, who="ana")
    store.triage.done([2], "luka")
    assert undo_last(store, answers=False, who="ana") == {"action": "like", "items": [1]}
    assert store.inbox.get(2)["state"] == "done"  # luka's decision stays
    assert undo_last(store, answers=False, who="ana") is None


def test_undo_reaches_back_twenty_of_ones_own(store):
    for item_id in range(1, 26):
        store.triage.done([item_id], "ana")
        store.triage.done([item_id + 100], "luka")
    undone = [store.triage.undo("ana") for _ in range(21)]
    assert [u["items"] for u in undone[:20]] == [[i] for i in range(25, 5, -1)] and undone[20] is None


@pytest.fixture
def two_stores(tmp_path):
    from factory import build_store

    first = build_store(tmp_path / "team.db")
    second = Store.open(tmp_path / "team.db")
    yield first, second
    first.close()
    second.close()


def test_presence_from_another_connection_is_seen_at_once(two_stores):
    ana, luka = two_stores
    ana.presence.begin(ITEM, "ana", now=NOW)
    assert message(collision(luka, ITEM, "luka", NOW)) == "ana is replying"
    ana.presence.end(ITEM, "ana")
    assert collision(luka, ITEM, "luka", NOW) is None


def test_settings_username_is_who(store):
    assert Settings(user="luka").username == "luka"
