"""Pilot tests of the app shell: modes, help, palette, keymap, inbox paging."""

from __future__ import annotations

import pytest

from cmtui.config import Settings
from cmtui.tui.app import CmtuiApp
from cmtui.tui.widgets.inbox_list import PAGE_SIZE, InboxList
from factory import NOW, build_store


def make_app(store, **settings):
    return CmtuiApp(store, Settings(timezone="UTC", **settings), clock=lambda: NOW)


async def test_modes_switch_on_keys_1_to_4(store):
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.current_mode == "inbox"
        for key, mode, widget in (("1", "calendar", "#agenda"), ("3", "moderation", "#queue"),
                                  ("4", "metrics", "#metrics"), ("2", "inbox", "#inbox-list")):
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode
            assert app.screen.query_one(widget) is not None
            assert app.screen.query_one("#status-line") is not None


async def test_each_mode_shows_data_from_the_store(store):
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")
        await pilot.pause()
        month = app.screen.query_one("#month")
        assert sum(len(items) for items in month.days.values()) == 10  # the factory's dated entries
        await pilot.press("v", "v")  # the agenda
        await pilot.pause()
        assert app.screen.query_one("#agenda").option_count > 10
        await pilot.press("3")
        await pilot.pause()
        assert app.screen.query_one("#queue").row_count == 3
        await pilot.press("4")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "4,150 followers" in text and "Grow followers 10%" in text


async def test_help_lists_bindings_and_closes(store):
    from cmtui.tui.dialogs.help import HelpScreen

    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        descriptions = [row[1] for row in app.screen.rows]
        ids = [row[2] for row in app.screen.rows]
        assert "Calendar" in descriptions and "inbox.down" in ids and "app.quit" in ids
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_switches_mode(store):
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"moderation")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "moderation"


async def test_command_palette_runs_a_screen_action_from_another_mode(store):
    from cmtui.tui.commands import screen_actions

    assert ("Snooze", "snooze", "s") in list(screen_actions("inbox"))
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("1")  # in the calendar
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"inbox: filter")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.current_mode == "inbox"
        assert type(app.screen).__name__ == "FilterDialog"


async def test_keymap_from_settings_remaps_a_binding(store):
    app = make_app(store, keymap={"app.metrics": "9"})
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert app.current_mode == "inbox"
        await pilot.press("9")
        await pilot.pause()
        assert app.current_mode == "metrics"


async def test_q_quits(store):
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0 and not app.is_running


async def test_inbox_cursor_moves_and_preview_follows(store):
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert inbox.total == 150 and inbox.cursor == 0
        await pilot.press("j", "j", "down", "k")
        await pilot.pause()
        assert inbox.cursor == 2
        row = inbox.current_row
        preview = str(app.screen.query_one("#inbox-preview").render())
        assert row["text"] in preview and row["author"] in preview
        await pilot.press("k", "k", "k")
        assert inbox.cursor == 0


async def test_inbox_reads_only_the_visible_window(tmp_path):
    store = build_store(tmp_path / "big.db", items=3000)  # 1800 new/open items
    calls = []
    page = store.inbox.page
    store.inbox.page = lambda f, offset, limit: calls.append((offset, limit)) or page(f, offset, limit)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        inbox = app.screen.query_one(InboxList)
        assert inbox.total == 1800
        await pilot.pause()
        assert calls and all(limit <= PAGE_SIZE for _, limit in calls)
        assert sum(limit for _, limit in calls) <= 2 * PAGE_SIZE  # never the whole table
        for _ in range(120):  # cross a page boundary going down
            await pilot.press("j")
        assert inbox.cursor == 120 and inbox.current_row is not None
        await pilot.press("G")  # the last row: read from the other end, with a small offset
        await pilot.pause()
        assert inbox.cursor == 1799
        assert inbox.current_row["id"] == page(inbox.filter.with_(sort="oldest"), 0, 1)[0]["id"]
        assert max(offset for offset, _ in calls) < 1800 // 2 + PAGE_SIZE
        rendered = app.screen.query_one(InboxList).render_line(inbox.size.height - 1)
        assert rendered.cell_length == inbox.size.width
    store.close()


async def test_first_run_welcomes_and_says_how_to_go_on(tmp_path):
    from cmtui.store import Store

    store = Store.open(tmp_path / "empty.db")
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        from cmtui.tui.dialogs.welcome import WelcomeDialog

        assert isinstance(app.screen, WelcomeDialog)
        shown = " ".join(str(part.render()) for part in app.screen.query("#welcome-text Static"))
        assert "cmtui demo" in shown and "cmtui account add mastodon|matrix|bluesky NAME" in shown
        assert str(tmp_path / "empty.db") in shown
        await pilot.press("escape")
        preview = str(app.screen.query_one("#inbox-preview").render())
        assert "No accounts yet" in preview and "cmtui account add" in preview
        await pilot.press("j", "G", "k")  # nothing to move over: no error
        for key in "1342":
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("4")
        await pilot.pause()
        text = " ".join(str(s.render()) for s in app.screen.query("Static"))
        assert "No goals yet" in text
    store.close()


async def test_first_run_opens_the_calendar_on_1(tmp_path):
    from cmtui.store import Store

    store = Store.open(tmp_path / "empty.db")
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert app.current_mode == "calendar"
    store.close()


async def test_an_account_with_nothing_to_answer_shows_inbox_zero_and_no_welcome(tmp_path):
    from cmtui.store import Store
    from cmtui.tui.dialogs.welcome import WelcomeDialog

    store = Store.open(tmp_path / "quiet.db")
    store.accounts.add("main", "mastodon", "https://example.social", offline=True)
    app = make_app(store)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert not isinstance(app.screen, WelcomeDialog)
        assert "Inbox zero" in str(app.screen.query_one("#inbox-preview").render())
    store.close()


@pytest.mark.parametrize("hostile", [
    "[bold red]not markup[/] [@click=app.quit]click[/]",
    "\x1b]0;pwned title\x07escape \x1b[31mred",
])
async def test_remote_text_is_shown_literally(tmp_path, hostile):
    from cmtui.store import Store
    from cmtui.text import sanitize

    store = Store.open(tmp_path / "h.db")
    account = store.accounts.add("main", "mastodon", "https://fedi.example")
    store.inbox.insert(account.id, kind="mention", remote_id="1", author="x@fedi.example",
                       author_name="[b]Mallory[/b]", text=sanitize(hostile), created_at="2026-11-20T11:00:00Z")
    app = make_app(store)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        preview = str(app.screen.query_one("#inbox-preview").render())
        assert sanitize(hostile) in preview and "[b]Mallory[/b]" in preview
        line = app.screen.query_one(InboxList).render_line(0).text
        assert "[b]Mallory[/b]" in line and "\x1b" not in line
        assert app.is_running  # the [@click=app.quit] text did not act
    store.close()


async def test_key_bar_shows_the_bindings_and_a_click_presses_the_key(store):
    from cmtui.tui.widgets.key_bar import KeyBar

    app = make_app(store)
    # (wide enough for every key: at 120 columns the inbox's f/b push out the last mode key,
    # ^r and the palette hint, which the fitting drops first)
    async with app.run_test(size=(150, 40)) as pilot:
        bar = app.screen.query_one(KeyBar)
        text = bar.render().plain
        for label in ("Calendar", "Inbox", "Moderation", "Metrics", "Help", "Quit", "palette", "Favourite"):
            assert label in text
        start = text.index("Metrics")
        await pilot.click(KeyBar, offset=(start, 0))
        await pilot.pause()
        assert app.current_mode == "metrics"
