"""Moderation decisions, instance reports, members and guidelines: store level and CLI."""

from __future__ import annotations

import json

import pytest

from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.moderation.actions import act, act_report, queue_platform_action
from cmtui.store import Store
from cmtui.store.base import loads
from cmtui.sync.connectors.mastodon import report_from_api
from cli_helpers import run

SETTINGS = Settings(timezone="UTC")


def ops(store, kind=None):
    rows = store.outbox.list()
    return [r for r in rows if kind is None or r["kind"] == kind]


def flag_state(store, item_id):
    return store.conn.execute("SELECT state FROM moderation_flags WHERE item_id = ?", (item_id,)).fetchone()[0]


def test_approve_closes_the_flag_and_brings_a_hidden_item_back(store):
    store.conn.execute("UPDATE inbox_items SET hidden = 1 WHERE id = 3")
    [outcome] = act(store, SETTINGS, [3], "approve", who="ana", comment="false positive")
    assert outcome.outbox_id is None
    assert flag_state(store, 3) == "approved"
    assert store.inbox.get(3)["hidden"] == 0
    [entry] = store.moderation.log()
    assert (entry["who"], entry["action"], entry["item_id"], entry["comment"]) == ("ana", "approve", 3, "false positive")
    assert ops(store) == []


def test_hide_is_local_and_logged(store):
    act(store, SETTINGS, [8], "hide", who="ana")
    assert store.inbox.get(8)["hidden"] == 1 and flag_state(store, 8) == "hidden"
    assert ops(store) == [] and store.moderation.log()[0]["action"] == "hide"
    with pytest.raises(InputError):
        act(store, SETTINGS, [8], "hide", who="ana")


def test_mute_block_report_queue_one_operation_each_with_the_log(store):
    item = store.inbox.get(3)
    act(store, SETTINGS, [3], "mute", who="ana", comment="spam")
    [mute] = ops(store, "mute")
    assert loads(mute["payload"], {})["acct"] == item["author"] and mute["item_id"] == 3
    [entry] = store.moderation.log()
    assert entry["outbox_id"] == mute["id"] and entry["comment"] == "spam"
    assert flag_state(store, 3) == "muted"
    # A second mute of the same author while the first waits: reused, not queued twice.
    again = queue_platform_action(store, 3, "mute", "again", "ana")
    assert again.reused and again.outbox_id == mute["id"] and len(ops(store, "mute")) == 1
    [report] = act(store, SETTINGS, [8], "report", who="ana", comment="abusive", category="violation", forward=True)
    payload = loads(store.outbox.get(report.outbox_id)["payload"], {})
    assert payload["status_ids"] == [item_id_remote(store, 8)] and payload["category"] == "violation"
    assert payload["comment"] == "abusive" and payload["forward"] is True
    act(store, SETTINGS, [15], "block", who="ana")
    assert len(ops(store, "block")) == 1 and flag_state(store, 15) == "blocked"


def item_id_remote(store, item_id):
    return store.inbox.get(item_id)["remote_id"]


def test_bulk_is_all_or_nothing(store):
    before = store.conn.execute("SELECT count(*) FROM moderation_log").fetchone()[0]
    with pytest.raises(InputError):
        act(store, SETTINGS, [3, 99999], "mute", who="ana")
    with pytest.raises(InputError):  # item 4 is not flagged: nothing to approve, item 3 untouched too
        act(store, SETTINGS, [3, 4], "approve", who="ana")
    assert flag_state(store, 3) == "open" and ops(store) == []
    assert store.conn.execute("SELECT count(*) FROM moderation_log").fetchone()[0] == before
    outcomes = act(store, SETTINGS, [3, 8, 15], "hide", who="ana")
    assert [o.item_id for o in outcomes] == [3, 8, 15] and store.moderation.open_count() == 0


