"""Pilot tests of the Moderation mode: the queue, the detail with the matched words, and
the decisions (approve, hide, and the platform actions that ask first)."""

from __future__ import annotations

from cmtui.config import Settings
from factory import NOW
from tui_helpers import RecordingApp

SIZE = (120, 40)


async def open_queue(app, pilot):
    await pilot.press("3")
    await pilot.pause()
    return app.screen


def log_actions(store) -> list[str]:
    return [r["action"] for r in store.moderation.log()]


async def test_the_queue_shows_the_flag_the_author_and_the_matched_words(store):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        table = screen.query_one("#queue")
        assert table.row_count == 3
        row = screen._current()
        detail = screen.detail(row)
        assert f"flagged by {row['rule']}" in detail.plain and row["text"] in detail.plain
        spam = next(r for r in screen._rows.values() if r["rule"] == "Spam links")
        shown = screen.detail(spam)
        assert "matched: crypto" in shown.plain


async def test_approve_sends_the_item_back_and_logs_it(store):
    app = RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        item = screen._current()["item_id"]
        await pilot.press("a")
        await pilot.pause()
        assert screen.query_one("#queue").row_count == 2
        assert store.moderation.open_count() == 2
        assert log_actions(store)[-1] == "approve" and store.moderation.log()[-1]["who"] == "ana"
        assert store.inbox.get(item)["hidden"] == 0


async def test_a_platform_action_asks_first_and_queues_one_operation(store):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")  # changed my mind: nothing happens
        await pilot.pause()
        assert store.outbox.list() == [] and screen.query_one("#queue").row_count == 3
        await pilot.press("m")
        await pilot.pause()
        await pilot.press(*"repeated spam", "enter")
        await pilot.pause()
        [op] = store.outbox.list()
        assert op["kind"] == "mute" and op["state"] == "pending"
        assert log_actions(store)[-1] == "mute"
        assert screen.query_one("#queue").row_count == 2


async def test_hide_twice_is_refused_with_a_message(store):
    app = RecordingApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_queue(app, pilot)
        row = screen._current()
        await pilot.press("h")
        await pilot.pause()
        assert store.inbox.get(row["item_id"])["hidden"] == 1
        screen._decide(row, "hide", "")  # the same decision again, on the stale row
        assert any(n.get("severity") == "error" for n in app.notes)
