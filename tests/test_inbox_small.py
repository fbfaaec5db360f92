"""The inbox at 80x24: the list keeps at least 10 rows, and with the composer open the
text being answered stays in sight (Pilot; tests/test_snapshots.py shows the looks)."""

from __future__ import annotations

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets.inbox_list import InboxList
from cmtui.tui.widgets.thread_pane import ThreadPosts
from factory import NOW


def visible(widget) -> int:
    """Lines of the widget actually on the screen."""
    return widget.region.intersection(widget.screen.region).height


async def test_at_80x24_the_list_keeps_ten_rows_and_the_composer_shows_the_text_answered(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        inbox = app.screen.query_one(InboxList)
        assert inbox.content_region.height >= 10
        await pilot.press("slash")  # the search line takes one
        await pilot.pause()
        assert inbox.content_region.height >= 10
        await pilot.press("escape", "j", "r")
        await pilot.pause()
        posts = app.screen.query_one(ThreadPosts)
        # The item's author line and at least its first two lines of text.
        assert visible(posts) >= 3 and posts.scroll_y == 0
        assert visible(app.screen.query_one("#composer-text")) >= 3
        assert inbox.content_region.height >= 3  # still some of the list above
        await pilot.press("escape", "escape")  # keep the draft, back to the list
        await pilot.pause()
        assert inbox.content_region.height >= 10


async def test_at_120x40_nothing_is_squeezed(store):
    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#inbox-preview").size.height == 12
        await pilot.press("r")
        await pilot.pause()
        assert app.screen.query_one("#composer-text").size.height == 6


async def test_on_a_narrow_terminal_the_filters_words_give_way_to_the_position(store):
    from textual.widgets import Static

    app = CmtuiApp(store, Settings(timezone="UTC"), clock=lambda: NOW)
    async with app.run_test(size=(76, 24)) as pilot:
        await pilot.pause()
        bar = app.screen.query_one("#inbox-counts", Static)
        total = app.screen.query_one(InboxList).total
        shown = str(bar.render())
        assert shown.rstrip().endswith(f"1 of {total:,}") and "…" in shown
        await pilot.resize_terminal(140, 40)
        await pilot.pause()
        await pilot.pause()
        assert "…" not in str(bar.render())  # wide again: the words come back
