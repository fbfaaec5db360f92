"""Bluesky accounts synced end to end against the AT Protocol's reference servers on
loopback, through the command line and the SyncEngine: an app password made a session,
what reaches the inbox, one request when nothing is new, replies sent exactly once through
a time-out and a SIGKILL, an expired session renewed and stored."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import timedelta

import pytest

from cmtui.config import Credentials, Settings
from cmtui.model import utcnow
from cmtui.store import Store
from cmtui.sync.connectors.bluesky.connector import BlueskyConnector
from cmtui.sync.engine import SyncEngine
from killing_proxy import KillingProxy
from matrix_cli_helpers import Cli, credentials
from test_bluesky_connector import ForwardThenTimeOut, expired


@pytest.fixture
def cli(tmp_path, capsys, monkeypatch) -> Cli:
    return Cli(tmp_path / "bluesky.db", capsys, monkeypatch)


def add(cli, server, user, name: str = "team", *, instance: str | None = None, secret: str | None = None):
    """`account add bluesky NAME` with an app password in a variable."""
    secret = secret or server.app_password(user, f"cmtui-{name}-{os.urandom(3).hex()}")
    return cli("account", "add", "bluesky", name, "--instance", instance or server.pds_url, "--user", user.handle,
               "--token-env", "BSKY_APP_PASSWORD", env={"BSKY_APP_PASSWORD": secret})


def engine(db, **kwargs) -> tuple[Store, SyncEngine]:
    store = Store.open(db)
    return store, SyncEngine(store, Settings(timezone="UTC"), Credentials(), timeout=20, **kwargs)


def by_text(cli) -> dict[str, dict]:
    return {i["text"]: i for i in cli.inbox()}


def posts_saying(server, user, text: str) -> list[dict]:
    return [r for r in server.list_records(user, "app.bsky.feed.post") if r["value"]["text"] == text]


@pytest.fixture
def scene(bluesky_server):
    """me (our account) posted; ana mentions, replies, quotes, likes and follows. (me, ana, refs)"""
    b = bluesky_server
    me, ana = b.create_account("me"), b.create_account("ana")
    refs = {"ours": b.post(me, "Welcome to the community")}
    # The AppView notifies a reply's parent author only if it has indexed the parent already.
    b.wait_for_post(refs["ours"], timeout=60)
    refs["mention"] = b.post(ana, f"hey @{me.handle} how do I sync?", mention=[me], langs=["en"])
    refs["reply"] = b.post(ana, "thanks!", reply_to=refs["ours"])
    refs["quote"] = b.post(ana, "worth a read", quote=refs["ours"])
    b.like(ana, refs["ours"])
    b.follow(ana, me)
    b.wait_for_notifications(me, 5, timeout=60)  # the AppView is slow on a loaded machine
    return me, ana, refs


def test_a_sync_brings_each_kind_of_item_and_a_quiet_pass_is_one_request(cli, bluesky_server, scene):
    me, ana, refs = scene
    code, out, err = add(cli, bluesky_server, me)
    assert code == 0, err
    assert out == f"added team: {me.handle} on {bluesky_server.pds_url} (1 follower)\n"
    kept = credentials()["team"]
    assert kept["token"] and kept["refresh"]  # the app password itself is kept nowhere

    code, out, err = cli("sync", "--once")
    assert code == 0, err
    assert out.startswith("team: 3 new items")
    items = by_text(cli)
    assert {t: i["kind"] for t, i in items.items()} == {
        f"hey @{me.handle} how do I sync?": "mention", "thanks!": "reply", "worth a read": "mention"}
    reply = items["thanks!"]
    assert reply["remote_id"] == refs["reply"].uri and reply["platform"] == "bluesky"
    assert reply["author"] == ana.handle

    store, sync = engine(cli.db)
    try:
        [quiet] = asyncio.run(sync.run_once())
        assert quiet.ok and quiet.new_items == 0 and quiet.requests == 1
        account = store.accounts.get("team")
        followers = store.conn.execute("SELECT followers FROM follower_snapshots WHERE account_id = ?"
                                       " ORDER BY taken_at DESC LIMIT 1", (account.id,)).fetchone()[0]
        assert followers == 1  # remembered, not asked again, not zero
        likes, replies = store.conn.execute("SELECT likes, replies FROM post_stats WHERE remote_id = ?",
                                            (refs["ours"].uri,)).fetchone()
        assert (likes, replies) == (1, 1)
    finally:
        store.close()


def test_a_wrong_app_password_or_someone_elses_handle_is_one_line_and_nothing_is_stored(cli, bluesky_server):
    me = bluesky_server.create_account("me")
    code, out, err = add(cli, bluesky_server, me, secret="aaaa-bbbb-cccc-dddd")
    assert code != 0 and f"refused the handle or app password for {me.handle}" in err
    assert len(err.strip().splitlines()) == 1
    code, out, err = cli("account", "add", "bluesky", "team", "--instance", bluesky_server.pds_url, "--user",
                         "not a handle!", "--token-env", "X", env={"X": "y"})
    assert code != 0 and "is not a Bluesky handle" in err
    assert not cli.db.exists() and "team" not in credentials()


def test_a_reply_from_the_inbox_arrives_once_with_its_thread(cli, bluesky_server, scene):
    me, ana, refs = scene
    assert add(cli, bluesky_server, me)[0] == 0
    assert cli("sync", "--once")[0] == 0
    code, out, err = cli("inbox", "reply", str(by_text(cli)["thanks!"]["id"]), "You are welcome 🎉")
    assert code == 0, err
    assert cli("sync", "--once")[0] == 0
    assert cli("sync", "--once")[0] == 0  # nothing sent again
    [post] = posts_saying(bluesky_server, me, "You are welcome 🎉")
    assert post["value"]["reply"] == {"root": refs["ours"].strong, "parent": refs["reply"].strong}
    [op] = cli.json("outbox", "list")
    assert (op["state"], op["result"]["remote_id"]) == ("done", post["uri"])
    assert by_text(cli)["thanks!"]["answered_at"]


def test_a_reply_whose_answer_timed_out_is_one_post_after_the_retry(cli, bluesky_server, scene):
    me, ana, refs = scene
    assert add(cli, bluesky_server, me)[0] == 0
    assert cli("sync", "--once")[0] == 0
    assert cli("inbox", "reply", str(by_text(cli)[f"hey @{me.handle} how do I sync?"]["id"]), "Press s.")[0] == 0
    transport = ForwardThenTimeOut()

    def factory(platform, server, token, **kw):
        return BlueskyConnector(server, token, transport=transport, **kw)

    store, sync = engine(cli.db, connector_factory=factory)
    try:
        asyncio.run(sync.run_once())
        assert transport.cut == 1 and len(posts_saying(bluesky_server, me, "Press s.")) == 1
        [op] = store.outbox.list()
        assert (op["state"], op["attempts"]) == ("pending", 1)
        later = SyncEngine(store, Settings(timezone="UTC"), Credentials(), timeout=20, connector_factory=factory,
                           clock=lambda: utcnow() + timedelta(hours=1))  # past the backoff
        [result] = asyncio.run(later.run_once())
        assert result.ok and result.sent == 1, result.error
    finally:
        store.close()
    [post] = posts_saying(bluesky_server, me, "Press s.")
    [op] = cli.json("outbox", "list")
    assert (op["state"], op["attempts"], op["result"]["remote_id"]) == ("done", 2, post["uri"])


def test_a_reply_sent_when_the_process_was_killed_is_one_post(cli, bluesky_server, scene):
    me, ana, refs = scene
    proxy = KillingProxy(bluesky_server.pds_url,
                         lambda method, path: method == "POST" and "/com.atproto.repo.createRecord" in path)
    try:
        code, _, err = add(cli, bluesky_server, me, instance=proxy.base_url)
        assert code == 0, err
        assert cli("sync", "--once")[0] == 0
        assert cli("inbox", "reply", str(by_text(cli)["worth a read"]["id"]), "Thanks for sharing.")[0] == 0

        proc = subprocess.Popen([sys.executable, "-m", "cmtui", "sync", "--once", "--db", str(cli.db)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        proxy.victim = proc.pid
        proc.communicate(timeout=120)
        assert proxy.killed.is_set() and proc.returncode == -signal.SIGKILL
        assert len(posts_saying(bluesky_server, me, "Thanks for sharing.")) == 1  # it did arrive
        conn = sqlite3.connect(cli.db)
        assert conn.execute("SELECT state FROM outbox").fetchone()[0] == "sending"
        conn.close()

        code, out, err = cli("sync", "--once")  # takes back what the dead process was sending
        assert code == 0, err
        assert "1 sent" in out
    finally:
        proxy.close()
    [post] = posts_saying(bluesky_server, me, "Thanks for sharing.")
    assert post["value"]["reply"]["parent"] == refs["quote"].strong
    [op] = cli.json("outbox", "list")
    assert (op["state"], op["result"]["remote_id"]) == ("done", post["uri"])


def test_an_expired_session_is_renewed_and_stored_before_the_pass_goes_on(cli, bluesky_server, scene):
    me, ana, refs = scene
    assert add(cli, bluesky_server, me)[0] == 0
    kept = credentials()["team"]
    stale = expired(kept["token"])
    Credentials().set("team", stale, refresh=kept["refresh"])
    code, out, err = cli("sync", "--once")
    assert code == 0 and out.startswith("team: 3 new items"), (out, err)
    renewed = credentials()["team"]
    # (the new access token may equal the first one: same claims within the same second)
    assert renewed["token"] != stale and renewed["refresh"] != kept["refresh"]
    assert bluesky_server.xrpc("GET", "com.atproto.server.getSession", token=renewed["token"])["did"] == me.did


def test_a_revoked_app_password_marks_the_account_as_needing_attention(cli, bluesky_server, scene):
    me, ana, refs = scene
    secret = bluesky_server.app_password(me, "revoked-soon")
    assert add(cli, bluesky_server, me, secret=secret)[0] == 0
    bluesky_server.revoke_app_password(me, "revoked-soon")
    kept = credentials()["team"]
    Credentials().set("team", expired(kept["token"]), refresh=kept["refresh"])  # so the refresh is needed
    code, out, err = cli("sync", "--once")
    [account] = cli.json("account", "list")
    assert account["state"] == "error" and "would not renew the session" in account["last_error"]
    assert "eyJ" not in out + err + account["last_error"]
    assert cli.inbox() == []


@pytest.mark.parametrize("service", ["appview_url", "plc_url"])
def test_an_address_that_is_no_pds_is_one_line_and_nothing_is_stored(cli, bluesky_server, service):
    me = bluesky_server.create_account("me")
    code, out, err = add(cli, bluesky_server, me, instance=getattr(bluesky_server, service), secret="a-b-c-d")
    assert code != 0 and "does not look like a Bluesky" in err and len(err.strip().splitlines()) == 1, err
    assert not cli.db.exists() and "team" not in credentials()
