"""Moderation actions against the real mastodon_mock peer: each visible on the server afterwards."""

from __future__ import annotations

import asyncio
import json

from cmtui.cli import main
from cmtui.moderation.actions import act, act_report
from cmtui.store import InboxFilter
from cmtui.sync.engine import SyncEngine

ALL = ("new", "open", "snoozed", "done")


def sync(env):
    store, settings, credentials = env
    [result] = asyncio.run(SyncEngine(store, settings, credentials, timeout=5.0).run_once())
    assert result.ok, result.error
    return result


def flagged_item(env, peer, token, text):
    store = env[0]
    peer.post(token, text)
    sync(env)
    [item] = [r for r in store.inbox.page(InboxFilter(states=ALL), 0, 50) if r["text"] == text]
    store.moderation.add_flag(item["id"], "test", "Test rule")
    return item


def test_mute_and_block_reach_the_server_once(sync_env, peer):
    store, settings, _ = sync_env
    grace = peer.me("grace_token")
    alan = peer.me("alan_token")
    spam = flagged_item(sync_env, peer, "grace_token", "@ada buy cheap followers now")
    act(store, settings, [spam["id"]], "mute", who="ana", comment="spam")
    act(store, settings, [spam["id"]], "mute", who="ana")  # while the first waits: reused
    assert len([o for o in store.outbox.list() if o["kind"] == "mute"]) == 1
    rude = flagged_item(sync_env, peer, "alan_token", "@ada you are all idiots")
    act(store, settings, [rude["id"]], "block", who="ana")
    sync(sync_env)  # (the mute already went out with the sync that brought the rude item)
    assert [a["id"] for a in peer.get("/api/v1/mutes")] == [grace["id"]]
    assert [a["id"] for a in peer.get("/api/v1/blocks")] == [alan["id"]]
    assert all(o["state"] == "done" for o in store.outbox.list())
    assert sync(sync_env).sent == 0


def test_report_reaches_the_server(sync_env, peer):
    store, settings, _ = sync_env
    katherine = peer.me("katherine_token")
    item = flagged_item(sync_env, peer, "katherine_token", "@ada click my totally safe link")
    act(store, settings, [item["id"]], "report", who="ana", comment="phishing", category="spam")
    sync(sync_env)
    [op] = [o for o in store.outbox.list() if o["kind"] == "report"]
    assert op["state"] == "done", op["last_error"]
    remote_id = json.loads(op["result"])["report_id"]
    report = peer.get(f"/api/v1/admin/reports/{remote_id}")
    assert report["target_account"]["id"] == katherine["id"]
    assert report["comment"] == "phishing" and report["category"] == "spam"
    assert [s["id"] for s in report["statuses"]] == [item["remote_id"]]


def test_admin_report_is_pulled_and_resolved_on_the_server(sync_env, peer):
    store = sync_env[0]
    alan = peer.me("alan_token")
    response = peer.http.post("/api/v1/reports", headers={"Authorization": "Bearer grace_token"},
                              json={"account_id": alan["id"], "comment": "harassing me", "category": "violation"})
    response.raise_for_status()
    remote_id = response.json()["id"]
    sync(sync_env)
    [report] = store.reports.open()
    assert report["remote_id"] == remote_id and report["target_remote_id"] == alan["id"]
    assert any(r["report_id"] == report["id"] for r in store.moderation.queue())
    act_report(store, report["id"], "assign", who="ana")
    act_report(store, report["id"], "resolve", who="ana", text="handled by DM")
    sync(sync_env)
    server = peer.get(f"/api/v1/admin/reports/{remote_id}")
    assert server["action_taken"] is True and server["assigned_account"]["id"] == peer.me("ada_token")["id"]
    assert store.reports.get(report["id"])["state"] == "resolved"
    sync(sync_env)  # no longer listed as open: stays resolved, nothing new in the queue
    assert store.reports.open() == [] and all(not r["report_id"] for r in store.moderation.queue())


def report_alan(sync_env, peer):
    """grace reports alan for spam; after a sync it is the one open report here."""
    alan = peer.me("alan_token")
    peer.http.post("/api/v1/reports", headers={"Authorization": "Bearer grace_token"},
                   json={"account_id": alan["id"], "comment": "spam", "category": "spam"}).raise_for_status()
    sync(sync_env)
    [report] = sync_env[0].reports.open()
    return alan, report


def resync_reports(sync_env, peer, listed, report):
    """The server lists `listed` as its reports; they are read again at once."""
    peer.fault({"type": "status", "status": 200, "body": listed}, path="/api/v1/admin/reports", methods=["GET"])
    with sync_env[0].transaction():  # read the reports again now, not after the usual pause
        sync_env[0].accounts.set_cursor(report["account_id"], "reports", None)
    sync(sync_env)


