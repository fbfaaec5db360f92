"""Triage decisions: done, undo, snooze wake-up — in the store, the CLI and the TUI."""

from __future__ import annotations

import pytest

from cmtui.cli import main
from cmtui.config import Settings
from cmtui.errors import InputError
from cmtui.store import InboxFilter
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets.inbox_list import InboxList
from factory import NOW


def test_done_is_logged_and_undone(store):
    log_id = store.triage.done([1, 2], "ana")
    assert [store.inbox.get(i)["state"] for i in (1, 2)] == ["done", "done"]
    assert store.inbox.get(1)["done_at"] is not None and log_id
    before_counts = store.inbox.state_counts()
    undone = store.triage.undo()
    assert undone == {"action": "done", "items": [1, 2]}
    assert store.inbox.get(1)["state"] == "open" and store.inbox.get(2)["state"] == "new"
    assert store.inbox.get(1)["done_at"] is None
    assert store.inbox.state_counts()["done"] == before_counts["done"] - 2
    assert store.triage.undo() is None  # nothing left: the only decision was undone


def test_undo_reaches_back_twenty_decisions(store):
    for item_id in range(1, 26):
        store.triage.done([item_id], "ana")
    undone = [store.triage.undo() for _ in range(21)]
    assert [u["items"] for u in undone[:20]] == [[i] for i in range(25, 5, -1)]
    assert undone[20] is None
    assert store.inbox.get(5)["state"] == "done" and store.inbox.get(6)["state"] != "done"


def test_a_bad_id_changes_nothing(store):
    with pytest.raises(InputError, match="no inbox item with id 99999"):
        store.triage.done([1, 99999], "ana")
    assert store.inbox.get(1)["state"] != "done"
    assert store.conn.execute("SELECT count(*) FROM triage_log").fetchone()[0] == 0


def test_snoozed_items_wake_as_new(store):
    store.triage.apply([3, 4], "snooze", {"state": "snoozed", "snooze_until": "2026-11-20T13:00:00Z"}, "ana")
    store.triage.apply([5], "snooze", {"state": "snoozed", "snooze_until": "2026-11-21T09:00:00Z"}, "ana")
    assert store.triage.wake_snoozed("2026-11-20T12:59:59Z") == 0
    assert store.triage.wake_snoozed("2026-11-20T13:00:00Z") == 2
    assert [store.inbox.get(i)["state"] for i in (3, 4, 5)] == ["new", "new", "snoozed"]
    assert store.inbox.get(3)["snooze_until"] is None


def test_cli_inbox_done(capsys, store, tmp_path):
    store.close()
    db = str(tmp_path / "community.db")
    assert main(["inbox", "done", "1", "--db", db]) == 0
    assert capsys.readouterr().out.strip() == "item 1 marked done"
    assert main(["inbox", "done", "1", "--db", db]) == 0
    assert "already done" in capsys.readouterr().out
    for bad, message in (("99999", "no inbox item with id 99999"), ("x1", "not an inbox item id")):
        assert main(["inbox", "done", bad, "--db", db]) == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


async def test_e_marks_done_and_u_undoes_in_the_tui(store):
    app = CmtuiApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("j")
        first = inbox.current_row["id"]
        following = inbox.row_at(2)["id"]
        await pilot.press("e")
        await pilot.pause()
        assert store.inbox.get(first)["state"] == "done"
        assert inbox.total == 149 and inbox.cursor == 1 and inbox.current_row["id"] == following
        assert str(following) and following != first
        await pilot.press("u")
        await pilot.pause()
        assert store.inbox.get(first)["state"] != "done" and inbox.total == 150
        assert store.triage.undo() is None  # the TUI's undo used it up
        await pilot.press("u")
        await pilot.pause()
        assert inbox.total == 150


async def test_the_tui_wakes_snoozed_items(store):
    store.triage.apply([7], "snooze", {"state": "snoozed", "snooze_until": "2026-11-20T11:00:00Z"}, "ana")
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert inbox.total == 149
        app.wake_snoozed()
        await pilot.pause()
        assert inbox.total == 150 and store.inbox.get(7)["state"] == "new"
        assert store.inbox.count(InboxFilter(states=("snoozed",))) == 0
