"""Accounts without a connection (the demo's, accounts planned before their credentials):
sync says so calmly and leaves them idle, their operations wait, doctor is content."""

from __future__ import annotations

import asyncio
import json

import pytest

from cli_helpers import run
from cmtui.compose import queue_reply
from cmtui.config import Credentials, Settings
from cmtui.store import InboxFilter, Store
from cmtui.sync.engine import SyncEngine


@pytest.fixture
def offline_db(tmp_path):
    """One offline account with a reply waiting in the outbox; no credentials file."""
    store = Store.open(tmp_path / "offline.db")
    account = store.accounts.add("tidewater", "mastodon", "https://social.tidewater.example",
                                 handle="tidewater@social.tidewater.example", offline=True)
    item = store.inbox.insert(account.id, kind="mention", remote_id="1", url="https://x.example/1",
                              author="ana@fedi.example", author_name="Ana", text="hello?", language="en",
                              created_at="2026-11-20T10:00:00Z", state="new")
    queue_reply(store, item, "Hello Ana, welcome!")
    store.close()
    return str(tmp_path / "offline.db")


def test_sync_once_says_offline_in_one_calm_line_and_sends_nothing(capsys, offline_db):
    code, out, err = run(capsys, "sync", "--once", "--db", offline_db)
    assert code == 0 and err == ""
    assert out.strip().splitlines() == [
        "tidewater: offline account (no connection), nothing sent; 1 operation waiting"]
    store = Store.open(offline_db)
    [op] = store.outbox.list()
    account = store.accounts.get("tidewater")
    store.close()
    assert (op["state"], op["attempts"], op["last_error"]) == ("pending", 0, None)
    assert (account.sync_state, account.last_error) == ("idle", None)


def test_the_engine_never_builds_a_connector_for_an_offline_account(offline_db, tmp_path):
    def no_connector(*args, **kwargs):
        raise AssertionError("an offline account must not be connected")

    store = Store.open(offline_db)
    engine = SyncEngine(store, Settings(), Credentials(tmp_path / "none"), connector_factory=no_connector)
    [result] = asyncio.run(engine.run_once())
    [item] = store.inbox.page(InboxFilter(states=("open",)), 0, 1)
    assert asyncio.run(engine.fetch_thread(item["id"])) == item["thread_id"]  # the stored one, no request
    store.close()
    assert result.ok and result.offline and result.waiting == 1


def test_doctor_reports_an_offline_account_as_ok(capsys, offline_db):
    code, out, _ = run(capsys, "doctor", "--json", "--db", offline_db)
    checks = {c["check"]: c for c in json.loads(out)}
    assert code == 0
    assert checks["account tidewater"]["status"] == "ok"
    assert "offline account" in checks["account tidewater"]["detail"]
    assert not checks["account tidewater"]["action"]  # nothing to add again
    assert checks["outbox"]["status"] == "ok" and "1 for offline accounts" in checks["outbox"]["detail"]


def test_outbox_list_shows_what_would_be_sent(capsys, offline_db):
    run(capsys, "sync", "--once", "--db", offline_db)
    code, out, _ = run(capsys, "outbox", "list", "--db", offline_db)
    assert code == 0
    assert "WHAT" in out and "@ana@fedi.example Hello Ana, welcome!" in out and "pending" in out
    assert json.loads(run(capsys, "account", "list", "--json", "--db", offline_db)[1])[0]["offline"] is True


async def test_the_tui_shows_offline_accounts_calmly_and_ctrl_r_says_why(offline_db, tmp_path):
    from tui_helpers import RecordingApp, wait_for
    from cmtui.tui.widgets.status_line import StatusLine

    store = Store.open(offline_db)
    settings = Settings(timezone="UTC", sync_interval_seconds=3600)
    engine = SyncEngine(store, settings, Credentials(tmp_path / "none"))
    app = RecordingApp(store, settings, engine=engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+r")
        assert await wait_for(pilot, lambda: any("offline account" in n["message"] for n in app.notes))
        status = str(app.screen.query_one(StatusLine).render())
        assert "tidewater no connection" in status and "error" not in status
        assert not any(n.get("severity") in ("error", "warning") for n in app.notes)
    store.close()
    assert [op["state"] for op in Store.open(offline_db).outbox.list()] == ["pending"]


def test_run_tui_builds_an_engine_for_offline_accounts_without_credentials(offline_db, monkeypatch):
    """No token and no credentials file: the demo's ctrl+r still has an engine to ask."""
    import cmtui.tui.app as app_module
    from cmtui.cli import run_tui

    seen = {}

    class Fake:
        def __init__(self, store, settings, engine=None):
            seen["engine"] = engine

        def run(self):
            pass

    monkeypatch.setattr(app_module, "CmtuiApp", Fake)
    store = Store.open(offline_db)
    assert run_tui(store, Settings()) == 0
    store.close()
    assert isinstance(seen["engine"], SyncEngine)
