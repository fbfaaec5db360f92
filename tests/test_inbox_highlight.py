"""After any inbox action the highlight stays on the item acted on, or on its nearest
neighbour when the item left the list (Pilot, on the 2nd and 3rd rows)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets.inbox_list import InboxList
from factory import NOW

SIZE = (120, 40)


def make_app(store):
    return CmtuiApp(store, Settings(timezone="UTC", teammates=["ana", "luka"]), clock=lambda: NOW)


async def on_row(app, pilot, index: int) -> tuple[InboxList, int, int]:
    """Move down to row index; return the list, the item there and the one after it."""
    inbox = app.screen.query_one(InboxList)
    for _ in range(index):
        await pilot.press("j")
    await pilot.pause()
    return inbox, inbox.current_row["id"], inbox.row_at(index + 1)["id"]


async def label(pilot, name: str) -> None:
    await pilot.press("l")
    await pilot.pause()
    app = pilot.app
    field = app.screen.query_one("#label-input", Input)
    field.focus()
    field.value = name
    await pilot.press("enter", "ctrl+s")
    await pilot.pause()


async def choose_first(pilot, key: str) -> None:
    """Open a dialog with key and take its first choice."""
    await pilot.press(key)
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("index", [1, 2])
async def test_actions_that_keep_the_item_keep_the_highlight_on_it(store, index):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox, item, _ = await on_row(app, pilot, index)
        await label(pilot, "vip")
        assert "vip" in store.inbox.get(item)["labels"]
        assert inbox.current_row["id"] == item
        await choose_first(pilot, "a")  # the first teammate
        assert store.inbox.get(item)["assignee"] == "ana"
        assert inbox.current_row["id"] == item
        await pilot.press("r", *"ok", "ctrl+s")
        await pilot.pause()
        assert store.outbox.for_item(item)
        assert inbox.current_row["id"] == item
        await pilot.press("O", "j", "j")  # another order, another row
        await pilot.pause()
        item = inbox.current_row["id"]
        await label(pilot, "again")
        assert inbox.current_row["id"] == item


@pytest.mark.parametrize("index", [1, 2])
async def test_actions_that_remove_the_item_land_on_its_neighbour_and_undo_returns(store, index):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox, item, after = await on_row(app, pilot, index)
        await pilot.press("e")
        await pilot.pause()
        assert store.inbox.get(item)["state"] == "done"
        assert inbox.current_row["id"] == after and inbox.cursor == index
        await pilot.press("u")
        await pilot.pause()
        assert inbox.current_row["id"] == item
        await choose_first(pilot, "s")  # the first preset
        assert store.inbox.get(item)["state"] == "snoozed"
        assert inbox.current_row["id"] == after


async def test_the_last_row_acted_on_lands_on_the_row_above(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("G")
        await pilot.pause()
        above = inbox.row_at(inbox.cursor - 1)["id"]
        await pilot.press("e")
        await pilot.pause()
        assert inbox.current_row["id"] == above


async def test_a_bulk_action_on_rows_above_keeps_the_highlight_on_its_item(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("j", "x", "x")  # rows 2 and 3 selected, the highlight on row 4
        await pilot.pause()
        item, picked = inbox.current_row["id"], set(inbox.selected)
        assert inbox.cursor == 3 and len(picked) == 2
        await pilot.press("e")
        await pilot.pause()
        assert {store.inbox.get(i)["state"] for i in picked} == {"done"}
        assert inbox.current_row["id"] == item and inbox.cursor == 1
        await pilot.press("u")  # the highlight goes to what came back
        await pilot.pause()
        assert inbox.current_row["id"] in picked and inbox.cursor == 1


async def test_a_bulk_action_that_removes_the_highlighted_row_lands_on_the_next_one_left(store):
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        inbox = app.screen.query_one(InboxList)
        await pilot.press("x", "x", "x")  # rows 1-3 selected, the highlight on row 4
        await pilot.press("k")  # back onto row 3, itself selected
        await pilot.pause()
        after = inbox.row_at(3)["id"]
        await pilot.press("e")
        await pilot.pause()
        assert inbox.current_row["id"] == after and inbox.cursor == 0
