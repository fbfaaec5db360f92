"""A team answering one inbox, the command line: `inbox reply` refuses a second answer (a
teammate answered or is replying) unless --again, `--as NAME` on reply/done/like/boost, and
`inbox list --assigned me|NAME` with the other flags."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from cli_helpers import run
from cmtui.compose import queue_reply
from cmtui.model import utcnow
from cmtui.store import Store

ITEM = 5  # new, not answered (tests/factory.py)


def settings(user: str = "luka", act_for_others: bool = False) -> None:
    folder = Path(os.environ["CMTUI_CONFIG_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "settings.toml").write_text(
        f'user = "{user}"\nteammates = ["ana", "luka", "marie"]\nact_for_others = {str(act_for_others).lower()}\n')


def outbox(db) -> list[tuple]:
    store = Store.open(db)
    try:
        return [(o["item_id"], o["kind"], o["who"]) for o in store.outbox.list()]
    finally:
        store.close()


def triage_log(db) -> list[tuple]:
    store = Store.open(db)
    try:
        return [tuple(r) for r in store.conn.execute("SELECT who, action, item_ids FROM triage_log ORDER BY id")]
    finally:
        store.close()


def with_store(db, do):
    store = Store.open(db)
    try:
        return do(store)
    finally:
        store.close()


# -- reply: refused, --again ---------------------------------------------------------------------------
def test_a_reply_is_queued_with_who(capsys, db):
    settings("luka")
    code, out, err = run(capsys, "--db", db, "inbox", "reply", str(ITEM), "thanks!")
    assert code == 0 and "queued as outbox operation" in out and not err
    assert outbox(db) == [(ITEM, "reply", "luka")]
    # luka's own answer is no teammate's: a second one of his is his to send
    assert run(capsys, "--db", db, "inbox", "reply", str(ITEM), "and one more thing")[0] == 0


def test_a_teammates_answer_refuses_a_second_one_and_again_sends_it(capsys, db):
    settings("ana")
    assert run(capsys, "--db", db, "inbox", "reply", str(ITEM), "on it")[0] == 0
    settings("luka")
    code, out, err = run(capsys, "--db", db, "inbox", "reply", str(ITEM), "me too")
    assert code == 1 and not out
    assert err == (f"cmtui: item {ITEM} was answered by ana 1 sec ago; add --again to send another answer\n"
                   ) or (err.startswith(f"cmtui: item {ITEM} was answered by ana ") and err.count("\n") == 1)
    assert outbox(db) == [(ITEM, "reply", "ana")]  # nothing queued
    code, out, err = run(capsys, "--db", db, "inbox", "reply", str(ITEM), "me too", "--again")
    assert code == 0 and "queued" in out
    assert outbox(db) == [(ITEM, "reply", "ana"), (ITEM, "reply", "luka")]


def test_the_age_is_said(capsys, db):
    def queued(store):
        op = queue_reply(store, ITEM, "done", who="Luka")
        store.conn.execute("UPDATE outbox SET created_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-2 minutes')"
                           " WHERE id = ?", (op,))
    with_store(db, queued)
    settings("ana")
    code, out, err = run(capsys, "--db", db, "inbox", "reply", str(ITEM), "hello")
    assert (code, err) == (1, f"cmtui: item {ITEM} was answered by Luka 2 min ago;"
                              " add --again to send another answer\n")


def test_a_teammate_replying_now_refuses_too(capsys, db):
    with_store(db, lambda store: store.presence.begin(ITEM, "Ana", now=utcnow() - timedelta(seconds=10)))
    settings("luka")
    code, out, err = run(capsys, "--db", db, "inbox", "reply", str(ITEM), "hello")
    assert (code, out) == (1, "")
    assert err == f"cmtui: Ana is replying to item {ITEM}; add --again to send your answer too\n"
    assert outbox(db) == []
    assert run(capsys, "--db", db, "inbox", "reply", str(ITEM), "hello", "--again")[0] == 0
    assert outbox(db) == [(ITEM, "reply", "luka")]


def test_a_stale_presence_refuses_nothing(capsys, db):
    with_store(db, lambda store: store.presence.begin(ITEM, "Ana", now=utcnow() - timedelta(minutes=5)))
    settings("luka")
    assert run(capsys, "--db", db, "inbox", "reply", str(ITEM), "hello")[0] == 0


def test_answered_elsewhere_refuses(capsys, db):
    with_store(db, lambda store: store.conn.execute(
        "UPDATE inbox_items SET answered_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-3 hours') WHERE id = ?",
        (ITEM,)))
    settings("luka")
    code, _, err = run(capsys, "--db", db, "inbox", "reply", str(ITEM), "hello")
    assert (code, err) == (1, f"cmtui: item {ITEM} was answered 3 hr ago; add --again to send another answer\n")


def test_bad_input_on_reply_is_still_one_line(capsys, db):
    settings("luka")
    for argv in (["inbox", "reply", "999999", "hello"], ["inbox", "reply", str(ITEM), "  "],
                 ["inbox", "reply", "999999", "hello", "--again"]):
        code, out, err = run(capsys, "--db", db, *argv)
        assert code == 2 and err.count("\n") == 1 and "Traceback" not in err
    assert outbox(db) == []


# -- --as ------------------------------------------------------------------------------------------------
def test_as_records_a_teammate_where_allowed(capsys, db):
    settings("luka", act_for_others=True)
    assert run(capsys, "--db", db, "inbox", "reply", str(ITEM), "for ana", "--as", "Ana")[0] == 0
    assert outbox(db) == [(ITEM, "reply", "ana")]
    assert run(capsys, "--db", db, "inbox", "done", "6", "--as", "marie")[0] == 0
    assert run(capsys, "--db", db, "inbox", "like", "7", "--as", "ana")[0] == 0
    assert run(capsys, "--db", db, "inbox", "boost", "7", "--as", "me")[0] == 0
    assert run(capsys, "--db", db, "inbox", "like", "7", "--undo", "--as", "marie")[0] == 0
    assert triage_log(db) == [("marie", "done", "[6]"), ("ana", "like", "[7]"), ("luka", "share", "[7]"),
                              ("marie", "unlike", "[7]")]
    # --as ana --again: the collision is checked as ana (her own answer: no refusal)
    assert run(capsys, "--db", db, "inbox", "reply", str(ITEM), "more", "--as", "ana")[0] == 0
    code, _, err = run(capsys, "--db", db, "inbox", "reply", str(ITEM), "more", "--as", "marie")
    assert code == 1 and "answered by ana" in err
    assert run(capsys, "--db", db, "inbox", "reply", str(ITEM), "more", "--as", "marie", "--again")[0] == 0
    assert outbox(db)[-1] == (ITEM, "reply", "marie")


@pytest.mark.parametrize("argv", [["reply", str(ITEM), "hi"], ["done", "6"], ["like", "7"], ["boost", "7"],
                                  ["like", "7", "--undo"], ["reply", str(ITEM), "hi", "--again"]])
def test_as_refused_without_act_for_others_or_for_a_stranger(capsys, db, argv):
    settings("luka", act_for_others=False)
    code, out, err = run(capsys, "--db", db, "inbox", *argv, "--as", "ana")
    assert code == 2 and not out and "act_for_others" in err and err.count("\n") == 1
    settings("luka", act_for_others=True)
    code, out, err = run(capsys, "--db", db, "inbox", *argv, "--as", "zoran")
    assert code == 2 and "'zoran' is not on the team" in err and err.count("\n") == 1
    assert outbox(db) == [] and triage_log(db) == []
    assert with_store(db, lambda store: store.inbox.get(6)["state"]) != "done"


def test_without_as_the_person_working(capsys, db):
    settings("marie")
    assert run(capsys, "--db", db, "inbox", "done", "6")[0] == 0
    assert run(capsys, "--db", db, "inbox", "like", "7")[0] == 0
    assert [who for who, _, _ in triage_log(db)] == ["marie", "marie"]


# -- list --assigned -------------------------------------------------------------------------------------
def listed(capsys, db, *argv) -> list[dict]:
    code, out, err = run(capsys, "--db", db, "inbox", "list", "--json", *argv)
    assert code == 0, err
    return json.loads(out)


def test_list_assigned_me_and_a_name(capsys, db):
    with_store(db, lambda store: store.triage.apply([1, 2, 200], "assign", {"assignee": "luka"}, "ana"))
    settings("luka")
    mine = listed(capsys, db, "--assigned", "me")
    assert sorted(r["id"] for r in mine) == [1, 2] and {r["assignee"] for r in mine} == {"luka"}
    assert listed(capsys, db, "--assigned", "LUKA") == mine  # the team's spelling
    assert sorted(r["id"] for r in listed(capsys, db, "--assigned", "me", "--state", "all")) == [1, 2, 200]
    assert [r["id"] for r in listed(capsys, db, "--assigned", "me", "--limit", "1")] == [1]
    assert [r["id"] for r in listed(capsys, db, "--assigned", "me", "--state", "done")] == [200]
    word = with_store(db, lambda store: store.inbox.get(2)["text"].split()[0])
    assert 2 in [r["id"] for r in listed(capsys, db, "--assigned", "me", "--search", word)]
    anas = listed(capsys, db, "--assigned", "ana")
    assert anas and {r["assignee"] for r in anas} == {"ana"}
    assert listed(capsys, db, "--search", "assigned:me") == mine  # the search's own filter too
    code, out, err = run(capsys, "--db", db, "inbox", "list", "--assigned", "me")
    assert code == 0 and out.count("\n") == 3  # a header and two rows


def test_list_assigned_to_a_stranger_is_one_clear_error(capsys, db):
    settings("luka")
    before = with_store(db, lambda store: store.inbox.state_counts())
    code, out, err = run(capsys, "--db", db, "inbox", "list", "--assigned", "zoran", "--json")
    assert code == 2 and not out and err.count("\n") == 1
    assert "'zoran' is not on the team" in err and "(the team: luka, ana, marie)" in err
    assert with_store(db, lambda store: store.inbox.state_counts()) == before
