"""What another process writes (here `cmtui inbox reply` and `cmtui inbox done`, run as
real subprocesses) shows in an open TUI within about two seconds: on the screen shown, and
on the others as soon as they are shown again, with the highlight kept on its item."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from cmtui.config import Settings
from cmtui.store import Store
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets.inbox_list import InboxList
from factory import NOW
from tui_helpers import wait_for


def cli(db: str, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "cmtui", *args, "--db", db], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def shown(widget) -> str:
    return str(widget.render())


async def within_two_seconds(pilot, condition) -> bool:
    start = time.monotonic()
    while time.monotonic() - start < 2.0:
        if condition():
            return True
        await pilot.pause(0.1)
    return condition()


@pytest.fixture
def app(db):
    """The TUI on the test community's file, which the subprocesses open too."""
    store = Store.open(db)
    yield CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    store.close()


async def test_a_reply_queued_by_the_cli_shows_on_the_inbox_in_two_seconds(app, db):
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        inbox = screen.query_one(InboxList)
        await pilot.press("j")  # the second row, item 2 ("new")
        await pilot.pause()
        assert inbox.current_row["id"] == 2 and inbox.current_row["state"] == "new"
        bar = screen.query_one("#inbox-counts")
        assert "new 120" in shown(bar) and "outbox 0 pending" in shown(screen.query_one("#status-line"))
        cli(db, "inbox", "reply", "2", "thanks, fixed in 4.3")
        assert await within_two_seconds(pilot, lambda: inbox.current_row["state"] == "open")
        assert inbox.current_row["id"] == 2
        assert "new 119" in shown(bar) and "open 31" in shown(bar)
        assert "reply pending" in shown(screen.query_one("#inbox-preview"))
        assert "outbox 1 pending" in shown(screen.query_one("#status-line"))


async def test_screens_not_shown_catch_up_when_shown_again(app, db):
    async with app.run_test(size=(120, 40)) as pilot:
        inbox_screen = app.screen
        inbox = inbox_screen.query_one(InboxList)
        await pilot.press("j", "j")  # the third row, item 3
        await pilot.press("1")  # to the calendar
        assert await wait_for(pilot, lambda: app.current_mode == "calendar")
        calendar = app.screen
        cli(db, "inbox", "reply", "3", "thanks")
        cli(db, "inbox", "done", "1")  # a row above the highlight leaves the list
        # The calendar, shown, follows at once (its status line counts the outbox).
        assert await within_two_seconds(
            pilot, lambda: "outbox 1 pending" in shown(calendar.query_one("#status-line")))
        await pilot.press("2")  # back to the inbox: it catches up when shown
        assert await wait_for(pilot, lambda: app.screen is inbox_screen)
        await pilot.pause()
        assert inbox.current_row["id"] == 3 and inbox.current_row["state"] == "open"
        assert inbox.row_at(0)["id"] == 2  # item 1 is done: gone from the list
        bar = shown(inbox_screen.query_one("#inbox-counts"))
        assert "new 119" in bar and "open 30" in bar and "done 101" in bar  # (item 1 was open)
        assert "outbox 1 pending" in shown(inbox_screen.query_one("#status-line"))
        # A dialog on top when another process writes: the screen under it catches up
        # when the dialog closes.
        await pilot.press("s")
        await pilot.pause()
        cli(db, "inbox", "done", "2")
        await pilot.pause(1.5)
        await pilot.press("escape")
        await pilot.pause()
        assert 2 not in [inbox.row_at(i)["id"] for i in range(3)]
        assert inbox.current_row["id"] == 3