def test_warn_queues_a_reply_citing_the_guideline_and_assign(store):
    store.members.add_guideline("Be kind", "No insults or personal attacks.")
    store.members.add_guideline("No spam")
    act(store, Settings(timezone="UTC", teammates=["bo"]), [15], "assign", who="ana", to="bo")  # a teammate
    assert store.conn.execute("SELECT assignee FROM moderation_flags WHERE item_id = 15").fetchone()[0] == "bo"
    [outcome] = act(store, SETTINGS, [8], "warn", who="ana", guideline=1)
    reply = store.outbox.get(outcome.outbox_id)
    text = loads(reply["payload"], {})["text"]
    assert reply["kind"] == "reply" and "guideline 1" in text and "Be kind" in text and "No insults" in text
    assert flag_state(store, 8) == "warned"
    with pytest.raises(InputError):
        act(store, SETTINGS, [3], "warn", who="ana", guideline=7)


def test_guidelines_are_numbered_and_editable(store):
    store.members.add_guideline("Be kind")
    store.members.add_guideline("Stay on topic")
    store.members.add_guideline("First", position=1)
    assert [g["title"] for g in store.members.guidelines()] == ["First", "Be kind", "Stay on topic"]
    store.members.edit_guideline(2, body="Really.")
    store.members.remove_guideline(1)
    rows = store.members.guidelines()
    assert [(g["position"], g["title"], g["body"]) for g in rows] == [(1, "Be kind", "Really."), (2, "Stay on topic", "")]


def test_member_record_and_recognition(store, now):
    pid = store.members.upsert("mastodon", "user2@fedi.example", "User 2", remote_id="77",
                              account_created_at="2026-11-10T00:00:00Z")
    store.conn.execute("UPDATE inbox_items SET person_id = ? WHERE author = 'user2@fedi.example'", (pid,))
    store.members.set_notes("user2@fedi.example", "helpful on sync questions")
    record = store.members.record("user2@fedi.example", now=now)
    assert record["items"] == 7 and record["flags"] == 1 and record["account_age_days"] == 10
    assert record["notes"] == "helpful on sync questions"
    active = store.members.most_active("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", limit=3)
    assert len(active) == 3 and active[0]["items"] >= active[-1]["items"]
    assert store.members.most_helpful("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z") == []


ADMIN_REPORT = report_from_api({
    "id": "41", "category": "spam", "comment": "bot posting links", "created_at": "2026-11-20T10:00:00.000Z",
    "target_account": {"id": "9", "username": "spammer", "account": {"id": "9", "acct": "spammer"}},
    "assigned_account": None, "statuses": [{"id": "500"}],
}, "social.tidewater.example")


def test_instance_reports_join_the_queue_and_are_resolved_through_the_outbox(store):
    account = store.accounts.get("tidewater")
    assert store.reports.sync(account.id, [ADMIN_REPORT]) == 1
    assert store.reports.sync(account.id, [ADMIN_REPORT]) == 0  # nothing twice
    report = store.reports.open()[0]
    queued = [r for r in store.moderation.queue() if r["report_id"]]
    assert len(queued) == 1 and queued[0]["author"] == "spammer@social.tidewater.example"
    act_report(store, report["id"], "assign", who="ana")
    outcome = act_report(store, f"r{report['id']}", "silence", who="ana", text="spam bot")
    payload = loads(store.outbox.get(outcome.outbox_id)["payload"], {})
    assert payload == {"account_remote_id": "9", "action": "silence", "text": "spam bot", "report_id": "41"}
    assert store.reports.get(report["id"])["state"] == "resolved"
    with pytest.raises(InputError):
        act_report(store, report["id"], "resolve", who="ana")
    # Still listed by the server before our action got there: stays resolved here.
    store.reports.sync(account.id, [ADMIN_REPORT])
    assert store.reports.get(report["id"])["state"] == "resolved"
    assert [r["action"] for r in store.moderation.log()] == ["report:silence", "report:assign"]


def test_a_report_resolved_elsewhere_leaves_the_queue(store):
    account = store.accounts.get("tidewater")
    store.reports.sync(account.id, [ADMIN_REPORT])
    store.reports.sync(account.id, [])
    assert store.reports.open() == [] and all(not r["report_id"] for r in store.moderation.queue())