def test_a_report_the_server_sends_malformed_stays_open(sync_env, peer):
    """A listed report we cannot read is still open on the server: not resolved here."""
    store = sync_env[0]
    _, report = report_alan(sync_env, peer)
    listed = peer.get("/api/v1/admin/reports")
    resync_reports(sync_env, peer, [dict(r, created_at="not a time") for r in listed], report)
    assert [r["id"] for r in store.reports.open()] == [report["id"]]
    assert any(r["report_id"] == report["id"] for r in store.moderation.queue())
    # a listed report without even an id: which are gone is unknown, so none is
    resync_reports(sync_env, peer, [{"comment": "?"}], report)
    assert [r["id"] for r in store.reports.open()] == [report["id"]]


def test_account_action_on_a_report(sync_env, peer):
    store = sync_env[0]
    alan, report = report_alan(sync_env, peer)
    act_report(store, report["id"], "silence", who="ana", text="spam")
    sync(sync_env)
    admin = peer.get(f"/api/v1/admin/accounts/{alan['id']}")
    assert admin["silenced"] is True
    assert peer.get(f"/api/v1/admin/reports/{report['remote_id']}")["action_taken"] is True


def test_a_refused_action_fails_in_the_outbox_and_shows_in_outbox_list(sync_env, peer, capsys, tmp_path):
    store, settings, _ = sync_env
    item = flagged_item(sync_env, peer, "grace_token", "@ada spam spam spam")
    [outcome] = act(store, settings, [item["id"]], "block", who="ana")
    peer.fault({"type": "status", "status": 422}, path_regex=r"/api/v1/accounts/.*/block", methods=["POST"], count=1)
    result = asyncio.run(
        SyncEngine(store, settings, sync_env[2], timeout=5.0).run_once())[0]
    assert result.failed and store.outbox.get(outcome.outbox_id)["state"] == "failed"
    assert peer.get("/api/v1/blocks") == []
    code = main(["outbox", "list", "--db", str(store.path)])
    out = capsys.readouterr().out
    assert code == 0 and "block" in out and "failed" in out


def test_a_report_without_an_answer_is_not_filed_twice(sync_env, peer):
    """Mastodon takes no idempotency key for a report: one whose answer never came fails and
    asks the user to check, rather than filing a second report by itself."""
    import time

    from cmtui.store.outbox import UNCERTAIN

    store, settings, credentials = sync_env
    item = flagged_item(sync_env, peer, "katherine_token", "@ada a link you must click")
    act(store, settings, [item["id"]], "report", who="ana", comment="phishing", category="spam")
    peer.fault({"type": "latency", "delay_ms": 1500}, path="/api/v1/reports", methods=["POST"], count=1)
    started = time.monotonic()
    [result] = asyncio.run(SyncEngine(store, settings, credentials, timeout=1.0).run_once())
    [op] = [o for o in store.outbox.list() if o["kind"] == "report"]
    assert op["state"] == "failed" and op["last_error"] == UNCERTAIN
    time.sleep(max(0.0, 1.7 - (time.monotonic() - started)))  # the slow request ends on the server
    sync(sync_env)
    assert store.outbox.get(op["id"])["state"] == "failed"  # not sent again by the next pass
    assert len(peer.get("/api/v1/admin/reports")) <= 1


def test_a_report_left_sending_by_a_dead_process_fails_instead_of_going_again(sync_env, peer):
    store, settings, _ = sync_env
    item = flagged_item(sync_env, peer, "katherine_token", "@ada another link to click")
    [outcome] = act(store, settings, [item["id"]], "report", who="ana", comment="phishing", category="spam")
    mute = act(store, settings, [item["id"]], "mute", who="ana")[0]
    with store.transaction():  # a process on this machine claimed both, then was killed
        store.conn.execute("UPDATE outbox SET state = 'sending', claimed_by = 'localhost-test:999999',"
                           " claimed_at = '2026-01-01T00:00:00Z' WHERE id IN (?, ?)",
                           (outcome.outbox_id, mute.outbox_id))
    sync(sync_env)
    from cmtui.store.outbox import UNCERTAIN

    assert store.outbox.get(outcome.outbox_id)["state"] == "failed"
    assert store.outbox.get(outcome.outbox_id)["last_error"] == UNCERTAIN
    assert store.outbox.get(mute.outbox_id)["state"] == "done"  # a mute is safe to repeat
    assert peer.get("/api/v1/admin/reports") == []
