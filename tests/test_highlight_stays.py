"""After an action the highlight stays on the row acted on, or on its nearest neighbour once
that row left the list: the moderation queue, the rules, the guidelines, the goals, the
members list and a member's history (all through key_lists.nearest)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import OptionList

from cmtui.config import Settings
from cmtui.moderation.toml_io import seed_rules
from cmtui.tui.messages import DataChanged
from cmtui.tui.screens.guidelines import GuidelinesScreen
from cmtui.tui.screens.members import MembersScreen, MemberScreen
from cmtui.tui.screens.rules_editor import RulesEditorScreen
from cmtui.tui.widgets.key_lists import nearest
from factory import NOW
from tui_helpers import RecordingApp

SIZE = (120, 40)


def make_app(store):
    return RecordingApp(store, Settings(timezone="UTC", user="ana"), clock=lambda: NOW)


async def open_page(app, pilot, page=None):
    await pilot.press("3")
    await pilot.pause()
    if page is not None:
        app.push_screen(page)
        await pilot.pause()
    return app.screen


def test_nearest_prefers_the_row_then_the_next_then_the_one_before():
    assert nearest("abcd", "abcd", "c") == 2
    assert nearest("abcd", "xabd", "c") == 3  # gone: the next one (d), wherever it is now
    assert nearest("abcd", "ab", "c") == 1  # gone and nothing after it: the one before
    assert nearest("abcd", "xy", "c") == 0 and nearest("abcd", "", "c") is None and nearest("", "ab", None) == 0


async def test_moderation_queue_keeps_the_row_when_rows_before_it_leave(store):
    store.moderation.add_flag(4, "insult", "Vulgarity")  # the queue: 15, 8, 3, 4
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_page(app, pilot)
        table = screen.query_one("#queue")
        await pilot.press("space", "j")  # select the first row (15); the highlight on the third (item 3)
        assert screen._current()["item_id"] == 3
        await pilot.press("h", "enter")  # hide the selected row, this item only
        await pilot.pause()
        assert [r["item_id"] for r in screen._rows.values()] == [8, 3, 4]
        assert screen._current()["item_id"] == 3 and table.cursor_row == 1
        await pilot.press("a")  # approve the highlighted (2nd) row: it leaves, its neighbour after it
        await pilot.pause()
        assert screen._current()["item_id"] == 4


async def test_rules_delete_the_second_lands_on_the_next_and_a_reread_keeps_it(store):
    seed_rules(store)
    names = [r["name"] for r in store.rules.list()]
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_page(app, pilot, RulesEditorScreen())
        screen.query_one("#rules").move_cursor(row=1)
        await pilot.press("d", "y")
        await pilot.pause()
        assert screen.current()["name"] == names[2]
        store.rules.delete(names[0])  # another process removes a rule above it; then a re-read
        screen.load()
        await pilot.pause()
        assert screen.current()["name"] == names[2]


async def test_guidelines_delete_lands_on_the_next_and_a_reread_keeps_it(store):
    for title in ("Be kind", "No spam", "Stay on topic", "English or Spanish"):
        store.members.add_guideline(title, "")
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_page(app, pilot, GuidelinesScreen())
        options = screen.query_one("#guidelines", OptionList)
        options.highlighted = 1
        await pilot.press("d", "y")
        await pilot.pause()
        assert screen.current()["title"] == "Stay on topic"
        store.members.remove_guideline(1)  # another process deletes the first one
        screen.load()
        await pilot.pause()
        assert screen.current()["title"] == "Stay on topic"


async def test_members_list_and_history_keep_the_highlight_after_a_reread(store):
    from test_moderation_tui import add_people

    add_people(store)
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_page(app, pilot, MembersScreen())
        table = screen.query_one("#active")
        table.move_cursor(row=2)
        chosen = table.current_key()
        screen.post_message(DataChanged(app.store_version))
        await pilot.pause()
        assert table.current_key() == chosen and table.cursor_row == 2
        await pilot.press("enter")
        await pilot.pause()
        page = app.screen
        assert isinstance(page, MemberScreen)
        history = page.query_one("#member-history")
        history.move_cursor(row=2)
        row = history.current_key()
        await pilot.press("w")  # on the watch list: the history is re-read
        await pilot.pause()
        assert history.current_key() == row


async def test_goals_list_opens_on_the_goal_acted_on(store):
    for name in ("Answer faster", "More posts"):
        store.metrics.add_goal(name, "posts_per_week", 3, "up", (NOW - timedelta(days=1)).date().isoformat(),
                               (NOW + timedelta(days=30)).date().isoformat())
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.highlighted == 0
        await pilot.press("down", "down", "enter")  # the third goal
        await pilot.pause()
        await pilot.press("escape")  # the editor: leave it unchanged
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one(OptionList).highlighted == 2