# -- the command line ------------------------------------------------------------------------
def test_cli_list_act_log(capsys, db):
    code, out, _ = run(capsys, "moderation", "list", "--json", "--db", db)
    entries = json.loads(out)
    assert code == 0 and [e["item_id"] for e in entries] == [15, 8, 3]
    for key in ("id", "item_id", "reason", "rule", "author", "text", "state"):
        assert all(key in e for e in entries)
    code, out, err = run(capsys, "moderation", "act", "3", "mute", "--comment", "crypto spam", "--db", db)
    assert code == 0 and "outbox operation" in out and err == ""
    code, out, _ = run(capsys, "moderation", "act", "8", "approve", "--db", db)
    assert code == 0
    code, out, _ = run(capsys, "moderation", "log", "--json", "--db", db)
    log = json.loads(out)
    assert [(e["action"], e["item_id"]) for e in log] == [("approve", 8), ("mute", 3)]
    assert log[1]["comment"] == "crypto spam" and log[1]["who"]
    code, out, _ = run(capsys, "moderation", "list", "--db", db)
    assert code == 0 and "Flood" in out and "Spam links" not in out
    code, out, _ = run(capsys, "outbox", "list", "--json", "--db", db)
    assert [o["kind"] for o in json.loads(out)] == ["mute"]


@pytest.mark.parametrize("argv", [("99999", "hide"), ("abc", "mute"), ("4", "approve"), ("r5", "approve")])
def test_cli_bad_input_is_one_line_exit_2_nothing_changed(capsys, db, argv):
    code, out, err = run(capsys, "moderation", "act", *argv, "--db", db)
    assert code == 2 and out == "" and err.startswith("cmtui: ") and err.count("\n") == 1
    check = Store.open(db)
    try:
        assert check.moderation.log() == [] and check.outbox.list() == []
        assert check.moderation.open_count() == 3
    finally:
        check.close()


# -- follow-through on the author's other items --------------------------------------------------
def test_block_all_items_takes_the_authors_open_items_out_of_queue_and_inbox(store):
    # Item 3 (user2 on the main account) has two more open items there: 83 and 123.
    store.moderation.add_flag(83, "link farm", "Spam links")
    from cmtui.moderation.actions import author_open_items

    assert author_open_items(store, [store.inbox.get(3)]) == [123, 83]
    outcomes = act(store, SETTINGS, [3], "block", who="ana", comment="spam", all_items=True)
    assert [o.item_id for o in outcomes] == [3, 123, 83]
    assert len(ops(store, "block")) == 1 and all(o.outbox_id == outcomes[0].outbox_id for o in outcomes)
    assert [r["item_id"] for r in store.moderation.queue()] == [15, 8]
    assert all(store.inbox.get(i)["hidden"] == 1 for i in (3, 83, 123))
    assert flag_state(store, 83) == "blocked"
    log = store.moderation.log()
    assert sorted((e["action"], e["item_id"]) for e in log) == [("block", 3), ("block", 83), ("block", 123)]
    assert "with item 3" in next(e["comment"] for e in log if e["item_id"] == 83)
    # Only the author's: user2's items on the other account and other authors' stay.
    assert store.inbox.get(43)["hidden"] == 0 and store.inbox.get(8)["hidden"] == 0


def test_this_item_only_leaves_the_authors_other_items(store):
    store.moderation.add_flag(83, "link farm", "Spam links")
    act(store, SETTINGS, [3], "mute", who="ana")
    assert 83 in [r["item_id"] for r in store.moderation.queue()] and store.inbox.get(83)["hidden"] == 0


def test_hide_all_items_and_refusals(store):
    outcomes = act(store, SETTINGS, [8], "hide", who="ana", all_items=True)
    assert len(outcomes) > 1 and all(store.inbox.get(o.item_id)["hidden"] for o in outcomes)
    before = store.moderation.log()
    with pytest.raises(InputError):  # approve and report do not follow through
        act(store, SETTINGS, [15], "approve", who="ana", all_items=True)
    assert store.moderation.log() == before and flag_state(store, 15) == "open"


def test_cli_all_items(capsys, db):
    code, out, err = run(capsys, "moderation", "act", "3", "block", "--all-items", "--db", db)
    assert code == 0 and err == "" and "2 other open items of the author left the queue and the inbox: 123, 83" in out
    code, out, _ = run(capsys, "moderation", "list", "--json", "--db", db)
    assert [e["item_id"] for e in json.loads(out)] == [15, 8]
    code, out, _ = run(capsys, "inbox", "list", "--state", "all", "--json", "--limit", "1000", "--db", db)
    assert {3, 83, 123}.isdisjoint(e["id"] for e in json.loads(out))
