"""The Accounts screen (key 5): add an account offline, remove one after a yes, re-authorise
one with a mastodon_mock token or through its sign-in flow; a refused token is an error
notification and changes nothing. Snapshots of the screen on the demo and of the add dialog."""

from __future__ import annotations

import os
import tomllib
import webbrowser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cmtui.config import Settings
from cmtui.demo import build_demo
from cmtui.store import Store
from cmtui.tui.app import CmtuiApp
from factory import NOW, build_store
from tui_helpers import RecordingApp, wait_for


def credentials() -> dict:
    path = Path(os.environ["CMTUI_CONFIG_DIR"]) / "credentials.toml"
    return tomllib.loads(path.read_text()).get("accounts", {}) if path.exists() else {}


@pytest.fixture(autouse=True)
def no_browser(monkeypatch):
    """The sign-in flow opens a browser when there is one: never in a test."""
    def none(*args, **kwargs):
        raise webbrowser.Error("no browser in tests")

    monkeypatch.setattr(webbrowser, "get", none)


@pytest.fixture
def store(tmp_path):
    s = build_store(tmp_path / "accounts.db")
    yield s
    s.close()


def app_for(store) -> RecordingApp:
    return RecordingApp(store, Settings(timezone="UTC", sync_interval_seconds=3600), clock=lambda: NOW)


def table_names(app) -> list[str]:
    return app.screen.query_one("#accounts-table").row_keys()


async def select(pilot, name: str) -> None:
    table = pilot.app.screen.query_one("#accounts-table")
    table.move_cursor(row=table.row_keys().index(name))
    await pilot.pause()


