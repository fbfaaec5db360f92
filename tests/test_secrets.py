"""Tokens live in the credentials file (mode 0600) and nowhere else.

An account is added with a token minted by mastodon_mock (random, so any copy of it is
ours), then sync passes fail every way the peer can make them fail; every output, log,
screenshot and the database files are searched for the token and its first 8 characters.
"""

from __future__ import annotations

import asyncio
import logging
import os
import stat

from cli_helpers import run
from cmtui.config import Credentials, Settings
from cmtui.store import InboxFilter, Store
from cmtui.sync.connectors.mastodon import MastodonConnector
from cmtui.sync.engine import SyncEngine
from tui_helpers import RecordingApp, wait_for

VERIFY = "/api/v1/accounts/verify_credentials"
NOTIFICATIONS = "/api/v1/notifications"


class Broken(MastodonConnector):
    """A bug inside a pass: the engine's traceback path (log.exception)."""

    async def own_posts(self, account_remote_id, since):
        raise RuntimeError("a bug in the middle of a pass")


def test_the_token_appears_nowhere_but_the_credentials_file(tmp_path, peer, capsys, caplog, monkeypatch):
    token = peer.http.post("/api/v1/_mock/login", json={"username": "ada"}).json()["access_token"]
    assert len(token) >= 16
    caplog.set_level(logging.DEBUG)
    db = str(tmp_path / "secret.db")
    seen: list[str] = []  # every text a user or a log could see

    def cli(*argv):
        code, out, err = run(capsys, *argv, "--db", db)
        seen.extend([out, err])
        return code, out

    monkeypatch.setenv("CMTUI_TEST_TOKEN", token)
    assert cli("account", "add", "mastodon", "ada", "--instance", peer.base_url, "--token-env", "CMTUI_TEST_TOKEN")[0] == 0
    credentials = Credentials()
    assert credentials.get("ada") == token
    assert stat.S_IMODE(os.stat(credentials.path).st_mode) == 0o600
    peer.post("grace_token", "@ada is the export broken?")
    assert cli("sync", "--once")[0] == 0
    store = Store.open(db)
    item_id = store.inbox.page(InboxFilter(), 0, 1)[0]["id"]
    store.close()
    cli("inbox", "reply", str(item_id), "thanks, looking")  # an outbox operation that will fail
    for effect, path in (({"type": "status", "status": 401}, VERIFY), ({"type": "status", "status": 500}, VERIFY),
                         ({"type": "malformed"}, NOTIFICATIONS),
                         ({"type": "status", "status": 422}, "/api/v1/statuses")):
        peer.fault(effect, path=path, count=1)
        cli("sync", "--once")
    # A time-out and a bug, through the engine (the CLI waits 30 s for an answer).
    store = Store.open(db)
    settings = Settings(timezone="UTC")
    # `cmtui sync` keeps cmtui's log to its own stderr handler (seen above); here caplog reads it.
    monkeypatch.setattr(logging.getLogger("cmtui"), "propagate", True)
    caplog.set_level(logging.DEBUG, logger="cmtui")
    peer.fault({"type": "latency", "delay_ms": 1500}, path=VERIFY, count=1)
    [slow] = asyncio.run(SyncEngine(store, settings, credentials, timeout=0.5).run_once())
    [bug] = asyncio.run(SyncEngine(store, settings, credentials, timeout=5.0, connector_factory=lambda p, i, t, **kw:
                                   Broken(i, t, **kw)).run_once())
    seen += [str(slow), str(bug)]
    assert slow.state == "offline" and "RuntimeError" in bug.error
    assert any(r.exc_info for r in caplog.records)  # the traceback was logged
    # The screen: the status line and the accounts it names.
    seen.append(asyncio.run(_screenshot(store, settings)))
    files = _files(tmp_path, credentials)  # with the store open: the WAL is there
    store.close()
    assert "ada" in cli("account", "list", "--json")[1]
    assert "thanks, looking" in cli("outbox", "list", "--json")[1]
    assert cli("inbox", "reply", "999999", "x")[0] != 0  # an error on stderr
    seen.append(caplog.text)
    seen += [logging.Formatter().formatException(r.exc_info) for r in caplog.records if r.exc_info]
    for text in seen:
        assert token not in text and token[:8] not in text
    files.update(_files(tmp_path, credentials))
    assert {"secret.db", "secret.db-wal"} <= {p.name for p in files}
    for path, data in files.items():
        assert token.encode() not in data and token[:8].encode() not in data, path


async def _screenshot(store, settings) -> str:
    app = RecordingApp(store, settings)
    async with app.run_test(size=(160, 40)) as pilot:
        assert await wait_for(pilot, lambda: "ada" in str(app.screen.query_one("#status-line").render()))
        return app.export_screenshot()


def _files(root, credentials) -> dict:
    """Every file cmtui wrote (database, WAL, logs, settings) but the credentials file, read now."""
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file() and p != credentials.path}
