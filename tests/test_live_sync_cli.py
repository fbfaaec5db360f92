"""`cmtui sync` with live feeds: the headless loop holds each account's stream between its
passes and says once, on stderr, how new items arrive; `--once` holds none. The command as a
real subprocess against mastodon_mock on loopback (tests/sync_process.py)."""

from __future__ import annotations

import time

import pytest

from cmtui import cli
from cmtui.config import Credentials
from cmtui.store import Store
from sync_process import start_sync, stop, wait_until

STREAM = "/api/v1/streaming/user/notification"
LIVE = "ada: new items arrive live"
POLLING = "ada: the server does not stream; polling every 60 s"


def set_up(tmp_path, peer, extra: str = ""):
    db = tmp_path / "community.db"
    config = tmp_path / "service-config"
    Credentials(config).set("ada", "ada_token")
    (config / "settings.toml").write_text(f'timezone = "UTC"\nsync_interval_seconds = 60\n{extra}')
    store = Store.open(db)
    store.accounts.add("ada", "mastodon", peer.base_url, handle=f"ada@{peer.base_url.split('//')[1]}",
                       remote_account_id=peer.me("ada_token")["id"])
    return db, config, store


def stored(store, text: str) -> int:
    return store.conn.execute("SELECT count(*) FROM inbox_items WHERE text LIKE ?", (f"%{text}%",)).fetchone()[0]


def said(err) -> str:
    err.seek(0)
    return err.read()


def test_the_loop_streams_a_mention_within_two_seconds_and_says_so_once(tmp_path, peer):
    db, config, store = set_up(tmp_path, peer)
    try:
        proc, err = start_sync(db, config, tmp_path)
        assert wait_until(lambda: LIVE in said(err), 20), said(err)
        time.sleep(0.3)  # its gap pull done
        started = time.monotonic()
        peer.post("grace_token", "@ada straight to the service")
        assert wait_until(lambda: stored(store, "straight to the service") == 1, 2.0)
        assert time.monotonic() - started < 2.0
        code, took, text = stop(proc, err)
        assert code == 0, text
        assert took < 5.0, took
        assert "Traceback" not in text, text
        assert text.count(LIVE) == 1, text
        assert "polling" not in text, text
    finally:
        store.close()


def test_a_server_that_does_not_stream_is_said_once_and_polled(tmp_path, peer):
    peer.fault({"type": "status", "status": 404}, path=STREAM, count=None)
    db, config, store = set_up(tmp_path, peer)
    try:
        proc, err = start_sync(db, config, tmp_path)
        assert wait_until(lambda: POLLING in said(err), 20), said(err)
        time.sleep(0.5)
        code, took, text = stop(proc, err)
        assert code == 0 and took < 5.0, text
        assert text.count(POLLING) == 1, text
        assert LIVE not in text and "Traceback" not in text, text
        assert store.accounts.require("ada").sync_state == "idle"
    finally:
        store.close()


def test_the_words_are_in_the_chosen_language(tmp_path, peer):
    peer.fault({"type": "status", "status": 404}, path=STREAM, count=None)
    db, config, store = set_up(tmp_path, peer, 'language = "es"\n')
    try:
        proc, err = start_sync(db, config, tmp_path)
        assert wait_until(lambda: "ada: " in said(err) and "60 s" in said(err), 20), said(err)
        code, took, text = stop(proc, err)
        assert code == 0, text
        assert "consultando cada 60 s" in text, text
    finally:
        store.close()


def test_sync_once_holds_no_stream(tmp_path, peer, monkeypatch, capsys):
    from cmtui.sync.connectors.mastodon.connector import MastodonConnector

    db, config, store = set_up(tmp_path, peer)
    store.close()
    opened = []
    monkeypatch.setattr(MastodonConnector, "live", lambda self, cursor: opened.append(cursor))
    monkeypatch.setenv("CMTUI_CONFIG_DIR", str(config))
    peer.post("grace_token", "@ada pulled once")
    assert cli.main(["sync", "--once", "--db", str(db)]) == 0
    assert opened == []
    out = capsys.readouterr()
    assert "ada: 1 new item" in out.out and "live" not in out.err
    store = Store.open(db)
    try:
        assert stored(store, "pulled once") == 1
    finally:
        store.close()


@pytest.mark.parametrize("args", [["--account", "ada"]])
def test_the_loop_for_one_account_streams_only_that_one(tmp_path, peer, args):
    db, config, store = set_up(tmp_path, peer)
    Credentials(config).set("grace", "grace_token")
    store.accounts.add("grace", "mastodon", peer.base_url, handle=f"grace@{peer.base_url.split('//')[1]}",
                       remote_account_id=peer.me("grace_token")["id"])
    try:
        proc, err = start_sync(db, config, tmp_path, *args)
        assert wait_until(lambda: LIVE in said(err), 20), said(err)
        time.sleep(0.3)
        code, took, text = stop(proc, err)
        assert code == 0, text
        assert "grace" not in text, text  # neither passed nor streamed
    finally:
        store.close()