async def test_key_5_opens_accounts_with_each_account_and_its_state(store):
    app = app_for(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        assert type(app.screen).__name__ == "AccountsScreen"
        assert table_names(app) == ["tidewater", "tidewater_es"]
        with store.transaction():
            store.conn.execute("UPDATE accounts SET sync_state = 'error', last_error = ? WHERE name = 'tidewater'",
                               ("401 \x1b[31mrefused\nthe token",))
        store.accounts.set_limit(store.accounts.get("tidewater").id, "paused_until", "2026-11-20T12:30:00Z")
        app.post_message(app.SyncChanged())
        await pilot.pause()
        table = app.screen.query_one("#accounts-table")
        row = [str(c) for c in table.get_row("tidewater")]
        assert row[3] == "error" and row[5] == "today 12:30" and row[7] == "401 refused the token"
        await pilot.press("enter")
        details = str(app.screen.query_one("#account-details").render())
        assert "tidewater" in details and "Last error: 401 refused the token" in details  # one plain line


async def test_add_offline_from_the_dialog(store):
    app = app_for(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5", "a")
        await pilot.pause()
        await pilot.press(*"launch")
        await pilot.click("#how-offline")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: "launch" in table_names(app))
        assert any("launch added offline" in n["message"] for n in app.notes)
    account = store.accounts.get("launch")
    assert account.offline and account.server == "" and credentials() == {}


async def test_add_offline_refuses_a_taken_name_with_a_notification(store):
    app = app_for(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5", "a")
        await pilot.pause()
        await pilot.press(*"tidewater")
        await pilot.click("#how-offline")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: any(n.get("severity") == "error" for n in app.notes))
        assert "already exists" in app.notes[-1]["message"]
        # The dialog stays with what was typed, to mend the name rather than type it all again.
        assert type(app.screen).__name__ == "AccountDialog"
        assert app.screen.query_one("#account-name").value == "tidewater"
    assert [a.name for a in store.accounts.list()] == ["tidewater", "tidewater_es"]


async def test_remove_asks_first_saying_what_goes(store):
    items = store.inbox.count_for_account(store.accounts.get("tidewater_es").id)
    app = app_for(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await select(pilot, "tidewater_es")
        await pilot.press("D")
        await pilot.pause()
        question = str(app.screen.query_one("Static").render())
        assert question.startswith("Remove tidewater_es: ") and f"its {items:,} inbox item(s)" in question
        await pilot.press("n")
        await pilot.pause()
        assert store.accounts.get("tidewater_es") is not None
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        assert await wait_for(pilot, lambda: table_names(app) == ["tidewater"])
    assert store.accounts.get("tidewater_es") is None


@pytest.fixture
def planned(tmp_path, peer):
    """An account planned offline on the peer's server, with a draft for it."""
    store = build_store(tmp_path / "planned.db")
    account = store.accounts.add("launch", "mastodon", peer.base_url, offline=True)
    with store.transaction():
        store.conn.execute("INSERT INTO calendar_entries (account_id, text, status, created_at, updated_at)"
                           " VALUES (?, 'Planned', 'draft', '2026-11-20T10:00:00Z', '2026-11-20T10:00:00Z')",
                           (account.id,))
    yield store
    store.close()


async def reauthorise(pilot, token: str) -> None:
    await pilot.press("5")
    await select(pilot, "launch")
    await pilot.press("r")
    await pilot.pause()
    await pilot.press(*token)
    await pilot.press("ctrl+s")


async def test_reauthorise_with_a_token_connects_the_planned_account(planned, peer):
    app = app_for(planned)
    async with app.run_test(size=(140, 40)) as pilot:
        await reauthorise(pilot, "ada_token")
        assert await wait_for(pilot, lambda: any("connected launch" in n["message"] for n in app.notes), 200)
        assert await wait_for(pilot, lambda: app.screen.query_one("#accounts-table").get_row("launch")[3].plain
                              != "not connected")
    account = planned.accounts.get("launch")
    assert not account.offline and account.handle.startswith("ada@") and planned.accounts.remote_account_id(account.id)
    assert credentials()["launch"]["token"] == "ada_token"
    assert planned.conn.execute("SELECT count(*) FROM calendar_entries WHERE account_id = ?",
                                (account.id,)).fetchone()[0] == 1
    assert "ada_token" not in Path(planned.path).read_bytes().decode("utf-8", "replace")


async def test_a_refused_token_is_an_error_and_changes_nothing(planned, peer):
    before = planned.accounts.get("launch")
    app = app_for(planned)
    async with app.run_test(size=(140, 40)) as pilot:
        await reauthorise(pilot, "not-a-real-token")
        assert await wait_for(pilot, lambda: any(n.get("severity") == "error" for n in app.notes), 200)
        [error] = [n for n in app.notes if n.get("severity") == "error"]
        assert "the token was refused" in error["message"] and "not-a-real-token" not in error["message"]
    assert planned.accounts.get("launch") == before and credentials() == {}
    assert app.engine is None


async def test_reauthorise_through_the_sign_in_flow_takes_the_pasted_code(planned, peer):
    app = app_for(planned)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await select(pilot, "launch")
        await pilot.press("r")
        await pilot.pause()
        await pilot.click("#how-authorize")
        await pilot.press("ctrl+s")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "AuthorizeDialog", 200)
        url = str(app.screen.query_one("#authorize-url").render())
        assert url.startswith(peer.base_url) and "/oauth/authorize?" in url
        assert any("No browser found" in n["message"] for n in app.notes)
        await pilot.press(*"mockcode_ada", "enter")
        assert await wait_for(pilot, lambda: any("connected launch" in n["message"] for n in app.notes), 200)
    assert not planned.accounts.get("launch").offline and credentials()["launch"]["token"]


async def test_the_palette_opens_accounts(store):
    app = app_for(store)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Go to Accounts")
        await pilot.pause(0.3)
        await pilot.press("enter")
        assert await wait_for(pilot, lambda: type(app.screen).__name__ == "AccountsScreen")


# -- snapshots --------------------------------------------------------------------------------
def test_accounts_screen_on_the_demo(snap_compare, tmp_path):
    path = tmp_path / "demo.db"
    build_demo(path, ZoneInfo("UTC"), now=NOW)
    store = Store.open(path)
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["5"], terminal_size=(120, 34))
    store.close()


def test_add_account_dialog(snap_compare, tmp_path):
    store = build_store(tmp_path / "snap.db")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    assert snap_compare(app, press=["5", "a", *"launch"], terminal_size=(120, 36))
    store.close()
